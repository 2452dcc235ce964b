// ThresholdConsistentMarginLoss (Zhang et al. 2023), PML semantics: cosine only, already reduced:
// lambda_plus * mean over positive pairs with s <= margin_plus of (margin_plus - s)
// + lambda_minus * mean over negative pairs with s >= margin_minus of (s - margin_minus);
// a part with no selected pair is 0. Mined pairs keep their multiplicity (PML indexes mat[a, p]).
#include <cstdint>

#include "core/cuda_kernels.h"
#include "cpu/loss_common.h"
#include "cpu/pairs.h"
#include "math/pair_loss_math.h"

extern "C" irk_status irk_tcm_loss(const irk_context* ctx, const irk_batch* batch,
                                   const irk_distance* dist, const irk_tuples* tuples,
                                   double lambda_plus, double lambda_minus, double margin_plus,
                                   double margin_minus, irk_loss_out* out) {
  return irk::guard("irk_tcm_loss", [&] {
    irk::check_finite(lambda_plus, "lambda_plus");
    irk::check_finite(lambda_minus, "lambda_minus");
    irk::check_finite(margin_plus, "margin_plus");
    irk::check_finite(margin_minus, "margin_minus");
    if (dist != nullptr && dist->kind != IRK_DIST_COSINE)
      irk::invalid("dist: ThresholdConsistentMarginLoss requires cosine similarity (PML asserts CosineSimilarity)");
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_loss_call(batch, dist, tuples, out);
      irk::cuda::tcm_loss(*ctx, b, *dist, tuples, lambda_plus, lambda_minus, margin_plus, margin_minus, *out);
      return;
    }
    irk::run_mat_loss(ctx, batch, dist, tuples, out, [&](const irk::Batch& b, const irk::DistMat& D) {
      using irk::math::tcm_neg_selected;
      using irk::math::tcm_neg_term;
      using irk::math::tcm_pos_selected;
      using irk::math::tcm_pos_term;
      irk::MatLoss r;
      irk::PairSource pairs(b, tuples);
      const irk_context& c = irk::check_context(ctx);
      const float mp = static_cast<float>(margin_plus), mm = static_cast<float>(margin_minus);
      // Per-row selected counts and sums, then the global means.
      std::vector<int64_t> pos_cnt(static_cast<size_t>(b.n), 0), neg_cnt(static_cast<size_t>(b.n), 0);
      std::vector<double> pos_sum(static_cast<size_t>(b.n), 0.0), neg_sum(static_cast<size_t>(b.n), 0.0);
      irk::parallel_for(c, b.n, 16, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          size_t at = static_cast<size_t>(i);
          pairs.for_pos(i, [&](int64_t j) {
            float s = D.at(i, j);
            if (tcm_pos_selected(s, mp)) ++pos_cnt[at], pos_sum[at] += tcm_pos_term(s, margin_plus);
          });
          pairs.for_neg(i, [&](int64_t j) {
            float s = D.at(i, j);
            if (tcm_neg_selected(s, mm)) ++neg_cnt[at], neg_sum[at] += tcm_neg_term(s, margin_minus);
          });
        }
      });
      int64_t np = 0, nn = 0;
      double sp = 0.0, sn = 0.0;
      for (int64_t i = 0; i < b.n; ++i) {
        size_t at = static_cast<size_t>(i);
        np += pos_cnt[at], nn += neg_cnt[at], sp += pos_sum[at], sn += neg_sum[at];
      }
      if (np == 0 && nn == 0) return r;
      const double gp = np > 0 ? -lambda_plus / static_cast<double>(np) : 0.0;
      const double gn = nn > 0 ? lambda_minus / static_cast<double>(nn) : 0.0;
      r.loss = (np > 0 ? lambda_plus * sp / static_cast<double>(np) : 0.0) +
               (nn > 0 ? lambda_minus * sn / static_cast<double>(nn) : 0.0);
      r.G.assign(static_cast<size_t>(b.n * b.m), 0.0);
      irk::parallel_for(c, b.n, 16, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          double* g = r.G.data() + i * b.m;
          pairs.for_pos(i, [&](int64_t j) {
            if (tcm_pos_selected(D.at(i, j), mp)) g[j] += gp;
          });
          pairs.for_neg(i, [&](int64_t j) {
            if (tcm_neg_selected(D.at(i, j), mm)) g[j] += gn;
          });
        }
      });
      return r;
    });
  });
}
