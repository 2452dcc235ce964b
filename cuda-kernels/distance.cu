// Device distance matrix and its backward pass (see distance.cuh). The chain-rule coefficients are
// cpu/distance.cpp's (math/distance_math.h's chain_coef).
#include "distance.cuh"
#include "distance_value.cuh"
#include "math/classifier_math.h"
#include "math/distance_math.h"
#include "tile.cuh"

namespace irk {
namespace cuda {
namespace {

constexpr double kNormEps = dmath::kNormEps;  // as cpu/distance.cpp's normalize_backward sees it

// One block per row, as cpu/distance.cpp: F.normalize (torch_norm2: its 8 lanes on 8 threads, the
// fold on one), then for the cdist matmul form -2 x and torch_sum_squares of the row as used (one
// thread: its cascade order is serial).
constexpr int kPrepareThreads = 128;
__global__ void __launch_bounds__(kPrepareThreads) prepare_rows_kernel(const float* x, int64_t rows, int64_t d,
                                                                       bool normalize, float* xn, float* norms,
                                                                       float* xm2, float* sq) {
  __shared__ float lanes[8];
  __shared__ float denom;
  for (int64_t i = blockIdx.x; i < rows; i += gridDim.x) {
    const float* r = x + i * d;
    if (normalize) {
      if (threadIdx.x < 8) lanes[threadIdx.x] = dmath::torch_norm2_lane(r, d, static_cast<int>(threadIdx.x));
      __syncthreads();
      if (threadIdx.x == 0) {
        const float norm = dmath::torch_norm2_finish(lanes, r, d);
        norms[i] = norm;
        denom = dmath::normalize_denom(norm);
      }
      __syncthreads();
      float* o = xn + i * d;
      for (int64_t k = threadIdx.x; k < d; k += blockDim.x) o[k] = r[k] / denom;
      r = o;
      __syncthreads();  // the row is written before thread 0 sums it
    }
    if (sq && threadIdx.x == 0) sq[i] = dmath::torch_sum_squares(r, d);
    if (xm2)
      for (int64_t k = threadIdx.x; k < d; k += blockDim.x) xm2[i * d + k] = -2.f * r[k];
    __syncthreads();  // lanes and denom are free for the next row
  }
}

// Epilogue of a tile: a distance value (distance_value.cuh) or a linear combination.
struct Epilogue {
  float* out;
  int64_t ldo;
  bool linear;
  ValueArgs value;   // distance values
  float* base;       // value before power, or NULL
  float sign;        // linear: out = sign * acc + row_scale[r] * row_vec[r, c] (+ out)
  const float* row_scale;
  const float* row_vec;
  bool accumulate;
};

// One 64 x 64 tile in either thread layout (tile.cuh). The products go through shared memory so
// that the epilogue (a loop, not 16 or 64 inlined copies of distance_value) walks the tile row by
// row with consecutive threads on consecutive columns.
template <bool Wide, bool Fused>
__device__ __forceinline__ void gemm_tile(const TileOperands& op, const Epilogue& e) {
  constexpr int kThreadsHere = Wide ? kWideThreads : kTileThreads;
  __shared__ union {
    TileShared slabs;
    float out[kTile][kTile + 1];
  } sh;
  const int64_t r0 = static_cast<int64_t>(blockIdx.y) * kTile, c0 = static_cast<int64_t>(blockIdx.x) * kTile;
  if constexpr (Wide) {
    float acc[8][8];
    tile_product_wide<Fused>(sh.slabs, op, r0, c0, acc);  // both end with a barrier: the slabs are free
#pragma unroll
    for (int i = 0; i < 8; ++i)
#pragma unroll
      for (int j = 0; j < 8; ++j) sh.out[wide_row(i)][wide_col(j)] = acc[i][j];
  } else {
    float acc[4][4];
    tile_product<Fused>(sh.slabs, op, r0, c0, acc);
    const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < 4; ++j) sh.out[tr + 16 * i][tc + 16 * j] = acc[i][j];
  }
  __syncthreads();
  for (int el = threadIdx.x; el < kTile * kTile; el += kThreadsHere) {
    const int rr = el / kTile, cc = el % kTile;
    const int64_t r = r0 + rr, c = c0 + cc;
    if (r >= op.R || c >= op.C) continue;
    const int64_t at = r * e.ldo + c;
    const float g = sh.out[rr][cc];
    if (e.linear) {
      float v = e.sign * g;
      if (e.row_scale) v += e.row_scale[r] * e.row_vec[at];
      if (e.accumulate) v += e.out[at];
      e.out[at] = v;
    } else {
      e.out[at] = distance_value(e.value, g, r, c, e.base ? e.base + at : nullptr);
    }
  }
}

__global__ void __launch_bounds__(kTileThreads) gemm_kernel(TileOperands op, Epilogue e) { gemm_tile<false, false>(op, e); }
__global__ void __launch_bounds__(kWideThreads) gemm_wide_kernel(TileOperands op, Epilogue e) {
  gemm_tile<true, false>(op, e);
}
__global__ void __launch_bounds__(kTileThreads) gemm_fma_kernel(TileOperands op, Epilogue e) { gemm_tile<false, true>(op, e); }
__global__ void __launch_bounds__(kWideThreads) gemm_wide_fma_kernel(TileOperands op, Epilogue e) {
  gemm_tile<true, true>(op, e);
}

// Below this many tiles the wide layout (2 warps a tile) leaves most of a large GPU's schedulers idle:
// B = 1024 gives 256 tiles, its n x d backward at d = 512 128 tiles, on 132 SMs.
// IRKIT_CUDA_WIDE_TILES=1 / =0 forces one layout at every size (tests of both).
constexpr int64_t kWideMinTiles = 1024;
bool use_wide_tiles(int64_t tiles) {
  static const int mode = env_switch("IRKIT_CUDA_WIDE_TILES");
  return mode >= 0 ? mode == 1 : tiles >= kWideMinTiles;
}

void launch_gemm(cudaStream_t s, const TileOperands& op, const Epilogue& e) {
  if (op.R > int64_t{65535} * kTile) fail(IRK_ERR_UNSUPPORTED, "CUDA: %lld rows exceed this kernel's grid", static_cast<long long>(op.R));
  dim3 grid(static_cast<unsigned>((op.C + kTile - 1) / kTile), static_cast<unsigned>((op.R + kTile - 1) / kTile));
  const bool wide = use_wide_tiles(static_cast<int64_t>(grid.x) * grid.y);
  if (wide && fused_products()) {
    gemm_wide_fma_kernel<<<grid, kWideThreads, 0, s>>>(op, e);
    IRK_LAUNCHED("gemm_wide_fma_kernel");
  } else if (wide) {
    gemm_wide_kernel<<<grid, kWideThreads, 0, s>>>(op, e);
    IRK_LAUNCHED("gemm_wide_kernel");
  } else if (fused_products()) {
    gemm_fma_kernel<<<grid, kTileThreads, 0, s>>>(op, e);
    IRK_LAUNCHED("gemm_fma_kernel");
  } else {
    gemm_kernel<<<grid, kTileThreads, 0, s>>>(op, e);
    IRK_LAUNCHED("gemm_kernel");
  }
}

// d(value)/d(base) and the L2 chain, applied to dLoss/dS (dmath::chain_coef).
__global__ void chain_kernel(float* G, const float* base, int64_t count, int kind, double power) {
  for (int64_t at = global_thread(); at < count; at += global_stride())
    G[at] = static_cast<float>(dmath::chain_coef(G[at], base[at], kind, power));
}

__global__ void __launch_bounds__(kThreads) row_sums_kernel(const float* C, int64_t cols, float* out) {
  __shared__ float sh[kThreads];
  const float* c = C + static_cast<int64_t>(blockIdx.x) * cols;
  float acc = 0.f;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) acc += c[j];
  acc = block_reduce(acc, SumOp(), sh);
  if (threadIdx.x == 0) out[blockIdx.x] = acc;
}

__global__ void col_sums_kernel(const float* C, int64_t rows, int64_t cols, float* out) {
  for (int64_t j = global_thread(); j < cols; j += global_stride()) {
    float acc = 0.f;
    for (int64_t i = 0; i < rows; ++i) acc += C[i * cols + j];
    out[j] = acc;
  }
}

// C <- C + C^T in place (square n x n): each pair (i, j), i <= j, read and written by one thread.
__global__ void symmetrize_kernel(float* C, int64_t n) {
  for (int64_t at = global_thread(); at < n * n; at += global_stride()) {
    const int64_t i = at / n, j = at % n;
    if (i > j) continue;
    const float v = C[i * n + j] + C[j * n + i];
    C[i * n + j] = v;
    C[j * n + i] = v;
  }
}

// Chain rule through x / max(|x|, eps): math::unit_backward per element.
__global__ void __launch_bounds__(kThreads) normalize_backward_kernel(const float* g, const float* y,
                                                                      const float* norms, int64_t d, float* out) {
  __shared__ double sh[kThreads];
  const int64_t row = blockIdx.x;
  const float* gi = g + row * d;
  const float* yi = y + row * d;
  float* o = out + row * d;
  const double r = norms[row];
  double acc = 0.0;
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x) acc += static_cast<double>(yi[k]) * gi[k];
  const double yg = block_reduce(acc, SumOp(), sh);
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x)
    o[k] = static_cast<float>(math::unit_backward(gi[k], yi[k], yg, r, kNormEps));
}

void prepare_one(cudaStream_t s, const irk_distance& dist, bool cdist_mm, const float* x, int64_t rows, int64_t d,
                 Scratch<float>& xn, Scratch<float>& norms, Scratch<float>* xm2, Scratch<float>& sq, const float** used,
                 const float** used_norms, const float** used_xm2, const float** used_sq) {
  *used = x;
  if (!dist.normalize && !cdist_mm) return;
  if (dist.normalize) {
    xn.allocate(s, rows * d);
    norms.allocate(s, rows);
  }
  if (cdist_mm) {
    sq.allocate(s, rows);
    if (xm2) xm2->allocate(s, rows * d);
  }
  float* xm2_p = xm2 ? xm2->get() : nullptr;
  if (rows > 0) {
    prepare_rows_kernel<<<row_blocks(rows), kPrepareThreads, 0, s>>>(x, rows, d, dist.normalize != 0, xn.get(),
                                                                      norms.get(), xm2_p, sq.get());
    IRK_LAUNCHED("prepare_rows_kernel");
  }
  if (dist.normalize) *used = xn.get();
  *used_norms = norms.get();
  if (used_xm2) *used_xm2 = xm2_p;
  *used_sq = sq.get();
}

}  // namespace

bool fused_products() {
  static const bool on = env_switch("IRKIT_CUDA_FMA") == 1;
  return on;
}

void gemm(cudaStream_t s, const TileOperands& op, float* out, int64_t ldo, bool accumulate) {
  if (op.R <= 0 || op.C <= 0) return;
  Epilogue e{out, ldo, true, ValueArgs{}, nullptr, 1.f, nullptr, nullptr, accumulate};
  launch_gemm(s, op, e);
}

void normalize_backward(cudaStream_t s, const float* g, const float* y, const float* norms, int64_t rows, int64_t d,
                        float* out) {
  if (rows <= 0) return;
  normalize_backward_kernel<<<row_blocks(rows), kThreads, 0, s>>>(g, y, norms, d, out);
  IRK_LAUNCHED("normalize_backward_kernel");
}

Prepared prepare(cudaStream_t s, const irk_distance& dist, const float* x, int64_t n, const float* y, int64_t m,
                 int64_t d, bool self, bool cdist_mm) {
  Prepared p;
  prepare_one(s, dist, cdist_mm, x, n, d, p.xn_buf, p.xr_buf, &p.xm2_buf, p.xsq_buf, &p.x, &p.xr, &p.xm2, &p.xsq);
  if (self) {
    p.y = p.x;
    p.yr = p.xr;
    p.ysq = p.xsq;
  } else {
    prepare_one(s, dist, cdist_mm, y, m, d, p.yn_buf, p.yr_buf, nullptr, p.ysq_buf, &p.y, &p.yr, nullptr, &p.ysq);
  }
  return p;
}

DevDist compute_distances(cudaStream_t s, const irk_distance& dist, const float* x, int64_t n, const float* y,
                          int64_t m, int64_t d, bool self, float* out, bool keep_base) {
  DevDist D;
  D.n = n;
  D.m = m;
  D.d = d;
  D.self = self;
  const bool l2 = is_l2(dist.kind);
  D.inverted = !l2;
  const int form = value_form(dist, n, m);
  D.p = prepare(s, dist, x, n, y, m, d, self, form == kCdistMmForm);
  if (out == nullptr) D.s_buf.allocate(s, n * m);
  D.s = out ? out : D.s_buf.get();
  if (keep_base && dist.power != 1.0) {
    D.base_buf.allocate(s, n * m);
    D.base = D.base_buf.get();
  }
  // PML: query @ ref.T; cdist's matmul form: (-2 x) @ y.T, then the two norm columns.
  TileOperands op{tile_left(D.p, form), d, 1, D.p.y, 1, d, n, m, d};
  Epilogue e{D.s, m, false, value_args(dist, D.p, form, d), D.base, 1.f, nullptr, nullptr, false};
  launch_gemm(s, op, e);
  return D;
}

void distance_backward(cudaStream_t s, const irk_distance& dist, const DevDist& D, float* G, float* dx, float* dy) {
  const int64_t n = D.n, m = D.m, d = D.d;
  const bool l2 = is_l2(dist.kind);
  const bool want_dy = !D.self && dy != nullptr;
  if (dx == nullptr && !want_dy) return;
  // C = dLoss/d(base) with the L2 chain, in place of G.
  if (dist.power != 1.0 || l2) {
    chain_kernel<<<grid_for(n * m), kThreads, 0, s>>>(G, D.base ? D.base : D.s, n * m, static_cast<int>(dist.kind),
                                                     dist.power);
    IRK_LAUNCHED("chain_kernel");
  }
  const float sign = l2 ? -1.f : 1.f;
  const float* X = D.p.x;
  const float* Y = D.p.y;
  const GradTargets t(s, dist, D.p, n, m, d, D.self, dx, dy);
  Scratch<float> rsum, csum;
  if (D.self) {
    // dx = C X + C^T X = (C + C^T) X: one product (L2: rowsum(C + C^T) * X - (C + C^T) X).
    symmetrize_kernel<<<grid_for(n * n), kThreads, 0, s>>>(G, n);
    IRK_LAUNCHED("symmetrize_kernel");
    if (l2) {
      rsum.allocate(s, n);
      row_sums_kernel<<<row_blocks(n), kThreads, 0, s>>>(G, n, rsum.get());
      IRK_LAUNCHED("row_sums_kernel");
    }
    TileOperands op{G, n, 1, X, d, 1, n, d, n};
    Epilogue e{t.gx, d, true, ValueArgs{}, nullptr, sign, l2 ? rsum.get() : nullptr, X, false};
    launch_gemm(s, op, e);
    return t.finish(s);
  }
  if (l2) {
    if (dx) {
      rsum.allocate(s, n);
      row_sums_kernel<<<row_blocks(n), kThreads, 0, s>>>(G, m, rsum.get());
      IRK_LAUNCHED("row_sums_kernel");
    }
    csum.allocate(s, m);
    col_sums_kernel<<<grid_for(m), kThreads, 0, s>>>(G, n, m, csum.get());
    IRK_LAUNCHED("col_sums_kernel");
  }
  // gy = C^T X (L2: colsum * Y - C^T X).
  if (want_dy) {
    TileOperands op{G, 1, m, X, d, 1, m, d, n};
    Epilogue e{t.gy, d, true, ValueArgs{}, nullptr, sign, l2 ? csum.get() : nullptr, Y, false};
    launch_gemm(s, op, e);
  }
  // gx = C Y (L2: rowsum * X - C Y).
  if (dx) {
    TileOperands op{G, m, 1, Y, d, 1, n, d, m};
    Epilogue e{t.gx, d, true, ValueArgs{}, nullptr, sign, l2 ? rsum.get() : nullptr, X, false};
    launch_gemm(s, op, e);
  }
  t.finish(s);
}

GradTargets::GradTargets(cudaStream_t s, const irk_distance& dist, const Prepared& p, int64_t n, int64_t m, int64_t d,
                         bool self, float* dx, float* dy)
    : gx(dx), gy(self ? dx : dy), dx_(dx), dy_(self ? nullptr : dy), p_(p), n_(n), m_(m), d_(d),
      normalize_(dist.normalize != 0) {
  if (!normalize_) return;
  if (dx) gx_buf_.allocate(s, n * d);
  gx = gx_buf_.get();
  if (self) {
    gy = gx;
  } else if (dy) {
    gy_buf_.allocate(s, m * d);
    gy = gy_buf_.get();
  }
}

void GradTargets::finish(cudaStream_t s) const {
  if (!normalize_) return;
  if (dx_) normalize_backward(s, gx, p_.x, p_.xr, n_, d_, dx_);
  if (dy_) normalize_backward(s, gy, p_.y, p_.yr, m_, d_, dy_);
}

}  // namespace cuda
}  // namespace irk
