// Dense pair multiplicities of mined tuples (see pairs.cuh).
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

}  // namespace

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
