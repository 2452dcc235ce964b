// irk_ms_loss's CUDA twin (cpu/ms_loss.cpp): one block per query row computes both log-sum-exp
// terms and writes its row of dLoss/dS in the same pass; row losses are summed in a fixed order.
#include <cmath>

#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "loss_common.cuh"
#include "math/irk_math.h"

namespace irk {
namespace cuda {
namespace {

struct MsRows {
  const float* S;  // [n x m]
  PairMask mk;     // mined pairs as masks (count > 0), or the pairs from the labels
  bool inv;
  double alpha, beta, base, w;
};

__device__ __forceinline__ bool ms_pos(const MsRows& a, int64_t i, int64_t j) { return a.mk.pos(i, j) > 0; }
__device__ __forceinline__ bool ms_neg(const MsRows& a, int64_t i, int64_t j) { return a.mk.neg(i, j) > 0; }
// The exponents alpha * margin(s, base) and beta * margin(base, s) of PML's two sums.
__device__ __forceinline__ double pos_exponent(const MsRows& a, float s) { return a.alpha * math::margin(a.inv, s, a.base); }
__device__ __forceinline__ double neg_exponent(const MsRows& a, float s) { return a.beta * math::margin(a.inv, a.base, s); }

__global__ void __launch_bounds__(kThreads) ms_loss_rows_kernel(MsRows a, RowResults out) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  const float* s = a.S + i * a.mk.m;
  // Pass 1: maxima (the "add_one" zero belongs to each sum) and counts.
  double mp = 0.0, mn = 0.0;
  int64_t np = 0, nn = 0;
  for (int64_t j = threadIdx.x; j < a.mk.m; j += blockDim.x) {
    if (ms_pos(a, i, j)) {
      mp = fmax(mp, pos_exponent(a, s[j]));
      ++np;
    }
    if (ms_neg(a, i, j)) {
      mn = fmax(mn, neg_exponent(a, s[j]));
      ++nn;
    }
  }
  mp = block_reduce(mp, MaxOp(), shd);
  mn = block_reduce(mn, MaxOp(), shd);
  np = block_reduce(np, SumOp(), shi);
  nn = block_reduce(nn, SumOp(), shi);
  // Pass 2: the sums of exp(e - max).
  double sp = 0.0, sn = 0.0;
  for (int64_t j = threadIdx.x; j < a.mk.m; j += blockDim.x) {
    if (ms_pos(a, i, j)) sp += exp(pos_exponent(a, s[j]) - mp);
    if (ms_neg(a, i, j)) sn += exp(neg_exponent(a, s[j]) - mn);
  }
  sp = block_reduce(sp, SumOp(), shd);
  sn = block_reduce(sn, SumOp(), shd);
  const double lse_p = mp + log(sp + exp(-mp));
  const double lse_n = mn + log(sn + exp(-mn));
  // Pass 3: dTerm/dS; d/ds of margin(s, base) is dmargin_dx, of margin(base, s) its negation.
  const double dp = a.w * math::dmargin_dx(a.inv), dn = -a.w * math::dmargin_dx(a.inv);
  float* g = out.G + i * a.mk.m;
  for (int64_t j = threadIdx.x; j < a.mk.m; j += blockDim.x) {
    double v = 0.0;
    if (ms_pos(a, i, j)) v += exp(pos_exponent(a, s[j]) - lse_p) * dp;
    if (ms_neg(a, i, j)) v += exp(neg_exponent(a, s[j]) - lse_n) * dn;
    g[j] = static_cast<float>(v);
  }
  if (threadIdx.x == 0) out.store(i, (np > 0 ? lse_p / a.alpha : 0.0) + (nn > 0 ? lse_n / a.beta : 0.0), np, nn);
}

}  // namespace

void ms_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples, double alpha,
             double beta, double base, const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const DevDist& D = call.D;
  const double w = 1.0 / static_cast<double>(b.n);
  const MsRows rows{D.s, call.pair_mask(tuples), D.inverted, alpha, beta, base, w};
  LossRows r(s, b.n, b.m, false);
  ms_loss_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(rows, r.device());
  IRK_LAUNCHED("ms_loss_rows_kernel");
  // PML: all(len(x) <= 1) over the pair lists, with multiplicity for mined tuples.
  const LossTotals t = total(s, r, tuples);
  if (t.num_pos <= 1 && t.num_neg <= 1) return finish_loss(s, dist, b, D, 0.0, nullptr, out);
  finish_loss(s, dist, b, D, t.sum * w, r.G.get(), out);
}

}  // namespace cuda
}  // namespace irk
