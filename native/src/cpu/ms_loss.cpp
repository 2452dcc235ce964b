// MultiSimilarityLoss (Wang et al. 2019), PML semantics: mask-based, mean over query rows.
#include <cmath>

#include "core/cuda_kernels.h"
#include "cpu/mat_ops.h"
#include "cpu/pairs.h"
#include "math/irk_math.h"
#include "math/pair_math.h"

namespace irk {
namespace {

// Adds the weighted log(1 + sum exp(scale * e_j)) term of one row: returns the term's value and
// adds row_weight * dTerm/dS into g (sign: de/ds). tmp holds each exp(scale * e_j - max).
template <class ForEach>
double lse_term(const DistMat& D, int64_t i, double scale, double base, bool pos, ForEach&& each, double* g,
                double* tmp, double row_weight) {
  const float* s = D.s.data() + i * D.m;
  auto expo = [&](int64_t j) {
    return pos ? math::ms_pos_exponent(D.inverted, scale, s[j], base) : math::ms_neg_exponent(D.inverted, scale, s[j], base);
  };
  double mx = 0.0;  // the "add_one" zero
  bool any = false;
  each([&](int64_t j) {
    any = true;
    mx = std::max(mx, expo(j));
  });
  if (!any) return 0.0;
  double sum = std::exp(-mx);
  int64_t t = 0;
  each([&](int64_t j) { sum += tmp[t++] = std::exp(expo(j) - mx); });
  const double lse = mx + std::log(sum);
  // d/ds of margin(s, base) is dmargin_dx; of margin(base, s) is its negation.
  const double k = row_weight * (pos ? math::dmargin_dx(D.inverted) : -math::dmargin_dx(D.inverted)) / sum;
  t = 0;
  each([&](int64_t j) { g[j] += k * tmp[t++]; });
  return lse / scale;
}

}  // namespace

SparseLoss ms_loss_on(const irk_context& ctx, const Batch& b, const DistMat& D, const irk_tuples* tuples, double alpha,
                      double beta, double base) {
  SparseLoss r;
  PairSource pairs(b, tuples);
  if (pairs.num_pos() <= 1 && pairs.num_neg() <= 1) return r;  // PML: all(len(x) <= 1)
  pairs.dedupe();
  std::vector<double> row_loss(static_cast<size_t>(b.n), 0.0);
  const double w = 1.0 / static_cast<double>(b.n);
  r.G = sparse_rows(ctx, b.n, b.m, [&](int64_t i, double* g, double* tmp) {
    const double p = lse_term(D, i, alpha, base, true, [&](auto f) { pairs.for_pos(i, f); }, g, tmp, w);
    const double n = lse_term(D, i, beta, base, false, [&](auto f) { pairs.for_neg(i, f); }, g, tmp, w);
    row_loss[static_cast<size_t>(i)] = p + n;
  });
  for (double v : row_loss) r.loss += v;
  r.loss *= w;
  r.zero = false;
  return r;
}

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
    const irk_context& c = irk::check_cpu_context(ctx);
    irk::Batch b = irk::check_cpu_loss_call(batch, dist, tuples, out);
    irk::DistMat D = irk::compute_distances(c, *dist, b);
    irk::SparseLoss r = irk::ms_loss_on(c, b, D, tuples, alpha, beta, base);
    irk::write_sparse_loss(c, *dist, b, D, r, out);
  });
}
