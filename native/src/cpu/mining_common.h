// What every miner shares: validation, the distance matrix, PML's label masks
// (get_all_pairs_indices) and row-parallel collection of pairs in row order.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/mined.h"
#include "cpu/distance.h"

namespace irk {

struct MinerInput {
  const irk_context& ctx;
  Batch b;
  DistMat D;
};

inline MinerInput begin_mining(const irk_context* ctx, const irk_batch* batch,
                               const irk_distance* dist, irk_mined* out) {
  const irk_context& c = check_cpu_context(ctx);
  Batch b = check_batch(batch);
  check_distance(dist);
  check_mined(out);
  return MinerInput{c, b, compute_distances(c, *dist, b)};
}

// begin_mining's validation for a CUDA context, less what reads the data (the twin checks the
// device data itself).
inline Batch check_cuda_mining_call(const irk_batch* batch, const irk_distance* dist, irk_mined* out) {
  Batch b = check_batch(batch, false);
  check_distance(dist);
  check_mined(out);
  return b;
}

// PML get_matches_and_diffs: (i, i) is never a positive when the reference is the query set.
inline bool is_pos(const Batch& b, int64_t i, int64_t j) {
  return b.xlab[i] == b.ylab[j] && !(b.self && i == j);
}
inline bool is_neg(const Batch& b, int64_t i, int64_t j) { return b.xlab[i] != b.ylab[j]; }

// Runs row(i, js) for every anchor i in parallel (row appends the kept columns to js) and returns
// the pairs (i, j) [count x 2] in row order.
template <class F>
std::vector<int64_t> collect_pairs(const irk_context& ctx, int64_t n, F&& row) {
  std::vector<std::vector<int64_t>> per_row(static_cast<size_t>(n));
  parallel_for(ctx, n, 16, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) row(i, per_row[static_cast<size_t>(i)]);
  });
  size_t total = 0;
  for (const auto& r : per_row) total += r.size();
  std::vector<int64_t> out;
  out.reserve(2 * total);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j : per_row[static_cast<size_t>(i)]) {
      out.push_back(i);
      out.push_back(j);
    }
  return out;
}

// All labelled positive / negative pairs (PML's get_all_pairs_indices), in row order.
inline std::vector<int64_t> all_pos_pairs(const irk_context& ctx, const Batch& b) {
  return collect_pairs(ctx, b.n, [&](int64_t i, std::vector<int64_t>& js) {
    for (int64_t j = 0; j < b.m; ++j)
      if (is_pos(b, i, j)) js.push_back(j);
  });
}
inline std::vector<int64_t> all_neg_pairs(const irk_context& ctx, const Batch& b) {
  return collect_pairs(ctx, b.n, [&](int64_t i, std::vector<int64_t>& js) {
    for (int64_t j = 0; j < b.m; ++j)
      if (is_neg(b, i, j)) js.push_back(j);
  });
}

// One pick per row as PML's get_max_per_row / get_min_per_row return it; `keep` is false when
// the row has no allowed column (the pick is then meaningless).
struct RowPick {
  float value;
  int64_t index;
  bool keep;
};

// torch.max(mat * mask, dim=1): excluded columns count as 0, so when every allowed value is
// negative (similarities) the pick lands on an excluded column, exactly as in PML. Ties: first
// occurrence (ATen's CPU reduction replaces only on !(v <= best)).
template <class Allowed>
RowPick masked_max_per_row(const DistMat& D, int64_t i, Allowed&& allowed) {
  RowPick r{0.f, 0, false};
  for (int64_t j = 0; j < D.m; ++j) {
    bool ok = allowed(j);
    float v = ok ? D.at(i, j) : 0.f;
    r.keep = r.keep || ok;
    if (j == 0 || !(v <= r.value)) {
      r.value = v;
      r.index = j;
    }
  }
  return r;
}

// torch.min over mat with excluded columns set to +inf (first occurrence on ties).
template <class Allowed>
RowPick masked_min_per_row(const DistMat& D, int64_t i, Allowed&& allowed) {
  RowPick r{0.f, 0, false};
  for (int64_t j = 0; j < D.m; ++j) {
    bool ok = allowed(j);
    float v = ok ? D.at(i, j) : INFINITY;
    r.keep = r.keep || ok;
    if (j == 0 || !(v >= r.value)) {
      r.value = v;
      r.index = j;
    }
  }
  return r;
}

}  // namespace irk
