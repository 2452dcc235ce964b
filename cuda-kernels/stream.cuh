// The streaming path of the CUDA twins, for batches whose [n x m] distance matrix is too large to
// hold: the matrix is never stored. As in flash attention, each pass recomputes the tiles it needs
// from the prepared x and y, with the materialized path's own tile product (tile.cuh) and
// element finish (distance_value.cuh), so every value equals the stored matrix's bit for bit.
//
//   stream_rows      one block per strip of 64 rows walks the column tiles in order and folds
//                    per-row state (extremes, counts, sums, picks) in column order: pass 1 of a
//                    miner or a loss, and the miners' fill passes.
//   stream_backward  distance_backward without G: one block per strip of 64 rows (dLoss/dX) or
//                    64 columns (dLoss/dY) recomputes each tile, maps it to dLoss/dS through the
//                    loss's per-element gradient and then dmath::chain_coef, and adds the tile's
//                    product with the other side's rows into the strip's own output rows.
//
// Every output row belongs to one block and is summed in a fixed order, so results are
// deterministic; they equal the materialized path's within float rounding (sums run tile by tile).
// Memory: the prepared operands, O((n + m) d), plus one 64 x 64 tile per block (backward).
#pragma once
#include <cstdint>

#include "common.cuh"
#include "core/check.h"
#include "distance.cuh"
#include "distance_value.cuh"
#include "math/distance_math.h"
#include "tile.cuh"

namespace irk {
namespace cuda {

// n * m above which the twins that can stream do: beyond an 8192 x 8192 matrix (256 MiB in float,
// its gradient as much again), i.e. from B = 16384 / 2 + 1 in a square batch.
constexpr int64_t kStreamAbovePairs = int64_t{16384} * 16384 / 4;

// Whether a call over n x m pairs streams. IRKIT_CUDA_STREAM=1 forces it at every size and =0
// turns it off (read once per process, so that irkit-check can exercise the path at small
// sizes); otherwise n * m > kStreamAbovePairs.
bool use_streaming(int64_t n, int64_t m);

// What a tile kernel needs to compute distance values (trivially copyable).
struct TileView {
  TileOperands op;  // S(r, c) before the finish: A = x (or -2 x, cdist's matmul form), B = y
  ValueArgs value;
  int64_t n, m;
};

// The prepared operands and their view (compute_distances without the matrix).
struct StreamDist {
  int64_t n = 0, m = 0, d = 0;
  bool self = false;
  bool inverted = false;  // similarity: larger is closer
  TileView view{};
  Prepared p;
};
StreamDist prepare_tiles(cudaStream_t s, const irk_distance& dist, const Batch& b);

// Blocks for strips of 64 rows (or columns).
unsigned strips(int64_t count);

// The tile of rows [r0, r0 + 64) x columns [c0, c0 + 64): f(rr, cc, value, before_power) for each
// element inside the matrix, each thread for its 4 x 4 block (before_power = value when power
// is 1). All threads of the block must call.
template <class F>
__device__ __forceinline__ void for_tile(TileShared& sh, const TileView& g, int64_t r0, int64_t c0, F&& f) {
  float acc[4][4];
  tile_product(sh, g.op, r0, c0, acc);
  const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int rr = tr + 16 * i, cc = tc + 16 * j;
      if (r0 + rr >= g.n || c0 + cc >= g.m) continue;
      float before = 0.f;
      const float v = distance_value(g.value, acc[i][j], r0 + rr, c0 + cc, &before);
      f(rr, cc, v, g.value.power == 1.0 ? v : before);
    }
}

// ------------------------------------------------------------------ row passes

// Four threads per row of a strip, each over a chunk of 16 consecutive columns of every tile.
constexpr int kRowThreads = kTileThreads / kTile;
constexpr int kChunk = kTile / kRowThreads;

// A row pass. Rows supplies (device, const):
//   State                 per-row state, trivially constructible (it also lives in shared memory)
//   State init()          the state of no columns
//   State part(i, v, j0, count)      columns j0 .. j0 + count - 1 of row i, values v[0 .. count)
//   void fold(State& a, const State& b)  b's columns follow a's
//   void emit(i, v, j0, count, const State& before)  after part, with the state of the row's
//                         columns before j0 (RowsNoEmit: nothing)
//   void finish(i, const State&)     once per row i < n, with the state of all its columns
struct RowsNoEmit {
  template <class State>
  __device__ void emit(int64_t, const float*, int64_t, int, const State&) const {}
};

template <class Rows>
__global__ void __launch_bounds__(kTileThreads) stream_rows_kernel(TileView g, Rows rows) {
  using State = typename Rows::State;
  __shared__ TileShared sh;
  __shared__ float vals[kTile][kTile + 1];
  __shared__ State parts[kTile][kRowThreads];
  const int rr = threadIdx.x / kRowThreads, q = threadIdx.x % kRowThreads;
  const int64_t r0 = static_cast<int64_t>(blockIdx.x) * kTile, i = r0 + rr;
  State st = rows.init();  // the same in the row's threads
  for (int64_t c0 = 0; c0 < g.m; c0 += kTile) {
    for_tile(sh, g, r0, c0, [&](int a, int b, float v, float) { vals[a][b] = v; });
    __syncthreads();
    const int64_t j0 = c0 + q * kChunk;
    const int64_t left = g.m - j0;
    const int count = i < g.n && left > 0 ? static_cast<int>(left < kChunk ? left : kChunk) : 0;
    const float* v = &vals[rr][q * kChunk];
    parts[rr][q] = rows.part(i, v, j0, count);
    __syncthreads();
    State before = st;
    for (int k = 0; k < kRowThreads; ++k) {
      if (k == q) before = st;
      rows.fold(st, parts[rr][k]);
    }
    rows.emit(i, v, j0, count, before);
    __syncthreads();  // vals and parts are rewritten by the next tile
  }
  if (q == 0 && i < g.n) rows.finish(i, st);
}

template <class Rows>
void stream_rows(cudaStream_t s, const StreamDist& T, const Rows& rows) {
  if (T.n <= 0) return;
  stream_rows_kernel<<<strips(T.n), kTileThreads, 0, s>>>(T.view, rows);
  IRK_LAUNCHED("stream_rows_kernel");
}

// ------------------------------------------------------------------ backward

// One side of the backward pass: out = sign * C V (+ out when accumulate) (+ sums * W for L2),
// over strips of `cols ? m : n` output rows, C = dLoss/d(base) with the L2 chain (transposed when
// cols), sums its row (column) sums. As distance_backward: rows give gx = C Y with W = X, columns
// give gy = C^T X with W = Y.
struct StreamSide {
  bool cols;
  const float* V;
  const float* W;
  float* out;  // [strip rows x d]
  int64_t d;
  float sign;
  bool l2;
  bool accumulate;
  int kind;
  double power;
  float* cbuf;  // a 64 x 64 tile per block
};

// Grad::operator()(i, j, s) -> float: dLoss/dS at (i, j) of value s, as the materialized twin
// writes it into G.
template <class Grad>
__global__ void __launch_bounds__(kTileThreads) stream_grad_kernel(TileView g, Grad grad, StreamSide o) {
  __shared__ TileShared sh;
  __shared__ float ct[kTile][kTile + 1];
  __shared__ float sums[kTile];
  const int64_t strip0 = static_cast<int64_t>(blockIdx.x) * kTile;
  const int64_t own = o.cols ? g.m : g.n, other = o.cols ? g.n : g.m;
  const int64_t here = own - strip0 < kTile ? own - strip0 : kTile;
  const int64_t d = o.d;
  float* cb = o.cbuf + static_cast<int64_t>(blockIdx.x) * kTile * kTile;
  float* out = o.out + strip0 * d;
  if (!o.accumulate)
    for (int64_t e = threadIdx.x; e < here * d; e += blockDim.x) out[e] = 0.f;
  float sum = 0.f;  // thread t < here: the sum of its strip row's C
  const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
  for (int64_t t0 = 0; t0 < other; t0 += kTile) {
    const int64_t r0 = o.cols ? t0 : strip0, c0 = o.cols ? strip0 : t0;
    for_tile(sh, g, r0, c0, [&](int a, int b, float v, float base) {
      const float c = static_cast<float>(dmath::chain_coef(grad(r0 + a, c0 + b, v), base, o.kind, o.power));
      ct[a][b] = c;
      cb[a * kTile + b] = c;
    });
    __syncthreads();
    const int64_t span = other - t0 < kTile ? other - t0 : kTile;
    if (o.l2 && threadIdx.x < here)
      for (int k = 0; k < span; ++k) sum += o.cols ? ct[k][threadIdx.x] : ct[threadIdx.x][k];
    // A(r, t) = C(strip row r, tile index t) from cb; B(t, f) = V[(t0 + t) d + f].
    const TileOperands p{cb, o.cols ? 1 : kTile, o.cols ? kTile : 1, o.V + t0 * d, d, 1, here, d, span};
    for (int64_t f0 = 0; f0 < d; f0 += kTile) {
      float acc[4][4];
      tile_product(sh, p, 0, f0, acc);
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) {
          const int64_t a = tr + 16 * i, f = f0 + tc + 16 * j;
          if (a < here && f < d) out[a * d + f] += o.sign * acc[i][j];
        }
    }
    __syncthreads();  // ct and cb are rewritten by the next tile
  }
  if (!o.l2) return;
  if (threadIdx.x < kTile) sums[threadIdx.x] = sum;
  __syncthreads();
  const float* w = o.W + strip0 * d;
  for (int64_t e = threadIdx.x; e < here * d; e += blockDim.x) out[e] += sums[e / d] * w[e];
}

template <class Grad>
void stream_side(cudaStream_t s, const StreamDist& T, const Grad& grad, const StreamSide& o, int64_t own) {
  if (own <= 0 || o.d <= 0) return;
  stream_grad_kernel<<<strips(own), kTileThreads, 0, s>>>(T.view, grad, o);
  IRK_LAUNCHED("stream_grad_kernel");
}

// distance_backward's twin: dLoss/dX [n x d] and dLoss/dY [m x d] (dx / dy may be NULL, dy is
// ignored when self) from the per-element gradient `grad` instead of a stored G.
template <class Grad>
void stream_backward(cudaStream_t s, const irk_distance& dist, const StreamDist& T, const Grad& grad, float* dx,
                     float* dy) {
  const bool want_dy = !T.self && dy != nullptr;
  if (dx == nullptr && !want_dy) return;
  const bool l2 = is_l2(dist.kind);
  const float sign = l2 ? -1.f : 1.f;
  const int kind = static_cast<int>(dist.kind);
  const int64_t n = T.n, m = T.m, d = T.d;
  const GradTargets t(s, dist, T.p, n, m, d, T.self, dx, dy);
  Scratch<float> cbuf(s, static_cast<int64_t>(strips(n > m ? n : m)) * kTile * kTile);
  // gy = C^T X (L2: colsum * Y - C^T X); with self it is the first half of dx.
  if (T.self || want_dy)
    stream_side(s, T, grad, StreamSide{true, T.p.x, T.p.y, t.gy, d, sign, l2, false, kind, dist.power, cbuf.get()}, m);
  // gx = C Y (L2: rowsum * X - C Y), added to gy when self.
  if (dx)
    stream_side(s, T, grad, StreamSide{false, T.p.y, T.p.x, t.gx, d, sign, l2, T.self, kind, dist.power, cbuf.get()},
                n);
  t.finish(s);
}

}  // namespace cuda
}  // namespace irk
