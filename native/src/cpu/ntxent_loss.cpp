// NTXentLoss (Chen et al. 2020), PML semantics: pair-based (mined pairs keep their multiplicity),
// one term per positive pair against its anchor's negatives, mean over positive pairs.
#include <cmath>

#include "core/cuda_kernels.h"
#include "cpu/loss_common.h"
#include "cpu/pairs.h"
#include "math/pair_loss_math.h"

extern "C" irk_status irk_ntxent_loss(const irk_context* ctx, const irk_batch* batch,
                                      const irk_distance* dist, const irk_tuples* tuples,
                                      double temperature, irk_loss_out* out) {
  return irk::guard("irk_ntxent_loss", [&] {
    irk::check_finite(temperature, "temperature");
    if (temperature <= 0) irk::invalid("temperature must be > 0, got %g", temperature);
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_loss_call(batch, dist, tuples, out);
      irk::cuda::ntxent_loss(*ctx, b, *dist, tuples, temperature, *out);
      return;
    }
    irk::run_mat_loss(ctx, batch, dist, tuples, out, [&](const irk::Batch& b, const irk::DistMat& D) {
      irk::MatLoss r;
      irk::PairSource pairs(b, tuples);
      if (pairs.num_pos() <= 1 && pairs.num_neg() <= 1) return r;  // PML: all(len(x) <= 1)
      if (pairs.num_pos() == 0 || pairs.num_neg() == 0) return r;
      r.G.assign(static_cast<size_t>(b.n * b.m), 0.0);
      const double sign = irk::math::logit_sign(D.inverted);
      const double w = 1.0 / static_cast<double>(pairs.num_pos());
      auto logit = [&](int64_t i, int64_t j) { return irk::math::pair_logit(sign, D.at(i, j), temperature); };
      std::vector<double> row_loss(static_cast<size_t>(b.n), 0.0);
      irk::parallel_for(irk::check_context(ctx), b.n, 16, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          double* g = r.G.data() + i * b.m;
          irk::math::LogSumExp neg = irk::math::lse_init();
          pairs.for_neg(i, [&](int64_t j) { irk::math::lse_add(neg, logit(i, j)); });
          // No negatives: -inf. A NaN distance makes the sum NaN and must reach the loss.
          const double lse_neg = neg.sum != 0.0 ? irk::math::lse_value(neg) : -INFINITY;
          double loss = 0.0, neg_coef = 0.0;
          pairs.for_pos(i, [&](int64_t j) {
            irk::math::NtxentPair p = irk::math::ntxent_pair(logit(i, j), lse_neg);
            loss += p.loss;
            g[j] += irk::math::ntxent_pos_grad(w, p, sign, temperature);
            neg_coef += w * p.neg_coef;
          });
          if (neg_coef != 0.0)
            pairs.for_neg(i, [&](int64_t j) {
              g[j] += irk::math::ntxent_neg_grad(neg_coef, logit(i, j), lse_neg, sign, temperature);
            });
          row_loss[static_cast<size_t>(i)] = loss;
        }
      });
      for (double v : row_loss) r.loss += v;
      r.loss *= w;
      return r;
    });
  });
}
