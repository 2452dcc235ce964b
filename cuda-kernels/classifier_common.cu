// See classifier_common.cuh.
#include "classifier_common.cuh"
#include "math/classifier_math.h"

namespace irk {
namespace cuda {
namespace {

constexpr double kNormEps = 1e-12;  // torch.nn.functional.normalize

__global__ void __launch_bounds__(kThreads) normalize_kernel(const float* x, int64_t d, int64_t vec, int64_t step,
                                                             float* u, float* norms) {
  __shared__ double sh[kThreads];
  const int64_t v = blockIdx.x;
  const float* xv = x + v * vec;
  double sq = 0.0;
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x) sq += static_cast<double>(xv[k * step]) * xv[k * step];
  sq = block_reduce(sq, SumOp(), sh);
  const double norm = sqrt(sq), denom = norm > kNormEps ? norm : kNormEps;
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x) u[v * vec + k * step] = static_cast<float>(xv[k * step] / denom);
  if (threadIdx.x == 0) norms[v] = static_cast<float>(norm);
}

__global__ void __launch_bounds__(kThreads) unit_backward_kernel(const float* h, const float* u, const float* norms,
                                                                 int64_t d, int64_t vec, int64_t step, float* out) {
  __shared__ double sh[kThreads];
  const int64_t v = blockIdx.x;
  const double r = norms[v];
  double uh = 0.0;
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x) {
    const int64_t at = v * vec + k * step;
    uh += static_cast<double>(u[at]) * h[at];
  }
  uh = block_reduce(uh, SumOp(), sh);
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x) {
    const int64_t at = v * vec + k * step;
    out[at] = static_cast<float>(math::unit_backward(h[at], u[at], uh, r, kNormEps));
  }
}

__global__ void count_kernel(const int64_t* v, int64_t len, int* count) {
  for (int64_t k = global_thread(); k < len; k += global_stride()) atomicAdd(&count[v[k]], 1);
}

__global__ void __launch_bounds__(kThreads) weights_kernel(const int* count, int64_t n, double* w) {
  __shared__ int64_t sh[kThreads];
  int64_t total = 0, most = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) total += count[i], most = count[i] > most ? count[i] : most;
  total = block_reduce(total, SumOp(), sh);
  most = block_reduce(most, MaxOp(), sh);
  const float top = total > 0 ? math::miner_weight_top(most, total) : 1.f;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) w[i] = total > 0 ? math::miner_weight(count[i], total, top) : 1.0;
}

__global__ void fill_kernel(double* w, int64_t n, double v) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) w[i] = v;
}

}  // namespace

void check_classifier_data(DeviceChecks& checks, const float* emb, const int64_t* labels, int64_t n, int64_t d,
                           const float* w, int64_t w_rows, int64_t w_cols, const char* w_name, int64_t num_classes,
                           const irk_tuples* tuples) {
  checks.finite_rows(emb, n, d, "emb");
  checks.finite_rows(w, w_rows, w_cols, w_name);
  checks.labels(labels, n, num_classes);
  checks.tuples(tuples, n, n);
  if (tuples) checks.report();
  else checks.queue();
}

void finish_classifier_loss(cudaStream_t s, DeviceChecks& input, const irk_loss_out& out, int64_t n, int64_t d,
                            int64_t w_rows, int64_t w_cols, const std::function<double()>& loss) {
  DeviceChecks checks(s);
  if (out.grad) checks.gradient(out.grad, n, d, "out.grad");
  if (out.grad_weights) checks.gradient(out.grad_weights, w_rows, w_cols, "out.grad_weights");
  checks.queue();
  IRK_CUDA(cudaStreamSynchronize(s));
  input.raise();
  store_finite_loss(s, out.loss, loss());
  checks.raise();
}

void miner_weights(cudaStream_t s, const irk_tuples* t, int64_t n, double* w) {
  if (t == nullptr) {
    fill_kernel<<<grid_for(n), kThreads, 0, s>>>(w, n, 1.0);
    IRK_LAUNCHED("fill_kernel");
    return;
  }
  Scratch<int> count(s, n);
  count.zero();
  auto add = [&](const int64_t* v, int64_t len) {
    if (len <= 0) return;
    count_kernel<<<grid_for(len), kThreads, 0, s>>>(v, len, count.get());
    IRK_LAUNCHED("count_kernel");
  };
  if (t->kind == IRK_TUPLES_PAIRS) {
    add(t->pos, 2 * t->n_pos);
    add(t->neg, 2 * t->n_neg);
  } else {
    add(t->triplets, 3 * t->n_triplets);
  }
  weights_kernel<<<1, kThreads, 0, s>>>(count.get(), n, w);
  IRK_LAUNCHED("weights_kernel");
}

void normalize_vectors(cudaStream_t s, const float* x, int64_t count, int64_t d, int64_t vec, int64_t step, float* u,
                       float* norms) {
  normalize_kernel<<<row_blocks(count), kThreads, 0, s>>>(x, d, vec, step, u, norms);
  IRK_LAUNCHED("normalize_kernel");
}

void unit_vectors_backward(cudaStream_t s, const float* h, const float* u, const float* norms, int64_t count,
                           int64_t d, int64_t vec, int64_t step, float* out) {
  unit_backward_kernel<<<row_blocks(count), kThreads, 0, s>>>(h, u, norms, d, vec, step, out);
  IRK_LAUNCHED("unit_backward_kernel");
}

}  // namespace cuda
}  // namespace irk
