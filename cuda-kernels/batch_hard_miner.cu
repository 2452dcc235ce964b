// irk_batch_hard_miner's CUDA twin (cpu/batch_hard_miner.cpp): one block per anchor picks the
// hardest positive and negative exactly as mining_common.h's masked_max_per_row /
// masked_min_per_row scan the row (row_pick.cuh; ties: lowest index); the picks come back to the host, where
// the anchors that have both become the triplets (at most n, already in order).
#include <vector>

#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "row_pick.cuh"

namespace irk {
namespace cuda {
namespace {

// One block per anchor: the hardest positive and negative (row_pick.cuh, as mining_common.h).
__global__ void __launch_bounds__(kThreads) hard_rows_kernel(LabelledMatrix h, int64_t* pick_pos, int64_t* pick_neg,
                                                             int* keep) {
  __shared__ int64_t shi[kThreads];
  __shared__ Pick shp[kThreads];
  const int64_t a = blockIdx.x;
  const float* s = h.row(a);
  // PML: the hardest positive is the max distance / min similarity, the hardest negative the opposite.
  const DevRowPick p = block_pick(s, h.m, !h.inv, [&](int64_t j) { return h.is_pos(a, j); }, shi, shp);
  const DevRowPick n = block_pick(s, h.m, h.inv, [&](int64_t j) { return h.is_neg(a, j); }, shi, shp);
  if (threadIdx.x == 0) {
    pick_pos[a] = p.index;
    pick_neg[a] = n.index;
    keep[a] = p.keep && n.keep;
  }
}

}  // namespace

void batch_hard_miner(const irk_context& ctx, const Batch& batch, const irk_distance& dist, irk_mined& out) {
  BatchCall call(ctx, batch, dist, nullptr, CallKind::kMiner);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const LabelledMatrix h = call.labelled();
  Scratch<int64_t> pick_pos(s, b.n), pick_neg(s, b.n);
  Scratch<int> keep(s, b.n);
  hard_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(h, pick_pos.get(), pick_neg.get(), keep.get());
  IRK_LAUNCHED("hard_rows_kernel");
  std::vector<int64_t> p(static_cast<size_t>(b.n)), n(static_cast<size_t>(b.n));
  std::vector<int> k(static_cast<size_t>(b.n));
  copy_to_host_async(s, p.data(), pick_pos.get(), b.n);
  copy_to_host_async(s, n.data(), pick_neg.get(), b.n);
  copy_to_host(s, k.data(), keep.get(), b.n);
  std::vector<int64_t> t;
  for (int64_t a = 0; a < b.n; ++a)
    if (k[static_cast<size_t>(a)]) t.insert(t.end(), {a, p[static_cast<size_t>(a)], n[static_cast<size_t>(a)]});
  out.set_sorted_triplets(std::move(t));
}

}  // namespace cuda
}  // namespace irk
