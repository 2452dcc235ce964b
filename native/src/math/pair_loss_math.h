// Per-element math of the softmax-style pair losses (NTXent, SupCon, Circle, TCM), shared by the
// CPU kernels and their CUDA twins.
#pragma once
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

// CircleLoss logits; the alpha factors are detached, so the slopes treat them as constants.
IRK_HD double circle_pos_logit(double s, double m, double gamma) {
  return -gamma * relu(1.0 + m - s) * (s - (1.0 - m));
}
IRK_HD double circle_pos_slope(double s, double m, double gamma) { return -gamma * relu(1.0 + m - s); }
IRK_HD double circle_neg_logit(double s, double m, double gamma) { return gamma * relu(s + m) * (s - m); }
IRK_HD double circle_neg_slope(double s, double m, double gamma) { return gamma * relu(s + m); }

// ThresholdConsistentMarginLoss selections (float32 comparisons, as PML on float32 input).
IRK_HD bool tcm_pos_selected(float s, float margin_plus) { return s <= margin_plus; }
IRK_HD bool tcm_neg_selected(float s, float margin_minus) { return s >= margin_minus; }

}  // namespace math
}  // namespace irk
