// Per-element float32 arithmetic of PML's distances, as torch 1.13 (Debian build: GCC 12, AVX2
// kernels, reference BLAS) computes them on the CPU. Shared by cpu/distance.cpp and any CUDA twin.
// Every function here reproduces torch's rounding sequence bit for bit (checked against
// python3-torch 1.13.1+dfsg-4 by .dev/dist_vs_torch.py):
//
//   F.normalize(x)      x / max(vector_norm(x), 1e-12): the norm is the AVX2 "reduce last dim"
//                       fast path of ReduceOpsKernel.cpp (8 fused lanes, lanes folded left to
//                       right, then the d % 8 tail; GCC compiled the tail's first 4 squares as a
//                       separate multiply and add and the rest as fused multiply-adds).
//   x @ y.T             reference BLAS sgemm: per element, k in order, each product rounded, then
//                       added (no FMA), starting from 0.
//   torch.cdist(x, y)   rows of both <= 25: the direct kernel (DistanceOpsKernel.cpp), per pair
//                       sum of |a-b|^2 in k order (the first 8*floor(d/8) terms, plus 4 more if
//                       d % 8 >= 4, as multiply then add; the last d % 4 fused), then sqrt.
//                       Otherwise _euclidean_dist: x1_ = [-2x, |x|^2, 1], x2_ = [y, 1, |y|^2],
//                       sgemm as above over the d + 2 columns, clamp_min(0), sqrt. |x|^2 is
//                       x.pow(2).sum(-1): the cascade sum of SumKernel.cpp (8-wide vectors,
//                       4 accumulators, tail then lanes).
//   mat ** p            pow_tensor_scalar: p = 2 x*x, 3 x*x*x, -2 1/(x*x), 0.5 sqrt,
//                       -0.5 1/sqrt, -1 1/x; other powers use pow (not bit-exact: torch uses
//                       Sleef's 1-ulp powf).
//
// "Multiply then add" must not be contracted into an FMA: on the host, compile with
// -ffp-contract=off (or without FMA instructions, the x86-64 default); on CUDA the helpers below
// use the _rn intrinsics, which nvcc never contracts.
#pragma once
#include <math.h>
#include <stdint.h>

#include "irkit/irkit.h"
#include "math/irk_math.h"  // IRK_HD

namespace irk {
namespace dmath {

// a * b rounded, then + c rounded: two roundings, never fused.
IRK_HD float mul_add_rn(float a, float b, float c) {
#if defined(__CUDA_ARCH__)
  return __fadd_rn(__fmul_rn(a, b), c);
#else
  float p = a * b;
  return c + p;
#endif
}
// a * b + c with one rounding.
IRK_HD float fma_rn(float a, float b, float c) {
#if defined(__CUDA_ARCH__)
  return __fmaf_rn(a, b, c);
#else
  return fmaf(a, b, c);
#endif
}

// F.normalize's eps, as the float clamp_min sees it.
constexpr float kNormEps = 1e-12f;

// torch.linalg.vector_norm(x, 2) of one float row (the F.normalize norm).
// One of its 8 lanes: the fused squares of x[l], x[l + 8], ... over the whole 8-blocks, in order.
IRK_HD float torch_norm2_lane(const float* x, int64_t d, int l) {
  float acc = 0.f;
  for (int64_t k = 0; k + 8 <= d; k += 8) acc = fma_rn(x[k + l], x[k + l], acc);
  return acc;
}
// The lanes folded left to right, then the d % 8 tail, then the square root.
IRK_HD float torch_norm2_finish(const float* lanes, const float* x, int64_t d) {
  float b = lanes[0];
  for (int l = 1; l < 8; ++l) b = b + lanes[l];
  int64_t k = d / 8 * 8;
  if (d - k >= 4) {
    for (int l = 0; l < 4; ++l) b = mul_add_rn(x[k + l], x[k + l], b);
    k += 4;
  }
  for (; k < d; ++k) b = fma_rn(x[k], x[k], b);
  return sqrtf(b);
}
IRK_HD float torch_norm2(const float* x, int64_t d) {
  float lanes[8];
  for (int l = 0; l < 8; ++l) lanes[l] = torch_norm2_lane(x, d, l);
  return torch_norm2_finish(lanes, x, d);
}

IRK_HD float normalize_denom(float norm) { return norm < kNormEps ? kNormEps : norm; }

namespace detail {
IRK_HD int64_t ceil_log2(int64_t x) {  // ATen/native/cpu/utils.h CeilLog2
  if (x <= 2) return 1;
  int64_t v = x - 1, r = 0;
  while (v > 0) {
    v >>= 1;
    ++r;
  }
  return r;
}

// SumKernel.cpp multi_row_sum<acc, nrows = 4>: `size` groups of 4 rows of L lanes each; row
// (i, r) holds the squares of x[(4 i + r) L .. + L). Cascades every 16 groups into 4 levels.
template <int L>
IRK_HD void multi_row_sum4(const float* x, int64_t size, float out[4][L]) {
  constexpr int kLevels = 4;
  const int64_t lp0 = ceil_log2(size) / kLevels;
  const int64_t level_power = lp0 > 4 ? lp0 : 4;
  const int64_t level_step = int64_t{1} << level_power;
  const int64_t level_mask = level_step - 1;
  float acc[kLevels][4][L];
  for (int j = 0; j < kLevels; ++j)
    for (int r = 0; r < 4; ++r)
      for (int l = 0; l < L; ++l) acc[j][r][l] = 0.f;
  int64_t i = 0;
  for (; i + level_step <= size;) {
    for (int64_t s = 0; s < level_step; ++s, ++i)
      for (int r = 0; r < 4; ++r)
        for (int l = 0; l < L; ++l) {
          const float v = x[(i * 4 + r) * L + l];
          acc[0][r][l] = mul_add_rn(v, v, acc[0][r][l]);
        }
    for (int j = 1; j < kLevels; ++j) {
      for (int r = 0; r < 4; ++r)
        for (int l = 0; l < L; ++l) {
          acc[j][r][l] = acc[j][r][l] + acc[j - 1][r][l];
          acc[j - 1][r][l] = 0.f;
        }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < size; ++i)
    for (int r = 0; r < 4; ++r)
      for (int l = 0; l < L; ++l) {
        const float v = x[(i * 4 + r) * L + l];
        acc[0][r][l] = mul_add_rn(v, v, acc[0][r][l]);
      }
  for (int j = 1; j < kLevels; ++j)
    for (int r = 0; r < 4; ++r)
      for (int l = 0; l < L; ++l) acc[0][r][l] = acc[0][r][l] + acc[j][r][l];
  for (int r = 0; r < 4; ++r)
    for (int l = 0; l < L; ++l) out[r][l] = acc[0][r][l];
}
}  // namespace detail

// x.pow(2).sum(-1) of one float row: |x|^2 as torch.cdist's matmul path computes it. The squares
// are rounded first (pow materializes them), so mul_add_rn is exactly "add the rounded square".
IRK_HD float torch_sum_squares(const float* x, int64_t d) {
  if (d >= 8) {  // vectorized_inner_sum: row_sum over 8-float vectors, 4 accumulators
    const int64_t vec_size = d / 8, size_ilp = vec_size / 4;
    float ps[4][8];
    detail::multi_row_sum4<8>(x, size_ilp, ps);
    for (int64_t i = size_ilp * 4; i < vec_size; ++i)
      for (int l = 0; l < 8; ++l) ps[0][l] = mul_add_rn(x[i * 8 + l], x[i * 8 + l], ps[0][l]);
    for (int r = 1; r < 4; ++r)
      for (int l = 0; l < 8; ++l) ps[0][l] = ps[0][l] + ps[r][l];
    float acc = 0.f;
    for (int64_t k = vec_size * 8; k < d; ++k) acc = mul_add_rn(x[k], x[k], acc);
    for (int l = 0; l < 8; ++l) acc = acc + ps[0][l];
    return acc;
  }
  // scalar_inner_sum: row_sum over single floats, 4 accumulators
  const int64_t size_ilp = d / 4;
  float ps[4][1];
  detail::multi_row_sum4<1>(x, size_ilp, ps);
  for (int64_t k = size_ilp * 4; k < d; ++k) ps[0][0] = mul_add_rn(x[k], x[k], ps[0][0]);
  for (int r = 1; r < 4; ++r) ps[0][0] = ps[0][0] + ps[r][0];
  return ps[0][0];
}

// One element of reference sgemm: sum_k a[k] * b[k] in k order, no FMA.
IRK_HD float dot_seq(const float* a, const float* b, int64_t d) {
  float acc = 0.f;
  for (int64_t k = 0; k < d; ++k) acc = mul_add_rn(a[k], b[k], acc);
  return acc;
}

// torch.cdist(p=2) takes the matmul form when either side has more than 25 rows.
IRK_HD bool cdist_uses_mm(int64_t n, int64_t m) { return n > 25 || m > 25; }

// torch.cdist direct kernel for one pair.
IRK_HD float cdist_direct(const float* a, const float* b, int64_t d) {
  const int64_t unfused = (d / 8) * 8 + ((d % 8) >= 4 ? 4 : 0);
  float acc = 0.f;
  int64_t k = 0;
  for (; k < unfused; ++k) {
    const float t = fabsf(a[k] - b[k]);
    acc = mul_add_rn(t, t, acc);
  }
  for (; k < d; ++k) {
    const float t = fabsf(a[k] - b[k]);
    acc = fma_rn(t, t, acc);
  }
  return sqrtf(acc);
}

// torch.cdist matmul form for one pair, given g = sum_k (-2 a[k]) * b[k] in k order (no FMA) and
// the two torch_sum_squares: the two extra sgemm columns, clamp_min(0), sqrt. cdist_mm_sq stops
// before the sqrt (for callers that take the square roots of a whole row at once).
IRK_HD float cdist_mm_sq(float g, float a_sq, float b_sq) {
  float acc = g + a_sq;
  acc = acc + b_sq;
  return acc > 0.f ? acc : 0.f;
}
IRK_HD float cdist_mm_finish(float g, float a_sq, float b_sq) { return sqrtf(cdist_mm_sq(g, a_sq, b_sq)); }
// The g above for one pair.
IRK_HD float neg2_dot_seq(const float* a, const float* b, int64_t d) {
  float acc = 0.f;
  for (int64_t k = 0; k < d; ++k) acc = mul_add_rn(-2.f * a[k], b[k], acc);
  return acc;
}

// mat ** power (PML's `power`) as torch's pow(Tensor, Scalar) computes it on float.
IRK_HD float torch_pow(float x, double p) {
  if (p == 1.0) return x;
  if (p == 2.0) return x * x;
  if (p == 3.0) return (x * x) * x;
  if (p == -2.0) return 1.f / (x * x);
  if (p == 0.5) return sqrtf(x);
  if (p == -0.5) return 1.f / sqrtf(x);
  if (p == -1.0) return 1.f / x;
  return static_cast<float>(pow(static_cast<double>(x), p));
}

// The distance backward pass's chain for one element: dLoss/dS = g at an element whose value
// before `power` is `base` gives dLoss/d(base) through `power` and then, for L2, through the
// square root (dividing by the distance, 0 at 0) or, for squared L2, times 2 (cpu/distance.cpp's
// distance_backward and both CUDA paths).
IRK_HD double chain_coef(double g, double base, int kind, double power) {
  double c = g;
  if (c == 0.0) return 0.0;
  if (power != 1.0) c *= power * pow(base, power - 1.0);
  if (kind == IRK_DIST_L2) c = base > 0.0 ? c / base : 0.0;
  else if (kind == IRK_DIST_SQUARED_L2) c *= 2.0;
  return c;
}

}  // namespace dmath
}  // namespace irk
