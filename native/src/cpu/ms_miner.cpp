// MultiSimilarityMiner (PML): pairs that are harder than the row's easiest pair of the other kind.
#include <algorithm>
#include <cmath>

#include "core/cuda_kernels.h"
#include "cpu/mat_ops.h"
#include "cpu/mining_common.h"
#include "math/pair_math.h"

namespace irk {

namespace {

// Reference indices grouped by label (ascending within a label), to find a row's positives
// without scanning its row.
struct LabelGroups {
  std::vector<int64_t> idx;                         // y indices sorted by (label, index)
  int64_t find(int64_t label, int64_t* end) const;  // [begin, end) of label's members
  const int64_t* ylab = nullptr;
};

int64_t LabelGroups::find(int64_t label, int64_t* end) const {
  auto lo = std::lower_bound(idx.begin(), idx.end(), label, [&](int64_t j, int64_t l) { return ylab[j] < l; });
  auto hi = std::upper_bound(lo, idx.end(), label, [&](int64_t l, int64_t j) { return l < ylab[j]; });
  *end = hi - idx.begin();
  return lo - idx.begin();
}

}  // namespace

void ms_mine(const irk_context& ctx, const Batch& b, const DistMat& D, double epsilon, std::vector<int64_t>& pos,
             std::vector<int64_t>& neg) {
  pos.clear();
  neg.clear();
  bool any_pos = false, any_neg = false;
  for (int64_t i = 0; i < b.n && !(any_pos && any_neg); ++i)
    for (int64_t j = 0; j < b.m; ++j) {
      any_pos = any_pos || is_pos(b, i, j);
      any_neg = any_neg || is_neg(b, i, j);
    }
  if (!any_pos || !any_neg) return;  // PML returns nothing at all
  const bool inv = D.inverted;
  const float eps = static_cast<float>(epsilon);
  const float far = inv ? -INFINITY : INFINITY;  // never closer than anything
  LabelGroups groups;
  groups.ylab = b.ylab;
  groups.idx.resize(static_cast<size_t>(b.m));
  for (int64_t j = 0; j < b.m; ++j) groups.idx[static_cast<size_t>(j)] = j;
  std::stable_sort(groups.idx.begin(), groups.idx.end(), [&](int64_t p, int64_t q) { return b.ylab[p] < b.ylab[q]; });
  std::vector<std::vector<int64_t>> pos_rows(static_cast<size_t>(b.n)), neg_rows(static_cast<size_t>(b.n));
  parallel_for(ctx, b.n, 16, [&](int64_t lo, int64_t hi) {
    std::vector<float> row(static_cast<size_t>(b.m));
    std::vector<int64_t> cols(static_cast<size_t>(b.m));
    for (int64_t i = lo; i < hi; ++i) {
      const float* s = D.s.data() + i * b.m;
      int64_t g1 = 0;
      const int64_t g0 = groups.find(b.xlab[i], &g1);
      // The farthest positive (+-inf when none; PML's ignore value then keeps nothing).
      float wp = -far;
      for (int64_t t = g0; t < g1; ++t) {
        const int64_t j = groups.idx[static_cast<size_t>(t)];
        if (!(b.self && i == j) && math::is_closer(inv, wp, s[j])) wp = s[j];
      }
      // The closest negative: the row with its label's columns pushed away, then a plain scan.
      std::copy(s, s + b.m, row.begin());
      for (int64_t t = g0; t < g1; ++t) row[static_cast<size_t>(groups.idx[static_cast<size_t>(t)])] = far;
      float best[4] = {far, far, far, far};
      int64_t j = 0;
      for (; j + 4 <= b.m; j += 4)
        for (int u = 0; u < 4; ++u) best[u] = math::is_closer(inv, row[static_cast<size_t>(j + u)], best[u]) ? row[static_cast<size_t>(j + u)] : best[u];
      for (; j < b.m; ++j) best[0] = math::is_closer(inv, row[static_cast<size_t>(j)], best[0]) ? row[static_cast<size_t>(j)] : best[0];
      float bn = far;
      for (float v : best) bn = math::is_closer(inv, v, bn) ? v : bn;
      std::vector<int64_t>& P = pos_rows[static_cast<size_t>(i)];
      for (int64_t t = g0; t < g1; ++t) {
        const int64_t jj = groups.idx[static_cast<size_t>(t)];
        if (!(b.self && i == jj) && math::ms_keep_pos(inv, s[jj], eps, bn)) P.push_back(jj);
      }
      // Kept negatives, branch-free (about one column in eight passes): every column is written,
      // the count moves on only for kept ones. Pushed-away columns (the positives) never pass.
      int64_t kept = 0;
      for (int64_t jj = 0; jj < b.m; ++jj) {
        cols[static_cast<size_t>(kept)] = jj;
        kept += math::ms_keep_neg(inv, row[static_cast<size_t>(jj)], eps, wp) & (b.ylab[jj] != b.xlab[i]);
      }
      neg_rows[static_cast<size_t>(i)].assign(cols.begin(), cols.begin() + kept);
    }
  });
  auto flatten = [&](const std::vector<std::vector<int64_t>>& rows, std::vector<int64_t>& out) {
    size_t total = 0;
    for (const auto& r : rows) total += r.size();
    out.reserve(2 * total);
    for (int64_t i = 0; i < b.n; ++i)
      for (int64_t j : rows[static_cast<size_t>(i)]) out.insert(out.end(), {i, j});
  };
  flatten(pos_rows, pos);
  flatten(neg_rows, neg);
}

}  // namespace irk

extern "C" irk_status irk_ms_miner(const irk_context* ctx, const irk_batch* batch,
                                   const irk_distance* dist, double epsilon, irk_mined* out) {
  return irk::guard("irk_ms_miner", [&] {
    irk::check_finite(epsilon, "epsilon");
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_mining_call(batch, dist, out);
      irk::cuda::ms_miner(*ctx, b, *dist, epsilon, *out);
      return;
    }
    irk::MinerInput in = irk::begin_mining(ctx, batch, dist, out);
    std::vector<int64_t> pos, neg;
    irk::ms_mine(in.ctx, in.b, in.D, epsilon, pos, neg);
    out->set_sorted_pairs(std::move(pos), std::move(neg));
  });
}
