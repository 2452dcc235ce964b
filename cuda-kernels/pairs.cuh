// Mined tuples as dense [n x m] pair multiplicities, the device stand-in for cpu/pairs.h's
// per-anchor lists: pairs give pos / neg as they are, triplets (a, p, n) give (a, p) and (a, n).
// Losses read them as PML's masks (count > 0, the CPU's dedupe) or with multiplicity (triplets
// formed from pairs). Counting with integer atomics gives the same counts whatever the order.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "core/check.h"
#include "irkit/irkit.h"

namespace irk {
namespace cuda {

struct PairCounts {
  Scratch<int> pos, neg;  // [n x m]
};

// Tuples already validated (indices in range).
PairCounts count_pairs(cudaStream_t s, const irk_tuples& t, int64_t n, int64_t m);

// The pairs a loss sees, as cpu/pairs.h's PairSource: multiplicities of mined pairs, or 0/1 from
// the labels (PML get_all_pairs_indices: (i, i) is never a positive when reference = query).
// Mask-based losses read "> 0".
struct PairMask {
  const int64_t* xlab;
  const int64_t* ylab;
  int64_t m;
  bool self;
  const int* cpos;  // NULL: from the labels
  const int* cneg;

  __device__ __forceinline__ int64_t pos(int64_t i, int64_t j) const {
    return cpos ? cpos[i * m + j] : (xlab[i] == ylab[j] && !(self && i == j));
  }
  __device__ __forceinline__ int64_t neg(int64_t i, int64_t j) const {
    return cneg ? cneg[i * m + j] : (xlab[i] != ylab[j]);
  }
};

// Counts the tuples (when given) into `pc` and returns the mask over them or over the labels.
inline PairMask pair_mask(cudaStream_t s, const Batch& b, const irk_tuples* tuples, PairCounts& pc) {
  if (tuples) pc = count_pairs(s, *tuples, b.n, b.m);
  return PairMask{b.xlab, b.ylab, b.m, b.self, pc.pos.get(), pc.neg.get()};
}

// PML's pair counts with multiplicity (for its "all(len(x) <= 1)" checks): mined tuples as given,
// else the labelled counts the row kernels summed.
inline void tuple_pair_counts(const irk_tuples* t, int64_t* num_pos, int64_t* num_neg) {
  if (t == nullptr) return;
  *num_pos = t->kind == IRK_TUPLES_PAIRS ? t->n_pos : t->n_triplets;
  *num_neg = t->kind == IRK_TUPLES_PAIRS ? t->n_neg : t->n_triplets;
}

}  // namespace cuda
}  // namespace irk
