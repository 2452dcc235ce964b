// Which (anchor, reference) pairs a loss or miner sees: every labelled pair (PML's
// get_all_pairs_indices) or the pairs of mined tuples, grouped by anchor row so that kernels can
// run rows in parallel and write only their own row of dLoss/dS.
#pragma once
#include <cstdint>
#include <vector>

#include "core/check.h"
#include "irkit/irkit.h"

namespace irk {

// CSR lists: for anchor a, entries idx[off[a] .. off[a+1]).
struct RowLists {
  std::vector<int64_t> off;
  std::vector<int64_t> idx;
  int64_t size(int64_t a) const { return off[static_cast<size_t>(a + 1)] - off[static_cast<size_t>(a)]; }
  const int64_t* begin(int64_t a) const { return idx.data() + off[static_cast<size_t>(a)]; }
  const int64_t* end(int64_t a) const { return idx.data() + off[static_cast<size_t>(a + 1)]; }
};

// Groups rows of width `w` by their first column (stable: input order kept within an anchor);
// column `col` of each row becomes the list entry.
RowLists group_by_anchor(const int64_t* rows, int64_t count, int w, int col, int64_t n_anchors);

class PairSource {
 public:
  // tuples NULL: all pairs from labels. Pairs: as given (with multiplicity). Triplets: (a,p), (a,n).
  PairSource(const Batch& b, const irk_tuples* tuples);

  bool from_labels() const { return from_labels_; }
  // Total pair counts as PML sees them (with multiplicity), for its "all(len(x) <= 1)" check.
  int64_t num_pos() const { return num_pos_; }
  int64_t num_neg() const { return num_neg_; }

  // Calls f(j) for each positive / negative of anchor i (with multiplicity for mined pairs).
  template <class F>
  void for_pos(int64_t i, F&& f) const {
    if (from_labels_) {
      for (int64_t j = 0; j < b_.m; ++j)
        if (b_.xlab[i] == b_.ylab[j] && !(b_.self && i == j)) f(j);
    } else {
      for (const int64_t* p = pos_.begin(i); p != pos_.end(i); ++p) f(*p);
    }
  }
  template <class F>
  void for_neg(int64_t i, F&& f) const {
    if (from_labels_) {
      for (int64_t j = 0; j < b_.m; ++j)
        if (b_.xlab[i] != b_.ylab[j]) f(j);
    } else {
      for (const int64_t* p = neg_.begin(i); p != neg_.end(i); ++p) f(*p);
    }
  }
  // Collapses repeated mined pairs (mask semantics of PML's mat-based losses).
  void dedupe();

 private:
  const Batch& b_;
  bool from_labels_;
  int64_t num_pos_ = 0, num_neg_ = 0;
  RowLists pos_, neg_;
};

}  // namespace irk
