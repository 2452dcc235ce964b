// MultiSimilarityLoss (Wang et al. 2019), PML semantics: mask-based, mean over query rows.
#include <cmath>

#include "core/cuda_kernels.h"
#include "cpu/loss_common.h"
#include "cpu/pairs.h"
#include "math/irk_math.h"

namespace irk {
namespace {

// Adds the weighted log(1 + sum exp(scale * e_j)) term of one row; returns the term's value and
// writes dTerm/dS into g (sign: de/ds).
template <class ForEach>
double lse_term(const DistMat& D, int64_t i, double scale, double base, bool pos, ForEach&& each,
                double* g, double row_weight) {
  using namespace math;
  LogSumExp acc = lse_init();
  lse_add(acc, 0.0);  // the "add_one" zero
  bool any = false;
  auto expo = [&](int64_t j) {
    double s = D.at(i, j);
    return pos ? margin(D.inverted, s, base) : margin(D.inverted, base, s);
  };
  each([&](int64_t j) {
    any = true;
    lse_add(acc, scale * expo(j));
  });
  if (!any) return 0.0;
  double lse = lse_value(acc);
  // d/ds of margin(s, base) is dmargin_dx; of margin(base, s) is its negation.
  double sign = pos ? dmargin_dx(D.inverted) : -dmargin_dx(D.inverted);
  each([&](int64_t j) { g[j] += row_weight * std::exp(scale * expo(j) - lse) * sign; });
  return lse / scale;
}

}  // namespace
}  // namespace irk

extern "C" irk_status irk_ms_loss(const irk_context* ctx, const irk_batch* batch,
                                  const irk_distance* dist, const irk_tuples* tuples, double alpha,
                                  double beta, double base, irk_loss_out* out) {
  return irk::guard("irk_ms_loss", [&] {
    irk::check_finite(alpha, "alpha");
    irk::check_finite(beta, "beta");
    irk::check_finite(base, "base");
    if (alpha <= 0) irk::invalid("alpha must be > 0, got %g", alpha);
    if (beta <= 0) irk::invalid("beta must be > 0, got %g", beta);
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_loss_call(batch, dist, tuples, out);
      irk::cuda::ms_loss(*ctx, b, *dist, tuples, alpha, beta, base, *out);
      return;
    }
    irk::run_mat_loss(ctx, batch, dist, tuples, out, [&](const irk::Batch& b, const irk::DistMat& D) {
      irk::MatLoss r;
      irk::PairSource pairs(b, tuples);
      if (pairs.num_pos() <= 1 && pairs.num_neg() <= 1) return r;  // PML: all(len(x) <= 1)
      pairs.dedupe();
      r.G.assign(static_cast<size_t>(b.n * b.m), 0.0);
      std::vector<double> row_loss(static_cast<size_t>(b.n), 0.0);
      const double w = 1.0 / static_cast<double>(b.n);
      irk::parallel_for(irk::check_context(ctx), b.n, 16, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          double* g = r.G.data() + i * b.m;
          double pos = irk::lse_term(D, i, alpha, base, true, [&](auto f) { pairs.for_pos(i, f); }, g, w);
          double neg = irk::lse_term(D, i, beta, base, false, [&](auto f) { pairs.for_neg(i, f); }, g, w);
          row_loss[static_cast<size_t>(i)] = pos + neg;
        }
      });
      for (double v : row_loss) r.loss += v;
      r.loss *= w;
      return r;
    });
  });
}
