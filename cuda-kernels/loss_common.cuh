// The end every pair/triplet loss twin shares, as cpu/loss_common.h's run_mat_loss: the loss
// must be finite, is written to out.loss, and the gradients come from dLoss/dS through the
// distance backward pass (or are zero).
#pragma once
#include <cmath>
#include <functional>

#include "core/check.h"
#include "device_checks.cuh"
#include "distance.cuh"
#include "pairs.cuh"
#include "stream.cuh"

namespace irk {
namespace cuda {

// log sum_j w_j exp(v_j) over one row, for the block that owns it: term(j, &v) returns w_j (0:
// not in the sum). Max first, then the sum (fixed order): -inf for an empty sum. All threads
// must call; every thread gets the result.
template <class Term>
__device__ double block_log_sum_exp(int64_t m, Term&& term, double* sh) {
  double mx = -INFINITY;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    double v = 0.0;
    if (term(j, &v) != 0.0) mx = fmax(mx, v);
  }
  mx = block_reduce(mx, MaxOp(), sh);
  if (mx == -INFINITY) return -INFINITY;
  double sum = 0.0;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    double v = 0.0;
    const double w = term(j, &v);
    if (w != 0.0) sum += w * exp(v - mx);
  }
  sum = block_reduce(sum, SumOp(), sh);
  return mx + log(sum);
}

// G[i, :] *= keep[i] ? scale : 0 (PML's AvgNonZeroReducer once the count is known).
void scale_rows(cudaStream_t s, float* G, int64_t n, int64_t m, const int64_t* keep, double scale);
// G *= scale.
void scale_all(cudaStream_t s, float* G, int64_t count, double scale);

// LossRows as a kernel writes them: the block of row i writes G's row i, then its thread 0 stores
// the row's results.
struct RowResults {
  float* G;  // [n x m]
  double* loss;
  int64_t* counted;
  int64_t* pos;
  int64_t* neg;

  __device__ __forceinline__ void store(int64_t i, double row_loss, int64_t num_pos, int64_t num_neg) const {
    loss[i] = row_loss;
    pos[i] = num_pos;
    neg[i] = num_neg;
  }
  // PML's AvgNonZeroReducer: the row counts when its loss is > 0, decided in float32 as PML does;
  // a row that does not count stores a zero loss.
  __device__ __forceinline__ void store_avg_nonzero(int64_t i, double row_loss, int64_t num_pos,
                                                    int64_t num_neg) const {
    const bool nonzero = static_cast<float>(row_loss) > 0.f;
    loss[i] = nonzero ? row_loss : 0.0;
    counted[i] = nonzero;
    pos[i] = num_pos;
    neg[i] = num_neg;
  }
};

// What a one-block-per-anchor loss kernel writes per row: its row of dLoss/dS, its loss, whether it
// counts for PML's AvgNonZeroReducer (avg_nonzero only) and its positive / negative pair counts.
// Allocated in the order listed.
struct LossRows {
  LossRows(cudaStream_t s, int64_t n, int64_t m, bool avg_nonzero);
  RowResults device() const { return RowResults{G.get(), loss.get(), counted.get(), pos.get(), neg.get()}; }
  int64_t n;
  bool avg_nonzero;
  Scratch<float> G;                    // [n x m]
  Scratch<double> loss;                // [n]
  Scratch<int64_t> counted, pos, neg;  // [n] each; counted with avg_nonzero only
  Scratch<Totals> totals;              // what total() sums into
};

// LossRows summed in a fixed order (one copy back to the host).
struct LossTotals {
  double sum;         // of the row losses
  long long counted;  // rows counted (avg_nonzero), else 0
  int64_t num_pos;    // PML's pair counts for its "all(len(x) <= 1)" checks: mined tuples with
  int64_t num_neg;    // multiplicity (pairs.cuh's tuple_pair_counts), else the rows' sums
};
LossTotals total(cudaStream_t s, const LossRows& r, const irk_tuples* tuples);

// For a loss whose dLoss/dS is final before its totals are known (MS: the scale is 1 / n): the
// backward `backward()` (writing out.grad, out.grad_ref) is queued at once, and one stream sync
// brings back the totals and the gradient check together. zero(t) is PML's rule for a zero loss
// (the gradient is then zeroed); else the loss is t.sum * scale. `deferred`: input checks queued
// earlier in the call (BatchCall), raised first after the sync. Returns the totals.
LossTotals finish_loss_one_sync(cudaStream_t s, const Batch& b, const LossRows& r, const irk_tuples* tuples,
                                double scale, bool (*zero)(const LossTotals&), const std::function<void()>& backward,
                                const irk_loss_out& out, DeviceChecks* deferred = nullptr);

// G = dLoss/dS [n x m] on the device (overwritten), or NULL for a zero gradient.
void finish_loss(cudaStream_t s, const irk_distance& dist, const Batch& b, const DevDist& D, double loss, float* G,
                 const irk_loss_out& out);

// finish_loss's first half: checks the loss is finite and stores it; without a gradient to come
// (has_grad false) zeroes grad and grad_ref. Returns has_grad.
bool store_loss(cudaStream_t s, const Batch& b, double loss, bool has_grad, const irk_loss_out& out);
// out.grad and (separate reference set) out.grad_ref hold no NaN/Inf: one stream sync (device_checks.cuh).
void check_gradients(cudaStream_t s, const Batch& b, const irk_loss_out& out);

// finish_loss for a streamed call (stream.cuh): dLoss/dS comes from `grad` (stream_backward), or
// NULL for a zero gradient.
template <class Grad>
void finish_streamed_loss(cudaStream_t s, const irk_distance& dist, const Batch& b, const StreamDist& T, double loss,
                          const Grad* grad, const irk_loss_out& out) {
  if (!store_loss(s, b, loss, grad != nullptr, out)) return;
  stream_backward(s, dist, T, *grad, out.grad, b.self ? nullptr : out.grad_ref);
  if (b.self) zero_floats(s, out.grad_ref, b.n * b.d);
  check_gradients(s, b, out);
}

// PML's AvgNonZeroReducer over LossRows: the loss is the mean of the counted rows' losses and G is
// scaled by grad_scale / count on those rows, zeroed on the others; no counted row: zero loss
// and gradient.
void finish_avg_nonzero(cudaStream_t s, const irk_distance& dist, const Batch& b, const DevDist& D, const LossRows& r,
                        const LossTotals& t, double grad_scale, const irk_loss_out& out);

}  // namespace cuda
}  // namespace irk
