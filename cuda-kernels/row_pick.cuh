// One pick per row as mining_common.h's masked_max_per_row / masked_min_per_row make it (PML's
// get_max_per_row / get_min_per_row), for the block that owns the row: shared by the
// batch-hard and batch-easy-hard miners.
//
// The CPU scans keep the first element and replace the pick when !(v <= best) (max) or
// !(v >= best) (min). A NaN therefore always takes over and is always replaced by the next
// element, so the pick is the first max (min) after the row's last NaN, or that NaN when it is
// the last element. Excluded columns count as 0 for max picks (PML's mat * mask) and +inf for min.
#pragma once
#include <cstdint>

#include "common.cuh"

namespace irk {
namespace cuda {

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

// RowPick of mining_common.h: `keep` is false when no column is allowed.
struct DevRowPick {
  float value;
  int64_t index;
  bool keep;
};

__device__ __forceinline__ float masked_value(const float* s, int64_t j, bool ok, bool max) {
  return ok ? s[j] : (max ? 0.f : INFINITY);
}

// allowed(j) must give the same answer each time it is called. All threads must call; every
// thread gets the pick. shi / shp hold blockDim.x values each.
template <class Allowed>
__device__ DevRowPick block_pick(const float* s, int64_t m, bool use_max, Allowed&& allowed, int64_t* shi,
                                 Pick* shp) {
  int64_t last_nan = -1, any = 0;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    const bool ok = allowed(j);
    const float v = masked_value(s, j, ok, use_max);
    if (v != v) last_nan = j;
    any |= ok;
  }
  last_nan = block_reduce(last_nan, MaxOp(), shi);
  any = block_reduce(any, MaxOp(), shi);
  const PickOp op{use_max};
  Pick best{0.f, -1};
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x)
    if (j > last_nan) best = op(best, Pick{masked_value(s, j, allowed(j), use_max), j});
  best = block_reduce(best, op, shp);
  if (last_nan == m - 1) return DevRowPick{NAN, last_nan, any != 0};
  return DevRowPick{best.v, best.j, any != 0};
}

}  // namespace cuda
}  // namespace irk
