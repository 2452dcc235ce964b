// irk_knn's CUDA twin (cpu/knn.cpp). Values come from the same path as the distance matrix
// (distance_value.cuh), so they equal irk_pairwise's bit for bit, as math/knn_math.h requires (the
// CPU kNN's double-precision products can differ in the last bit); the order is knn_math.h's
// (rank_key, ranks_before: ties to the lower index, NaN last). The references are split into
// parts; a block of 64 threads takes 64 queries x one part, computes 64 x 64 tiles of products
// (tile.cuh's wide layout) and each thread offers its query's candidates to a bounded heap of that
// (query, part) in global memory: a partial top-k. A second kernel merges each query's partial
// lists. Memory is O(n * parts * k); no [n x m] buffer exists.
#include <algorithm>

#include "core/cuda_kernels.h"
#include "device_checks.cuh"
#include "distance.cuh"
#include "distance_value.cuh"
#include "math/knn_math.h"
#include "tile.cuh"

namespace irk {
namespace cuda {
namespace {

constexpr int kMaxParts = 32;

struct Knn {
  const float* a;  // the tile's left operand (query rows, or -2x in cdist's matmul form)
  const float* y;  // reference rows as used
  ValueArgs value;
  int64_t n, m, d, k;
  bool self, inverted;
  int64_t chunk;  // references per part
  int parts;
  float* part_key;    // [n x parts x k] ranking keys, best first
  int64_t* part_idx;  // [n x parts x k]
  int64_t* part_len;  // [n x parts]
};

// A (query, part)'s partial list: the heap cpu/knn.cpp keeps in each output row.
using Heap = math::BoundedHeap;

template <bool Fused>
__device__ __forceinline__ void knn_partial(const Knn& a) {
  __shared__ TileShared sh;
  __shared__ float products[kTile][kTile + 1];  // [query][reference] of the current tile
  const int64_t q0 = static_cast<int64_t>(blockIdx.x) * kTile;
  const int part = static_cast<int>(blockIdx.y);
  const int64_t r_lo = part * a.chunk, r_hi = r_lo + a.chunk < a.m ? r_lo + a.chunk : a.m;
  const int64_t q = q0 + threadIdx.x;
  const bool owner = q < a.n;  // each of the 64 threads keeps one query's heap
  const int64_t slot = (owner ? q : 0) * a.parts + part;
  Heap heap{a.part_key + slot * a.k, a.part_idx + slot * a.k, a.k, 0};
  float worst_key = INFINITY;
  int64_t worst_idx = 0;
  const TileOperands op{a.a, a.d, 1, a.y, 1, a.d, a.n, r_hi, a.d};
  for (int64_t c0 = r_lo; c0 < r_hi; c0 += kTile) {
    float acc[8][8];
    tile_product_wide<Fused>(sh, op, q0, c0, acc);
#pragma unroll
    for (int i = 0; i < 8; ++i)
#pragma unroll
      for (int j = 0; j < 8; ++j) products[wide_row(i)][wide_col(j)] = acc[i][j];
    __syncthreads();
    if (owner) {
      const int64_t nc = r_hi - c0 < kTile ? r_hi - c0 : kTile;
      for (int64_t cj = 0; cj < nc; ++cj) {
        const int64_t j = c0 + cj;
        if (a.self && j == q) continue;
        const float key = math::rank_key(a.inverted, distance_value(a.value, products[threadIdx.x][cj], q, j, nullptr));
        // A full heap's root (its worst entry), kept in registers: most candidates are turned
        // away without the heap's global memory (offer would compare with the same root).
        if (heap.size == heap.cap && !math::ranks_before(key, j, worst_key, worst_idx)) continue;
        heap.offer(key, j);
        if (heap.size == heap.cap) worst_key = heap.key[0], worst_idx = heap.idx[0];
      }
    }
    __syncthreads();
  }
  if (owner) {
    heap.sort_best_first();
    a.part_len[slot] = heap.size;
  }
}

__global__ void __launch_bounds__(kWideThreads) knn_partial_kernel(Knn a) { knn_partial<false>(a); }
__global__ void __launch_bounds__(kWideThreads) knn_partial_fma_kernel(Knn a) { knn_partial<true>(a); }

// Per query: the k best of its parts' sorted lists (ties by lower index, as ranks_before).
__global__ void knn_merge_kernel(Knn a, int64_t* out_idx, float* out_val) {
  for (int64_t q = global_thread(); q < a.n; q += global_stride()) {
    int64_t head[kMaxParts];
    for (int p = 0; p < a.parts; ++p) head[p] = 0;
    for (int64_t s = 0; s < a.k; ++s) {
      int best = -1;
      float bk = 0.f;
      int64_t bi = 0;
      for (int p = 0; p < a.parts; ++p) {
        const int64_t slot = q * a.parts + p;
        if (head[p] >= a.part_len[slot]) continue;
        const float k = a.part_key[slot * a.k + head[p]];
        const int64_t i = a.part_idx[slot * a.k + head[p]];
        if (best < 0 || math::ranks_before(k, i, bk, bi)) {
          best = p;
          bk = k;
          bi = i;
        }
      }
      if (best < 0) break;  // cannot happen: k <= references available
      ++head[best];
      out_idx[q * a.k + s] = bi;
      out_val[q * a.k + s] = a.inverted ? -bk : bk;
    }
  }
}

}  // namespace

void knn(const irk_context& ctx, const irk_distance& dist, const float* query, int64_t n, const float* ref, int64_t m,
         int64_t d, int64_t k, int64_t* out_indices, float* out_values) {
  DeviceScope device(ctx);
  cudaStream_t s = stream_of(ctx);
  const bool self = ref == nullptr;
  DeviceChecks checks(s);
  checks.finite_rows(query, n, d, "query");
  if (!self) checks.finite_rows(ref, m, d, "ref");
  checks.report();

  const int form = value_form(dist, n, m);
  Prepared p = prepare(s, dist, query, n, ref, m, d, self, form == kCdistMmForm);
  // Enough blocks to fill the device several times over (blocks of one query tile all take the same
  // time, so a last partial wave is idle time), at least a few tiles per part, and partial lists that
  // stay within a memory budget.
  const int64_t qtiles = (n + kTile - 1) / kTile;
  if (qtiles > 0x7fffffff) fail(IRK_ERR_UNSUPPORTED, "CUDA: too many queries (%lld)", static_cast<long long>(n));
  int64_t parts = std::min<int64_t>((m + 4 * kTile - 1) / (4 * kTile), (4096 + qtiles - 1) / qtiles);
  parts = std::max<int64_t>(1, std::min<int64_t>(parts, kMaxParts));
  const int64_t budget = int64_t{256} << 20;
  while (parts > 1 && n * parts * k * 12 > budget) parts /= 2;
  const int64_t chunk = ((m + parts - 1) / parts + kTile - 1) / kTile * kTile;
  parts = (m + chunk - 1) / chunk;

  Scratch<float> part_key(s, n * parts * k);
  Scratch<int64_t> part_idx(s, n * parts * k), part_len(s, n * parts);
  Knn a{tile_left(p, form), p.y, value_args(dist, p, form, d), n, m, d, k, self, !is_l2(dist.kind), chunk,
        static_cast<int>(parts), part_key.get(), part_idx.get(), part_len.get()};
  dim3 grid(static_cast<unsigned>(qtiles), static_cast<unsigned>(parts));
  if (fused_products()) {
    knn_partial_fma_kernel<<<grid, kWideThreads, 0, s>>>(a);
    IRK_LAUNCHED("knn_partial_fma_kernel");
  } else {
    knn_partial_kernel<<<grid, kWideThreads, 0, s>>>(a);
    IRK_LAUNCHED("knn_partial_kernel");
  }
  knn_merge_kernel<<<grid_for(n, 128), 128, 0, s>>>(a, out_indices, out_values);
  IRK_LAUNCHED("knn_merge_kernel");
}

}  // namespace cuda
}  // namespace irk
