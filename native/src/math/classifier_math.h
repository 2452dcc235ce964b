// Per-element math of the classifier and proxy losses (CosFace, ArcFace, SubCenterArcFace,
// NormalizedSoftmax, ProxyAnchor), shared by the CPU kernels and their CUDA twins.
#pragma once
#include <stdint.h>

#include "math/irk_math.h"

namespace irk {
namespace math {

enum TargetMargin { kMarginNone = 0, kMarginCosFace = 1, kMarginArcFace = 2 };

// PML modify_cosine_of_target_classes: the target-class cosine after the margin.
IRK_HD double target_cosine(TargetMargin kind, double c, double margin) {
  if (kind == kMarginCosFace) return c - margin;
  if (kind == kMarginArcFace) {
    double cc = c < -1.0 ? -1.0 : (c > 1.0 ? 1.0 : c);
    return cos(acos(cc) + margin);
  }
  return c;
}
// Its derivative. ArcFace: torch's clamp passes the gradient on [-1, 1] inclusive, and acos'
// derivative is infinite at the ends, as in PML.
IRK_HD double target_cosine_grad(TargetMargin kind, double c, double margin) {
  if (kind == kMarginArcFace) {
    if (c < -1.0 || c > 1.0) return 0.0;
    return sin(acos(c) + margin) / sqrt(1.0 - c * c);
  }
  return 1.0;
}

// Cross-entropy of one row: dLoss/dlogit_c = weight * (softmax_c - [c == target]).
IRK_HD double ce_logit_grad(double logit, double lse, bool is_target, double weight) {
  return weight * (exp(logit - lse) - (is_target ? 1.0 : 0.0));
}

// One row's cross-entropy value, weighted by the miner weight w: w * (lse - target logit).
IRK_HD double ce_row_loss(double w, double lse, double target) { return w * (lse - target); }

// PML lmu.convert_to_weights in float32: top = max count / total, each weight count / total / top.
IRK_HD float miner_weight_top(int64_t most, int64_t total) {
  return static_cast<float>(most) / static_cast<float>(total);
}
IRK_HD float miner_weight(int64_t count, int64_t total, float top) {
  return (static_cast<float>(count) / static_cast<float>(total)) / top;
}

// Chain rule through u = x / max(|x|, eps) (F.normalize) for one element: g = dLoss/du,
// ug = u . g over the row, r = |x|.
IRK_HD double unit_backward(double g, double u, double ug, double r, double eps) {
  return r > eps ? (g - u * ug) / r : g / eps;
}

// ProxyAnchor exponents for cosine s, before PML's logsumexp over samples (add_one), with the
// miner weight w entering as w - 1. d/ds is -alpha (positive term) and +alpha (negative term).
IRK_HD double proxy_pos_exponent(double s, double margin, double alpha, double w) {
  return alpha * (margin - s) + (w - 1.0);
}
IRK_HD double proxy_neg_exponent(double s, double margin, double alpha, double w) {
  return alpha * (s + margin) + (w - 1.0);
}
// dLoss/ds for a sample of the proxy's class (lp: that log-sum-exp, pos_div: proxies with
// samples) and for any other sample (ln, neg_div: all proxies).
IRK_HD double proxy_pos_grad(double e, double lp, double alpha, double pos_div) {
  return -alpha * exp(e - lp) / pos_div;
}
IRK_HD double proxy_neg_grad(double e, double ln, double alpha, double neg_div) {
  return alpha * exp(e - ln) / neg_div;
}

}  // namespace math
}  // namespace irk
