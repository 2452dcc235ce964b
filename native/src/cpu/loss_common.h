// Plumbing every pair/triplet loss shares: validate the call, compute the distance matrix, let the
// loss fill the loss value and G = dLoss/dS (dense, or sparse: cpu/sparse_grad.h), then run the
// chain rule into the output buffers.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "cpu/distance.h"
#include "cpu/scratch.h"
#include "cpu/sparse_grad.h"
#include "irkit/irkit.h"

namespace irk {

// A dense [n x m] dLoss/dS from the scratch pool, with the std::vector calls the losses use.
class DenseGrad {
 public:
  void assign(size_t count, double v) {
    buf_.reset(count);
    std::fill(buf_.data(), buf_.data() + count, v);
  }
  void clear() { buf_.reset(0); }
  bool empty() const { return buf_.empty(); }
  size_t size() const { return buf_.size(); }
  double* data() { return buf_.data(); }
  const double* data() const { return buf_.data(); }
  double& operator[](size_t i) { return buf_[i]; }
  const double& operator[](size_t i) const { return buf_[i]; }

 private:
  Scratch<double> buf_;
};

struct MatLoss {
  double loss = 0.0;
  DenseGrad G;  // [n x m] dLoss/dS; empty means zero gradient
};

// A loss whose dLoss/dS has few nonzeros; `zero` means zero gradient (G unused).
struct SparseLoss {
  double loss = 0.0;
  bool zero = true;
  SparseGrad G;
};

// Writes a SparseLoss into out: the value, then the chain rule (or zeros).
void write_sparse_loss(const irk_context& ctx, const irk_distance& dist, const Batch& b, const DistMat& D,
                       SparseLoss& r, irk_loss_out* out);

void check_loss_out(const irk_loss_out* out);
// out.grad and (for a separate reference set) out.grad_ref hold no NaN/Inf (core/check.h).
void check_loss_gradients(const Batch& b, const irk_loss_out* out);

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

// Validation of a loss call on the CPU (what run_mat_loss checks before computing).
inline Batch check_cpu_loss_call(const irk_batch* batch, const irk_distance* dist, const irk_tuples* tuples,
                                 const irk_loss_out* out) {
  Batch b = check_batch(batch);
  check_distance(dist);
  check_tuples(tuples, b.n, b.m);
  check_loss_out(out);
  return b;
}

// Validates everything, runs compute(batch, D) -> MatLoss, writes out. `compute` is skipped
// (zero loss) only by the loss itself; this runs the common parts.
template <class F>
void run_mat_loss(const irk_context* ctx_ptr, const irk_batch* batch, const irk_distance* dist,
                  const irk_tuples* tuples, irk_loss_out* out, F&& compute) {
  const irk_context& ctx = check_cpu_context(ctx_ptr);
  Batch b = check_cpu_loss_call(batch, dist, tuples, out);
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
  distance_backward(ctx, *dist, b, D, r.G.data(), out->grad, dy);
  if (b.self && out->grad_ref) std::fill(out->grad_ref, out->grad_ref + b.n * b.d, 0.f);
  check_loss_gradients(b, out);
}

}  // namespace irk
