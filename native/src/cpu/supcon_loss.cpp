// SupConLoss (Khosla et al. 2020), PML semantics: mask-based (repeated mined pairs count once),
// per anchor -mean over its positives of log softmax over its positives and negatives, averaged
// over the anchors whose loss is strictly positive (AvgNonZeroReducer).
#include <cmath>
#include <cstdint>

#include "core/cuda_kernels.h"
#include "cpu/loss_common.h"
#include "cpu/pairs.h"
#include "math/pair_loss_math.h"

extern "C" irk_status irk_supcon_loss(const irk_context* ctx, const irk_batch* batch,
                                      const irk_distance* dist, const irk_tuples* tuples,
                                      double temperature, irk_loss_out* out) {
  return irk::guard("irk_supcon_loss", [&] {
    irk::check_finite(temperature, "temperature");
    if (temperature <= 0) irk::invalid("temperature must be > 0, got %g", temperature);
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_loss_call(batch, dist, tuples, out);
      irk::cuda::supcon_loss(*ctx, b, *dist, tuples, temperature, *out);
      return;
    }
    irk::run_mat_loss(ctx, batch, dist, tuples, out, [&](const irk::Batch& b, const irk::DistMat& D) {
      using namespace irk::math;
      irk::MatLoss r;
      irk::PairSource pairs(b, tuples);
      if (pairs.num_pos() <= 1 && pairs.num_neg() <= 1) return r;  // PML: all(len(x) <= 1)
      if (pairs.num_pos() == 0 || pairs.num_neg() == 0) return r;  // pos_mask.any() and neg_mask.any()
      const irk_context& c = irk::check_context(ctx);
      r.G.assign(static_cast<size_t>(b.n * b.m), 0.0);
      const double sign = logit_sign(D.inverted);
      auto logit = [&](int64_t i, int64_t j) { return pair_logit(sign, D.at(i, j), temperature); };
      std::vector<double> row_loss(static_cast<size_t>(b.n), 0.0);
      irk::parallel_for(c, b.n, 16, [&](int64_t lo, int64_t hi) {
        std::vector<uint8_t> mask(static_cast<size_t>(b.m));  // bit 1: positive, bit 2: negative
        for (int64_t i = lo; i < hi; ++i) {
          std::fill(mask.begin(), mask.end(), uint8_t{0});
          pairs.for_pos(i, [&](int64_t j) { mask[static_cast<size_t>(j)] |= 1; });
          pairs.for_neg(i, [&](int64_t j) { mask[static_cast<size_t>(j)] |= 2; });
          int64_t num_pos = 0;
          LogSumExp acc = lse_init();
          for (int64_t j = 0; j < b.m; ++j) {
            uint8_t k = mask[static_cast<size_t>(j)];
            if (k == 0) continue;
            num_pos += k & 1;
            lse_add(acc, logit(i, j));
          }
          if (num_pos == 0) continue;  // zero loss, not counted
          const double lse = lse_value(acc);
          const double denom = supcon_denom(num_pos);
          double sum = 0.0;
          double* g = r.G.data() + i * b.m;
          for (int64_t j = 0; j < b.m; ++j) {
            uint8_t k = mask[static_cast<size_t>(j)];
            if (k == 0) continue;
            double z = logit(i, j);
            if (k & 1) sum += z - lse;
            g[j] = supcon_grad(num_pos, z, lse, (k & 1) != 0, denom);
          }
          row_loss[static_cast<size_t>(i)] = -sum / denom;
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
      const double scale = sign / temperature / static_cast<double>(count);
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
