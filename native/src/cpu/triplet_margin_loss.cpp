// TripletMarginLoss (PML): relu / softplus of margin(ap, an) + margin, averaged over strictly
// positive terms (AvgNonZeroReducer). Triplets stream per anchor: never materialized from labels
// or from mined pairs (every (a, p, n) whose anchors match, with multiplicity).
#include <cmath>

#include "core/cuda_kernels.h"
#include "cpu/mat_ops.h"
#include "cpu/pairs.h"
#include "math/pair_math.h"

namespace irk {
namespace {

// PML's convert_to_triplets, streamed: by anchor, and (for swap) by positive.
class TripletSource {
 public:
  TripletSource(const Batch& b, const irk_tuples* t) : b_(b), t_(t) {
    if (t == nullptr) {
      for (int64_t a = 0; a < b.n; ++a) count_ += count_pos(a) * count_neg(a);
    } else if (t->kind == IRK_TUPLES_TRIPLETS) {
      p_ = group_by_anchor(t->triplets, t->n_triplets, 3, 1, b.n);
      n_ = group_by_anchor(t->triplets, t->n_triplets, 3, 2, b.n);
      count_ = t->n_triplets;
    } else {
      p_ = group_by_anchor(t->pos, t->n_pos, 2, 1, b.n);
      n_ = group_by_anchor(t->neg, t->n_neg, 2, 1, b.n);
      for (int64_t a = 0; a < b.n; ++a) count_ += p_.size(a) * n_.size(a);
    }
  }

  int64_t count() const { return count_; }

  // f(p, n) for each triplet (a, p, n).
  template <class F>
  void for_anchor(int64_t a, F&& f) const {
    if (t_ == nullptr) {
      for (int64_t p = 0; p < b_.m; ++p) {
        if (!label_pos(a, p)) continue;
        for (int64_t n = 0; n < b_.m; ++n)
          if (b_.xlab[a] != b_.ylab[n]) f(p, n);
      }
    } else if (t_->kind == IRK_TUPLES_TRIPLETS) {
      for (int64_t k = p_.off[static_cast<size_t>(a)]; k < p_.off[static_cast<size_t>(a + 1)]; ++k)
        f(p_.idx[static_cast<size_t>(k)], n_.idx[static_cast<size_t>(k)]);
    } else {
      for (const int64_t* p = p_.begin(a); p != p_.end(a); ++p)
        for (const int64_t* n = n_.begin(a); n != n_.end(a); ++n) f(*p, *n);
    }
  }

  // Swap reads mat[p, n]: p must index a query row. Groups triplets by positive (O(input)).
  void index_by_positive() {
    auto too_big = [&](int64_t p) {
      invalid("swap reads mat[p, n] (PML indexes the distance matrix's row p), so every positive "
              "must index the query set too, but positive %lld >= n = %lld",
              static_cast<long long>(p), static_cast<long long>(b_.n));
    };
    if (t_ == nullptr) {
      for (int64_t a = 0; a < b_.n; ++a)
        for (int64_t p = b_.n; p < b_.m; ++p)
          if (label_pos(a, p) && count_neg(a) > 0) too_big(p);
      return;
    }
    std::vector<int64_t> rows;  // (p, payload): triplet id, or anchor of a positive pair
    if (t_->kind == IRK_TUPLES_TRIPLETS) {
      for (int64_t k = 0; k < t_->n_triplets; ++k) {
        int64_t p = t_->triplets[3 * k + 1];
        if (p >= b_.n) too_big(p);
        rows.insert(rows.end(), {p, k});
      }
    } else {
      for (int64_t k = 0; k < t_->n_pos; ++k) {
        int64_t a = t_->pos[2 * k], p = t_->pos[2 * k + 1];
        if (n_.size(a) == 0) continue;  // forms no triplet
        if (p >= b_.n) too_big(p);
        rows.insert(rows.end(), {p, a});
      }
    }
    by_pos_ = group_by_anchor(rows.data(), static_cast<int64_t>(rows.size() / 2), 2, 1, b_.n);
  }

  // f(a, n) for each triplet (a, r, n); needs index_by_positive().
  template <class F>
  void for_positive(int64_t r, F&& f) const {
    if (r >= b_.m) return;  // not a reference index: no triplet has it as positive
    if (t_ == nullptr) {
      for (int64_t a = 0; a < b_.n; ++a) {
        if (!label_pos(a, r)) continue;
        for (int64_t n = 0; n < b_.m; ++n)
          if (b_.xlab[a] != b_.ylab[n]) f(a, n);
      }
    } else if (t_->kind == IRK_TUPLES_TRIPLETS) {
      for (const int64_t* k = by_pos_.begin(r); k != by_pos_.end(r); ++k)
        f(t_->triplets[3 * *k], t_->triplets[3 * *k + 2]);
    } else {
      for (const int64_t* a = by_pos_.begin(r); a != by_pos_.end(r); ++a)
        for (const int64_t* n = n_.begin(*a); n != n_.end(*a); ++n) f(*a, *n);
    }
  }

 private:
  bool label_pos(int64_t a, int64_t p) const { return b_.xlab[a] == b_.ylab[p] && !(b_.self && a == p); }
  int64_t count_pos(int64_t a) const {
    int64_t c = 0;
    for (int64_t j = 0; j < b_.m; ++j) c += label_pos(a, j);
    return c;
  }
  int64_t count_neg(int64_t a) const {
    int64_t c = 0;
    for (int64_t j = 0; j < b_.m; ++j) c += b_.xlab[a] != b_.ylab[j];
    return c;
  }

  const Batch& b_;
  const irk_tuples* t_;
  int64_t count_ = 0;
  RowLists p_, n_, by_pos_;
};

}  // namespace

SparseLoss triplet_margin_loss_on(const irk_context& c, const Batch& b, const DistMat& D, const irk_tuples* tuples,
                                  double margin, bool swap, bool smooth) {
  SparseLoss r;
  TripletSource src(b, tuples);
  if (src.count() == 0) return r;  // PML: no triplets, zero loss
  if (swap) src.index_by_positive();
  const bool inv = D.inverted;
  const float mf = static_cast<float>(margin);
  auto term = [&](int64_t a, int64_t p, int64_t n) {
    float pn = swap ? D.at(p, n) : 0.f;
    return math::triplet_loss_term(inv, swap, smooth, D.at(a, p), D.at(a, n), pn, mf);
  };
  std::vector<double> row_sum(static_cast<size_t>(b.n), 0.0);
  std::vector<int64_t> row_count(static_cast<size_t>(b.n), 0);
  parallel_for(c, b.n, 4, [&](int64_t lo, int64_t hi) {
    for (int64_t a = lo; a < hi; ++a)
      src.for_anchor(a, [&](int64_t p, int64_t n) {
        math::TripletTerm t = term(a, p, n);
        if (t.value > 0.0) row_sum[static_cast<size_t>(a)] += t.value, ++row_count[static_cast<size_t>(a)];
      });
  });
  double sum = 0.0;
  int64_t count = 0;
  for (int64_t a = 0; a < b.n; ++a) sum += row_sum[static_cast<size_t>(a)], count += row_count[static_cast<size_t>(a)];
  if (count == 0) return r;
  r.loss = sum / static_cast<double>(count);
  r.zero = false;
  const double w = math::dmargin_dx(inv) / static_cast<double>(count);  // dv/dap per counted term
  // Row i collects its anchor terms and, with swap, the pn terms of triplets whose positive is i,
  // so every row is written by one thread only.
  r.G = sparse_rows(c, b.n, b.m, [&](int64_t i, double* g, double*) {
    src.for_anchor(i, [&](int64_t p, int64_t n) {
      math::TripletTerm t = term(i, p, n);
      if (t.value <= 0.0) return;
      g[p] += w * t.dv;
      g[n] -= w * t.dv * t.an_share;
    });
    if (!swap) return;
    src.for_positive(i, [&](int64_t a, int64_t n) {
      math::TripletTerm t = term(a, i, n);
      if (t.value > 0.0 && t.an_share < 1.0) g[n] -= w * t.dv * (1.0 - t.an_share);
    });
  });
  return r;
}

}  // namespace irk

extern "C" irk_status irk_triplet_margin_loss(const irk_context* ctx, const irk_batch* batch,
                                              const irk_distance* dist, const irk_tuples* tuples,
                                              double margin, int swap, int smooth_loss,
                                              irk_loss_out* out) {
  using namespace irk;
  return guard("irk_triplet_margin_loss", [&] {
    check_finite(margin, "margin");
    if (swap != 0 && swap != 1) invalid("swap must be 0 or 1, got %d", swap);
    if (smooth_loss != 0 && smooth_loss != 1) invalid("smooth_loss must be 0 or 1, got %d", smooth_loss);
    if (on_cuda(ctx)) {
      Batch b = check_cuda_loss_call(batch, dist, tuples, out);
      cuda::triplet_margin_loss(*ctx, b, *dist, tuples, margin, swap, smooth_loss, *out);
      return;
    }
    const irk_context& c = check_cpu_context(ctx);
    Batch b = check_cpu_loss_call(batch, dist, tuples, out);
    DistMat D = compute_distances(c, *dist, b);
    SparseLoss r = triplet_margin_loss_on(c, b, D, tuples, margin, swap != 0, smooth_loss != 0);
    write_sparse_loss(c, *dist, b, D, r, out);
  });
}
