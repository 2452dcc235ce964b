// irk_proxy_anchor_loss's CUDA twin (cpu/proxy_anchor_loss.cpp): normalized proxies and samples,
// the [C x n] cosines as one tiled GEMM, one block per proxy for its two log-sum-exps (with PML's
// add_one) and its row of dLoss/dcos (math::proxy_pos_grad / proxy_neg_grad), then
// dLoss/dU = G^T Phat and dLoss/dPhat = G U as GEMMs and the chain rule through both
// normalizations. The number of proxies with samples stays on the device.
#include "classifier_common.cuh"
#include "core/cuda_kernels.h"
#include "distance.cuh"
#include "loss_common.cuh"
#include "math/classifier_math.h"
#include "math/pair_loss_math.h"

namespace irk {
namespace cuda {
namespace {

__global__ void mark_classes_kernel(const int64_t* labels, int64_t n, int64_t classes, int64_t* has) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) has[in_class_range(labels[i], classes)] = 1;
}

__global__ void __launch_bounds__(kThreads) count_classes_kernel(const int64_t* has, int64_t C, double* pos_div) {
  __shared__ int64_t sh[kThreads];
  int64_t c = 0;
  for (int64_t i = threadIdx.x; i < C; i += blockDim.x) c += has[i];
  c = block_reduce(c, SumOp(), sh);
  if (threadIdx.x == 0) *pos_div = static_cast<double>(c);
}

struct Pa {
  const float* cos;  // [C x n]
  const int64_t* labels;
  const double* mw;
  const double* pos_div;
  int64_t n, C;
  double margin, alpha;
  __device__ double expo(int64_t c, int64_t i) const {
    const double s = cos[c * n + i];
    return labels[i] == c ? math::proxy_pos_exponent(s, margin, alpha, mw[i])
                          : math::proxy_neg_exponent(s, margin, alpha, mw[i]);
  }
};

__global__ void __launch_bounds__(kThreads) proxy_rows_kernel(Pa a, float* G, double* pos_loss, double* neg_loss) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t c = blockIdx.x;
  int64_t np = 0;
  for (int64_t i = threadIdx.x; i < a.n; i += blockDim.x) np += a.labels[i] == c;
  np = block_reduce(np, SumOp(), shi);
  auto side = [&](bool pos) {
    return [&, pos](int64_t i, double* v) {
      if ((a.labels[i] == c) != pos) return 0.0;
      *v = a.expo(c, i);
      return 1.0;
    };
  };
  // log(1 + sum exp(e)): the add_one zero joins the sum; PML zeroes a term whose mask is empty.
  const double lp = np > 0 ? math::log_add_exp(block_log_sum_exp(a.n, side(true), shd), 0.0) : 0.0;
  const double ln = np < a.n ? math::log_add_exp(block_log_sum_exp(a.n, side(false), shd), 0.0) : 0.0;
  const double pos_div = *a.pos_div, neg_div = static_cast<double>(a.C);
  float* g = G + c * a.n;
  for (int64_t i = threadIdx.x; i < a.n; i += blockDim.x) {
    const double e = a.expo(c, i);
    g[i] = static_cast<float>(a.labels[i] == c ? math::proxy_pos_grad(e, lp, a.alpha, pos_div)
                                               : math::proxy_neg_grad(e, ln, a.alpha, neg_div));
  }
  if (threadIdx.x == 0) {
    pos_loss[c] = lp;
    neg_loss[c] = ln;
  }
}

}  // namespace

void proxy_anchor_loss(const irk_context& ctx, const float* emb, const int64_t* labels, int64_t n, int64_t d,
                       const float* proxies, int64_t num_classes, const irk_tuples* tuples, double margin,
                       double alpha, const irk_loss_out& out) {
  DeviceScope device(ctx);
  cudaStream_t s = stream_of(ctx);
  const int64_t C = num_classes;
  DeviceChecks input(s);
  check_classifier_data(input, emb, labels, n, d, proxies, C, d, "proxies", C, tuples);

  Scratch<double> mw(s, n), pos_div(s, 1);
  miner_weights(s, tuples, n, mw.get());
  Scratch<int64_t> has(s, C);
  has.zero();
  mark_classes_kernel<<<grid_for(n), kThreads, 0, s>>>(labels, n, C, has.get());
  IRK_LAUNCHED("mark_classes_kernel");
  count_classes_kernel<<<1, kThreads, 0, s>>>(has.get(), C, pos_div.get());
  IRK_LAUNCHED("count_classes_kernel");

  Scratch<float> U(s, n * d), un(s, n), Ph(s, C * d), pn(s, C);
  normalize_vectors(s, emb, n, d, d, 1, U.get(), un.get());
  normalize_vectors(s, proxies, C, d, d, 1, Ph.get(), pn.get());
  Scratch<float> cosines(s, C * n), G(s, C * n);
  gemm(s, TileOperands{Ph.get(), d, 1, U.get(), 1, d, C, n, d}, cosines.get(), n);

  Scratch<double> pos_loss(s, C), neg_loss(s, C);
  const Pa a{cosines.get(), labels, mw.get(), pos_div.get(), n, C, margin, alpha};
  proxy_rows_kernel<<<row_blocks(C), kThreads, 0, s>>>(a, G.get(), pos_loss.get(), neg_loss.get());
  IRK_LAUNCHED("proxy_rows_kernel");
  Scratch<Totals> totals(s, 2);
  sum_rows(s, pos_loss.get(), has.get(), nullptr, C, totals.get());
  sum_rows(s, neg_loss.get(), nullptr, nullptr, C, totals.get() + 1);
  Pinned<Totals> t(2);
  copy_to_host_async(s, t.get(), totals.get(), 2);
  // The backward does not need the loss: it is queued before the one sync that brings back the
  // loss and the gradient check together.
  if (out.grad) {
    Scratch<float> gu(s, n * d);  // G^T Phat
    gemm(s, TileOperands{G.get(), 1, n, Ph.get(), d, 1, n, d, C}, gu.get(), d);
    normalize_backward(s, gu.get(), U.get(), un.get(), n, d, out.grad);
  }
  if (out.grad_weights) {
    Scratch<float> h(s, C * d);  // G U
    gemm(s, TileOperands{G.get(), n, 1, U.get(), d, 1, C, d, n}, h.get(), d);
    unit_vectors_backward(s, h.get(), Ph.get(), pn.get(), C, d, d, 1, out.grad_weights);
  }
  finish_classifier_loss(s, input, out, n, d, C, d, [&] {
    return t[0].sum / static_cast<double>(t[0].a) + t[1].sum / static_cast<double>(C);
  });
}

}  // namespace cuda
}  // namespace irk
