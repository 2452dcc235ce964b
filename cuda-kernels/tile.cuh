// 64 x 64 tiles of out(r, c) = sum_t A(r, t) * B(t, c) with fp32 accumulation: operands staged
// through shared memory in slabs of 16 t. Operands are strided views (A(r, t) = A[r * a_r + t * a_t]),
// so one kernel serves X Y^T, C Y and C^T X. Every element sums t in order from 0, each product
// rounded and then added (dmath::mul_add_rn, never fused): exactly dmath::dot_seq, the reference
// sgemm cpu/distance.cpp reproduces. Fused = true makes each step one fused multiply-add instead
// (half the arithmetic instructions; results then differ from the CPU twin in the last bits).
// Two thread layouts, both reading shared memory as float4:
//   tile_product       256 threads, a 4 x 4 register block each at rows tr + 16 i, columns
//                      tc + 16 j (tr = thread / 16, tc = thread % 16); the slab is stored
//                      permuted so that those 4 rows (columns) are adjacent. Many warps per tile:
//                      the layout for small grids, and for kernels whose other work wants many
//                      threads (streamed row passes).
//   tile_product_wide  64 threads, an 8 x 8 block each (wide_row / wide_col): half the
//                      shared-memory traffic per multiply-add, and the next slab loads from global
//                      memory while this one is multiplied; for grids that fill the device
//                      several times over (large distance matrices, kNN).
#pragma once
#include <cstdint>

#include "common.cuh"
#include "math/distance_math.h"

namespace irk {
namespace cuda {

constexpr int kTile = 64;
constexpr int kTileK = 16;
constexpr int kTileThreads = 256;
constexpr int kWideThreads = 64;
constexpr int kTileLd = kTile + 4;  // row stride: float4-aligned rows; a slab's stores conflict at most 4-way
static_assert(kTileLd % 4 == 0, "float4 reads need 16-byte aligned rows");

// One step of a product sum: acc + a * b, rounded twice (the CPU twin's order) or once (Fused).
template <bool Fused>
__device__ __forceinline__ float tile_mac(float a, float b, float acc) {
  return Fused ? dmath::fma_rn(a, b, acc) : dmath::mul_add_rn(a, b, acc);
}

struct TileShared {
  alignas(16) float a[kTileK][kTileLd];  // a[t][r]
  alignas(16) float b[kTileK][kTileLd];  // b[t][c]
};

struct TileOperands {
  const float* A;
  int64_t a_r, a_t;
  const float* B;
  int64_t b_t, b_c;
  int64_t R, C, T;
};

// One operand's slab, S[t][row] = M(row0 + row, t0 + t), zero outside [0, rows) x [0, T), as
// Threads threads share it: consecutive threads walk whichever index has unit stride (so global
// loads coalesce), and a thread's q-th element lies q steps further along the other index.
template <int Threads>
struct Slab {
  static constexpr int kPerThread = kTile * kTileK / Threads;
  float v[kPerThread];
  int rr, tt, drr, dtt;  // this thread's first element and the step between its elements

  __device__ __forceinline__ explicit Slab(int64_t s_t) {
    const int tid = static_cast<int>(threadIdx.x);
    const bool t_unit = s_t == 1;
    rr = t_unit ? tid / kTileK : tid % kTile;
    tt = t_unit ? tid % kTileK : tid / kTile;
    drr = t_unit ? Threads / kTileK : 0;
    dtt = t_unit ? 0 : Threads / kTile;
  }
  __device__ __forceinline__ void fetch(const float* M, int64_t s_row, int64_t s_t, int64_t row0, int64_t rows,
                                        int64_t t0, int64_t T) {
    const int64_t r = row0 + rr, t = t0 + tt;
    const int64_t step = drr * s_row + dtt * s_t;
    const float* p = M + r * s_row + t * s_t;
#pragma unroll
    for (int q = 0; q < kPerThread; ++q) v[q] = (r + q * drr < rows && t + q * dtt < T) ? p[q * step] : 0.f;
  }
  // Permuted: row r at (r % 16) * 4 + r / 16, so rows r, r + 16, r + 32, r + 48 are one float4.
  template <bool Permuted>
  __device__ __forceinline__ void store(float (*S)[kTileLd]) const {
#pragma unroll
    for (int q = 0; q < kPerThread; ++q) {
      const int r = rr + q * drr;
      S[tt + q * dtt][Permuted ? (r % 16) * 4 + r / 16 : r] = v[q];
    }
  }
};

// acc[i][j] = out(r0 + tr + 16 i, c0 + tc + 16 j). All kTileThreads threads of the block must call.
template <bool Fused = false>
__device__ __forceinline__ void tile_product(TileShared& sh, const TileOperands& op, int64_t r0, int64_t c0,
                                             float acc[4][4]) {
  const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) acc[i][j] = 0.f;
  for (int64_t t0 = 0; t0 < op.T; t0 += kTileK) {
    Slab<kTileThreads> sa(op.a_t), sb(op.b_t);
    sa.fetch(op.A, op.a_r, op.a_t, r0, op.R, t0, op.T);
    sb.fetch(op.B, op.b_c, op.b_t, c0, op.C, t0, op.T);
    sa.store<true>(sh.a);
    sb.store<true>(sh.b);
    __syncthreads();
#pragma unroll
    for (int tt = 0; tt < kTileK; ++tt) {
      const float4 av = load_float4(&sh.a[tt][4 * tr]);  // rows tr + 16 i
      const float4 bv = load_float4(&sh.b[tt][4 * tc]);  // columns tc + 16 j
      const float a[4] = {av.x, av.y, av.z, av.w}, b[4] = {bv.x, bv.y, bv.z, bv.w};
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = tile_mac<Fused>(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }
}

// tile_product_wide's element (i, j) of a thread: row wide_row(i), column wide_col(j) of the tile.
// A warp's 32 threads read 4 distinct float4 of a and 8 of b per t.
__device__ __forceinline__ int wide_row(int i) { return (i / 4) * 32 + (static_cast<int>(threadIdx.x) / 8) * 4 + i % 4; }
__device__ __forceinline__ int wide_col(int j) { return (j / 4) * 32 + (static_cast<int>(threadIdx.x) % 8) * 4 + j % 4; }

// The 4 + 4 values of a shared row that wide_row / wide_col pick, as two float4 reads.
__device__ __forceinline__ void wide_fragment(const float* row, int lane4, float out[8]) {
  const float4 lo = load_float4(row + lane4);
  const float4 hi = load_float4(row + 32 + lane4);
  out[0] = lo.x, out[1] = lo.y, out[2] = lo.z, out[3] = lo.w;
  out[4] = hi.x, out[5] = hi.y, out[6] = hi.z, out[7] = hi.w;
}

// acc[i][j] = out(r0 + wide_row(i), c0 + wide_col(j)). All kWideThreads threads of the block must call.
template <bool Fused = false>
__device__ __forceinline__ void tile_product_wide(TileShared& sh, const TileOperands& op, int64_t r0, int64_t c0,
                                                  float acc[8][8]) {
  const int ar = (static_cast<int>(threadIdx.x) / 8) * 4, bc = (static_cast<int>(threadIdx.x) % 8) * 4;
#pragma unroll
  for (int i = 0; i < 8; ++i)
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[i][j] = 0.f;
  Slab<kWideThreads> sa(op.a_t), sb(op.b_t);
  sa.fetch(op.A, op.a_r, op.a_t, r0, op.R, 0, op.T);
  sb.fetch(op.B, op.b_c, op.b_t, c0, op.C, 0, op.T);
  for (int64_t t0 = 0; t0 < op.T; t0 += kTileK) {
    sa.store<false>(sh.a);
    sb.store<false>(sh.b);
    __syncthreads();
    if (t0 + kTileK < op.T) {  // the next slab's loads are in flight during this slab's products
      sa.fetch(op.A, op.a_r, op.a_t, r0, op.R, t0 + kTileK, op.T);
      sb.fetch(op.B, op.b_c, op.b_t, c0, op.C, t0 + kTileK, op.T);
    }
#pragma unroll
    for (int tt = 0; tt < kTileK; ++tt) {
      float a[8], b[8];
      wide_fragment(sh.a[tt], ar, a);
      wide_fragment(sh.b[tt], bc, b);
#pragma unroll
      for (int i = 0; i < 8; ++i)
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = tile_mac<Fused>(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }
}

}  // namespace cuda
}  // namespace irk
