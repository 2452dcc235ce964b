// The distance matrix between a batch and its reference set, and the chain rule back through it.
// Every loss and miner is written once against DistMat: `inverted` says larger = closer.
// The forward values are PML's float32 `mat` bit for bit as torch 1.13 computes it on the CPU
// (F.normalize, matmul via reference sgemm, torch.cdist's direct and matmul paths, mat ** power);
// the per-element arithmetic lives in math/distance_math.h. The backward runs in double.
#pragma once
#include <cstdint>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "irkit/irkit.h"

namespace irk {

struct DistMat {
  int64_t n = 0, m = 0, d = 0;
  bool self = false;      // reference set is the query set
  bool inverted = false;  // similarity (cosine, dot): larger means closer
  std::vector<float> s;   // [n x m] distances or similarities, PML's `mat`

  float at(int64_t i, int64_t j) const { return s[static_cast<size_t>(i * m + j)]; }

  // Internals kept for the backward pass.
  std::vector<float> xn, yn;        // normalized inputs (empty when normalize is off)
  std::vector<float> xr, yr;        // norms before normalizing (torch's float vector_norm)
  std::vector<float> base;          // value before `power` (empty when power == 1); for
                                    // IRK_DIST_SQUARED_L2 the squared cdist
};

DistMat compute_distances(const irk_context& ctx, const irk_distance& dist, const float* x,
                          int64_t n, const float* y, int64_t m, int64_t d, bool self);
inline DistMat compute_distances(const irk_context& ctx, const irk_distance& dist, const Batch& b) {
  return compute_distances(ctx, dist, b.x, b.n, b.y, b.m, b.d, b.self);
}

// Given G = dLoss/dS [n x m] (row-major), writes dLoss/dX [n x d] and dLoss/dY [m x d]. When the
// reference set is the query set, both roles land in dx and dy is ignored. dx/dy may be NULL.
void distance_backward(const irk_context& ctx, const irk_distance& dist, const float* x,
                       const float* y, const DistMat& D, const std::vector<double>& G, float* dx,
                       float* dy);
inline void distance_backward(const irk_context& ctx, const irk_distance& dist, const Batch& b,
                              const DistMat& D, const std::vector<double>& G, float* dx, float* dy) {
  distance_backward(ctx, dist, b.x, b.y, D, G, dx, dy);
}

}  // namespace irk
