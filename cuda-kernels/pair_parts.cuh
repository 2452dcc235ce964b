// The shape ContrastiveLoss and ThresholdConsistentMarginLoss share: two parts (positive pairs,
// negative pairs), each a sum of selected per-pair terms over its count (mined pairs with
// multiplicity), so dLoss/dS is one constant per part on the selected pairs. Pass 1 (one block
// per row) sums and counts per row, fixed-order totals come back to the host (one copy), the
// caller turns them into the two constants, pass 2 writes G. `Part` supplies the per-pair math
// from math/*.h: pos_sel(s), pos_term(s), neg_sel(s), neg_term(s).
#pragma once
#include <cstdint>

#include "common.cuh"
#include "pairs.cuh"

namespace irk {
namespace cuda {

struct PartRows {
  Scratch<double> psum, nsum;
  Scratch<int64_t> pcnt, ncnt, ppairs, npairs;  // selected (with multiplicity) / all pairs per row
};

template <class Part>
__global__ void __launch_bounds__(kThreads) part_rows_kernel(PairMask mk, const float* S, Part part, double* psum,
                                                             int64_t* pcnt, double* nsum, int64_t* ncnt,
                                                             int64_t* ppairs, int64_t* npairs) {
  __shared__ double shd[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  const float* s = S + i * mk.m;
  double sp = 0.0, sn = 0.0;
  int64_t cp = 0, cn = 0, ap = 0, an = 0;
  for (int64_t j = threadIdx.x; j < mk.m; j += blockDim.x) {
    const int64_t wp = mk.pos(i, j), wn = mk.neg(i, j);
    ap += wp;
    an += wn;
    if (wp && part.pos_sel(s[j])) sp += part.pos_term(s[j]) * static_cast<double>(wp), cp += wp;
    if (wn && part.neg_sel(s[j])) sn += part.neg_term(s[j]) * static_cast<double>(wn), cn += wn;
  }
  sp = block_reduce(sp, SumOp(), shd);
  sn = block_reduce(sn, SumOp(), shd);
  cp = block_reduce(cp, SumOp(), shi);
  cn = block_reduce(cn, SumOp(), shi);
  ap = block_reduce(ap, SumOp(), shi);
  an = block_reduce(an, SumOp(), shi);
  if (threadIdx.x == 0) {
    psum[i] = sp, nsum[i] = sn, pcnt[i] = cp, ncnt[i] = cn, ppairs[i] = ap, npairs[i] = an;
  }
}

template <class Part>
__global__ void part_grad_kernel(PairMask mk, const float* S, int64_t n, Part part, double gp, double gn, float* G) {
  for (int64_t at = global_thread(); at < n * mk.m; at += global_stride()) {
    const int64_t i = at / mk.m, j = at % mk.m;
    const float s = S[at];
    const int64_t wp = mk.pos(i, j), wn = mk.neg(i, j);
    double g = 0.0;
    if (wp && part.pos_sel(s)) g += gp * static_cast<double>(wp);
    if (wn && part.neg_sel(s)) g += gn * static_cast<double>(wn);
    G[at] = static_cast<float>(g);
  }
}

// Totals of both parts: pos.sum / pos.a (selected) / pos.b (all positive pairs), same for neg.
struct PartTotals {
  Totals pos, neg;
};

template <class Part>
PartTotals part_totals(cudaStream_t s, const PairMask& mk, const float* S, int64_t n, const Part& part) {
  PartRows r;
  r.psum.allocate(s, n), r.nsum.allocate(s, n), r.pcnt.allocate(s, n), r.ncnt.allocate(s, n);
  r.ppairs.allocate(s, n), r.npairs.allocate(s, n);
  part_rows_kernel<<<row_blocks(n), kThreads, 0, s>>>(mk, S, part, r.psum.get(), r.pcnt.get(), r.nsum.get(),
                                                      r.ncnt.get(), r.ppairs.get(), r.npairs.get());
  IRK_LAUNCHED("part_rows_kernel");
  Scratch<Totals> t(s, 2);
  sum_rows(s, r.psum.get(), r.pcnt.get(), r.ppairs.get(), n, t.get());
  sum_rows(s, r.nsum.get(), r.ncnt.get(), r.npairs.get(), n, t.get() + 1);
  PartTotals h{};
  copy_to_host(s, &h.pos, t.get(), 2);
  return h;
}

template <class Part>
void part_grad(cudaStream_t s, const PairMask& mk, const float* S, int64_t n, const Part& part, double gp, double gn,
               float* G) {
  part_grad_kernel<<<grid_for(n * mk.m), kThreads, 0, s>>>(mk, S, n, part, gp, gn, G);
  IRK_LAUNCHED("part_grad_kernel");
}

}  // namespace cuda
}  // namespace irk
