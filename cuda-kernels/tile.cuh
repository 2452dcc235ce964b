// One 64 x 64 tile of out(r, c) = sum_t A(r, t) * B(t, c) with fp32 accumulation, for blocks of
// 256 threads: operands staged through shared memory in slabs of 16, each thread keeping a 4 x 4
// register block at rows tr + 16 i and columns tc + 16 j (tr = thread / 16, tc = thread % 16),
// which keeps shared-memory reads free of bank conflicts. Operands are strided views
// (A(r, t) = A[r * a_r + t * a_t]), so one kernel serves X Y^T, C Y and C^T X.
// Every element sums t in order from 0, each product rounded and then added (dmath::mul_add_rn,
// never fused): exactly dmath::dot_seq, the reference sgemm cpu/distance.cpp reproduces.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "math/distance_math.h"

namespace irk {
namespace cuda {

constexpr int kTile = 64;
constexpr int kTileK = 16;
constexpr int kTileThreads = 256;

struct TileShared {
  float a[kTileK][kTile + 1];  // a[t][r]
  float b[kTileK][kTile + 1];  // b[t][c]
};

// S[t][row] = M(row0 + row, t0 + t), zero outside [0, rows) x [0, T). Consecutive threads walk
// whichever index has unit stride, so global loads coalesce.
__device__ __forceinline__ void load_slab(float (*S)[kTile + 1], const float* M, int64_t s_row, int64_t s_t,
                                          int64_t row0, int64_t rows, int64_t t0, int64_t T) {
  for (int e = threadIdx.x; e < kTile * kTileK; e += kTileThreads) {
    const int rr = s_t == 1 ? e / kTileK : e % kTile;
    const int tt = s_t == 1 ? e % kTileK : e / kTile;
    const int64_t r = row0 + rr, t = t0 + tt;
    S[tt][rr] = (r < rows && t < T) ? M[r * s_row + t * s_t] : 0.f;
  }
}

struct TileOperands {
  const float* A;
  int64_t a_r, a_t;
  const float* B;
  int64_t b_t, b_c;
  int64_t R, C, T;
};

// acc[i][j] = out(r0 + tr + 16 i, c0 + tc + 16 j). All threads of the block must call.
__device__ __forceinline__ void tile_product(TileShared& sh, const TileOperands& op, int64_t r0, int64_t c0,
                                             float acc[4][4]) {
  const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) acc[i][j] = 0.f;
  for (int64_t t0 = 0; t0 < op.T; t0 += kTileK) {
    load_slab(sh.a, op.A, op.a_r, op.a_t, r0, op.R, t0, op.T);
    load_slab(sh.b, op.B, op.b_c, op.b_t, c0, op.C, t0, op.T);
    __syncthreads();
#pragma unroll
    for (int tt = 0; tt < kTileK; ++tt) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = sh.a[tt][tr + 16 * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = sh.b[tt][tc + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = dmath::mul_add_rn(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }
}

}  // namespace cuda
}  // namespace irk
