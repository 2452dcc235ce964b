// The pieces the fused miner + loss twins (fused.cu) share with the separate ones: a miner that
// leaves its tuples on the device, and a loss that runs on a BatchCall already set up (its
// distance matrix or streamed tiles computed once for both).
#pragma once
#include <cstdint>

#include "call_setup.cuh"
#include "core/mined.h"

namespace irk {
namespace cuda {

// Mined tuples on the device, sorted as the CPU miners emit them; counts on the host.
struct DeviceTuples {
  irk_tuple_kind kind = IRK_TUPLES_PAIRS;
  Scratch<int64_t> first, second;  // pairs: pos, neg (2 per pair); triplets: first (3 each)
  int64_t n_first = 0, n_second = 0;

  irk_tuples view() const;
  // Copies them into `out`'s host vectors (waits for the stream).
  void to_host(cudaStream_t s, irk_mined& out) const;
};

// irk_ms_miner on the call's matrix or tiles.
DeviceTuples ms_mine(BatchCall& call, double epsilon);
// irk_ms_loss on the call's matrix or tiles (tuples: device pointers, or NULL).
void ms_loss_on(BatchCall& call, const irk_distance& dist, const irk_tuples* tuples, double alpha, double beta,
                double base, const irk_loss_out& out);
// irk_batch_hard_miner on the call's matrix or tiles.
DeviceTuples batch_hard_mine(BatchCall& call);
// irk_triplet_margin_loss on the call's matrix (not streamed).
void triplet_margin_loss_on(BatchCall& call, const irk_distance& dist, const irk_tuples* tuples, double margin,
                            int swap, int smooth_loss, const irk_loss_out& out);

}  // namespace cuda
}  // namespace irk
