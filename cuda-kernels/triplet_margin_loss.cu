// irk_triplet_margin_loss's CUDA twin (cpu/triplet_margin_loss.cpp), AvgNonZero in two passes:
// pass 1 sums the strictly positive terms and counts them (per row, then a fixed-order total),
// pass 2 writes dLoss/dS without the mean's 1 / count, which scales the gradients on the device
// after the backward (it is linear), so the call waits on the host once. Triplets from labels or from mined pairs are never
// materialized: one block per anchor walks its positives and, per positive, its negatives in
// parallel; every row of dLoss/dS is written by one block only, so those sums are deterministic.
// Explicit triplets take one thread each and scatter their gradient with integer atomics on a
// fixed-point copy of dLoss/dS (integer sums do not depend on order), so every run gives the same
// bits, however many triplets share an element.
#include <climits>
#include <cmath>
#include <utility>

#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "fused.cuh"
#include "loss_common.cuh"
#include "math/pair_math.h"

namespace irk {
namespace cuda {
namespace {

struct Triplets {
  const float* S;  // [n x m]
  int64_t n, m;
  const int64_t* xlab;
  const int64_t* ylab;
  bool self;
  const int* cpos;  // pair multiplicities of mined pairs, or NULL: every pair from the labels
  const int* cneg;
  bool inv, swap, smooth;
  float margin;
};

// Multiplicity of (a, j) as a positive / negative pair.
__device__ __forceinline__ int64_t pos_count(const Triplets& t, int64_t a, int64_t j) {
  return t.cpos ? t.cpos[a * t.m + j] : (t.xlab[a] == t.ylab[j] && !(t.self && a == j));
}
__device__ __forceinline__ int64_t neg_count(const Triplets& t, int64_t a, int64_t j) {
  return t.cneg ? t.cneg[a * t.m + j] : (t.xlab[a] != t.ylab[j]);
}

// Swap reads mat[p, n]; a positive p >= n is reported by the host before any gradient is formed.
__device__ __forceinline__ math::TripletTerm term_at(const Triplets& t, int64_t a, int64_t p, int64_t n) {
  const float pn = (t.swap && p < t.n) ? t.S[p * t.m + n] : 0.f;
  return math::triplet_loss_term(t.inv, t.swap, t.smooth, t.S[a * t.m + p], t.S[a * t.m + n], pn, t.margin);
}

// Pass 1, one block per anchor: sum and count of the terms > 0, the number of triplets, the
// number of negatives, and (labels, swap) the first positive that is not a query row.
__global__ void __launch_bounds__(kThreads) triplet_sums_kernel(Triplets t, double* row_sum, int64_t* row_nonzero,
                                                                int64_t* row_triplets, int64_t* row_negs,
                                                                unsigned long long* swap_bad) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t a = blockIdx.x;
  int64_t P = 0, N = 0;
  for (int64_t j = threadIdx.x; j < t.m; j += blockDim.x) {
    P += pos_count(t, a, j);
    N += neg_count(t, a, j);
  }
  P = block_reduce(P, SumOp(), shi);
  N = block_reduce(N, SumOp(), shi);
  double sum = 0.0;
  int64_t nonzero = 0;
  if (P > 0 && N > 0) {
    for (int64_t p = 0; p < t.m; ++p) {
      const int64_t wp = pos_count(t, a, p);
      if (wp == 0) continue;
      if (t.swap && p >= t.n) {
        if (threadIdx.x == 0 && !t.cpos) atomicMin(swap_bad, static_cast<unsigned long long>(a * t.m + p));
        continue;
      }
      for (int64_t n = threadIdx.x; n < t.m; n += blockDim.x) {
        const int64_t wn = neg_count(t, a, n);
        if (wn == 0) continue;
        const math::TripletTerm term = term_at(t, a, p, n);
        if (term.value > 0.0) {
          sum += term.value * static_cast<double>(wp * wn);
          nonzero += wp * wn;
        }
      }
    }
  }
  sum = block_reduce(sum, SumOp(), shd);
  nonzero = block_reduce(nonzero, SumOp(), shi);
  if (threadIdx.x == 0) {
    row_sum[a] = sum;
    row_nonzero[a] = nonzero;
    row_triplets[a] = P * N;
    row_negs[a] = N;
  }
}

// Pass 2, one block per row i of dLoss/dS: its anchor terms and, with swap, the pn terms of the
// triplets whose positive is i. Thread k owns the columns j = k mod blockDim, so no write races.
__global__ void __launch_bounds__(kThreads) triplet_grad_kernel(Triplets t, const int64_t* row_negs, double w,
                                                                float* G) {
  __shared__ double shd[kThreads];
  const int64_t i = blockIdx.x;
  float* g = G + i * t.m;
  if (row_negs[i] > 0) {
    for (int64_t p = 0; p < t.m; ++p) {
      const int64_t wp = pos_count(t, i, p);
      if (wp == 0 || (t.swap && p >= t.n)) continue;
      double gp = 0.0;
      for (int64_t n = threadIdx.x; n < t.m; n += blockDim.x) {
        const int64_t wn = neg_count(t, i, n);
        if (wn == 0) continue;
        const math::TripletTerm term = term_at(t, i, p, n);
        if (term.value <= 0.0) continue;
        const double f = w * term.dv * static_cast<double>(wp * wn);
        gp += f;
        g[n] -= static_cast<float>(f * term.an_share);
      }
      gp = block_reduce(gp, SumOp(), shd);
      if (threadIdx.x == p % blockDim.x) g[p] += static_cast<float>(gp);
    }
  }
  if (!t.swap || i >= t.m) return;
  for (int64_t a = 0; a < t.n; ++a) {
    const int64_t wa = pos_count(t, a, i);
    if (wa == 0 || row_negs[a] == 0) continue;
    for (int64_t n = threadIdx.x; n < t.m; n += blockDim.x) {
      const int64_t wn = neg_count(t, a, n);
      if (wn == 0) continue;
      const math::TripletTerm term = term_at(t, a, i, n);
      if (term.value > 0.0 && term.an_share < 1.0)
        g[n] -= static_cast<float>(w * term.dv * (1.0 - term.an_share) * static_cast<double>(wa * wn));
    }
  }
}

// Swap with mined pairs: the first positive pair (input order) that forms a triplet and whose
// positive is not a query row.
__global__ void swap_pairs_check_kernel(const int64_t* pos, int64_t n_pos, const int64_t* row_negs, int64_t n,
                                        unsigned long long* bad) {
  for (int64_t k = global_thread(); k < n_pos; k += global_stride())
    if (row_negs[pos[2 * k]] > 0 && pos[2 * k + 1] >= n) atomicMin(bad, static_cast<unsigned long long>(k));
}

// Explicit triplets, pass 1: each term (0 unless > 0) and whether it counts.
__global__ void triplet_list_terms_kernel(Triplets t, const int64_t* tri, int64_t count, double* value,
                                          int64_t* counted, unsigned long long* swap_bad) {
  for (int64_t k = global_thread(); k < count; k += global_stride()) {
    const int64_t a = tri[3 * k], p = tri[3 * k + 1], n = tri[3 * k + 2];
    double v = 0.0;
    if (t.swap && p >= t.n) atomicMin(swap_bad, static_cast<unsigned long long>(k));
    else v = term_at(t, a, p, n).value;
    value[k] = v > 0.0 ? v : 0.0;
    counted[k] = v > 0.0 ? 1 : 0;
  }
}

// The listed triplets' dLoss/dS while it is summed: finite terms in fixed point (v * scale rounded,
// added as two's-complement 64-bit integers), NaN/Inf terms apart in float (NaN and Inf sums do
// not depend on order either), so the element ends NaN/Inf as a float sum would.
struct FixedGrad {
  unsigned long long* fixed;
  float* nonfinite;
  double scale;
  __device__ __forceinline__ void add(int64_t at, double v) const {
    if (v - v == 0.0) atomicAdd(&fixed[at], static_cast<unsigned long long>(llrint(v * scale)));
    else atomicAdd(&nonfinite[at], static_cast<float>(v));
  }
};

// Explicit triplets, pass 2: scatter each counted term's gradient.
__global__ void triplet_list_grad_kernel(Triplets t, const int64_t* tri, int64_t count, double w, FixedGrad g) {
  for (int64_t k = global_thread(); k < count; k += global_stride()) {
    const int64_t a = tri[3 * k], p = tri[3 * k + 1], n = tri[3 * k + 2];
    if (t.swap && p >= t.n) continue;  // the call fails (swap_bad); row p of S does not exist
    const math::TripletTerm term = term_at(t, a, p, n);
    if (term.value <= 0.0) continue;
    const double f = w * term.dv;
    g.add(a * t.m + p, f);
    g.add(a * t.m + n, -f * term.an_share);
    if (t.swap && term.an_share < 1.0) g.add(p * t.m + n, -f * (1.0 - term.an_share));
  }
}

// x *= 1 / (the number of counted terms), read on the device: the mean's scale, applied after the
// backward pass (which is linear in dLoss/dS) so that the host need not know it first.
__global__ void scale_by_count_kernel(float* x, int64_t count, const Totals* totals) {
  const double f = totals->a > 0 ? 1.0 / static_cast<double>(totals->a) : 0.0;
  for (int64_t k = global_thread(); k < count; k += global_stride()) x[k] = static_cast<float>(x[k] * f);
}

__global__ void fixed_to_float_kernel(FixedGrad g, int64_t count, float* G) {
  for (int64_t k = global_thread(); k < count; k += global_stride())
    G[k] = g.nonfinite[k] != 0.f ? g.nonfinite[k]
                                 : static_cast<float>(static_cast<double>(static_cast<long long>(g.fixed[k])) / g.scale);
}

// The fixed-point scale for `count` triplets, each adding at most |w| (dv and the shares are <= 1)
// to at most 3 elements: a power of two that keeps any element's sum below 2^61.
double fixed_scale(int64_t count, double w) {
  int e = 0;
  std::frexp(3.0 * static_cast<double>(count) * std::fabs(w), &e);  // bound < 2^e
  return std::ldexp(1.0, 61 - e);
}

[[noreturn]] void positive_not_a_query(long long p, long long n) {
  invalid("swap reads mat[p, n] (PML indexes the distance matrix's row p), so every positive "
          "must index the query set too, but positive %lld >= n = %lld", p, n);
}

}  // namespace

void triplet_margin_loss_on(BatchCall& call, const irk_distance& dist, const irk_tuples* tuples, double margin,
                            int swap, int smooth_loss, const irk_loss_out& out) {
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const DevDist& D = call.D;
  const bool listed = tuples != nullptr && tuples->kind == IRK_TUPLES_TRIPLETS;
  PairCounts pc;
  if (tuples && !listed) pc = count_pairs(s, *tuples, b.n, b.m);
  Triplets t{D.s,    b.n,       b.m,        b.xlab,        b.ylab,           b.self, pc.pos.get(),
             pc.neg.get(), D.inverted, swap != 0, smooth_loss != 0, static_cast<float>(margin)};

  Scratch<unsigned long long> swap_bad(s, 1);
  IRK_CUDA(cudaMemsetAsync(swap_bad.get(), 0xFF, sizeof(unsigned long long), s));
  Scratch<Totals> totals(s, 1);
  Scratch<int64_t> row_negs;
  int64_t triplets = 0;
  if (listed) {
    const int64_t count = tuples->n_triplets;
    triplets = count;
    Scratch<double> value(s, count);
    Scratch<int64_t> counted(s, count);
    if (count > 0) {
      triplet_list_terms_kernel<<<grid_for(count), kThreads, 0, s>>>(t, tuples->triplets, count, value.get(),
                                                                      counted.get(), swap_bad.get());
      IRK_LAUNCHED("triplet_list_terms_kernel");
    }
    sum_rows(s, value.get(), counted.get(), nullptr, count, totals.get());
  } else {
    Scratch<double> row_sum(s, b.n);
    Scratch<int64_t> row_nonzero(s, b.n), row_triplets(s, b.n);
    row_negs.allocate(s, b.n);
    triplet_sums_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(t, row_sum.get(), row_nonzero.get(), row_triplets.get(),
                                                             row_negs.get(), swap_bad.get());
    IRK_LAUNCHED("triplet_sums_kernel");
    if (swap && tuples && tuples->n_pos > 0) {
      swap_pairs_check_kernel<<<grid_for(tuples->n_pos), kThreads, 0, s>>>(tuples->pos, tuples->n_pos, row_negs.get(),
                                                                            b.n, swap_bad.get());
      IRK_LAUNCHED("swap_pairs_check_kernel");
    }
    sum_rows(s, row_sum.get(), row_nonzero.get(), row_triplets.get(), b.n, totals.get());
  }
  // dLoss/dS without the mean's 1 / nonzero, the backward, then the scale, all queued: one sync
  // brings the totals, the swap check and the gradient check back together.
  const double w = math::dmargin_dx(D.inverted);  // dv/dap per counted term, before the mean
  Scratch<float> G(s, b.n * b.m);
  if (listed) {
    Scratch<unsigned long long> fixed(s, b.n * b.m);
    Scratch<float> nonfinite(s, b.n * b.m);
    fixed.zero();
    nonfinite.zero();
    const FixedGrad g{fixed.get(), nonfinite.get(), fixed_scale(triplets, w)};
    if (triplets > 0) {
      triplet_list_grad_kernel<<<grid_for(triplets), kThreads, 0, s>>>(t, tuples->triplets, triplets, w, g);
      IRK_LAUNCHED("triplet_list_grad_kernel");
    }
    fixed_to_float_kernel<<<grid_for(b.n * b.m), kThreads, 0, s>>>(g, b.n * b.m, G.get());
    IRK_LAUNCHED("fixed_to_float_kernel");
  } else {
    G.zero();
    triplet_grad_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(t, row_negs.get(), w, G.get());
    IRK_LAUNCHED("triplet_grad_kernel");
  }
  float* grad_ref = b.self ? nullptr : out.grad_ref;
  if (out.grad || grad_ref) distance_backward(s, dist, D, G.get(), out.grad, grad_ref);
  for (auto [x, rows] : {std::pair<float*, int64_t>{out.grad, b.n}, std::pair<float*, int64_t>{grad_ref, b.m}}) {
    if (!x) continue;
    scale_by_count_kernel<<<grid_for(rows * b.d), kThreads, 0, s>>>(x, rows * b.d, totals.get());
    IRK_LAUNCHED("scale_by_count_kernel");
  }
  DeviceChecks checks(s);
  if (out.grad) checks.gradient(out.grad, b.n, b.d, "out.grad");
  if (grad_ref) checks.gradient(grad_ref, b.m, b.d, "out.grad_ref");
  checks.queue();
  struct Host {
    Totals totals;
    unsigned long long swap_bad;
  };
  Pinned<Host> pinned;
  Host& h = *pinned.get();
  copy_to_host_async(s, &h.totals, totals.get(), 1);
  copy_to_host(s, &h.swap_bad, swap_bad.get(), 1);
  call.checks.raise();  // input checks deferred to this sync (none with caller's tuples: checked first)
  if (!listed) triplets = h.totals.b;

  if (triplets == 0) {  // PML: no triplets, zero loss
    store_loss(s, b, 0.0, false, out);
    return;
  }
  if (swap && h.swap_bad != ULLONG_MAX) {
    const int64_t at = static_cast<int64_t>(h.swap_bad);
    int64_t p = at % b.m;  // labels: the flat index a * m + p
    if (tuples) copy_to_host(s, &p, listed ? tuples->triplets + 3 * at + 1 : tuples->pos + 2 * at + 1, 1);
    positive_not_a_query(static_cast<long long>(p), static_cast<long long>(b.n));
  }
  const int64_t nonzero = h.totals.a;
  if (nonzero == 0) {
    store_loss(s, b, 0.0, false, out);
    return;
  }
  store_loss(s, b, h.totals.sum / static_cast<double>(nonzero), true, out);
  checks.raise();
}

void triplet_margin_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
                         double margin, int swap, int smooth_loss, const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss, true);
  triplet_margin_loss_on(call, dist, tuples, margin, swap, smooth_loss, out);
}

}  // namespace cuda
}  // namespace irk
