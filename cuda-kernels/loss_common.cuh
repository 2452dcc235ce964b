// The end every pair/triplet loss twin shares, as cpu/loss_common.h's run_mat_loss: the loss
// must be finite, is written to out.loss, and the gradients come from dLoss/dS through the
// distance backward pass (or are zero). The host waits once: the means' scales are computed on the
// device, so the backward is queued before the totals come back.
#pragma once
#include <cmath>
#include <functional>

#include "call_setup.cuh"
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

// G[i, :] *= keep[i] ? *scale : 0 (PML's AvgNonZeroReducer once the count is known; keep NULL:
// every row), the scale read on the device.
void scale_rows(cudaStream_t s, float* G, int64_t n, int64_t m, const int64_t* keep, const double* scale);

// A mean's scale computed on the device from a count the host has not seen: coef / count, or 0
// for a zero count. The count is *count, or `fixed` when that is >= 0 (mined tuples: the host
// knows it).
struct MeanScale {
  double coef;
  const long long* count;
  long long fixed = -1;
};
// out[0] = first's scale, and out[1] = second's when given.
void mean_scales(cudaStream_t s, double* out, const MeanScale& first, const MeanScale* second = nullptr);

// Totals summed on the device (kernels read them there) and queued back to pinned memory, which
// the host reads after the call's one sync.
struct QueuedTotals {
  explicit QueuedTotals(cudaStream_t s) : dev(s, 2) {}
  void queue(cudaStream_t s) { copy_to_host_async(s, host.get(), dev.get(), 2); }
  // The address of a device count, for MeanScale.
  const long long* count_a(int k) const { return &dev.get()[k].a; }
  Scratch<Totals> dev;
  Pinned<Totals> host{2};
};

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
  QueuedTotals totals;                 // what queue_totals sums into
};

// LossRows summed in a fixed order.
struct LossTotals {
  double sum;         // of the row losses
  long long counted;  // rows counted (avg_nonzero), else 0
  int64_t num_pos;    // PML's pair counts for its "all(len(x) <= 1)" checks: mined tuples with
  int64_t num_neg;    // multiplicity (pairs.cuh's tuple_pair_counts), else the rows' sums
};
// Queues the sums into r.totals (dev[0]: loss and counted rows with avg_nonzero, else loss and
// pair counts; dev[1]: the pair counts with avg_nonzero) and their copy back.
void queue_totals(cudaStream_t s, LossRows& r);
// After the sync: the totals queue_totals brought back.
LossTotals read_totals(const LossRows& r, const irk_tuples* tuples);

// What a loss is once its totals are on the host: zero (PML's rule for a zero loss: the loss is 0
// and the gradients are zeroed) or `value`.
struct LossResult {
  bool zero;
  double value;
};

// The end every pair/triplet loss twin shares, as cpu/loss_common.h's run_mat_loss, with one host
// wait: backward() queues dLoss/dEmbeddings into out.grad / out.grad_ref (only when one is asked
// for) from a dLoss/dS whose scales were computed on the device; the gradient checks are queued;
// one stream sync; then the call's deferred input checks (BatchCall's, NULL: none) are raised,
// result() reads the totals queued before, and the loss (which must be finite) is stored, or the
// gradients zeroed for a zero loss, or the gradient check's failure raised.
void finish_one_sync(cudaStream_t s, const Batch& b, const irk_loss_out& out, DeviceChecks* deferred,
                     const std::function<void()>& backward, const std::function<LossResult()>& result);

// finish_one_sync for a loss whose dLoss/dS is final before its totals are known (MS: the scale
// is 1 / n): zero(t) is PML's rule for a zero loss, else the loss is t.sum * scale.
void finish_loss_one_sync(cudaStream_t s, const Batch& b, LossRows& r, const irk_tuples* tuples, double scale,
                          bool (*zero)(const LossTotals&), const std::function<void()>& backward,
                          const irk_loss_out& out, DeviceChecks* deferred);

// finish_one_sync for LossRows whose G is scaled on the device (mean_scales) by `scale` before the
// distance backward: on the rows `keep` marks, the others zeroed (keep NULL: every row).
void finish_scaled_rows(BatchCall& call, const irk_distance& dist, LossRows& r, const int64_t* keep,
                        const MeanScale& scale, const irk_loss_out& out, const std::function<LossResult()>& result);

// finish_scaled_rows under PML's AvgNonZeroReducer: G's counted rows are scaled by
// grad_scale / (rows counted) on the device, the others zeroed, then G goes through the distance
// backward; the loss is the counted rows' mean. zero(t) as above; no counted row is zero too.
void finish_avg_nonzero(BatchCall& call, const irk_distance& dist, LossRows& r, const irk_tuples* tuples,
                        double grad_scale, bool (*zero)(const LossTotals&), const irk_loss_out& out);

// Zeroes out.grad_ref for a self batch (its reference set is the batch itself) and stores the loss
// (which must be finite); with has_grad false, zeroes the gradients too.
void store_loss(cudaStream_t s, const Batch& b, double loss, bool has_grad, const irk_loss_out& out);

}  // namespace cuda
}  // namespace irk
