// BatchEasyHardMiner (PML 2.8.1): one positive and/or one negative per anchor, or all pairs of a
// side. Returns pairs. Mirrors PML's get_max_per_row / get_min_per_row, including the fact that
// negatives use the opposite selection function (hard/semihard negative = the closest one).
#include "core/cuda_kernels.h"
#include "cpu/mining_common.h"
#include "math/pair_math.h"

namespace irk {
namespace {

using Range = math::ValueRange;

Range check_range(const double* r, const char* name) {
  Range out{false, 0.f, 0.f};
  if (r == nullptr) return out;
  check_finite(r[0], name);
  check_finite(r[1], name);
  if (r[0] > r[1]) invalid("%s = [%g, %g] is empty (lo > hi)", name, r[0], r[1]);
  out.on = true;
  out.lo = static_cast<float>(r[0]);
  out.hi = static_cast<float>(r[1]);
  return out;
}

void check_strategy(irk_strategy s, const char* name) {
  const int v = static_cast<int>(s);
  if (v < IRK_STRATEGY_EASY || v > IRK_STRATEGY_ALL)
    invalid("%s must be 0 easy, 1 semihard, 2 hard or 3 all, got %d", name, v);
}

const char* strategy_name(irk_strategy s) {
  switch (s) {
    case IRK_STRATEGY_EASY: return "easy";
    case IRK_STRATEGY_SEMIHARD: return "semihard";
    case IRK_STRATEGY_HARD: return "hard";
    default: return "all";
  }
}


// One side's pick for row a. `thr` (semihard only) drops columns at or past the other side's
// pick: >= thr for a max pick, <= thr for a min pick.
template <class IsPair>
RowPick pick(const DistMat& D, int64_t a, bool use_max, const Range& range, const float* thr,
             IsPair&& is_pair) {
  auto allowed = [&](int64_t j) {
    if (!is_pair(j)) return false;
    float v = D.at(a, j);
    if (thr && math::semihard_drops(use_max, v, *thr)) return false;
    return math::in_range(range, v);
  };
  return use_max ? masked_max_per_row(D, a, allowed) : masked_min_per_row(D, a, allowed);
}

}  // namespace
}  // namespace irk

extern "C" irk_status irk_batch_easy_hard_miner(const irk_context* ctx, const irk_batch* batch,
                                                const irk_distance* dist, irk_strategy pos_strategy,
                                                irk_strategy neg_strategy,
                                                const double* allowed_pos_range,
                                                const double* allowed_neg_range, irk_mined* out) {
  using namespace irk;
  return guard("irk_batch_easy_hard_miner", [&] {
    check_strategy(pos_strategy, "pos_strategy");
    check_strategy(neg_strategy, "neg_strategy");
    const irk_strategy ps = pos_strategy, ns = neg_strategy;
    if (ps == IRK_STRATEGY_SEMIHARD && ns == IRK_STRATEGY_SEMIHARD)
      invalid("pos_strategy and neg_strategy cannot both be semihard");
    if ((ps == IRK_STRATEGY_SEMIHARD && ns == IRK_STRATEGY_ALL) || (ps == IRK_STRATEGY_ALL && ns == IRK_STRATEGY_SEMIHARD))
      invalid("semihard cannot be combined with all (pos_strategy %s, neg_strategy %s)",
              strategy_name(ps), strategy_name(ns));
    const Range pr = check_range(allowed_pos_range, "allowed_pos_range");
    const Range nr = check_range(allowed_neg_range, "allowed_neg_range");
    if (on_cuda(ctx)) {
      Batch b = check_cuda_mining_call(batch, dist, out);
      cuda::batch_easy_hard_miner(*ctx, b, *dist, ps, ns, pr, nr, *out);
      return;
    }
    MinerInput in = begin_mining(ctx, batch, dist, out);
    const Batch& b = in.b;
    const DistMat& D = in.D;
    const bool pos_all = ps == IRK_STRATEGY_ALL, neg_all = ns == IRK_STRATEGY_ALL;
    const bool pos_max = math::beh_pos_uses_max(ps, D.inverted);
    const bool neg_max = math::beh_neg_uses_max(ns, D.inverted);
    std::vector<RowPick> pos(static_cast<size_t>(b.n)), neg(static_cast<size_t>(b.n));
    parallel_for(in.ctx, b.n, 16, [&](int64_t lo, int64_t hi) {
      for (int64_t a = lo; a < hi; ++a) {
        auto p_ok = [&](int64_t j) { return is_pos(b, a, j); };
        auto n_ok = [&](int64_t j) { return is_neg(b, a, j); };
        RowPick& P = pos[static_cast<size_t>(a)];
        RowPick& N = neg[static_cast<size_t>(a)];
        if (ps == IRK_STRATEGY_SEMIHARD) {  // negatives first, positives limited by them
          N = pick(D, a, neg_max, nr, nullptr, n_ok);
          P = pick(D, a, pos_max, pr, &N.value, p_ok);
        } else if (ns == IRK_STRATEGY_SEMIHARD) {  // positives first
          P = pick(D, a, pos_max, pr, nullptr, p_ok);
          N = pick(D, a, neg_max, nr, &P.value, n_ok);
        } else {
          if (!pos_all) P = pick(D, a, pos_max, pr, nullptr, p_ok);
          if (!neg_all) N = pick(D, a, neg_max, nr, nullptr, n_ok);
        }
      }
    });
    std::vector<int64_t> pp, nn;
    for (int64_t a = 0; a < b.n; ++a) {
      const RowPick& P = pos[static_cast<size_t>(a)];
      const RowPick& N = neg[static_cast<size_t>(a)];
      // Without "all" on either side PML returns (a, p, a, n): the anchor needs both picks.
      const bool paired = pos_all || neg_all || (P.keep && N.keep);
      if (!pos_all && P.keep && paired) pp.insert(pp.end(), {a, P.index});
      if (!neg_all && N.keep && paired) nn.insert(nn.end(), {a, N.index});
    }
    if (pos_all) pp = all_pos_pairs(in.ctx, b);
    if (neg_all) nn = all_neg_pairs(in.ctx, b);
    out->set_pairs(std::move(pp), std::move(nn));
  });
}
