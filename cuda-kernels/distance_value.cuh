// The value of one distance-matrix element from its tile product, shared by the distance and kNN
// kernels so that both give cpu/distance.cpp's values (and so irk_pairwise's and cpu/knn.cpp's)
// bit for bit: the dot product as is, torch.cdist's matmul form or its direct form (both sides
// <= 25 rows), squared L2 as the float distance squared, then `power` (torch_pow).
#pragma once
#include <cstdint>

#include "distance.cuh"
#include "math/distance_math.h"

namespace irk {
namespace cuda {

enum ValueForm { kDotForm = 1, kCdistMmForm = 2, kCdistDirectForm = 3 };

struct ValueArgs {
  int form;
  int kind;
  double power;
  const float* rsq;  // kCdistMmForm: torch_sum_squares of rows and columns
  const float* csq;
  const float* x;    // kCdistDirectForm: the rows as used
  const float* y;
  int64_t d;
};

inline bool is_l2(irk_distance_kind kind) { return kind == IRK_DIST_L2 || kind == IRK_DIST_SQUARED_L2; }

// The form cdist takes for these sizes (decided on the full n and m, as the CPU does).
inline int value_form(const irk_distance& dist, int64_t n, int64_t m) {
  if (!is_l2(dist.kind)) return kDotForm;
  return dmath::cdist_uses_mm(n, m) ? kCdistMmForm : kCdistDirectForm;
}

inline ValueArgs value_args(const irk_distance& dist, const Prepared& p, int form, int64_t d) {
  return ValueArgs{form, static_cast<int>(dist.kind), dist.power, p.xsq, p.ysq, p.x, p.y, d};
}

// The tile's left operand: -2 x for cdist's matmul form, else x (unused by the direct form).
inline const float* tile_left(const Prepared& p, int form) { return form == kCdistMmForm ? p.xm2 : p.x; }

// Element (r, c) given g = sum_k A[r][k] * y[c][k] from the tile. *before_power (when given and
// power != 1) receives the value before `power`.
__device__ __forceinline__ float distance_value(const ValueArgs& a, float g, int64_t r, int64_t c,
                                                float* before_power) {
  float v = g;
  if (a.form == kCdistMmForm) v = dmath::cdist_mm_finish(g, a.rsq[r], a.csq[c]);
  else if (a.form == kCdistDirectForm) v = dmath::cdist_direct(a.x + r * a.d, a.y + c * a.d, a.d);
  if (a.kind == IRK_DIST_SQUARED_L2) v = v * v;
  if (a.power == 1.0) return v;
  if (before_power) *before_power = v;
  return dmath::torch_pow(v, a.power);
}

}  // namespace cuda
}  // namespace irk
