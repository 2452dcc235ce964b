// CircleLoss (Sun et al. 2020), PML semantics: cosine only, mask-based (repeated mined pairs count
// once), alphas detached, per anchor softplus(lse(pos logits) + lse(neg logits)) for anchors with
// both positives and negatives, averaged over strictly positive losses (AvgNonZeroReducer).
#include <cmath>
#include <cstdint>

#include "core/cuda_kernels.h"
#include "cpu/loss_common.h"
#include "cpu/pairs.h"
#include "math/pair_loss_math.h"

extern "C" irk_status irk_circle_loss(const irk_context* ctx, const irk_batch* batch,
                                      const irk_distance* dist, const irk_tuples* tuples, double m,
                                      double gamma, irk_loss_out* out) {
  return irk::guard("irk_circle_loss", [&] {
    irk::check_finite(m, "m");
    irk::check_finite(gamma, "gamma");
    if (dist != nullptr && dist->kind != IRK_DIST_COSINE)
      irk::invalid("dist: CircleLoss requires cosine similarity (PML asserts CosineSimilarity)");
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_loss_call(batch, dist, tuples, out);
      irk::cuda::circle_loss(*ctx, b, *dist, tuples, m, gamma, *out);
      return;
    }
    irk::run_mat_loss(ctx, batch, dist, tuples, out, [&](const irk::Batch& b, const irk::DistMat& D) {
      using namespace irk::math;
      irk::MatLoss r;
      irk::PairSource pairs(b, tuples);
      if (pairs.num_pos() <= 1 && pairs.num_neg() <= 1) return r;  // PML: all(len(x) <= 1)
      const irk_context& c = irk::check_context(ctx);
      r.G.assign(static_cast<size_t>(b.n * b.m), 0.0);
      std::vector<double> row_loss(static_cast<size_t>(b.n), 0.0);
      irk::parallel_for(c, b.n, 16, [&](int64_t lo, int64_t hi) {
        std::vector<uint8_t> mask(static_cast<size_t>(b.m));  // bit 1: positive, bit 2: negative
        for (int64_t i = lo; i < hi; ++i) {
          std::fill(mask.begin(), mask.end(), uint8_t{0});
          pairs.for_pos(i, [&](int64_t j) { mask[static_cast<size_t>(j)] |= 1; });
          pairs.for_neg(i, [&](int64_t j) { mask[static_cast<size_t>(j)] |= 2; });
          auto value = [&](int64_t j, uint8_t k) { return circle_logit(D.at(i, j), (k & 2) != 0, m, gamma); };
          LogSumExp pos = lse_init(), neg = lse_init();
          for (int64_t j = 0; j < b.m; ++j) {
            uint8_t k = mask[static_cast<size_t>(j)];
            if (k == 0) continue;
            double v = value(j, k);
            if (k & 1) lse_add(pos, v);
            if (k & 2) lse_add(neg, v);
          }
          if (pos.sum == 0.0 || neg.sum == 0.0) continue;  // PML zeroes rows missing either side
          const double lp = lse_value(pos), ln = lse_value(neg);
          double* g = r.G.data() + i * b.m;
          for (int64_t j = 0; j < b.m; ++j) {
            uint8_t k = mask[static_cast<size_t>(j)];
            if (k == 0) continue;
            double s = D.at(i, j), v = value(j, k);
            g[j] = circle_grad((k & 1) != 0, (k & 2) != 0, v, lp, ln, circle_slope(s, (k & 2) != 0, m, gamma));
          }
          row_loss[static_cast<size_t>(i)] = softplus(lp + ln);
        }
      });
      // AvgNonZeroReducer, deciding "> 0" on the float32 value as PML does on float32 input.
      int64_t count = 0;
      for (double v : row_loss)
        if (static_cast<float>(v) > 0.f) {
          r.loss += v;
          ++count;
        }
      if (count == 0) {
        r.loss = 0.0;
        r.G.clear();
        return r;
      }
      r.loss /= static_cast<double>(count);
      const double scale = 1.0 / static_cast<double>(count);
      irk::parallel_for(c, b.n, 64, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          double f = static_cast<float>(row_loss[static_cast<size_t>(i)]) > 0.f ? scale : 0.0;
          double* g = r.G.data() + i * b.m;
          // A row left out is zero, even where its own terms are NaN (PML's loss[loss > 0] drops it).
          for (int64_t j = 0; j < b.m; ++j) g[j] = f == 0.0 ? 0.0 : g[j] * f;
        }
      });
      return r;
    });
  });
}
