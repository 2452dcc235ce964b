// Per-element math shared by the CPU kernels and their CUDA twins (__host__ __device__).
#pragma once
#include <math.h>

#if defined(__CUDACC__)
#define IRK_HD __host__ __device__ __forceinline__
#else
#define IRK_HD inline
#endif

namespace irk {
namespace math {

// PML BaseDistance.margin(x, y): y - x for similarities ("inverted"), x - y for distances.
IRK_HD double margin(bool inverted, double x, double y) { return inverted ? y - x : x - y; }
// d margin(x, y) / dx.
IRK_HD double dmargin_dx(bool inverted) { return inverted ? -1.0 : 1.0; }

IRK_HD double relu(double x) { return x > 0.0 ? x : 0.0; }
IRK_HD double drelu(double x) { return x > 0.0 ? 1.0 : 0.0; }

// torch.nn.functional.softplus (beta 1, threshold 20) and its derivative.
IRK_HD double softplus(double x) { return x > 20.0 ? x : log1p(exp(x)); }
IRK_HD double dsoftplus(double x) { return x > 20.0 ? 1.0 : 1.0 / (1.0 + exp(-x)); }

// PML BaseDistance.smallest_dist: the closer of two values.
IRK_HD double closest(bool inverted, double a, double b) {
  return inverted ? (a > b ? a : b) : (a < b ? a : b);
}
IRK_HD bool is_closer(bool inverted, double a, double b) { return inverted ? a > b : a < b; }

// Running log-sum-exp: keeps max and sum of exp(v - max).
struct LogSumExp {
  double max;
  double sum;
};
IRK_HD LogSumExp lse_init() { return LogSumExp{-INFINITY, 0.0}; }
IRK_HD void lse_add(LogSumExp& s, double v) {
  if (v <= s.max) {
    s.sum += exp(v - s.max);
  } else {
    s.sum = s.sum * exp(s.max - v) + 1.0;
    s.max = v;
  }
}
IRK_HD double lse_value(const LogSumExp& s) { return s.max + log(s.sum); }
// a and b over disjoint sets, as one: a takes the larger max and the rescaled sum of both.
IRK_HD void lse_merge(LogSumExp& a, const LogSumExp& b) {
  const double mx = a.max > b.max ? a.max : b.max;
  if (mx == -INFINITY) return;
  a.sum = a.sum * exp(a.max - mx) + b.sum * exp(b.max - mx);
  a.max = mx;
}

}  // namespace math
}  // namespace irk
