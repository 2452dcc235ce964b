// irk_ntxent_loss's CUDA twin (cpu/ntxent_loss.cpp): one block per anchor row takes the
// log-sum-exp of its negatives (with multiplicity), then each positive's term and dLoss/dS
// (math::ntxent_pair and its gradients) in the same pass; G is written once per element. Rows are
// computed with weight 1 and scaled by 1 / (number of positive pairs) when that is known.
#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "loss_common.cuh"
#include "math/pair_loss_math.h"

namespace irk {
namespace cuda {
namespace {

struct Ntx {
  PairMask mk;
  const float* S;
  double sign, t;
  __device__ double logit(int64_t i, int64_t j) const { return math::pair_logit(sign, S[i * mk.m + j], t); }
};

__global__ void __launch_bounds__(kThreads) ntxent_rows_kernel(Ntx a, RowResults out) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x, m = a.mk.m;
  const double lse_neg = block_log_sum_exp(m, [&](int64_t j, double* v) {
    const int64_t w = a.mk.neg(i, j);
    if (w) *v = a.logit(i, j);
    return static_cast<double>(w);
  }, shd);
  double loss = 0.0, neg_coef = 0.0;
  int64_t np = 0, nn = 0;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const int64_t wp = a.mk.pos(i, j);
    nn += a.mk.neg(i, j);
    if (!wp) continue;
    np += wp;
    const math::NtxentPair p = math::ntxent_pair(a.logit(i, j), lse_neg);
    loss += p.loss * static_cast<double>(wp);
    neg_coef += p.neg_coef * static_cast<double>(wp);
  }
  loss = block_reduce(loss, SumOp(), shd);
  neg_coef = block_reduce(neg_coef, SumOp(), shd);
  np = block_reduce(np, SumOp(), shi);
  nn = block_reduce(nn, SumOp(), shi);
  float* g = out.G + i * m;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const int64_t wp = a.mk.pos(i, j), wn = a.mk.neg(i, j);
    double v = 0.0;
    if (wp) v += math::ntxent_pos_grad(1.0, math::ntxent_pair(a.logit(i, j), lse_neg), a.sign, a.t) * wp;
    if (wn && neg_coef != 0.0) v += math::ntxent_neg_grad(neg_coef, a.logit(i, j), lse_neg, a.sign, a.t) * wn;
    g[j] = static_cast<float>(v);
  }
  if (threadIdx.x == 0) out.store(i, loss, np, nn);
}

}  // namespace

void ntxent_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
                 double temperature, const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss, true);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const Ntx a{call.pair_mask(tuples), call.D.s, math::logit_sign(call.D.inverted), temperature};
  LossRows r(s, b.n, b.m, false);
  ntxent_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(a, r.device());
  IRK_LAUNCHED("ntxent_rows_kernel");
  int64_t tuple_pos = -1, unused = -1;
  tuple_pair_counts(tuples, &tuple_pos, &unused);
  finish_scaled_rows(call, dist, r, nullptr, MeanScale{1.0, r.totals.count_a(0), tuple_pos}, out, [&] {
    const LossTotals t = read_totals(r, tuples);
    const bool zero = (t.num_pos <= 1 && t.num_neg <= 1) || t.num_pos == 0 || t.num_neg == 0;
    return LossResult{zero, t.sum * (1.0 / static_cast<double>(t.num_pos))};
  });
}

}  // namespace cuda
}  // namespace irk
