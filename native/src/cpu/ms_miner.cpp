// MultiSimilarityMiner (PML): pairs that are harder than the row's easiest pair of the other kind.
#include <cmath>

#include "core/cuda_kernels.h"
#include "cpu/mining_common.h"
#include "math/pair_math.h"

extern "C" irk_status irk_ms_miner(const irk_context* ctx, const irk_batch* batch,
                                   const irk_distance* dist, double epsilon, irk_mined* out) {
  return irk::guard("irk_ms_miner", [&] {
    irk::check_finite(epsilon, "epsilon");
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_mining_call(batch, dist, out);
      irk::cuda::ms_miner(*ctx, b, *dist, epsilon, *out);
      return;
    }
    irk::MinerInput in = irk::begin_mining(ctx, batch, dist, out);
    const irk::Batch& b = in.b;
    const irk::DistMat& D = in.D;
    bool any_pos = false, any_neg = false;
    for (int64_t i = 0; i < b.n && !(any_pos && any_neg); ++i)
      for (int64_t j = 0; j < b.m; ++j) {
        any_pos = any_pos || irk::is_pos(b, i, j);
        any_neg = any_neg || irk::is_neg(b, i, j);
      }
    if (!any_pos || !any_neg) {  // PML returns nothing at all
      out->set_pairs({}, {});
      return;
    }
    const bool inv = D.inverted;
    const float eps = static_cast<float>(epsilon);
    // Per row: the closest negative and the farthest positive; +-inf when the row has none, which
    // then keeps nothing (PML's ignore values).
    std::vector<float> best_neg(static_cast<size_t>(b.n)), worst_pos(static_cast<size_t>(b.n));
    irk::parallel_for(in.ctx, b.n, 16, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        float bn = inv ? -INFINITY : INFINITY, wp = inv ? INFINITY : -INFINITY;
        for (int64_t j = 0; j < b.m; ++j) {
          float s = D.at(i, j);
          if (irk::is_neg(b, i, j) && irk::math::is_closer(inv, s, bn)) bn = s;
          if (irk::is_pos(b, i, j) && irk::math::is_closer(inv, wp, s)) wp = s;
        }
        best_neg[static_cast<size_t>(i)] = bn;
        worst_pos[static_cast<size_t>(i)] = wp;
      }
    });
    auto pos = irk::collect_pairs(in.ctx, b.n, [&](int64_t i, std::vector<int64_t>& js) {
      for (int64_t j = 0; j < b.m; ++j)
        if (irk::is_pos(b, i, j) && irk::math::ms_keep_pos(inv, D.at(i, j), eps, best_neg[static_cast<size_t>(i)]))
          js.push_back(j);
    });
    auto neg = irk::collect_pairs(in.ctx, b.n, [&](int64_t i, std::vector<int64_t>& js) {
      for (int64_t j = 0; j < b.m; ++j)
        if (irk::is_neg(b, i, j) && irk::math::ms_keep_neg(inv, D.at(i, j), eps, worst_pos[static_cast<size_t>(i)]))
          js.push_back(j);
    });
    out->set_pairs(std::move(pos), std::move(neg));
  });
}
