#include "cpu/pairs.h"

#include <algorithm>

namespace irk {

RowLists group_by_anchor(const int64_t* rows, int64_t count, int w, int col, int64_t n_anchors) {
  RowLists out;
  out.off.assign(static_cast<size_t>(n_anchors + 1), 0);
  for (int64_t t = 0; t < count; ++t) ++out.off[static_cast<size_t>(rows[t * w] + 1)];
  for (int64_t a = 0; a < n_anchors; ++a) out.off[static_cast<size_t>(a + 1)] += out.off[static_cast<size_t>(a)];
  out.idx.resize(static_cast<size_t>(count));
  std::vector<int64_t> fill(out.off.begin(), out.off.end() - 1);
  for (int64_t t = 0; t < count; ++t)
    out.idx[static_cast<size_t>(fill[static_cast<size_t>(rows[t * w])]++)] = rows[t * w + col];
  return out;
}

PairSource::PairSource(const Batch& b, const irk_tuples* tuples) : b_(b), from_labels_(tuples == nullptr) {
  if (from_labels_) {
    // Count labelled pairs once; O(n * m) time, no memory.
    for (int64_t i = 0; i < b.n; ++i)
      for (int64_t j = 0; j < b.m; ++j) {
        if (b.xlab[i] == b.ylab[j]) {
          if (!(b.self && i == j)) ++num_pos_;
        } else {
          ++num_neg_;
        }
      }
    return;
  }
  if (tuples->kind == IRK_TUPLES_PAIRS) {
    num_pos_ = tuples->n_pos;
    num_neg_ = tuples->n_neg;
    pos_ = group_by_anchor(tuples->pos, tuples->n_pos, 2, 1, b.n);
    neg_ = group_by_anchor(tuples->neg, tuples->n_neg, 2, 1, b.n);
  } else {
    num_pos_ = num_neg_ = tuples->n_triplets;
    pos_ = group_by_anchor(tuples->triplets, tuples->n_triplets, 3, 1, b.n);
    neg_ = group_by_anchor(tuples->triplets, tuples->n_triplets, 3, 2, b.n);
  }
}

static void dedupe_lists(RowLists& l) {
  int64_t n = static_cast<int64_t>(l.off.size()) - 1;
  std::vector<int64_t> off(l.off.size(), 0), idx;
  idx.reserve(l.idx.size());
  for (int64_t a = 0; a < n; ++a) {
    std::vector<int64_t> v(l.begin(a), l.end(a));
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    idx.insert(idx.end(), v.begin(), v.end());
    off[static_cast<size_t>(a + 1)] = static_cast<int64_t>(idx.size());
  }
  l.off = std::move(off);
  l.idx = std::move(idx);
}

void PairSource::dedupe() {
  if (from_labels_) return;
  dedupe_lists(pos_);
  dedupe_lists(neg_);
}

}  // namespace irk
