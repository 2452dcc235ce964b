// ProxyAnchorLoss (Kim et al. 2020), PML semantics: cosine between samples and proxies [C x d];
// per proxy, log(1 + sum over its samples of exp(alpha (margin - s) + w - 1)) averaged over the
// proxies that have samples, plus log(1 + sum over other samples of exp(alpha (s + margin) + w - 1))
// averaged over all proxies (w: PML's miner weights).
#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "core/cuda_kernels.h"
#include "cpu/classifier_common.h"
#include "cpu/gemm_f64.h"

namespace irk {
namespace {

constexpr double kNormEps = 1e-12;  // torch.nn.functional.normalize
constexpr int64_t kTile = 96;       // proxies per tile: a 96 x d slab stays in cache

struct ProxyAnchor {
  const irk_context& ctx;
  const UnitRows& x;
  const int64_t* labels;
  const float* P;
  int64_t C;
  std::vector<double> norm, inv;  // per proxy: |p|, 1 / max(|p|, eps)
  Scratch<float> buf;             // [C x n]: cosines, then dLoss/dcos in place

  void cosines() {
    const int64_t n = x.n, d = x.d;
    norm.assign(static_cast<size_t>(C), 0.0);
    inv.assign(static_cast<size_t>(C), 0.0);
    buf.reset(static_cast<size_t>(C * n));
    Scratch<double> ut(static_cast<size_t>(d * n));  // U^T, so that samples run along SIMD lanes
    parallel_for(ctx, d, 16, [&](int64_t lo, int64_t hi) {
      for (int64_t k = lo; k < hi; ++k)
        for (int64_t i = 0; i < n; ++i) ut[static_cast<size_t>(k * n + i)] = x.u[static_cast<size_t>(i * d + k)];
    });
    const int64_t tiles = (C + kTile - 1) / kTile;
    parallel_for(ctx, tiles, 1, [&](int64_t lo, int64_t hi) {
      Scratch<double> dots(static_cast<size_t>(kTile * n));
      for (int64_t t = lo; t < hi; ++t) {
        const int64_t c0 = t * kTile, c1 = std::min(C, c0 + kTile);
        for (int64_t c = c0; c < c1; ++c) {
          const float* p = P + c * d;
          double sq = 0.0;
          for (int64_t k = 0; k < d; ++k) sq += static_cast<double>(p[k]) * p[k];
          norm[static_cast<size_t>(c)] = std::sqrt(sq);
          inv[static_cast<size_t>(c)] = 1.0 / std::max(std::sqrt(sq), kNormEps);
        }
        std::fill(dots.data(), dots.data() + dots.size(), 0.0);
        gemm_acc_serial(c1 - c0, n, d, GemmA<float>{P + c0 * d, d, 1}, ut.data(), n, dots.data(), n);
        for (int64_t c = c0; c < c1; ++c)
          for (int64_t i = 0; i < n; ++i)
            buf[static_cast<size_t>(c * n + i)] =
                static_cast<float>(dots[static_cast<size_t>((c - c0) * n + i)] * inv[static_cast<size_t>(c)]);
      }
    });
  }

  // Per proxy: the two log-sum-exp terms (add_one) over samples; row c of buf becomes dLoss/dcos.
  double loss_and_grad(const std::vector<double>& mw, double margin, double alpha) {
    const int64_t n = x.n;
    std::vector<char> has(static_cast<size_t>(C), 0);
    for (int64_t i = 0; i < n; ++i) has[static_cast<size_t>(labels[i])] = 1;
    const int64_t with_pos = std::count(has.begin(), has.end(), 1);
    const double pos_div = static_cast<double>(with_pos), neg_div = static_cast<double>(C);
    std::vector<double> pos_loss(static_cast<size_t>(C), 0.0), neg_loss(static_cast<size_t>(C), 0.0);
    parallel_for(ctx, C, 16, [&](int64_t lo, int64_t hi) {
      for (int64_t c = lo; c < hi; ++c) {
        float* row = buf.data() + c * n;
        auto expo = [&](int64_t i) {
          const double w = mw[static_cast<size_t>(i)];
          return labels[i] == c ? math::proxy_pos_exponent(row[i], margin, alpha, w)
                                : math::proxy_neg_exponent(row[i], margin, alpha, w);
        };
        math::LogSumExp pos = math::lse_init(), neg = math::lse_init();
        math::lse_add(pos, 0.0);  // add_one
        math::lse_add(neg, 0.0);
        int64_t np = 0;
        for (int64_t i = 0; i < n; ++i) {
          if (labels[i] == c) ++np, math::lse_add(pos, expo(i));
          else math::lse_add(neg, expo(i));
        }
        // PML zeroes a term whose mask is empty.
        const double lp = np > 0 ? math::lse_value(pos) : 0.0;
        const double ln = np < n ? math::lse_value(neg) : 0.0;
        pos_loss[static_cast<size_t>(c)] = lp;
        neg_loss[static_cast<size_t>(c)] = ln;
        for (int64_t i = 0; i < n; ++i) {
          const double e = expo(i);
          row[i] = static_cast<float>(labels[i] == c ? math::proxy_pos_grad(e, lp, alpha, pos_div)
                                                     : math::proxy_neg_grad(e, ln, alpha, neg_div));
        }
      }
    });
    double sp = 0.0, sn = 0.0;
    for (int64_t c = 0; c < C; ++c) sp += pos_loss[static_cast<size_t>(c)], sn += neg_loss[static_cast<size_t>(c)];
    return sp / pos_div + sn / neg_div;
  }

  // dLoss/du_i = sum_c G[c, i] p_c / |p_c|, a tile of proxies at a time.
  Scratch<double> grad_rows() const {
    const int64_t n = x.n, d = x.d;
    Scratch<double> gu(static_cast<size_t>(n * d)), gs(static_cast<size_t>(kTile * n));
    std::fill(gu.data(), gu.data() + n * d, 0.0);
    for (int64_t c0 = 0; c0 < C; c0 += kTile) {
      const int64_t c1 = std::min(C, c0 + kTile);
      for (int64_t c = c0; c < c1; ++c)
        for (int64_t i = 0; i < n; ++i)
          gs[static_cast<size_t>((c - c0) * n + i)] = buf[static_cast<size_t>(c * n + i)] * inv[static_cast<size_t>(c)];
      gemm_acc(ctx, n, d, c1 - c0, GemmA<double>{gs.data(), 1, n}, P + c0 * d, d, gu.data(), d);
    }
    return gu;
  }

  // dLoss/dp_c through p_hat = p / max(|p|, eps), from h_c = sum_i G[c, i] u_i, a tile of proxies
  // at a time.
  void grad_proxies(float* out) const {
    const int64_t n = x.n, d = x.d;
    const int64_t tiles = (C + kTile - 1) / kTile;
    parallel_for(ctx, tiles, 1, [&](int64_t lo, int64_t hi) {
      Scratch<double> h(static_cast<size_t>(kTile * d));
      for (int64_t t = lo; t < hi; ++t) {
        const int64_t c0 = t * kTile, nb = std::min(C, c0 + kTile) - c0;
        std::fill(h.data(), h.data() + h.size(), 0.0);
        gemm_acc_serial(nb, d, n, GemmA<float>{buf.data() + c0 * n, n, 1}, x.u.data(), d, h.data(), d);
        for (int64_t b = 0; b < nb; ++b) {
          const int64_t c = c0 + b;
          const float* p = P + c * d;
          const double* hb = h.data() + b * d;
          const double ic = inv[static_cast<size_t>(c)];
          double dot = 0.0;
          if (norm[static_cast<size_t>(c)] > kNormEps)
            for (int64_t k = 0; k < d; ++k) dot += p[k] * ic * hb[k];
          for (int64_t k = 0; k < d; ++k) out[c * d + k] = static_cast<float>((hb[k] - p[k] * ic * dot) * ic);
        }
      }
    });
  }
};

}  // namespace
}  // namespace irk

extern "C" irk_status irk_proxy_anchor_loss(const irk_context* ctx, const float* emb,
                                          const int64_t* labels, int64_t n, int64_t d,
                                          const float* proxies, int64_t num_classes,
                                          const irk_tuples* tuples, double margin, double alpha,
                                          irk_loss_out* out) {
  return irk::guard("irk_proxy_anchor_loss", [&] {
    const bool cuda = irk::on_cuda(ctx);
    const irk_context& c = cuda ? *ctx : irk::check_cpu_context(ctx);
    irk::check_finite(margin, "margin");
    irk::check_finite(alpha, "alpha");
    if (cuda) {
      irk::check_classifier_args(emb, labels, n, d, proxies, num_classes, d, "proxies", num_classes, tuples, out,
                                 false);
      irk::cuda::proxy_anchor_loss(c, emb, labels, n, d, proxies, num_classes, tuples, margin, alpha, *out);
      return;
    }
    irk::check_classifier_args(emb, labels, n, d, proxies, num_classes, d, "proxies", num_classes,
                               tuples, out);
    const std::vector<double> mw = irk::miner_weights(tuples, n);
    const irk::UnitRows x = irk::normalize_rows(c, emb, n, d);
    irk::ProxyAnchor pa{c, x, labels, proxies, num_classes, {}, {}, {}};
    pa.cosines();
    const double loss = pa.loss_and_grad(mw, margin, alpha);
    if (!std::isfinite(loss)) irk::fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", loss);
    *out->loss = static_cast<float>(loss);
    if (out->grad) irk::normalize_rows_backward(c, x, pa.grad_rows().data(), out->grad);
    if (out->grad_weights) pa.grad_proxies(out->grad_weights);
    irk::check_finite_gradient(out->grad, n, d, "out.grad");
    irk::check_finite_gradient(out->grad_weights, num_classes, d, "out.grad_weights");
  });
}
