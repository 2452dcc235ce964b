// Plumbing every pair/triplet loss shares: validate the call, compute the distance matrix, let the
// loss fill the loss value and G = dLoss/dS, then run the chain rule into the output buffers.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "cpu/distance.h"
#include "irkit/irkit.h"

namespace irk {

struct MatLoss {
  double loss = 0.0;
  std::vector<double> G;  // [n x m] dLoss/dS; empty means zero gradient
};

void check_loss_out(const irk_loss_out* out);

// run_mat_loss's validation for a CUDA context, less what reads the data (the twin checks the
// device data itself).
inline Batch check_cuda_loss_call(const irk_batch* batch, const irk_distance* dist,
                                  const irk_tuples* tuples, const irk_loss_out* out) {
  Batch b = check_batch(batch, false);
  check_distance(dist);
  check_tuples(tuples, b.n, b.m, false);
  check_loss_out(out);
  return b;
}

// Validates everything, runs compute(batch, D) -> MatLoss, writes out. `compute` is skipped
// (zero loss) only by the loss itself; this runs the common parts.
template <class F>
void run_mat_loss(const irk_context* ctx_ptr, const irk_batch* batch, const irk_distance* dist,
                  const irk_tuples* tuples, irk_loss_out* out, F&& compute) {
  const irk_context& ctx = check_cpu_context(ctx_ptr);
  Batch b = check_batch(batch);
  check_distance(dist);
  check_tuples(tuples, b.n, b.m);
  check_loss_out(out);
  DistMat D = compute_distances(ctx, *dist, b);
  MatLoss r = compute(b, D);
  if (!std::isfinite(r.loss)) fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", r.loss);
  *out->loss = static_cast<float>(r.loss);
  float* dy = b.self ? nullptr : out->grad_ref;
  if (r.G.empty()) {
    if (out->grad) std::fill(out->grad, out->grad + b.n * b.d, 0.f);
    if (dy) std::fill(dy, dy + b.m * b.d, 0.f);
    return;
  }
  distance_backward(ctx, *dist, b, D, r.G, out->grad, dy);
  if (b.self && out->grad_ref) std::fill(out->grad_ref, out->grad_ref + b.n * b.d, 0.f);
}

}  // namespace irk
