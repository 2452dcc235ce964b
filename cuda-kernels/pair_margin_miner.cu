// irk_pair_margin_miner's CUDA twin (cpu/pair_margin_miner.cpp): the distance matrix, then
// collect.cuh keeps the labelled positives past pos_margin and negatives within neg_margin
// (math::pmm_keep_pos / pmm_keep_neg), sorted.
#include <vector>

#include "call_setup.cuh"
#include "collect.cuh"
#include "core/cuda_kernels.h"
#include "math/pair_math.h"

namespace irk {
namespace cuda {
namespace {

struct PmmKeep {
  LabelledMatrix L;
  bool pos;
  float margin;
  __device__ bool operator()(int64_t i, int64_t j) const {
    const float d = L.row(i)[j];
    if (pos) return L.is_pos(i, j) && math::pmm_keep_pos(L.inv, d, margin);
    return L.is_neg(i, j) && math::pmm_keep_neg(L.inv, d, margin);
  }
};

}  // namespace

void pair_margin_miner(const irk_context& ctx, const Batch& batch, const irk_distance& dist, double pos_margin,
                       double neg_margin, irk_mined& out) {
  BatchCall call(ctx, batch, dist, nullptr, CallKind::kMiner, true);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const PmmKeep kp{call.labelled(), true, static_cast<float>(pos_margin)};
  const PmmKeep kn{call.labelled(), false, static_cast<float>(neg_margin)};
  std::vector<int64_t> pos, neg;
  collect_pairs(s, b.n, b.m, kp, kn, pos, neg, &call.checks);
  out.set_sorted_pairs(std::move(pos), std::move(neg));
}

}  // namespace cuda
}  // namespace irk
