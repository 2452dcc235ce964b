// The shape ContrastiveLoss and ThresholdConsistentMarginLoss share: two parts (positive pairs,
// negative pairs), each a sum of selected per-pair terms over its count (mined pairs with
// multiplicity), so dLoss/dS is one constant per part on the selected pairs. Pass 1 (one block
// per row) sums and counts per row; fixed-order totals are queued back to the host; the two
// constants are computed from them on the device (mean_scales), and pass 2 reads them there, so
// the host waits only at the loss's end. `Part` supplies the per-pair math from math/*.h:
// pos_sel(s), pos_term(s), neg_sel(s), neg_term(s). Streamed (stream.cuh): pass 1 as a row pass
// over recomputed tiles, and the constants applied per pair in stream_backward.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "loss_common.cuh"
#include "pairs.cuh"
#include "stream.cuh"

namespace irk {
namespace cuda {

// Pass 1's per-row results, and their totals: [0] the positive part, [1] the negative part, each
// with .sum (of selected terms), .a (selected pairs) and .b (all pairs of that part).
struct PartRows {
  PartRows(cudaStream_t s, int64_t n)
      : psum(s, n), nsum(s, n), pcnt(s, n), ncnt(s, n), ppairs(s, n), npairs(s, n), totals(s) {}
  Scratch<double> psum, nsum;
  Scratch<int64_t> pcnt, ncnt, ppairs, npairs;  // selected (with multiplicity) / all pairs per row
  QueuedTotals totals;
};

// One row's running sums: selected terms and counts, and all pairs, of each part.
struct PartSums {
  double sp, sn;
  int64_t cp, cn, ap, an;
};

// Adds pair (wp, wn: its multiplicities as a positive / negative) of value s.
template <class Part>
__device__ __forceinline__ void part_add(PartSums& a, const Part& part, int64_t wp, int64_t wn, float s) {
  a.ap += wp;
  a.an += wn;
  if (wp && part.pos_sel(s)) a.sp += part.pos_term(s) * static_cast<double>(wp), a.cp += wp;
  if (wn && part.neg_sel(s)) a.sn += part.neg_term(s) * static_cast<double>(wn), a.cn += wn;
}

// dLoss/dS of pair (wp, wn) of value s given the parts' constants gpn[0] (positive), gpn[1].
template <class Part>
__device__ __forceinline__ float part_pair_grad(const Part& part, int64_t wp, int64_t wn, float s, const double* gpn) {
  double g = 0.0;
  if (wp && part.pos_sel(s)) g += gpn[0] * static_cast<double>(wp);
  if (wn && part.neg_sel(s)) g += gpn[1] * static_cast<double>(wn);
  return static_cast<float>(g);
}

template <class Part>
__global__ void __launch_bounds__(kThreads) part_rows_kernel(PairMask mk, const float* S, Part part, double* psum,
                                                             int64_t* pcnt, double* nsum, int64_t* ncnt,
                                                             int64_t* ppairs, int64_t* npairs) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  const float* s = S + i * mk.m;
  PartSums a{0.0, 0.0, 0, 0, 0, 0};
  for (int64_t j = threadIdx.x; j < mk.m; j += blockDim.x) part_add(a, part, mk.pos(i, j), mk.neg(i, j), s[j]);
  a.sp = block_reduce(a.sp, SumOp(), shd);
  a.sn = block_reduce(a.sn, SumOp(), shd);
  a.cp = block_reduce(a.cp, SumOp(), shi);
  a.cn = block_reduce(a.cn, SumOp(), shi);
  a.ap = block_reduce(a.ap, SumOp(), shi);
  a.an = block_reduce(a.an, SumOp(), shi);
  if (threadIdx.x == 0) {
    psum[i] = a.sp, nsum[i] = a.sn, pcnt[i] = a.cp, ncnt[i] = a.cn, ppairs[i] = a.ap, npairs[i] = a.an;
  }
}

template <class Part>
__global__ void part_grad_kernel(PairMask mk, const float* S, int64_t n, Part part, const double* gpn, float* G) {
  for (int64_t at = global_thread(); at < n * mk.m; at += global_stride()) {
    const int64_t i = at / mk.m, j = at % mk.m;
    G[at] = part_pair_grad(part, mk.pos(i, j), mk.neg(i, j), S[at], gpn);
  }
}

// Streamed (stream.cuh): pass 1 as a row pass, and the gradient per pair for stream_backward.
template <class Part>
struct PartStreamRows : RowsNoEmit {
  using State = PartSums;
  SparseMask mk;
  Part terms;
  double* psum;
  int64_t* pcnt;
  double* nsum;
  int64_t* ncnt;
  int64_t* ppairs;
  int64_t* npairs;

  __device__ State init() const { return State{0.0, 0.0, 0, 0, 0, 0}; }
  __device__ State part(int64_t i, const float* v, int64_t j0, int count) const {
    State a = init();
    for (int k = 0; k < count; ++k) part_add(a, terms, mk.pos(i, j0 + k), mk.neg(i, j0 + k), v[k]);
    return a;
  }
  __device__ void fold(State& a, const State& b) const {
    a.sp += b.sp, a.sn += b.sn, a.cp += b.cp, a.cn += b.cn, a.ap += b.ap, a.an += b.an;
  }
  __device__ void finish(int64_t i, const State& a) const {
    psum[i] = a.sp, nsum[i] = a.sn, pcnt[i] = a.cp, ncnt[i] = a.cn, ppairs[i] = a.ap, npairs[i] = a.an;
  }
};

template <class Part>
struct PartStreamGrad {
  SparseMask mk;
  Part part;
  const double* gpn;
  __device__ float operator()(int64_t i, int64_t j, float s) const {
    return part_pair_grad(part, mk.pos(i, j), mk.neg(i, j), s, gpn);
  }
};

// Queues the rows' sums in a fixed order and their copy back (r.totals).
inline void part_sums(cudaStream_t s, PartRows& r, int64_t n) {
  sum_rows(s, r.psum.get(), r.pcnt.get(), r.ppairs.get(), n, r.totals.dev.get());
  sum_rows(s, r.nsum.get(), r.ncnt.get(), r.npairs.get(), n, r.totals.dev.get() + 1);
  r.totals.queue(s);
}

template <class Part>
void part_totals(cudaStream_t s, const PairMask& mk, const float* S, int64_t n, const Part& part, PartRows& r) {
  part_rows_kernel<<<row_blocks(n), kThreads, 0, s>>>(mk, S, part, r.psum.get(), r.pcnt.get(), r.nsum.get(),
                                                      r.ncnt.get(), r.ppairs.get(), r.npairs.get());
  IRK_LAUNCHED("part_rows_kernel");
  part_sums(s, r, n);
}

template <class Part>
void part_totals_streamed(cudaStream_t s, const SparseMask& mk, const StreamDist& T, const Part& part, PartRows& r) {
  stream_rows(s, T, PartStreamRows<Part>{{}, mk, part, r.psum.get(), r.pcnt.get(), r.nsum.get(), r.ncnt.get(),
                                         r.ppairs.get(), r.npairs.get()});
  part_sums(s, r, T.n);
}

// The parts' constants on the device: gpn[0] = pos_coef / (selected positive pairs), gpn[1] =
// neg_coef / (selected negative pairs), 0 for an empty part.
inline void part_scales(cudaStream_t s, const PartRows& r, double pos_coef, double neg_coef, double* gpn) {
  const MeanScale neg{neg_coef, r.totals.count_a(1)};
  mean_scales(s, gpn, MeanScale{pos_coef, r.totals.count_a(0)}, &neg);
}

// Pass 2 and the distance backward: G from the device constants gpn, then dLoss/dEmbeddings.
template <class Part>
void part_backward(const BatchCall& call, const irk_distance& dist, const PairMask& mk, const Part& part,
                   const double* gpn, const irk_loss_out& out) {
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  Scratch<float> G(s, b.n * b.m);
  part_grad_kernel<<<grid_for(b.n * b.m), kThreads, 0, s>>>(mk, call.D.s, b.n, part, gpn, G.get());
  IRK_LAUNCHED("part_grad_kernel");
  distance_backward(s, dist, call.D, G.get(), out.grad, b.self ? nullptr : out.grad_ref);
}

}  // namespace cuda
}  // namespace irk
