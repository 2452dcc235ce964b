// PairMarginMiner (PML): positives farther than pos_margin, negatives closer than neg_margin.
#include "core/cuda_kernels.h"
#include "cpu/mining_common.h"
#include "math/pair_math.h"

extern "C" irk_status irk_pair_margin_miner(const irk_context* ctx, const irk_batch* batch,
                                            const irk_distance* dist, double pos_margin,
                                            double neg_margin, irk_mined* out) {
  return irk::guard("irk_pair_margin_miner", [&] {
    irk::check_finite(pos_margin, "pos_margin");
    irk::check_finite(neg_margin, "neg_margin");
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_mining_call(batch, dist, out);
      irk::cuda::pair_margin_miner(*ctx, b, *dist, pos_margin, neg_margin, *out);
      return;
    }
    irk::MinerInput in = irk::begin_mining(ctx, batch, dist, out);
    const irk::Batch& b = in.b;
    const irk::DistMat& D = in.D;
    const float pm = static_cast<float>(pos_margin), nm = static_cast<float>(neg_margin);
    auto pos = irk::collect_pairs(in.ctx, b.n, [&](int64_t i, std::vector<int64_t>& js) {
      for (int64_t j = 0; j < b.m; ++j)
        if (irk::is_pos(b, i, j) && irk::math::pmm_keep_pos(D.inverted, D.at(i, j), pm)) js.push_back(j);
    });
    auto neg = irk::collect_pairs(in.ctx, b.n, [&](int64_t i, std::vector<int64_t>& js) {
      for (int64_t j = 0; j < b.m; ++j)
        if (irk::is_neg(b, i, j) && irk::math::pmm_keep_neg(D.inverted, D.at(i, j), nm)) js.push_back(j);
    });
    out->set_pairs(std::move(pos), std::move(neg));
  });
}
