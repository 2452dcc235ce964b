// See loss_common.cuh.
#include "loss_common.cuh"

namespace irk {
namespace cuda {
namespace {

__global__ void scale_rows_kernel(float* G, int64_t n, int64_t m, const int64_t* keep, const double* scale) {
  const double k = *scale;
  for (int64_t at = global_thread(); at < n * m; at += global_stride())
    G[at] = keep && keep[at / m] == 0 ? 0.f : static_cast<float>(G[at] * k);
}

__device__ double mean_scale(const MeanScale& a) {
  const long long count = a.fixed >= 0 ? a.fixed : *a.count;
  return count ? a.coef / static_cast<double>(count) : 0.0;
}

__global__ void mean_scales_kernel(double* out, MeanScale first, MeanScale second, int k) {
  out[0] = mean_scale(first);
  if (k > 1) out[1] = mean_scale(second);
}

}  // namespace

void scale_rows(cudaStream_t s, float* G, int64_t n, int64_t m, const int64_t* keep, const double* scale) {
  if (n * m <= 0) return;
  scale_rows_kernel<<<grid_for(n * m), kThreads, 0, s>>>(G, n, m, keep, scale);
  IRK_LAUNCHED("scale_rows_kernel");
}

void mean_scales(cudaStream_t s, double* out, const MeanScale& first, const MeanScale* second) {
  mean_scales_kernel<<<1, 1, 0, s>>>(out, first, second ? *second : first, second ? 2 : 1);
  IRK_LAUNCHED("mean_scales_kernel");
}

LossRows::LossRows(cudaStream_t s, int64_t n, int64_t m, bool avg_nonzero)
    : n(n),
      avg_nonzero(avg_nonzero),
      G(s, n * m),
      loss(s, n),
      counted(s, avg_nonzero ? n : 0),
      pos(s, n),
      neg(s, n),
      totals(s) {}

void queue_totals(cudaStream_t s, LossRows& r) {
  Totals* t = r.totals.dev.get();
  if (r.avg_nonzero) sum_rows(s, r.loss.get(), r.counted.get(), nullptr, r.n, t);
  sum_rows(s, r.loss.get(), r.pos.get(), r.neg.get(), r.n, t + (r.avg_nonzero ? 1 : 0));
  r.totals.queue(s);
}

LossTotals read_totals(const LossRows& r, const irk_tuples* tuples) {
  const Totals* t = r.totals.host.get();
  const Totals& p = t[r.avg_nonzero ? 1 : 0];
  LossTotals h{t[0].sum, r.avg_nonzero ? t[0].a : 0, p.a, p.b};
  tuple_pair_counts(tuples, &h.num_pos, &h.num_neg);
  return h;
}

void finish_one_sync(cudaStream_t s, const Batch& b, const irk_loss_out& out, DeviceChecks* deferred,
                     const std::function<void()>& backward, const std::function<LossResult()>& result) {
  const bool has_grad = out.grad || (out.grad_ref && !b.self);
  if (has_grad) backward();
  DeviceChecks checks(s);
  if (out.grad) checks.gradient(out.grad, b.n, b.d, "out.grad");
  if (out.grad_ref && !b.self) checks.gradient(out.grad_ref, b.m, b.d, "out.grad_ref");
  checks.queue();
  IRK_CUDA(cudaStreamSynchronize(s));
  if (deferred) deferred->raise();
  const LossResult r = result();
  store_loss(s, b, r.zero ? 0.0 : r.value, !r.zero, out);  // a zero loss zeroes the speculative gradient
  if (!r.zero) checks.raise();
}

void finish_loss_one_sync(cudaStream_t s, const Batch& b, LossRows& r, const irk_tuples* tuples, double scale,
                          bool (*zero)(const LossTotals&), const std::function<void()>& backward,
                          const irk_loss_out& out, DeviceChecks* deferred) {
  queue_totals(s, r);
  finish_one_sync(s, b, out, deferred, backward, [&] {
    const LossTotals t = read_totals(r, tuples);
    return LossResult{zero(t), t.sum * scale};
  });
}

void finish_scaled_rows(BatchCall& call, const irk_distance& dist, LossRows& r, const int64_t* keep,
                        const MeanScale& scale, const irk_loss_out& out, const std::function<LossResult()>& result) {
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  queue_totals(s, r);
  Scratch<double> k(s, 1);
  mean_scales(s, k.get(), scale);
  finish_one_sync(s, b, out, &call.checks, [&] {
    scale_rows(s, r.G.get(), b.n, b.m, keep, k.get());
    distance_backward(s, dist, call.D, r.G.get(), out.grad, b.self ? nullptr : out.grad_ref);
  }, result);
}

void finish_avg_nonzero(BatchCall& call, const irk_distance& dist, LossRows& r, const irk_tuples* tuples,
                        double grad_scale, bool (*zero)(const LossTotals&), const irk_loss_out& out) {
  finish_scaled_rows(call, dist, r, r.counted.get(), MeanScale{grad_scale, r.totals.count_a(0)}, out, [&] {
    const LossTotals t = read_totals(r, tuples);
    return LossResult{zero(t) || t.counted == 0, t.sum / static_cast<double>(t.counted)};
  });
}

void store_loss(cudaStream_t s, const Batch& b, double loss, bool has_grad, const irk_loss_out& out) {
  store_finite_loss(s, out.loss, loss);
  if (b.self) zero_floats(s, out.grad_ref, b.n * b.d);
  if (has_grad) return;
  zero_floats(s, out.grad, b.n * b.d);
  zero_floats(s, b.self ? nullptr : out.grad_ref, b.m * b.d);
}

}  // namespace cuda
}  // namespace irk
