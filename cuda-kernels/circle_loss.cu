// irk_circle_loss's CUDA twin (cpu/circle_loss.cpp): mask-based (count > 0), cosine. One block
// per anchor: the log-sum-exps of its positive and negative logits (math::circle_logit), its
// softplus loss and its row of dLoss/dS (math::circle_grad); then AvgNonZero as supcon_loss.cu.
#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "loss_common.cuh"
#include "math/pair_loss_math.h"

namespace irk {
namespace cuda {
namespace {

struct Circ {
  PairMask mk;
  const float* S;
  double m, gamma;
};

__global__ void __launch_bounds__(kThreads) circle_rows_kernel(Circ a, RowResults out) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x, M = a.mk.m;
  const float* s = a.S + i * M;
  int64_t pairs_p = 0, pairs_n = 0;
  for (int64_t j = threadIdx.x; j < M; j += blockDim.x) pairs_p += a.mk.pos(i, j), pairs_n += a.mk.neg(i, j);
  pairs_p = block_reduce(pairs_p, SumOp(), shi);
  pairs_n = block_reduce(pairs_n, SumOp(), shi);
  auto side = [&](bool want_neg) {
    return [&, want_neg](int64_t j, double* v) {
      const bool p = a.mk.pos(i, j) > 0, n = a.mk.neg(i, j) > 0;
      if (!(want_neg ? n : p)) return 0.0;
      *v = math::circle_logit(s[j], n, a.m, a.gamma);
      return 1.0;
    };
  };
  const double lp = block_log_sum_exp(M, side(false), shd);
  const double ln = block_log_sum_exp(M, side(true), shd);
  float* g = out.G + i * M;
  double loss = 0.0;
  if (lp == -INFINITY || ln == -INFINITY) {  // PML zeroes rows missing either side
    for (int64_t j = threadIdx.x; j < M; j += blockDim.x) g[j] = 0.f;
  } else {
    for (int64_t j = threadIdx.x; j < M; j += blockDim.x) {
      const bool p = a.mk.pos(i, j) > 0, n = a.mk.neg(i, j) > 0;
      double v = 0.0;
      if (p || n) {
        const double sv = s[j];
        v = math::circle_grad(p, n, math::circle_logit(sv, n, a.m, a.gamma), lp, ln,
                              math::circle_slope(sv, n, a.m, a.gamma));
      }
      g[j] = static_cast<float>(v);
    }
    loss = math::softplus(lp + ln);
  }
  if (threadIdx.x == 0) out.store_avg_nonzero(i, loss, pairs_p, pairs_n);
}

// PML's zero-loss rule over the pair counts.
bool circle_zero(const LossTotals& t) { return t.num_pos <= 1 && t.num_neg <= 1; }

}  // namespace

void circle_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
                 double m, double gamma, const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss, true);
  const Circ a{call.pair_mask(tuples), call.D.s, m, gamma};
  LossRows r(call.s, call.b.n, call.b.m, true);
  circle_rows_kernel<<<row_blocks(call.b.n), kThreads, 0, call.s>>>(a, r.device());
  IRK_LAUNCHED("circle_rows_kernel");
  finish_avg_nonzero(call, dist, r, tuples, 1.0, circle_zero, out);
}

}  // namespace cuda
}  // namespace irk
