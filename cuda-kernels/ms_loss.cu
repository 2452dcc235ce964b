// irk_ms_loss's CUDA twin (cpu/ms_loss.cpp): one block per query row computes both log-sum-exp
// terms and writes its row of dLoss/dS in the same pass; row losses are summed in a fixed order.
#include <cmath>

#include "core/cuda_kernels.h"
#include "device_checks.cuh"
#include "loss_common.cuh"
#include "math/irk_math.h"
#include "pairs.cuh"

namespace irk {
namespace cuda {
namespace {

struct MsRows {
  const float* S;  // [n x m]
  int64_t m;
  const int64_t* xlab;
  const int64_t* ylab;
  bool self;
  const int* cpos;  // mined pairs as masks (count > 0), or NULL: pairs from the labels
  const int* cneg;
  bool inv;
  double alpha, beta, base, w;
};

__device__ __forceinline__ bool ms_pos(const MsRows& a, int64_t i, int64_t j) {
  return a.cpos ? a.cpos[i * a.m + j] > 0 : (a.xlab[i] == a.ylab[j] && !(a.self && i == j));
}
__device__ __forceinline__ bool ms_neg(const MsRows& a, int64_t i, int64_t j) {
  return a.cneg ? a.cneg[i * a.m + j] > 0 : a.xlab[i] != a.ylab[j];
}
// The exponents alpha * margin(s, base) and beta * margin(base, s) of PML's two sums.
__device__ __forceinline__ double pos_exponent(const MsRows& a, float s) { return a.alpha * math::margin(a.inv, s, a.base); }
__device__ __forceinline__ double neg_exponent(const MsRows& a, float s) { return a.beta * math::margin(a.inv, a.base, s); }

__global__ void __launch_bounds__(kThreads) ms_loss_rows_kernel(MsRows a, float* G, double* row_loss,
                                                                int64_t* row_pos, int64_t* row_neg) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  const float* s = a.S + i * a.m;
  // Pass 1: maxima (the "add_one" zero belongs to each sum) and counts.
  double mp = 0.0, mn = 0.0;
  int64_t np = 0, nn = 0;
  for (int64_t j = threadIdx.x; j < a.m; j += blockDim.x) {
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
  for (int64_t j = threadIdx.x; j < a.m; j += blockDim.x) {
    if (ms_pos(a, i, j)) sp += exp(pos_exponent(a, s[j]) - mp);
    if (ms_neg(a, i, j)) sn += exp(neg_exponent(a, s[j]) - mn);
  }
  sp = block_reduce(sp, SumOp(), shd);
  sn = block_reduce(sn, SumOp(), shd);
  const double lse_p = mp + log(sp + exp(-mp));
  const double lse_n = mn + log(sn + exp(-mn));
  // Pass 3: dTerm/dS; d/ds of margin(s, base) is dmargin_dx, of margin(base, s) its negation.
  const double dp = a.w * math::dmargin_dx(a.inv), dn = -a.w * math::dmargin_dx(a.inv);
  float* g = G + i * a.m;
  for (int64_t j = threadIdx.x; j < a.m; j += blockDim.x) {
    double v = 0.0;
    if (ms_pos(a, i, j)) v += exp(pos_exponent(a, s[j]) - lse_p) * dp;
    if (ms_neg(a, i, j)) v += exp(neg_exponent(a, s[j]) - lse_n) * dn;
    g[j] = static_cast<float>(v);
  }
  if (threadIdx.x == 0) {
    row_loss[i] = (np > 0 ? lse_p / a.alpha : 0.0) + (nn > 0 ? lse_n / a.beta : 0.0);
    row_pos[i] = np;
    row_neg[i] = nn;
  }
}

}  // namespace

void ms_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, const irk_tuples* tuples, double alpha,
             double beta, double base, const irk_loss_out& out) {
  DeviceScope device(ctx);
  cudaStream_t s = stream_of(ctx);
  DeviceChecks checks(s);
  checks.batch(b);
  checks.tuples(tuples, b.n, b.m);
  checks.report();

  DevDist D = compute_distances(s, dist, b.x, b.n, b.y, b.m, b.d, b.self, nullptr, true);
  PairCounts pc;
  if (tuples) pc = count_pairs(s, *tuples, b.n, b.m);
  const double w = 1.0 / static_cast<double>(b.n);
  MsRows rows{D.s, b.m, b.xlab, b.ylab, b.self, pc.pos.get(), pc.neg.get(), D.inverted, alpha, beta, base, w};
  Scratch<float> G(s, b.n * b.m);
  Scratch<double> row_loss(s, b.n);
  Scratch<int64_t> row_pos(s, b.n), row_neg(s, b.n);
  Scratch<Totals> totals(s, 1);
  ms_loss_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(rows, G.get(), row_loss.get(), row_pos.get(),
                                                                       row_neg.get());
  IRK_LAUNCHED("ms_loss_rows_kernel");
  sum_rows(s, row_loss.get(), row_pos.get(), row_neg.get(), b.n, totals.get());
  Totals t{};
  copy_to_host(s, &t, totals.get(), 1);

  // PML: all(len(x) <= 1) over the pair lists, with multiplicity for mined tuples.
  int64_t num_pos = t.a, num_neg = t.b;
  if (tuples) {
    num_pos = tuples->kind == IRK_TUPLES_PAIRS ? tuples->n_pos : tuples->n_triplets;
    num_neg = tuples->kind == IRK_TUPLES_PAIRS ? tuples->n_neg : tuples->n_triplets;
  }
  if (num_pos <= 1 && num_neg <= 1) return finish_loss(s, dist, b, D, 0.0, nullptr, out);
  finish_loss(s, dist, b, D, t.sum * w, G.get(), out);
}

}  // namespace cuda
}  // namespace irk
