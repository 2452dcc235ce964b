// Device distance matrix and its backward pass (see distance.cuh). The chain-rule coefficients
// mirror cpu/distance.cpp's distance_backward (that file keeps them inline, so they are restated
// here, in chain_coef).
#include "distance.cuh"
#include "math/knn_math.h"
#include "tile.cuh"

namespace irk {
namespace cuda {
namespace {

constexpr double kNormEps = 1e-12;  // torch.nn.functional.normalize

// One row per block: the raw row's norm, the normalized copy, and the squared norm of the row as
// used (cpu/distance.cpp normalize_rows and its squared norms, in fp32).
__global__ void __launch_bounds__(kThreads) prepare_rows_kernel(const float* x, int64_t d, bool normalize,
                                                                float* xn, float* norms, float* sq) {
  __shared__ float sh[kThreads];
  const float* r = x + static_cast<int64_t>(blockIdx.x) * d;
  float acc = 0.f;
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x) acc = fmaf(r[k], r[k], acc);
  const float sumsq = block_reduce(acc, SumOp(), sh);
  if (!normalize) {
    if (sq && threadIdx.x == 0) sq[blockIdx.x] = sumsq;
    return;
  }
  const float denom = math::normalize_denom(sumsq);
  float* o = xn + static_cast<int64_t>(blockIdx.x) * d;
  float acc_n = 0.f;
  for (int64_t k = threadIdx.x; k < d; k += blockDim.x) {
    const float v = r[k] / denom;
    o[k] = v;
    acc_n = fmaf(v, v, acc_n);
  }
  if (threadIdx.x == 0) norms[blockIdx.x] = static_cast<float>(sqrt(static_cast<double>(sumsq)));
  if (sq) {
    const float sumsq_n = block_reduce(acc_n, SumOp(), sh);
    if (threadIdx.x == 0) sq[blockIdx.x] = sumsq_n;
  }
}

// Epilogue of a tile: a distance value (kind >= 0) or a linear combination (kind < 0).
struct Epilogue {
  float* out;
  int64_t ldo;
  int kind;
  double power;
  const float* rsq;  // squared norms of the rows / columns (L2 kinds)
  const float* csq;
  bool self;         // diagonal of an L2 self-distance is exactly 0 (cpu/distance.cpp)
  float* base;       // value before power, or NULL
  float sign;        // linear: out = sign * acc + row_scale[r] * row_vec[r, c] (+ out)
  const float* row_scale;
  const float* row_vec;
  bool accumulate;
};

__global__ void __launch_bounds__(kTileThreads) gemm_kernel(TileOperands op, Epilogue e) {
  __shared__ TileShared sh;
  const int64_t r0 = static_cast<int64_t>(blockIdx.y) * kTile, c0 = static_cast<int64_t>(blockIdx.x) * kTile;
  float acc[4][4];
  tile_product(sh, op, r0, c0, acc);
  const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
  for (int i = 0; i < 4; ++i) {
    const int64_t r = r0 + tr + 16 * i;
    if (r >= op.R) continue;
    for (int j = 0; j < 4; ++j) {
      const int64_t c = c0 + tc + 16 * j;
      if (c >= op.C) continue;
      const int64_t at = r * e.ldo + c;
      if (e.kind >= 0) {
        const irk_distance_kind kind = static_cast<irk_distance_kind>(e.kind);
        const bool l2 = math::is_l2_kind(kind);
        const float b = (l2 && e.self && r == c)
                            ? 0.f
                            : math::pair_value(kind, 1.0, acc[i][j], l2 ? e.rsq[r] : 0.0, l2 ? e.csq[c] : 0.0);
        if (e.base) e.base[at] = b;
        e.out[at] = e.power == 1.0 ? b : static_cast<float>(pow(static_cast<double>(b), e.power));
      } else {
        float v = e.sign * acc[i][j];
        if (e.row_scale) v += e.row_scale[r] * e.row_vec[at];
        if (e.accumulate) v += e.out[at];
        e.out[at] = v;
      }
    }
  }
}

void launch_gemm(cudaStream_t s, const TileOperands& op, const Epilogue& e) {
  if (op.R > int64_t{65535} * kTile) fail(IRK_ERR_UNSUPPORTED, "CUDA: %lld rows exceed this kernel's grid", static_cast<long long>(op.R));
  dim3 grid(static_cast<unsigned>((op.C + kTile - 1) / kTile), static_cast<unsigned>((op.R + kTile - 1) / kTile));
  gemm_kernel<<<grid, kTileThreads, 0, s>>>(op, e);
  IRK_LAUNCHED("gemm_kernel");
}

// d(value)/d(base) and the L2 chain, applied to dLoss/dS (cpu/distance.cpp distance_backward).
__device__ __forceinline__ float chain_coef(float g, float base, int kind, double power) {
  double c = g;
  if (c == 0.0) return 0.f;
  if (power != 1.0) c *= power * pow(static_cast<double>(base), power - 1.0);
  if (kind == IRK_DIST_L2) c = base > 0.f ? c / base : 0.0;
  else if (kind == IRK_DIST_SQUARED_L2) c *= 2.0;
  return static_cast<float>(c);
}

__global__ void chain_kernel(float* G, const float* base, int64_t count, int kind, double power) {
  for (int64_t at = global_thread(); at < count; at += global_stride()) G[at] = chain_coef(G[at], base[at], kind, power);
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

// Chain rule through x / max(|x|, eps): (g - y (y.g)) / |x| when |x| > eps, else g / eps.
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
    o[k] = r > kNormEps ? static_cast<float>((gi[k] - yi[k] * yg) / r) : static_cast<float>(gi[k] / kNormEps);
}

void prepare_one(cudaStream_t s, const irk_distance& dist, const float* x, int64_t rows, int64_t d,
                 Scratch<float>& xn, Scratch<float>& norms, Scratch<float>& sq, const float** used,
                 const float** used_norms, const float** used_sq) {
  const bool l2 = math::is_l2_kind(dist.kind);
  if (!dist.normalize && !l2) {
    *used = x;
    return;
  }
  if (dist.normalize) {
    xn.allocate(s, rows * d);
    norms.allocate(s, rows);
  }
  if (l2) sq.allocate(s, rows);
  prepare_rows_kernel<<<row_blocks(rows), kThreads, 0, s>>>(x, d, dist.normalize != 0, xn.get(),
                                                                        norms.get(), sq.get());
  IRK_LAUNCHED("prepare_rows_kernel");
  *used = dist.normalize ? xn.get() : x;
  *used_norms = norms.get();
  *used_sq = sq.get();
}

}  // namespace

Prepared prepare(cudaStream_t s, const irk_distance& dist, const float* x, int64_t n, const float* y, int64_t m,
                 int64_t d, bool self) {
  Prepared p;
  prepare_one(s, dist, x, n, d, p.xn_buf, p.xr_buf, p.xsq_buf, &p.x, &p.xr, &p.xsq);
  if (self) {
    p.y = p.x;
    p.yr = p.xr;
    p.ysq = p.xsq;
  } else {
    prepare_one(s, dist, y, m, d, p.yn_buf, p.yr_buf, p.ysq_buf, &p.y, &p.yr, &p.ysq);
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
  D.inverted = !math::is_l2_kind(dist.kind);
  D.p = prepare(s, dist, x, n, y, m, d, self);
  if (out == nullptr) D.s_buf.allocate(s, n * m);
  D.s = out ? out : D.s_buf.get();
  if (keep_base && dist.power != 1.0) {
    D.base_buf.allocate(s, n * m);
    D.base = D.base_buf.get();
  }
  TileOperands op{D.p.x, d, 1, D.p.y, 1, d, n, m, d};
  Epilogue e{D.s, m, static_cast<int>(dist.kind), dist.power, D.p.xsq, D.p.ysq, self, D.base, 1.f, nullptr, nullptr, false};
  launch_gemm(s, op, e);
  return D;
}

void distance_backward(cudaStream_t s, const irk_distance& dist, const DevDist& D, float* G, float* dx, float* dy) {
  const int64_t n = D.n, m = D.m, d = D.d;
  const bool l2 = math::is_l2_kind(dist.kind);
  const bool want_dy = !D.self && dy != nullptr;
  if (dx == nullptr && !want_dy) return;
  // C = dLoss/d(base) with the L2 chain, in place of G.
  if (dist.power != 1.0 || l2) {
    chain_kernel<<<grid_for(n * m), kThreads, 0, s>>>(G, D.base ? D.base : D.s, n * m, static_cast<int>(dist.kind),
                                                     dist.power);
    IRK_LAUNCHED("chain_kernel");
  }
  Scratch<float> rsum, csum;
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
  const float sign = l2 ? -1.f : 1.f;
  const float* X = D.p.x;
  const float* Y = D.p.y;
  Scratch<float> gx_buf, gy_buf;
  float* gx = dx;
  float* gy = D.self ? dx : dy;
  if (dist.normalize) {
    if (dx) gx_buf.allocate(s, n * d);
    gx = gx_buf.get();
    if (D.self) {
      gy = gx;
    } else if (want_dy) {
      gy_buf.allocate(s, m * d);
      gy = gy_buf.get();
    }
  }
  // gy = C^T X (L2: colsum * Y - C^T X); with self it is the first half of dx.
  if (D.self || want_dy) {
    TileOperands op{G, 1, m, X, d, 1, m, d, n};
    Epilogue e{gy, d, -1, 1.0, nullptr, nullptr, false, nullptr, sign, l2 ? csum.get() : nullptr, Y, false};
    launch_gemm(s, op, e);
  }
  // gx = C Y (L2: rowsum * X - C Y), added to gy when self.
  if (dx) {
    TileOperands op{G, m, 1, Y, d, 1, n, d, m};
    Epilogue e{gx, d, -1, 1.0, nullptr, nullptr, false, nullptr, sign, l2 ? rsum.get() : nullptr, X, D.self};
    launch_gemm(s, op, e);
  }
  if (!dist.normalize) return;
  if (dx) {
    normalize_backward_kernel<<<row_blocks(n), kThreads, 0, s>>>(gx, X, D.p.xr, d, dx);
    IRK_LAUNCHED("normalize_backward_kernel");
  }
  if (want_dy) {
    normalize_backward_kernel<<<row_blocks(m), kThreads, 0, s>>>(gy, Y, D.p.yr, d, dy);
    IRK_LAUNCHED("normalize_backward_kernel");
  }
}

}  // namespace cuda
}  // namespace irk
