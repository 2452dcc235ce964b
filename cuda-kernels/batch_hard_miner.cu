// irk_batch_hard_miner's CUDA twin (cpu/batch_hard_miner.cpp): one block per anchor picks the
// hardest positive and negative exactly as mining_common.h's masked_max_per_row /
// masked_min_per_row scan the row (ties: lowest index); the picks come back to the host, where
// the anchors that have both become the triplets (at most n, already in order).
#include <vector>

#include "core/cuda_kernels.h"
#include "device_checks.cuh"
#include "distance.cuh"

namespace irk {
namespace cuda {
namespace {

struct Hard {
  const float* S;  // [n x m]
  int64_t m;
  const int64_t* xlab;
  const int64_t* ylab;
  bool self, inv;
};

// The CPU scans keep the first element and replace the pick when !(v <= best) (max) or
// !(v >= best) (min). A NaN therefore always takes over and is always replaced by the next
// element, so the pick is the first max (min) after the row's last NaN, or that NaN when it is
// the last element. Excluded columns count as 0 for max picks (PML's mat * mask) and +inf for min.
struct Pick {
  float v;
  int64_t j;  // -1: none yet
};
struct PickOp {
  bool max;
  __device__ Pick operator()(Pick a, Pick b) const {
    if (b.j < 0) return a;
    if (a.j < 0) return b;
    const bool better = max ? b.v > a.v : b.v < a.v;
    return better || (b.v == a.v && b.j < a.j) ? b : a;
  }
};

__device__ __forceinline__ float masked(const float* s, int64_t j, bool ok, bool max) {
  return ok ? s[j] : (max ? 0.f : INFINITY);
}

__global__ void __launch_bounds__(kThreads) hard_rows_kernel(Hard h, int64_t* pick_pos, int64_t* pick_neg, int* keep) {
  __shared__ int64_t shi[kThreads];
  __shared__ Pick shp[kThreads];
  const int64_t a = blockIdx.x;
  const float* s = h.S + a * h.m;
  // PML: the hardest positive is the max distance / min similarity, the hardest negative the opposite.
  const bool pos_max = !h.inv, neg_max = h.inv;
  int64_t last_nan_p = -1, last_nan_n = -1, any_p = 0, any_n = 0;
  for (int64_t j = threadIdx.x; j < h.m; j += blockDim.x) {
    const bool p_ok = h.xlab[a] == h.ylab[j] && !(h.self && a == j), n_ok = h.xlab[a] != h.ylab[j];
    const float vp = masked(s, j, p_ok, pos_max), vn = masked(s, j, n_ok, neg_max);
    if (vp != vp) last_nan_p = j;
    if (vn != vn) last_nan_n = j;
    any_p |= p_ok;
    any_n |= n_ok;
  }
  last_nan_p = block_reduce(last_nan_p, MaxOp(), shi);
  last_nan_n = block_reduce(last_nan_n, MaxOp(), shi);
  any_p = block_reduce(any_p, MaxOp(), shi);
  any_n = block_reduce(any_n, MaxOp(), shi);
  Pick bp{0.f, -1}, bn{0.f, -1};
  const PickOp op_p{pos_max}, op_n{neg_max};
  for (int64_t j = threadIdx.x; j < h.m; j += blockDim.x) {
    const bool p_ok = h.xlab[a] == h.ylab[j] && !(h.self && a == j), n_ok = h.xlab[a] != h.ylab[j];
    if (j > last_nan_p) bp = op_p(bp, Pick{masked(s, j, p_ok, pos_max), j});
    if (j > last_nan_n) bn = op_n(bn, Pick{masked(s, j, n_ok, neg_max), j});
  }
  bp = block_reduce(bp, op_p, shp);
  bn = block_reduce(bn, op_n, shp);
  if (threadIdx.x == 0) {
    pick_pos[a] = last_nan_p == h.m - 1 ? last_nan_p : bp.j;
    pick_neg[a] = last_nan_n == h.m - 1 ? last_nan_n : bn.j;
    keep[a] = any_p && any_n;
  }
}

}  // namespace

void batch_hard_miner(const irk_context& ctx, const Batch& b, const irk_distance& dist, irk_mined& out) {
  DeviceScope device(ctx);
  cudaStream_t s = stream_of(ctx);
  DeviceChecks checks(s);
  checks.batch(b);
  checks.report();

  DevDist D = compute_distances(s, dist, b.x, b.n, b.y, b.m, b.d, b.self, nullptr, false);
  Hard h{D.s, b.m, b.xlab, b.ylab, b.self, D.inverted};
  Scratch<int64_t> pick_pos(s, b.n), pick_neg(s, b.n);
  Scratch<int> keep(s, b.n);
  hard_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(h, pick_pos.get(), pick_neg.get(), keep.get());
  IRK_LAUNCHED("hard_rows_kernel");
  std::vector<int64_t> p(static_cast<size_t>(b.n)), n(static_cast<size_t>(b.n));
  std::vector<int> k(static_cast<size_t>(b.n));
  IRK_CUDA(cudaMemcpyAsync(p.data(), pick_pos.get(), sizeof(int64_t) * p.size(), cudaMemcpyDeviceToHost, s));
  IRK_CUDA(cudaMemcpyAsync(n.data(), pick_neg.get(), sizeof(int64_t) * n.size(), cudaMemcpyDeviceToHost, s));
  copy_to_host(s, k.data(), keep.get(), b.n);
  std::vector<int64_t> t;
  for (int64_t a = 0; a < b.n; ++a)
    if (k[static_cast<size_t>(a)]) t.insert(t.end(), {a, p[static_cast<size_t>(a)], n[static_cast<size_t>(a)]});
  out.set_sorted_triplets(std::move(t));
}

}  // namespace cuda
}  // namespace irk
