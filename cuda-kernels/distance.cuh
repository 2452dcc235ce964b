// The device distance matrix and the chain rule back through it: the twin of cpu/distance.h.
// The forward values equal cpu/distance.cpp's bit for bit (powers other than 1, 2, 3, -2, 0.5,
// -0.5, -1 aside, which go through pow): the same math/distance_math.h functions per row and per
// pair, and products summed in k order without FMA by the tiled kernel (tile.cuh). The backward
// pass accumulates in fp32 where the CPU uses double.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "irkit/irkit.h"
#include "tile.cuh"

namespace irk {
namespace cuda {

// Inputs as the kernels see them: normalized copies when asked (F.normalize), the torch norms
// before normalizing (for the backward pass) and, for the cdist matmul form, -2 x and |x|^2.
struct Prepared {
  const float* x = nullptr;
  const float* y = nullptr;
  const float* xr = nullptr;   // norms of the raw rows (normalize only)
  const float* yr = nullptr;
  const float* xm2 = nullptr;  // -2 x as used (L2 kinds, matmul form)
  const float* xsq = nullptr;  // torch_sum_squares of the rows as used (L2 kinds, matmul form)
  const float* ysq = nullptr;
  Scratch<float> xn_buf, yn_buf, xr_buf, yr_buf, xm2_buf, xsq_buf, ysq_buf;
};

// y is ignored when self (y = x, m = n). cdist_mm: prepare the matmul form of torch.cdist.
Prepared prepare(cudaStream_t s, const irk_distance& dist, const float* x, int64_t n, const float* y, int64_t m,
                 int64_t d, bool self, bool cdist_mm);

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

// Where the backward pass's two products land: dx / dy themselves, or (normalize) scratch that
// finish() then maps through F.normalize into them. With self, gy is gx (dx sums both products)
// and dy is not written.
class GradTargets {
 public:
  GradTargets(cudaStream_t s, const irk_distance& dist, const Prepared& p, int64_t n, int64_t m, int64_t d, bool self,
              float* dx, float* dy);
  GradTargets(const GradTargets&) = delete;
  GradTargets& operator=(const GradTargets&) = delete;
  void finish(cudaStream_t s) const;

  float* gx;  // [n x d], NULL when dx is
  float* gy;  // [m x d], NULL when dy is (not self)

 private:
  float* dx_;
  float* dy_;
  const Prepared& p_;
  int64_t n_, m_, d_;
  bool normalize_;
  Scratch<float> gx_buf_, gy_buf_;
};

// out[r * ldo + c] = sum_t A(r, t) B(t, c) (+ out[r * ldo + c] when accumulate) over the R x C
// output of `op`, by tile.cuh's product: the plain GEMM the classifier and proxy twins use.
void gemm(cudaStream_t s, const TileOperands& op, float* out, int64_t ldo, bool accumulate = false);

// IRKIT_CUDA_FMA=1 (read once): the dense products and kNN fuse each multiply-add (tile_mac), half
// the arithmetic instructions. A measurement switch, off by default: the distances then differ from
// the CPU twin's in the last bits, so mining and ranking can differ at near ties.
bool fused_products();

// Chain rule through F.normalize for `rows` rows: out = (g - y (y.g)) / |x| when |x| > eps, else
// g / eps (math::unit_backward), with y the unit rows and norms the |x| before normalizing.
void normalize_backward(cudaStream_t s, const float* g, const float* y, const float* norms, int64_t rows, int64_t d,
                        float* out);

}  // namespace cuda
}  // namespace irk
