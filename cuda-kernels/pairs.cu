// Dense pair multiplicities of mined tuples, and their sorted per-row lists (see pairs.cuh).
#include <algorithm>
#include <utility>
#include <vector>

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

// Rows of `w` indices -> per-row sorted distinct columns of index `col` with their counts.
void sparse_side(cudaStream_t s, const int64_t* dev_rows, int64_t count, int w, int col, int64_t n,
                 Scratch<int64_t>& off, Scratch<int64_t>& cols, Scratch<int>& cnt) {
  std::vector<int64_t> rows(static_cast<size_t>(count * w));
  copy_to_host(s, rows.data(), dev_rows, count * w);
  std::vector<std::pair<int64_t, int64_t>> pairs(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k)
    pairs[static_cast<size_t>(k)] = {rows[static_cast<size_t>(k * w)], rows[static_cast<size_t>(k * w + col)]};
  std::sort(pairs.begin(), pairs.end());
  std::vector<int64_t> h_off(static_cast<size_t>(n + 1), 0), h_cols;
  std::vector<int> h_cnt;
  for (size_t k = 0; k < pairs.size(); ++k) {
    if (k > 0 && pairs[k] == pairs[k - 1]) {
      ++h_cnt.back();
      continue;
    }
    h_cols.push_back(pairs[k].second);
    h_cnt.push_back(1);
    ++h_off[static_cast<size_t>(pairs[k].first + 1)];
  }
  for (int64_t i = 0; i < n; ++i) h_off[static_cast<size_t>(i + 1)] += h_off[static_cast<size_t>(i)];
  off.allocate(s, n + 1);
  cols.allocate(s, static_cast<int64_t>(h_cols.size()));
  cnt.allocate(s, static_cast<int64_t>(h_cnt.size()));
  copy_to_device_async(s, off.get(), h_off.data(), n + 1);
  copy_to_device_async(s, cols.get(), h_cols.data(), static_cast<int64_t>(h_cols.size()));
  copy_to_device_async(s, cnt.get(), h_cnt.data(), static_cast<int64_t>(h_cnt.size()));
  IRK_CUDA(cudaStreamSynchronize(s));  // the host vectors go out of scope
}

}  // namespace

SparsePairs sparse_pairs(cudaStream_t s, const irk_tuples& t, int64_t n) {
  SparsePairs p;
  if (t.kind == IRK_TUPLES_PAIRS) {
    sparse_side(s, t.pos, t.n_pos, 2, 1, n, p.pos_off, p.pos_col, p.pos_cnt);
    sparse_side(s, t.neg, t.n_neg, 2, 1, n, p.neg_off, p.neg_col, p.neg_cnt);
  } else {
    sparse_side(s, t.triplets, t.n_triplets, 3, 1, n, p.pos_off, p.pos_col, p.pos_cnt);
    sparse_side(s, t.triplets, t.n_triplets, 3, 2, n, p.neg_off, p.neg_col, p.neg_cnt);
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
