// The end every pair/triplet loss twin shares, as cpu/loss_common.h's run_mat_loss: the loss
// must be finite, is written to out.loss, and the gradients come from dLoss/dS through the
// distance backward pass (or are zero).
#pragma once
#include "core/check.h"
#include "distance.cuh"

namespace irk {
namespace cuda {

// G = dLoss/dS [n x m] on the device (overwritten), or NULL for a zero gradient.
void finish_loss(cudaStream_t s, const irk_distance& dist, const Batch& b, const DevDist& D, double loss, float* G,
                 const irk_loss_out& out);

}  // namespace cuda
}  // namespace irk
