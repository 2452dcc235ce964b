// Per-element math of the softmax-style pair losses (NTXent, SupCon, Circle, TCM), shared by the
// CPU kernels and their CUDA twins.
#pragma once
#include <stdint.h>

#include "math/irk_math.h"

namespace irk {
namespace math {

// torch.finfo(float32).tiny: PML's c_f.small_val for float32 inputs.
constexpr double kSmallVal = 1.1754943508222875e-38;

// log(exp(a) + exp(b)), either may be -inf.
IRK_HD double log_add_exp(double a, double b) {
  if (a == -INFINITY) return b;
  if (b == -INFINITY) return a;
  double hi = a > b ? a : b, lo = a > b ? b : a;
  return hi + log1p(exp(lo - hi));
}

// One NTXent positive pair with logit z against negatives whose log-sum-exp is lse_neg (-inf if
// none): loss = -log(r + tiny), r = exp(z) / (exp(z) + sum exp(z_n)).
struct NtxentPair {
  double loss;
  double dz;        // dLoss/dz
  double neg_coef;  // dLoss/dz_n = neg_coef * exp(z_n - lse_neg)
};
IRK_HD NtxentPair ntxent_pair(double z, double lse_neg) {
  double lse = log_add_exp(z, lse_neg);
  double r = exp(z - lse);
  double k = r / (r + kSmallVal);  // d(-log(r + tiny))/dr * r
  NtxentPair out;
  out.loss = -log(r + kSmallVal);
  out.dz = -k * (1.0 - r);
  out.neg_coef = lse_neg == -INFINITY ? 0.0 : k * exp(lse_neg - lse);
  return out;
}

// The softmax losses' logits: similarities as they are, distances negated (PML: "if not
// is_inverted: use negative distances"), over the temperature.
IRK_HD double logit_sign(bool inverted) { return inverted ? 1.0 : -1.0; }
IRK_HD double pair_logit(double sign, double s, double temperature) { return sign * s / temperature; }

// NTXent dLoss/dS of a positive pair (weight w = 1 / number of positive pairs) and of a negative
// with the anchor's accumulated neg_coef.
IRK_HD double ntxent_pos_grad(double w, const NtxentPair& p, double sign, double temperature) {
  return w * p.dz * sign / temperature;
}
IRK_HD double ntxent_neg_grad(double neg_coef, double z, double lse_neg, double sign, double temperature) {
  return neg_coef * exp(z - lse_neg) * sign / temperature;
}

// SupCon, one anchor with num_pos positives and log-sum-exp `lse` over its positives and
// negatives: the loss is -sum_P (z - lse) / denom and dLoss/dz_j (before 1/count and dz/ds) is
// supcon_grad.
IRK_HD double supcon_denom(int64_t num_pos) { return static_cast<double>(num_pos) + kSmallVal; }
IRK_HD double supcon_grad(int64_t num_pos, double z, double lse, bool is_pos, double denom) {
  return (static_cast<double>(num_pos) * exp(z - lse) - (is_pos ? 1 : 0)) / denom;
}

// CircleLoss logits; the alpha factors are detached, so the slopes treat them as constants.
IRK_HD double circle_pos_logit(double s, double m, double gamma) {
  return -gamma * relu(1.0 + m - s) * (s - (1.0 - m));
}
IRK_HD double circle_pos_slope(double s, double m, double gamma) { return -gamma * relu(1.0 + m - s); }
IRK_HD double circle_neg_logit(double s, double m, double gamma) { return gamma * relu(s + m) * (s - m); }
IRK_HD double circle_neg_slope(double s, double m, double gamma) { return gamma * relu(s + m); }

// A pair that is both positive and negative takes the negative logit in both sums (PML writes the
// negative entries of its logit matrix last).
IRK_HD double circle_logit(double s, bool is_neg, double m, double gamma) {
  return is_neg ? circle_neg_logit(s, m, gamma) : circle_pos_logit(s, m, gamma);
}
IRK_HD double circle_slope(double s, bool is_neg, double m, double gamma) {
  return is_neg ? circle_neg_slope(s, m, gamma) : circle_pos_slope(s, m, gamma);
}
// dLoss/ds of one pair of an anchor whose loss is softplus(lp + ln), v its logit.
IRK_HD double circle_grad(bool is_pos, bool is_neg, double v, double lp, double ln, double slope) {
  const double dsp = dsoftplus(lp + ln);
  const double wsum = (is_pos ? exp(v - lp) : 0.0) + (is_neg ? exp(v - ln) : 0.0);
  return dsp * wsum * slope;
}

// ThresholdConsistentMarginLoss selections (float32 comparisons, as PML on float32 input).
IRK_HD bool tcm_pos_selected(float s, float margin_plus) { return s <= margin_plus; }
IRK_HD bool tcm_neg_selected(float s, float margin_minus) { return s >= margin_minus; }
// ... and the terms they average.
IRK_HD double tcm_pos_term(float s, double margin_plus) { return margin_plus - s; }
IRK_HD double tcm_neg_term(float s, double margin_minus) { return s - margin_minus; }

}  // namespace math
}  // namespace irk
