// The device distance matrix and the chain rule back through it: the twin of cpu/distance.h.
// Products are accumulated in fp32 by a tiled shared-memory kernel; the per-pair value comes from
// math/knn_math.h (pair_value), the same function the CPU kNN uses.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "irkit/irkit.h"

namespace irk {
namespace cuda {

// Inputs as the kernels see them: normalized copies when asked, the norms before normalizing (for
// the backward pass) and squared norms of the used rows (L2 kinds).
struct Prepared {
  const float* x = nullptr;
  const float* y = nullptr;
  const float* xr = nullptr;   // norms of the raw rows (normalize only)
  const float* yr = nullptr;
  const float* xsq = nullptr;  // squared norms of x / y as used (L2 kinds only)
  const float* ysq = nullptr;
  Scratch<float> xn_buf, yn_buf, xr_buf, yr_buf, xsq_buf, ysq_buf;
};

// y is ignored when self (y = x, m = n).
Prepared prepare(cudaStream_t s, const irk_distance& dist, const float* x, int64_t n, const float* y, int64_t m,
                 int64_t d, bool self);

struct DevDist {
  int64_t n = 0, m = 0, d = 0;
  bool self = false;
  bool inverted = false;  // similarity: larger is closer
  float* s = nullptr;     // [n x m], PML's `mat`
  float* base = nullptr;  // [n x m] before `power` (only kept for the backward pass, power != 1)
  Prepared p;
  Scratch<float> s_buf, base_buf;
};

// The [n x m] matrix into `out` (or a scratch buffer when out is NULL). keep_base keeps what the
// backward pass needs.
DevDist compute_distances(cudaStream_t s, const irk_distance& dist, const float* x, int64_t n, const float* y,
                          int64_t m, int64_t d, bool self, float* out, bool keep_base);

// Given G = dLoss/dS [n x m] (overwritten), writes dLoss/dX [n x d] and dLoss/dY [m x d] as
// cpu/distance.h's distance_backward does; dx/dy may be NULL, dy is ignored when self.
void distance_backward(cudaStream_t s, const irk_distance& dist, const DevDist& D, float* G, float* dx, float* dy);

}  // namespace cuda
}  // namespace irk
