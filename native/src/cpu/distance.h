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
#include "cpu/scratch.h"
#include "irkit/irkit.h"

namespace irk {

struct DistMat {
  int64_t n = 0, m = 0, d = 0;
  bool self = false;      // reference set is the query set
  bool inverted = false;  // similarity (cosine, dot): larger means closer
  Scratch<float> s;       // [n x m] distances or similarities, PML's `mat`

  float at(int64_t i, int64_t j) const { return s[static_cast<size_t>(i * m + j)]; }

  // Internals kept for the backward pass.
  Scratch<float> xn, yn;            // normalized inputs (empty when normalize is off)
  Scratch<float> xr, yr;            // norms before normalizing (torch's float vector_norm)
  Scratch<float> base;              // value before `power` (empty when power == 1); for
                                    // IRK_DIST_SQUARED_L2 the squared cdist
};

// With self (y = x) only the upper triangle of the sgemm products is computed and mirrored:
// each product sums a[k] * b[k] in k order, and a[k] * b[k] == b[k] * a[k], so mat[j][i] is
// bit for bit what torch computes (cdist's matmul-form finish then runs per element as usual).
DistMat compute_distances(const irk_context& ctx, const irk_distance& dist, const float* x,
                          int64_t n, const float* y, int64_t m, int64_t d, bool self);
inline DistMat compute_distances(const irk_context& ctx, const irk_distance& dist, const Batch& b) {
  return compute_distances(ctx, dist, b.x, b.n, b.y, b.m, b.d, b.self);
}

// `mat` one block at a time, for callers that never hold all of it (irk_knn). The operands are
// prepared once for the whole (x, y): F.normalize'd rows, the sgemm's left operand (-2x in
// cdist's matmul form) and torch's |x|^2 sums; cdist's path is chosen on the full n and m. Every
// element then comes out of distance_tile bit for bit as compute_distances gives it (which is
// built on the same calls), wherever the block falls: each element keeps its own k order.
struct DistOperands {
  DistOperands() = default;
  DistOperands(DistOperands&&) = default;  // the row pointers below stay valid
  DistOperands(const DistOperands&) = delete;
  DistOperands& operator=(const DistOperands&) = delete;

  irk_distance dist{};
  int64_t n = 0, m = 0, d = 0;
  bool self = false;
  bool direct = false;       // cdist's direct kernel (L2 kinds, both sides <= 25 rows): no sgemm
  const float* X = nullptr;  // query rows as used (normalized copy or the input)
  const float* Y = nullptr;  // reference rows as used
  const float* A = nullptr;  // sgemm left operand: X, or -2X in cdist's matmul form
  Scratch<float> xn, yn, xr, yr;  // normalized copies and their norms (when normalize)
  Scratch<float> xm2, xsq, ysq;   // cdist's matmul form: -2X, |x|^2, |y|^2
};
DistOperands prepare_distance(const irk_context& ctx, const irk_distance& dist, const float* x,
                              int64_t n, const float* y, int64_t m, int64_t d, bool self);

// Reference rows [j0, j1) packed for distance_tile: panels of distance_panel_cols() rows,
// k-major. Rows [j0 + t * cols, j1) of a packing start at data + t * cols * d for any whole number
// t of panels, so a packing of many columns also serves the blocks inside it.
struct RefPanels {
  const float* data = nullptr;
  int64_t j0 = 0, j1 = 0;
};
int64_t distance_panel_cols();
int64_t packed_floats(const DistOperands& P, int64_t rows);  // floats pack_refs writes
void pack_refs(const DistOperands& P, int64_t j0, int64_t j1, float* dst);  // one thread

// Query rows per tile that keep the sgemm kernel's register blocks full (any count works).
constexpr int64_t kDistTileRows = 60;

// out[(i - i0) * ldo + (j - R.j0)] = mat[i][j] for i in [i0, i1), j in [R.j0, R.j1). When `base`
// is given and power != 1 it receives the value before `power` (DistMat::base), same layout.
// One thread; ldo >= R.j1 - R.j0.
void distance_tile(const DistOperands& P, int64_t i0, int64_t i1, const RefPanels& R, float* out,
                   int64_t ldo, float* base = nullptr);

// Given G = dLoss/dS [n x m] (row-major), writes dLoss/dX [n x d] and dLoss/dY [m x d]. When the
// reference set is the query set, both roles land in dx and dy is ignored. dx/dy may be NULL.
void distance_backward(const irk_context& ctx, const irk_distance& dist, const float* x,
                       const float* y, const DistMat& D, const double* G, float* dx, float* dy);
inline void distance_backward(const irk_context& ctx, const irk_distance& dist, const Batch& b,
                              const DistMat& D, const double* G, float* dx, float* dy) {
  distance_backward(ctx, dist, b.x, b.y, D, G, dx, dy);
}

}  // namespace irk
