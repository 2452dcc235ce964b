// BatchHardMiner (PML): per anchor the farthest positive and the nearest negative.
#include "core/cuda_kernels.h"
#include "cpu/mat_ops.h"
#include "cpu/mining_common.h"

namespace irk {

void batch_hard_mine(const irk_context& ctx, const Batch& b, const DistMat& D, std::vector<int64_t>& triplets) {
  std::vector<RowPick> pos(static_cast<size_t>(b.n)), neg(static_cast<size_t>(b.n));
  parallel_for(ctx, b.n, 16, [&](int64_t lo, int64_t hi) {
    for (int64_t a = lo; a < hi; ++a) {
      auto p_ok = [&](int64_t j) { return is_pos(b, a, j); };
      auto n_ok = [&](int64_t j) { return is_neg(b, a, j); };
      // PML: the hardest positive is max distance / min similarity, the hardest negative the
      // opposite; max picks go through mat * mask.
      pos[static_cast<size_t>(a)] = D.inverted ? masked_min_per_row(D, a, p_ok) : masked_max_per_row(D, a, p_ok);
      neg[static_cast<size_t>(a)] = D.inverted ? masked_max_per_row(D, a, n_ok) : masked_min_per_row(D, a, n_ok);
    }
  });
  triplets.clear();
  for (int64_t a = 0; a < b.n; ++a) {
    const RowPick& p = pos[static_cast<size_t>(a)];
    const RowPick& n = neg[static_cast<size_t>(a)];
    if (p.keep && n.keep) triplets.insert(triplets.end(), {a, p.index, n.index});
  }
}

}  // namespace irk

extern "C" irk_status irk_batch_hard_miner(const irk_context* ctx, const irk_batch* batch,
                                           const irk_distance* dist, irk_mined* out) {
  return irk::guard("irk_batch_hard_miner", [&] {
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_mining_call(batch, dist, out);
      irk::cuda::batch_hard_miner(*ctx, b, *dist, *out);
      return;
    }
    irk::MinerInput in = irk::begin_mining(ctx, batch, dist, out);
    std::vector<int64_t> t;
    irk::batch_hard_mine(in.ctx, in.b, in.D, t);
    out->set_sorted_triplets(std::move(t));
  });
}
