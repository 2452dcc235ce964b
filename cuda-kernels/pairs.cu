// Dense pair multiplicities of mined tuples, and their sorted per-row lists (see pairs.cuh).
#include <utility>

#include "pairs.cuh"

namespace irk {
namespace cuda {
namespace {

// counts[row[0] * m + row[col]] += 1 for every tuple row of width w.
__global__ void count_kernel(const int64_t* rows, int64_t count, int w, int col, int64_t m, int* counts) {
  for (int64_t k = global_thread(); k < count; k += global_stride())
    atomicAdd(&counts[rows[k * w] * m + rows[k * w + col]], 1);
}

void add_counts(cudaStream_t s, const int64_t* rows, int64_t count, int w, int col, int64_t m, int* counts) {
  if (count <= 0) return;
  count_kernel<<<grid_for(count), kThreads, 0, s>>>(rows, count, w, col, m, counts);
  IRK_LAUNCHED("count_kernel");
}

// keys[k] = rows[k * w] * m + rows[k * w + col]: tuple k's pair in row-major order.
__global__ void pair_keys_kernel(const int64_t* rows, int64_t count, int w, int col, int64_t m, int64_t* keys) {
  for (int64_t k = global_thread(); k < count; k += global_stride()) keys[k] = rows[k * w] * m + rows[k * w + col];
}

// One bottom-up merge pass: sorted runs of `width` keys in `in` merged pairwise into `out`. A key
// lands at its index in its run plus the number of keys before it in the sibling run (the even
// run's keys go first among equals, so every slot is written once).
__global__ void merge_pass_kernel(const int64_t* in, int64_t count, int64_t width, int64_t* out) {
  for (int64_t i = global_thread(); i < count; i += global_stride()) {
    const int64_t run = i / width, sib = run ^ 1, key = in[i];
    const int64_t s0 = sib * width < count ? sib * width : count;
    const int64_t s1 = s0 + width < count ? s0 + width : count;
    const bool even = (run & 1) == 0;
    const int64_t before = sorted_bound(in, s0, s1, key, !even) - s0;
    out[(even ? run : sib) * width + (i - run * width) + before] = key;
  }
}

// off[i] = the first key of row i (keys >= i * m), for i in [0, n].
__global__ void row_offsets_kernel(const int64_t* keys, int64_t count, int64_t n, int64_t m, int64_t* off) {
  for (int64_t i = global_thread(); i <= n; i += global_stride()) off[i] = sorted_bound(keys, 0, count, i * m, false);
}

// One side's pairs (column `col` of rows of `w` indices) as sorted keys and row offsets.
void sparse_side(cudaStream_t s, const int64_t* rows, int64_t count, int w, int col, int64_t n, int64_t m,
                 Scratch<int64_t>& off, Scratch<int64_t>& keys) {
  keys.allocate(s, count);
  off.allocate(s, n + 1);
  if (count > 0) {
    Scratch<int64_t> other(s, count);
    pair_keys_kernel<<<grid_for(count), kThreads, 0, s>>>(rows, count, w, col, m, keys.get());
    IRK_LAUNCHED("pair_keys_kernel");
    for (int64_t width = 1; width < count; width *= 2) {
      merge_pass_kernel<<<grid_for(count), kThreads, 0, s>>>(keys.get(), count, width, other.get());
      IRK_LAUNCHED("merge_pass_kernel");
      std::swap(keys, other);
    }
  }
  row_offsets_kernel<<<grid_for(n + 1), kThreads, 0, s>>>(keys.get(), count, n, m, off.get());
  IRK_LAUNCHED("row_offsets_kernel");
}

}  // namespace

SparsePairs sparse_pairs(cudaStream_t s, const irk_tuples& t, int64_t n, int64_t m) {
  SparsePairs p;
  if (t.kind == IRK_TUPLES_PAIRS) {
    sparse_side(s, t.pos, t.n_pos, 2, 1, n, m, p.pos_off, p.pos_key);
    sparse_side(s, t.neg, t.n_neg, 2, 1, n, m, p.neg_off, p.neg_key);
  } else {
    sparse_side(s, t.triplets, t.n_triplets, 3, 1, n, m, p.pos_off, p.pos_key);
    sparse_side(s, t.triplets, t.n_triplets, 3, 2, n, m, p.neg_off, p.neg_key);
  }
  return p;
}

PairCounts count_pairs(cudaStream_t s, const irk_tuples& t, int64_t n, int64_t m) {
  PairCounts c;
  c.pos.allocate(s, n * m);
  c.neg.allocate(s, n * m);
  c.pos.zero();
  c.neg.zero();
  if (t.kind == IRK_TUPLES_PAIRS) {
    add_counts(s, t.pos, t.n_pos, 2, 1, m, c.pos.get());
    add_counts(s, t.neg, t.n_neg, 2, 1, m, c.neg.get());
  } else {
    add_counts(s, t.triplets, t.n_triplets, 3, 1, m, c.pos.get());
    add_counts(s, t.triplets, t.n_triplets, 3, 2, m, c.neg.get());
  }
  return c;
}

}  // namespace cuda
}  // namespace irk
