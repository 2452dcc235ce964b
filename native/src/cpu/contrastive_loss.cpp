// ContrastiveLoss (PML): pair-based, each part (positive, negative) averaged over its strictly
// positive terms (AvgNonZeroReducer), the parts summed. Mined pairs count with multiplicity.
#include <cmath>

#include "core/cuda_kernels.h"
#include "cpu/loss_common.h"
#include "cpu/pairs.h"
#include "math/pair_math.h"

namespace irk {
namespace {

struct PartSum {
  double sum = 0.0;
  int64_t count = 0;
};

}  // namespace
}  // namespace irk

extern "C" irk_status irk_contrastive_loss(const irk_context* ctx, const irk_batch* batch,
                                           const irk_distance* dist, const irk_tuples* tuples,
                                           double pos_margin, double neg_margin, irk_loss_out* out) {
  using namespace irk;
  return guard("irk_contrastive_loss", [&] {
    check_finite(pos_margin, "pos_margin");
    check_finite(neg_margin, "neg_margin");
    if (on_cuda(ctx)) {
      Batch b = check_cuda_loss_call(batch, dist, tuples, out);
      cuda::contrastive_loss(*ctx, b, *dist, tuples, pos_margin, neg_margin, *out);
      return;
    }
    run_mat_loss(ctx, batch, dist, tuples, out, [&](const Batch& b, const DistMat& D) {
      MatLoss r;
      PairSource pairs(b, tuples);
      if (pairs.num_pos() <= 1 && pairs.num_neg() <= 1) return r;  // PML: all(len(x) <= 1)
      const bool inv = D.inverted;
      const float pm = static_cast<float>(pos_margin), nm = static_cast<float>(neg_margin);
      auto pos_term = [&](int64_t i, int64_t j) { return math::contrastive_pos(inv, D.at(i, j), pm); };
      auto neg_term = [&](int64_t i, int64_t j) { return math::contrastive_neg(inv, D.at(i, j), nm); };
      const irk_context& c = check_context(ctx);
      std::vector<PartSum> pos_rows(static_cast<size_t>(b.n)), neg_rows(static_cast<size_t>(b.n));
      parallel_for(c, b.n, 16, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          PartSum& P = pos_rows[static_cast<size_t>(i)];
          PartSum& N = neg_rows[static_cast<size_t>(i)];
          pairs.for_pos(i, [&](int64_t j) {
            float t = pos_term(i, j);
            if (t > 0.f) P.sum += t, ++P.count;
          });
          pairs.for_neg(i, [&](int64_t j) {
            float t = neg_term(i, j);
            if (t > 0.f) N.sum += t, ++N.count;
          });
        }
      });
      PartSum P, N;
      for (int64_t i = 0; i < b.n; ++i) {
        P.sum += pos_rows[static_cast<size_t>(i)].sum;
        P.count += pos_rows[static_cast<size_t>(i)].count;
        N.sum += neg_rows[static_cast<size_t>(i)].sum;
        N.count += neg_rows[static_cast<size_t>(i)].count;
      }
      if (P.count == 0 && N.count == 0) return r;
      r.loss = (P.count ? P.sum / P.count : 0.0) + (N.count ? N.sum / N.count : 0.0);
      // d term / d s: +-dmargin_dx on counted terms, scaled by the part's 1/count.
      const double gp = P.count ? math::dmargin_dx(inv) / P.count : 0.0;
      const double gn = N.count ? -math::dmargin_dx(inv) / N.count : 0.0;
      r.G.assign(static_cast<size_t>(b.n * b.m), 0.0);
      parallel_for(c, b.n, 16, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          double* g = r.G.data() + i * b.m;
          pairs.for_pos(i, [&](int64_t j) {
            if (pos_term(i, j) > 0.f) g[j] += gp;
          });
          pairs.for_neg(i, [&](int64_t j) {
            if (neg_term(i, j) > 0.f) g[j] += gn;
          });
        }
      });
      return r;
    });
  });
}
