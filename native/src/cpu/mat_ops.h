// Miners and losses over a distance matrix already computed: the separate entry points and the
// fused miner + loss ones (cpu/miner_loss.cpp) run the same code, so their results are identical.
#pragma once
#include <cstdint>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "cpu/distance.h"
#include "cpu/loss_common.h"

namespace irk {

// MultiSimilarityMiner: pairs [count x 2] in row order (sorted), both empty when PML returns none.
void ms_mine(const irk_context& ctx, const Batch& b, const DistMat& D, double epsilon, std::vector<int64_t>& pos,
             std::vector<int64_t>& neg);
// BatchHardMiner: triplets [count x 3] by anchor (sorted).
void batch_hard_mine(const irk_context& ctx, const Batch& b, const DistMat& D, std::vector<int64_t>& triplets);

SparseLoss ms_loss_on(const irk_context& ctx, const Batch& b, const DistMat& D, const irk_tuples* tuples,
                      double alpha, double beta, double base);
SparseLoss triplet_margin_loss_on(const irk_context& ctx, const Batch& b, const DistMat& D, const irk_tuples* tuples,
                                  double margin, bool swap, bool smooth);

}  // namespace irk
