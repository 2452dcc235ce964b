// See loss_common.cuh.
#include <cmath>

#include "loss_common.cuh"

namespace irk {
namespace cuda {
namespace {

__global__ void scale_rows_kernel(float* G, int64_t n, int64_t m, const int64_t* keep, double scale) {
  for (int64_t at = global_thread(); at < n * m; at += global_stride())
    G[at] = keep && keep[at / m] == 0 ? 0.f : static_cast<float>(G[at] * scale);
}

}  // namespace

void scale_rows(cudaStream_t s, float* G, int64_t n, int64_t m, const int64_t* keep, double scale) {
  if (n * m <= 0) return;
  scale_rows_kernel<<<grid_for(n * m), kThreads, 0, s>>>(G, n, m, keep, scale);
  IRK_LAUNCHED("scale_rows_kernel");
}

void scale_all(cudaStream_t s, float* G, int64_t count, double scale) { scale_rows(s, G, count, 1, nullptr, scale); }

LossRows::LossRows(cudaStream_t s, int64_t n, int64_t m, bool avg_nonzero)
    : n(n),
      avg_nonzero(avg_nonzero),
      G(s, n * m),
      loss(s, n),
      counted(s, avg_nonzero ? n : 0),
      pos(s, n),
      neg(s, n),
      totals(s, avg_nonzero ? 2 : 1) {}

namespace {

// total()'s two halves: the sums queued with their copy to `t` (2 entries), then read after a sync.
void queue_totals(cudaStream_t s, const LossRows& r, Totals* t) {
  if (r.avg_nonzero) sum_rows(s, r.loss.get(), r.counted.get(), nullptr, r.n, r.totals.get());
  Totals* pairs = r.totals.get() + (r.avg_nonzero ? 1 : 0);
  sum_rows(s, r.loss.get(), r.pos.get(), r.neg.get(), r.n, pairs);
  copy_to_host_async(s, t, r.totals.get(), r.totals.size());
}

LossTotals read_totals(const LossRows& r, const Totals* t, const irk_tuples* tuples) {
  const Totals& p = t[r.avg_nonzero ? 1 : 0];
  LossTotals h{t[0].sum, r.avg_nonzero ? t[0].a : 0, p.a, p.b};
  tuple_pair_counts(tuples, &h.num_pos, &h.num_neg);
  return h;
}

}  // namespace

LossTotals total(cudaStream_t s, const LossRows& r, const irk_tuples* tuples) {
  Pinned<Totals> pinned(2);
  Totals* t = pinned.get();
  queue_totals(s, r, t);
  IRK_CUDA(cudaStreamSynchronize(s));
  return read_totals(r, t, tuples);
}

LossTotals finish_loss_one_sync(cudaStream_t s, const Batch& b, const LossRows& r, const irk_tuples* tuples,
                                double scale, bool (*zero)(const LossTotals&), const std::function<void()>& backward,
                                const irk_loss_out& out, DeviceChecks* deferred) {
  Pinned<Totals> pinned(2);
  Totals* t = pinned.get();
  queue_totals(s, r, t);
  const bool has_grad = out.grad || (out.grad_ref && !b.self);
  if (has_grad) backward();
  if (b.self) zero_floats(s, out.grad_ref, b.n * b.d);
  DeviceChecks checks(s);
  if (out.grad) checks.gradient(out.grad, b.n, b.d, "out.grad");
  if (out.grad_ref && !b.self) checks.gradient(out.grad_ref, b.m, b.d, "out.grad_ref");
  checks.queue();
  IRK_CUDA(cudaStreamSynchronize(s));
  if (deferred) deferred->raise();
  const LossTotals h = read_totals(r, t, tuples);
  if (zero(h)) {
    store_loss(s, b, 0.0, false, out);  // zeroes the speculative gradient
    return h;
  }
  store_loss(s, b, h.sum * scale, true, out);
  checks.raise();
  return h;
}

bool store_loss(cudaStream_t s, const Batch& b, double loss, bool has_grad, const irk_loss_out& out) {
  if (!std::isfinite(loss)) fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", loss);
  store_scalar(s, out.loss, static_cast<float>(loss));
  if (has_grad) return true;
  zero_floats(s, out.grad, b.n * b.d);
  zero_floats(s, b.self ? nullptr : out.grad_ref, b.m * b.d);
  return false;
}

void check_gradients(cudaStream_t s, const Batch& b, const irk_loss_out& out) {
  DeviceChecks checks(s);
  if (out.grad) checks.gradient(out.grad, b.n, b.d, "out.grad");
  if (out.grad_ref && !b.self) checks.gradient(out.grad_ref, b.m, b.d, "out.grad_ref");
  checks.report();
}

void finish_loss(cudaStream_t s, const irk_distance& dist, const Batch& b, const DevDist& D, double loss, float* G,
                 const irk_loss_out& out) {
  if (!store_loss(s, b, loss, G != nullptr, out)) return;
  distance_backward(s, dist, D, G, out.grad, b.self ? nullptr : out.grad_ref);
  if (b.self) zero_floats(s, out.grad_ref, b.n * b.d);
  check_gradients(s, b, out);
}

void finish_avg_nonzero(cudaStream_t s, const irk_distance& dist, const Batch& b, const DevDist& D, const LossRows& r,
                        const LossTotals& t, double grad_scale, const irk_loss_out& out) {
  if (t.counted == 0) return finish_loss(s, dist, b, D, 0.0, nullptr, out);
  scale_rows(s, r.G.get(), b.n, b.m, r.counted.get(), grad_scale / static_cast<double>(t.counted));
  finish_loss(s, dist, b, D, t.sum / static_cast<double>(t.counted), r.G.get(), out);
}

}  // namespace cuda
}  // namespace irk
