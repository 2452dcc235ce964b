// irk_ms_loss's CUDA twin (cpu/ms_loss.cpp): one block per query row computes both log-sum-exp
// terms and writes its row of dLoss/dS in the same pass; row losses are summed in a fixed order.
// Streamed (stream.cuh, large batches): one row pass for the log-sum-exps, then the backward pass
// recomputes each pair's gradient from them.
#include <cmath>

#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "fused.cuh"
#include "loss_common.cuh"
#include "math/irk_math.h"
#include "math/pair_math.h"

namespace irk {
namespace cuda {
namespace {

// The loss's parameters and its per-pair math (math/pair_math.h), shared by both paths.
struct MsParams {
  bool inv;
  double alpha, beta, base, w;

  // The exponents alpha * margin(s, base) and beta * margin(base, s) of PML's two sums.
  __device__ double pos_exponent(float s) const { return math::ms_pos_exponent(inv, alpha, s, base); }
  __device__ double neg_exponent(float s) const { return math::ms_neg_exponent(inv, beta, s, base); }
  // dLoss/dS of a pair given its row's two log-sum-exps; d/ds of margin(s, base) is dmargin_dx,
  // of margin(base, s) its negation.
  __device__ float grad(bool pos, bool neg, float s, double lse_p, double lse_n) const {
    double v = 0.0;
    if (pos) v += exp(pos_exponent(s) - lse_p) * w * math::dmargin_dx(inv);
    if (neg) v -= exp(neg_exponent(s) - lse_n) * w * math::dmargin_dx(inv);
    return static_cast<float>(v);
  }
  // The row's loss; each log-sum-exp includes PML's "add_one" zero.
  __device__ double row_loss(int64_t np, double lse_p, int64_t nn, double lse_n) const {
    return (np > 0 ? lse_p / alpha : 0.0) + (nn > 0 ? lse_n / beta : 0.0);
  }
};

// Mask: pos(i, j) / neg(i, j) > 0 for the pairs in the sums, m the columns: PairMask (mined pairs as
// counts, or the pairs from the labels) or MsKeptPairs (the MS miner's rule, no list; fused.cuh).
template <class Mask>
struct MsRows {
  const float* S;  // [n x m]
  Mask mk;
  MsParams p;
};

template <class Mask>
__device__ __forceinline__ bool ms_pos(const MsRows<Mask>& a, int64_t i, int64_t j) { return a.mk.pos(i, j) > 0; }
template <class Mask>
__device__ __forceinline__ bool ms_neg(const MsRows<Mask>& a, int64_t i, int64_t j) { return a.mk.neg(i, j) > 0; }

template <class Mask>
__global__ void __launch_bounds__(kThreads) ms_loss_rows_kernel(MsRows<Mask> a, RowResults out) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  const float* s = a.S + i * a.mk.m;
  // Pass 1: maxima (the "add_one" zero belongs to each sum) and counts.
  double mp = 0.0, mn = 0.0;
  int64_t np = 0, nn = 0;
  for (int64_t j = threadIdx.x; j < a.mk.m; j += blockDim.x) {
    if (ms_pos(a, i, j)) {
      mp = fmax(mp, a.p.pos_exponent(s[j]));
      ++np;
    }
    if (ms_neg(a, i, j)) {
      mn = fmax(mn, a.p.neg_exponent(s[j]));
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
    if (ms_pos(a, i, j)) sp += exp(a.p.pos_exponent(s[j]) - mp);
    if (ms_neg(a, i, j)) sn += exp(a.p.neg_exponent(s[j]) - mn);
  }
  sp = block_reduce(sp, SumOp(), shd);
  sn = block_reduce(sn, SumOp(), shd);
  const double lse_p = mp + log(sp + exp(-mp));
  const double lse_n = mn + log(sn + exp(-mn));
  // Pass 3: dTerm/dS.
  float* g = out.G + i * a.mk.m;
  for (int64_t j = threadIdx.x; j < a.mk.m; j += blockDim.x)
    g[j] = a.p.grad(ms_pos(a, i, j), ms_neg(a, i, j), s[j], lse_p, lse_n);
  if (threadIdx.x == 0) out.store(i, a.p.row_loss(np, lse_p, nn, lse_n), np, nn);
}

// ------------------------------------------------------------------ streamed (stream.cuh)

// Pass 1 per row: both log-sum-exps as running (max, sum of exp(e - max)) pairs that start at the
// "add_one" zero (max 0, sum 0), merged chunk by chunk in column order, and the pair counts.
struct MsLseRows : RowsNoEmit {
  struct State {
    math::LogSumExp p, n;
    int64_t np, nn;
  };
  SparseMask mk;
  MsParams prm;
  double* lse_p;
  double* lse_n;
  RowResults out;

  __device__ State init() const { return State{{0.0, 0.0}, {0.0, 0.0}, 0, 0}; }
  __device__ State part(int64_t i, const float* v, int64_t j0, int count) const {
    State a = init();
    for (int k = 0; k < count; ++k) {
      if (mk.pos(i, j0 + k) > 0) a.p.max = fmax(a.p.max, prm.pos_exponent(v[k])), ++a.np;
      if (mk.neg(i, j0 + k) > 0) a.n.max = fmax(a.n.max, prm.neg_exponent(v[k])), ++a.nn;
    }
    for (int k = 0; k < count; ++k) {
      if (mk.pos(i, j0 + k) > 0) a.p.sum += exp(prm.pos_exponent(v[k]) - a.p.max);
      if (mk.neg(i, j0 + k) > 0) a.n.sum += exp(prm.neg_exponent(v[k]) - a.n.max);
    }
    return a;
  }
  __device__ void fold(State& a, const State& b) const {
    math::lse_merge(a.p, b.p);
    math::lse_merge(a.n, b.n);
    a.np += b.np;
    a.nn += b.nn;
  }
  __device__ void finish(int64_t i, const State& a) const {
    const double lp = a.p.max + log(a.p.sum + exp(-a.p.max));
    const double ln = a.n.max + log(a.n.sum + exp(-a.n.max));
    lse_p[i] = lp;
    lse_n[i] = ln;
    out.store(i, prm.row_loss(a.np, lp, a.nn, ln), a.np, a.nn);
  }
};

struct MsGrad {
  SparseMask mk;
  MsParams prm;
  const double* lse_p;
  const double* lse_n;
  __device__ float operator()(int64_t i, int64_t j, float s) const {
    return prm.grad(mk.pos(i, j) > 0, mk.neg(i, j) > 0, s, lse_p[i], lse_n[i]);
  }
};

// PML: all(len(x) <= 1) over the pair lists, with multiplicity for mined tuples.
bool ms_zero(const LossTotals& t) { return t.num_pos <= 1 && t.num_neg <= 1; }

MsParams ms_params(const BatchCall& call, const irk_distance& dist, double alpha, double beta, double base) {
  return MsParams{!is_l2(dist.kind), alpha, beta, base, 1.0 / static_cast<double>(call.b.n)};
}

// The loss over the call's distance matrix, the pairs as `rows` reads them (tuples: for the counts).
template <class Mask>
void ms_loss_matrix(BatchCall& call, const irk_distance& dist, const MsRows<Mask>& rows, const irk_tuples* tuples,
                    const irk_loss_out& out) {
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  LossRows r(s, b.n, b.m, false);
  ms_loss_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(rows, r.device());
  IRK_LAUNCHED("ms_loss_rows_kernel");
  finish_loss_one_sync(s, b, r, tuples, rows.p.w, ms_zero, [&] {
    distance_backward(s, dist, call.D, r.G.get(), out.grad, b.self ? nullptr : out.grad_ref);
  }, out, &call.checks);
}

void ms_loss_streamed(BatchCall& call, const irk_distance& dist, const irk_tuples* tuples, const MsParams& prm,
                      const irk_loss_out& out) {
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const SparseMask mk = call.sparse_mask(tuples);
  LossRows r(s, b.n, 0, false);  // no G
  Scratch<double> lse_p(s, b.n), lse_n(s, b.n);
  stream_rows(s, call.T, MsLseRows{{}, mk, prm, lse_p.get(), lse_n.get(), r.device()});
  const MsGrad grad{mk, prm, lse_p.get(), lse_n.get()};
  finish_loss_one_sync(s, b, r, tuples, prm.w, ms_zero, [&] {
    stream_backward(s, dist, call.T, grad, out.grad, b.self ? nullptr : out.grad_ref);
  }, out, &call.checks);
}

}  // namespace

void ms_loss_on(BatchCall& call, const irk_distance& dist, const irk_tuples* tuples, double alpha, double beta,
                double base, const irk_loss_out& out) {
  const MsParams prm = ms_params(call, dist, alpha, beta, base);
  if (call.streamed()) return ms_loss_streamed(call, dist, tuples, prm, out);
  ms_loss_matrix(call, dist, MsRows<PairMask>{call.D.s, call.pair_mask(tuples), prm}, tuples, out);
}

void ms_loss_kept(BatchCall& call, const irk_distance& dist, const MsKeptPairs& kept, double alpha, double beta,
                  double base, const irk_loss_out& out) {
  // The pair counts come from the rows (each kept pair once, as in the miner's lists).
  const MsParams prm = ms_params(call, dist, alpha, beta, base);
  ms_loss_matrix(call, dist, MsRows<MsKeptPairs>{call.D.s, kept, prm}, nullptr, out);
}

void ms_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples, double alpha,
             double beta, double base, const irk_loss_out& out) {
  const bool streamed = use_streaming(batch.n, batch.m);
  BatchCall call(ctx, batch, dist, tuples, streamed ? CallKind::kStreamed : CallKind::kLoss, true);
  ms_loss_on(call, dist, tuples, alpha, beta, base, out);
}

}  // namespace cuda
}  // namespace irk
