// Exact top-k: tiles of queries x tiles of references, dot products into a small block, each
// query's candidates offered to a bounded heap that lives in that query's output row.
#include <algorithm>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/cuda_kernels.h"
#include "math/knn_math.h"

namespace irk {
namespace {

using math::dot4;
using math::ranks_before;

constexpr int64_t kTileQ = 64;  // queries per tile (a thread's unit of work)
constexpr int64_t kTileR = 64;  // references per tile
constexpr int64_t kMinTileQ = 2;  // when n is small, tiles shrink down to this

// Inputs as the kernel sees them: normalized copies when asked, squared norms for L2 kinds.
struct Prepared {
  const float* x = nullptr;
  const float* y = nullptr;
  std::vector<float> xn, yn;
  std::vector<double> xsq, ysq;
};

void normalize_into(const irk_context& ctx, const float* x, int64_t rows, int64_t d, std::vector<float>& out) {
  out.resize(static_cast<size_t>(rows * d));
  parallel_for(ctx, rows, 256, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const float* r = x + i * d;
      float denom = math::normalize_denom(dot4(r, r, d));
      for (int64_t k = 0; k < d; ++k) out[static_cast<size_t>(i * d + k)] = r[k] / denom;
    }
  });
}

void squared_norms(const irk_context& ctx, const float* x, int64_t rows, int64_t d, std::vector<double>& out) {
  out.resize(static_cast<size_t>(rows));
  parallel_for(ctx, rows, 256, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) out[static_cast<size_t>(i)] = dot4(x + i * d, x + i * d, d);
  });
}

Prepared prepare(const irk_context& ctx, const irk_distance& dist, const float* q, int64_t n,
                 const float* r, int64_t m, int64_t d, bool self) {
  Prepared p;
  p.x = q;
  p.y = self ? q : r;
  if (dist.normalize) {
    normalize_into(ctx, q, n, d, p.xn);
    p.x = p.xn.data();
    if (self) {
      p.y = p.x;
    } else {
      normalize_into(ctx, r, m, d, p.yn);
      p.y = p.yn.data();
    }
  }
  if (math::is_l2_kind(dist.kind)) {
    squared_norms(ctx, p.x, n, d, p.xsq);
    if (self) p.ysq = p.xsq;
    else squared_norms(ctx, p.y, m, d, p.ysq);
  }
  return p;
}

// g[i * ldg + j] = dot4(A_i, B_j) for an nq x nr block of double rows of length d. A QB x RB
// register block keeps one 4-lane accumulator per pair (lane l sums k = l mod 4, exactly dot4's
// lanes), so a value never depends on where its pair falls in the block.
#if defined(__GNUC__)
#define IRK_KNN_VECTOR 1
typedef double V4 __attribute__((vector_size(32)));
typedef double V4u __attribute__((vector_size(32), aligned(8), may_alias));  // unaligned loads

template <int QB, int RB>
__attribute__((always_inline)) inline void dot_register_block(const double* A, const double* B, int64_t d,
                                                              double* g, int64_t ldg) {
  const int64_t d4 = d / 4 * 4;
  V4 acc[QB][RB];
#pragma GCC unroll 8
  for (int a = 0; a < QB; ++a)
#pragma GCC unroll 8
    for (int b = 0; b < RB; ++b) acc[a][b] = V4{0.0, 0.0, 0.0, 0.0};
  for (int64_t k = 0; k < d4; k += 4) {
    V4 av[QB], bv[RB];
#pragma GCC unroll 8
    for (int a = 0; a < QB; ++a) av[a] = *reinterpret_cast<const V4u*>(A + a * d + k);
#pragma GCC unroll 8
    for (int b = 0; b < RB; ++b) bv[b] = *reinterpret_cast<const V4u*>(B + b * d + k);
#pragma GCC unroll 8
    for (int a = 0; a < QB; ++a)
#pragma GCC unroll 8
      for (int b = 0; b < RB; ++b) acc[a][b] += av[a] * bv[b];
  }
  for (int a = 0; a < QB; ++a)
    for (int b = 0; b < RB; ++b) {
      double l0 = acc[a][b][0], l1 = acc[a][b][1], l2 = acc[a][b][2], l3 = acc[a][b][3];
      for (int64_t k = d4; k < d; ++k) l0 += A[a * d + k] * B[b * d + k];
      g[a * ldg + b] = (l0 + l1) + (l2 + l3);
    }
}

template <int QB, int RB>
__attribute__((always_inline)) inline void dot_block_t(const double* A, int64_t nq, const double* B, int64_t nr,
                                                       int64_t d, double* g, int64_t ldg) {
  int64_t i = 0;
  for (; i + QB <= nq; i += QB) {
    int64_t j = 0;
    for (; j + RB <= nr; j += RB) dot_register_block<QB, RB>(A + i * d, B + j * d, d, g + i * ldg + j, ldg);
    for (; j < nr; ++j)
      for (int a = 0; a < QB; ++a) g[(i + a) * ldg + j] = dot4(A + (i + a) * d, B + j * d, d);
  }
  for (; i < nq; ++i)
    for (int64_t j = 0; j < nr; ++j) g[i * ldg + j] = dot4(A + i * d, B + j * d, d);
}

#if defined(__x86_64__)
// float x float products are exact in double, so FMA here gives the same bits as the baseline.
__attribute__((target("avx2,fma"))) void dot_block_avx2(const double* A, int64_t nq, const double* B, int64_t nr,
                                                         int64_t d, double* g, int64_t ldg) {
  dot_block_t<2, 4>(A, nq, B, nr, d, g, ldg);
}
#endif
#endif

void dot_block(const double* A, int64_t nq, const double* B, int64_t nr, int64_t d, double* g, int64_t ldg) {
#if defined(IRK_KNN_VECTOR) && defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) return dot_block_avx2(A, nq, B, nr, d, g, ldg);
#endif
#if defined(IRK_KNN_VECTOR)
  dot_block_t<2, 2>(A, nq, B, nr, d, g, ldg);
#else
  for (int64_t i = 0; i < nq; ++i)
    for (int64_t j = 0; j < nr; ++j) g[i * ldg + j] = dot4(A + i * d, B + j * d, d);
#endif
}

void to_double(const float* src, int64_t count, double* dst) {
  for (int64_t t = 0; t < count; ++t) dst[t] = src[t];
}

// Each query's heap lives in its output row.
using RowHeap = math::BoundedHeap;

void knn_tiles(const irk_distance& dist, const Prepared& p, int64_t n, int64_t m, int64_t d, int64_t k,
               bool self, int64_t tile_q, int64_t t_lo, int64_t t_hi, int64_t* out_idx, float* out_val) {
  const bool inverted = !math::is_l2_kind(dist.kind);
  const bool l2 = !inverted;
  std::vector<double> A(static_cast<size_t>(tile_q * d)), B(static_cast<size_t>(kTileR * d));
  std::vector<double> g(static_cast<size_t>(tile_q * kTileR));
  std::vector<RowHeap> heaps;
  for (int64_t t = t_lo; t < t_hi; ++t) {
    const int64_t q0 = t * tile_q, nq = std::min(tile_q, n - q0);
    to_double(p.x + q0 * d, nq * d, A.data());
    heaps.clear();
    for (int64_t qi = 0; qi < nq; ++qi)
      heaps.push_back(RowHeap{out_val + (q0 + qi) * k, out_idx + (q0 + qi) * k, k, 0});
    for (int64_t r0 = 0; r0 < m; r0 += kTileR) {
      const int64_t nr = std::min(kTileR, m - r0);
      to_double(p.y + r0 * d, nr * d, B.data());
      dot_block(A.data(), nq, B.data(), nr, d, g.data(), kTileR);
      for (int64_t qi = 0; qi < nq; ++qi) {
        const int64_t i = q0 + qi;
        const double xsq = l2 ? p.xsq[static_cast<size_t>(i)] : 0.0;
        const double* gi = g.data() + qi * kTileR;
        RowHeap& h = heaps[static_cast<size_t>(qi)];
        for (int64_t rj = 0; rj < nr; ++rj) {
          const int64_t j = r0 + rj;
          if (self && j == i) continue;
          const double ysq = l2 ? p.ysq[static_cast<size_t>(j)] : 0.0;
          float v = math::pair_value(dist.kind, dist.power, gi[rj], xsq, ysq);
          h.offer(math::rank_key(inverted, v), j);
        }
      }
    }
    for (RowHeap& h : heaps) {
      h.sort_best_first();
      if (inverted)
        for (int64_t s = 0; s < h.size; ++s) h.key[s] = -h.key[s];
    }
  }
}

}  // namespace
}  // namespace irk

extern "C" irk_status irk_knn(const irk_context* ctx, const irk_distance* dist, const float* query,
                              int64_t n, const float* ref, int64_t m, int64_t d, int64_t k,
                              int64_t* out_indices, float* out_values) {
  return irk::guard("irk_knn", [&] {
    const bool cuda = irk::on_cuda(ctx);  // device pointers: the twin checks NaN/Inf rows itself
    const irk_context& c = cuda ? *ctx : irk::check_cpu_context(ctx);
    irk::check_distance(dist);
    irk::check_ptr(query, "query");
    irk::check_ptr(out_indices, "out_indices");
    irk::check_ptr(out_values, "out_values");
    irk::check_size(n, "n");
    irk::check_size(d, "d");
    const bool self = ref == nullptr;
    if (self) {
      if (m != n)
        irk::invalid("ref is NULL (reference = query) but m = %lld differs from n = %lld",
                     static_cast<long long>(m), static_cast<long long>(n));
    } else {
      irk::check_size(m, "m");
    }
    const int64_t available = self ? n - 1 : m;
    if (k <= 0) irk::invalid("k must be > 0, got %lld", static_cast<long long>(k));
    if (k > available)
      irk::invalid("k = %lld exceeds the %lld references available to each query%s",
                   static_cast<long long>(k), static_cast<long long>(available),
                   self ? " (ref is NULL: each query is excluded from its own list)" : "");
    if (cuda) return irk::cuda::knn(c, *dist, query, n, ref, m, d, k, out_indices, out_values);
    irk::check_finite_rows(query, n, d, "query");
    if (!self) irk::check_finite_rows(ref, m, d, "ref");

    irk::Prepared p = irk::prepare(c, *dist, query, n, ref, m, d, self);
    // Smaller query tiles when n is small, so every thread gets work (values do not depend on it).
    int64_t per_thread = (n + c.num_threads - 1) / std::max(c.num_threads, 1);
    int64_t tile_q = std::max(irk::kMinTileQ, std::min(irk::kTileQ, per_thread));
    int64_t tiles = (n + tile_q - 1) / tile_q;
    irk::parallel_for(c, tiles, 1, [&](int64_t lo, int64_t hi) {
      irk::knn_tiles(*dist, p, n, m, d, k, self, tile_q, lo, hi, out_indices, out_values);
    });
  });
}
