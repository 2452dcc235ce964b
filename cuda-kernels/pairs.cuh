// Mined tuples as dense [n x m] pair multiplicities, the device stand-in for cpu/pairs.h's
// per-anchor lists: pairs give pos / neg as they are, triplets (a, p, n) give (a, p) and (a, n).
// Losses read them as PML's masks (count > 0, the CPU's dedupe) or with multiplicity (triplets
// formed from pairs). Counting with integer atomics gives the same counts whatever the order.
// The streaming path (stream.cuh) holds them as sorted per-row lists instead (SparsePairs).
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

// The labels that make a batch's pairs, as the miners read them: (i, j) is a positive when the
// labels agree (never (i, i) when reference = query), a negative when they differ.
struct PairLabels {
  const int64_t* xlab;
  const int64_t* ylab;
  bool self;
  bool inv;  // similarity: larger is closer

  __device__ __forceinline__ bool is_pos(int64_t i, int64_t j) const { return xlab[i] == ylab[j] && !(self && i == j); }
  __device__ __forceinline__ bool is_neg(int64_t i, int64_t j) const { return xlab[i] != ylab[j]; }
};

// Mined tuples for the streaming path (stream.cuh), in O(tuples) memory: each side's pairs as
// sorted keys i * m + j (a pair mined k times appears k times), and per anchor row i the range
// [off[i], off[i + 1]) of its keys. Built on the device (a merge sort): no host round trip.
struct SparsePairs {
  Scratch<int64_t> pos_off, pos_key, neg_off, neg_key;  // off: [n + 1]
};
// Tuples already validated (indices in range).
SparsePairs sparse_pairs(cudaStream_t s, const irk_tuples& t, int64_t n, int64_t m);

// The first index in [lo, hi) of sorted `a` whose key is >= key (or > key with `after`).
__device__ __forceinline__ int64_t sorted_bound(const int64_t* a, int64_t lo, int64_t hi, int64_t key, bool after) {
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (a[mid] < key || (after && a[mid] == key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// PairMask's reading of the pairs over SparsePairs (mined) or the labels: the multiplicity of
// (i, j) as a positive / negative.
struct SparseMask {
  const int64_t* xlab;
  const int64_t* ylab;
  bool self;
  int64_t m;
  const int64_t* pos_off;  // NULL: from the labels
  const int64_t* pos_key;
  const int64_t* neg_off;
  const int64_t* neg_key;

  // How often key i * m + j occurs in row i's range.
  __device__ int64_t find(const int64_t* off, const int64_t* key, int64_t i, int64_t j) const {
    const int64_t k = i * m + j, lo = off[i], hi = off[i + 1];
    const int64_t first = sorted_bound(key, lo, hi, k, false);
    return first < hi && key[first] == k ? sorted_bound(key, first, hi, k, true) - first : 0;
  }
  __device__ __forceinline__ int64_t pos(int64_t i, int64_t j) const {
    return pos_off ? find(pos_off, pos_key, i, j) : (xlab[i] == ylab[j] && !(self && i == j));
  }
  __device__ __forceinline__ int64_t neg(int64_t i, int64_t j) const {
    return neg_off ? find(neg_off, neg_key, i, j) : (xlab[i] != ylab[j]);
  }
};

// Builds `sp` from the tuples (when given) and returns the mask over them or over the labels.
inline SparseMask sparse_mask(cudaStream_t s, const Batch& b, const irk_tuples* tuples, SparsePairs& sp) {
  if (tuples) sp = sparse_pairs(s, *tuples, b.n, b.m);
  return SparseMask{b.xlab, b.ylab, b.self, b.m, sp.pos_off.get(), sp.pos_key.get(), sp.neg_off.get(), sp.neg_key.get()};
}

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
