// irk_supcon_loss's CUDA twin (cpu/supcon_loss.cpp): mask-based (count > 0). One block per
// anchor: the log-sum-exp over its positives and negatives, its loss and its row of dLoss/dz
// (math::supcon_grad); then PML's AvgNonZeroReducer: rows whose float32 loss is > 0 are counted
// (fixed-order totals) and G is scaled by sign / t / count on those rows, zeroed on the others.
#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "loss_common.cuh"
#include "math/pair_loss_math.h"

namespace irk {
namespace cuda {
namespace {

struct Sup {
  PairMask mk;
  const float* S;
  double sign, t;
  __device__ double logit(int64_t i, int64_t j) const { return math::pair_logit(sign, S[i * mk.m + j], t); }
};

__global__ void __launch_bounds__(kThreads) supcon_rows_kernel(Sup a, RowResults out) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x, m = a.mk.m;
  int64_t np = 0, pairs_p = 0, pairs_n = 0;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const int64_t wp = a.mk.pos(i, j), wn = a.mk.neg(i, j);
    np += wp > 0;
    pairs_p += wp;
    pairs_n += wn;
  }
  np = block_reduce(np, SumOp(), shi);
  pairs_p = block_reduce(pairs_p, SumOp(), shi);
  pairs_n = block_reduce(pairs_n, SumOp(), shi);
  float* g = out.G + i * m;
  double loss = 0.0;
  if (np > 0) {
    const double lse = block_log_sum_exp(m, [&](int64_t j, double* v) {
      const bool in = a.mk.pos(i, j) > 0 || a.mk.neg(i, j) > 0;
      if (in) *v = a.logit(i, j);
      return in ? 1.0 : 0.0;
    }, shd);
    const double denom = math::supcon_denom(np);
    double sum = 0.0;
    for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
      const bool p = a.mk.pos(i, j) > 0, in = p || a.mk.neg(i, j) > 0;
      double v = 0.0;
      if (in) {
        const double z = a.logit(i, j);
        if (p) sum += z - lse;
        v = math::supcon_grad(np, z, lse, p, denom);
      }
      g[j] = static_cast<float>(v);
    }
    sum = block_reduce(sum, SumOp(), shd);
    loss = -sum / denom;
  } else {
    for (int64_t j = threadIdx.x; j < m; j += blockDim.x) g[j] = 0.f;
  }
  if (threadIdx.x == 0) out.store_avg_nonzero(i, loss, pairs_p, pairs_n);
}

// PML's zero-loss rule over the pair counts.
bool supcon_zero(const LossTotals& t) { return (t.num_pos <= 1 && t.num_neg <= 1) || t.num_pos == 0 || t.num_neg == 0; }

}  // namespace

void supcon_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
                 double temperature, const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss, true);
  const Sup a{call.pair_mask(tuples), call.D.s, math::logit_sign(call.D.inverted), temperature};
  LossRows r(call.s, call.b.n, call.b.m, true);
  supcon_rows_kernel<<<row_blocks(call.b.n), kThreads, 0, call.s>>>(a, r.device());
  IRK_LAUNCHED("supcon_rows_kernel");
  finish_avg_nonzero(call, dist, r, tuples, a.sign / temperature, supcon_zero, out);
}

}  // namespace cuda
}  // namespace irk
