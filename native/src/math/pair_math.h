// Per-element math of the pair/triplet miners and losses, shared with the CUDA twins.
// Decisions (thresholds, "loss > 0" counts) are made in float32 exactly as PML's float32 tensors
// do: a Python scalar meeting a float32 tensor is rounded to float32 first.
#pragma once
#include "irkit/irkit.h"
#include "math/irk_math.h"

namespace irk {
namespace math {

// BaseDistance.margin(x, y) in float32.
IRK_HD float margin_f(bool inverted, float x, float y) { return inverted ? y - x : x - y; }
IRK_HD float relu_f(float x) { return x > 0.f ? x : 0.f; }

// ContrastiveLoss terms: relu(margin(d, pos_margin)) and relu(margin(neg_margin, d)).
IRK_HD float contrastive_pos(bool inverted, float d, float pos_margin) {
  return relu_f(margin_f(inverted, d, pos_margin));
}
IRK_HD float contrastive_neg(bool inverted, float d, float neg_margin) {
  return relu_f(margin_f(inverted, neg_margin, d));
}

// MultiSimilarityLoss exponents: alpha * margin(s, base) for a positive pair, beta * margin(base, s)
// for a negative one (d/ds: scale * dmargin_dx and its negation).
IRK_HD double ms_pos_exponent(bool inverted, double alpha, double s, double base) {
  return alpha * margin(inverted, s, base);
}
IRK_HD double ms_neg_exponent(bool inverted, double beta, double s, double base) {
  return beta * margin(inverted, base, s);
}

// TripletMarginLoss: margin(ap, an) + margin, as two float32 ops.
IRK_HD float triplet_violation(bool inverted, float ap, float an, float margin) {
  return margin_f(inverted, ap, an) + margin;
}
// Share of the swap's smallest_dist(an, pn) gradient that goes to an (torch.minimum/maximum
// split ties evenly); pn gets 1 minus this.
IRK_HD double swap_an_share(bool inverted, float an, float pn) {
  if (an == pn) return 0.5;
  return is_closer(inverted, an, pn) ? 1.0 : 0.0;
}
// Triplet term (relu or softplus) of a float32 violation, and its derivative.
IRK_HD double triplet_term(float v, bool smooth) {
  return smooth ? static_cast<double>(static_cast<float>(softplus(v))) : static_cast<double>(relu_f(v));
}
IRK_HD double dtriplet_term(float v, bool smooth) { return smooth ? dsoftplus(v) : drelu(v); }

// One TripletMarginLoss term from d_ap, d_an and (swap only) d_pn: the relu/softplus value rounded
// to float32 (PML counts value > 0), its derivative in the violation, and the share of d/d(an)
// that goes to an (the rest goes to pn).
struct TripletTerm {
  double value;
  double dv;
  double an_share;
};
IRK_HD TripletTerm triplet_loss_term(bool inverted, bool swap, bool smooth, float ap, float an, float pn,
                                     float margin) {
  double share = 1.0;
  if (swap) {
    share = swap_an_share(inverted, an, pn);
    an = static_cast<float>(closest(inverted, an, pn));
  }
  float v = triplet_violation(inverted, ap, an, margin);
  TripletTerm t;
  t.value = triplet_term(v, smooth);
  t.dv = dtriplet_term(v, smooth);
  t.an_share = share;
  return t;
}

// TripletMarginMiner: mu = margin(an, ap) i.e. an - ap for distances, ap - an for similarities.
IRK_HD bool tmm_keep(irk_triplet_type type, float mu, float margin) {
  if (type == IRK_TRIPLETS_EASY) return mu > margin;
  if (!(mu <= margin)) return false;
  if (type == IRK_TRIPLETS_HARD) return mu <= 0.f;
  if (type == IRK_TRIPLETS_SEMIHARD) return mu > 0.f;
  return true;
}

// MultiSimilarityMiner. best_neg: the row's closest negative (max similarity / min distance).
IRK_HD bool ms_keep_pos(bool inverted, float s, float eps, float best_neg) {
  return inverted ? s - eps < best_neg : s + eps > best_neg;
}
// worst_pos: the row's farthest positive (min similarity / max distance).
IRK_HD bool ms_keep_neg(bool inverted, float s, float eps, float worst_pos) {
  return inverted ? s + eps > worst_pos : s - eps < worst_pos;
}

// BatchEasyHardMiner's allowed_pos_range / allowed_neg_range ([lo, hi], or off).
struct ValueRange {
  bool on;
  float lo, hi;
};
IRK_HD bool in_range(const ValueRange& r, float v) { return !(r.on && (v > r.hi || v < r.lo)); }
// PML get_mine_function: hard/semihard take the max distance (min similarity), easy the
// opposite; negatives use the opposite function (hard/semihard negative = the closest one).
IRK_HD bool beh_uses_max(irk_strategy s, bool inverted) { return (s == IRK_STRATEGY_EASY) == inverted; }
IRK_HD bool beh_pos_uses_max(irk_strategy s, bool inverted) { return beh_uses_max(s, inverted); }
IRK_HD bool beh_neg_uses_max(irk_strategy s, bool inverted) {
  return beh_uses_max(s == IRK_STRATEGY_EASY ? IRK_STRATEGY_HARD : IRK_STRATEGY_EASY, inverted);
}
// A semihard side drops columns at or past the other side's pick: >= thr for a max pick, <= thr
// for a min pick.
IRK_HD bool semihard_drops(bool use_max, float v, float thr) { return use_max ? v >= thr : v <= thr; }

// PairMarginMiner.
IRK_HD bool pmm_keep_pos(bool inverted, float d, float pos_margin) {
  return inverted ? d < pos_margin : d > pos_margin;
}
IRK_HD bool pmm_keep_neg(bool inverted, float d, float neg_margin) {
  return inverted ? d > neg_margin : d < neg_margin;
}

}  // namespace math
}  // namespace irk
