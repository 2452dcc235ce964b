// The backward sums may use FMA: only the forward reproduces torch's rounding.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#endif

#include "cpu/sparse_grad.h"

#include <cmath>

#include "math/distance_math.h"

namespace irk {
namespace {

// acc[k] += sum_e v[e] * rows[idx[e] * ld + k] for k < d, entries in order (per element); with
// `own` (L2 kinds), v[e] * (own[k] - rows[...]): each pair's difference first, as torch's cdist
// backward, so near-duplicate rows with large coefficients do not cancel in float32.
typedef void (*GatherFn)(const int32_t* idx, const float* v, int64_t count, const float* rows, int64_t ld,
                         int64_t d, const float* own, float* acc);

#if defined(__GNUC__)
#define IRK_GATHER_INLINE __attribute__((always_inline)) inline
template <class V, bool Diff>
IRK_GATHER_INLINE void gather_rows(const int32_t* idx, const float* v, int64_t count, const float* rows,
                                   int64_t ld, int64_t d, const float* own, float* acc) {
  constexpr int64_t L = sizeof(V) / sizeof(float), U = 8;  // 8 accumulators cover the FMA latency
  int64_t k0 = 0;
  for (; k0 + U * L <= d; k0 += U * L) {
    V a[U], o[U];
    for (int64_t u = 0; u < U; ++u) {
      __builtin_memcpy(&a[u], acc + k0 + u * L, sizeof(V));
      if (Diff) __builtin_memcpy(&o[u], own + k0 + u * L, sizeof(V));
    }
    for (int64_t e = 0; e < count; ++e) {
      const float* r = rows + static_cast<int64_t>(idx[e]) * ld + k0;
      const float c = v[e];
      for (int64_t u = 0; u < U; ++u) {
        V y;
        __builtin_memcpy(&y, r + u * L, sizeof(V));
        if (Diff) y = o[u] - y;
        a[u] += c * y;
      }
    }
    for (int64_t u = 0; u < U; ++u) __builtin_memcpy(acc + k0 + u * L, &a[u], sizeof(V));
  }
  for (; k0 + L <= d; k0 += L) {
    V a, o;
    __builtin_memcpy(&a, acc + k0, sizeof(V));
    if (Diff) __builtin_memcpy(&o, own + k0, sizeof(V));
    for (int64_t e = 0; e < count; ++e) {
      V y;
      __builtin_memcpy(&y, rows + static_cast<int64_t>(idx[e]) * ld + k0, sizeof(V));
      if (Diff) y = o - y;
      a += v[e] * y;
    }
    __builtin_memcpy(acc + k0, &a, sizeof(V));
  }
  for (; k0 < d; ++k0) {
    float a = acc[k0];
    for (int64_t e = 0; e < count; ++e) {
      const float y = rows[static_cast<int64_t>(idx[e]) * ld + k0];
      a += v[e] * (Diff ? own[k0] - y : y);
    }
    acc[k0] = a;
  }
}
template <class V>
IRK_GATHER_INLINE void gather_any(const int32_t* idx, const float* v, int64_t count, const float* rows, int64_t ld,
                                  int64_t d, const float* own, float* acc) {
  if (own) gather_rows<V, true>(idx, v, count, rows, ld, d, own, acc);
  else gather_rows<V, false>(idx, v, count, rows, ld, d, own, acc);
}
typedef float G4 __attribute__((vector_size(16)));
typedef float G8 __attribute__((vector_size(32)));
typedef float G16 __attribute__((vector_size(64)));
void gather_base(const int32_t* idx, const float* v, int64_t count, const float* rows, int64_t ld, int64_t d,
                 const float* own, float* acc) {
  gather_any<G4>(idx, v, count, rows, ld, d, own, acc);
}
#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) void gather_avx2(const int32_t* idx, const float* v, int64_t count,
                                                     const float* rows, int64_t ld, int64_t d, const float* own,
                                                     float* acc) {
  gather_any<G8>(idx, v, count, rows, ld, d, own, acc);
}
__attribute__((target("avx512f,fma"))) void gather_avx512(const int32_t* idx, const float* v, int64_t count,
                                                          const float* rows, int64_t ld, int64_t d,
                                                          const float* own, float* acc) {
  gather_any<G16>(idx, v, count, rows, ld, d, own, acc);
}
#endif
#else
void gather_base(const int32_t* idx, const float* v, int64_t count, const float* rows, int64_t ld, int64_t d,
                 const float* own, float* acc) {
  for (int64_t e = 0; e < count; ++e)
    for (int64_t k = 0; k < d; ++k) {
      const float y = rows[static_cast<int64_t>(idx[e]) * ld + k];
      acc[k] += v[e] * (own ? own[k] - y : y);
    }
}
#endif

GatherFn gather_kernel() {
  static const GatherFn fn = [] {
#if defined(__GNUC__) && defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return &gather_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &gather_avx2;
#endif
    return &gather_base;
  }();
  return fn;
}

// The column-major copy of G: row j lists (i, G_ij) for i ascending.
SparseGrad transpose(const SparseGrad& G) {
  SparseGrad T;
  T.n = G.m;
  T.m = G.n;
  T.off.reset(static_cast<size_t>(T.n + 1));
  std::fill(T.off.data(), T.off.data() + T.n + 1, 0);
  const int64_t nnz = G.nnz();
  for (int64_t e = 0; e < nnz; ++e) ++T.off[static_cast<size_t>(G.col[static_cast<size_t>(e)] + 1)];
  for (int64_t j = 0; j < T.n; ++j) T.off[static_cast<size_t>(j + 1)] += T.off[static_cast<size_t>(j)];
  T.col.reset(static_cast<size_t>(nnz));
  T.val.reset(static_cast<size_t>(nnz));
  std::vector<int64_t> fill(T.off.data(), T.off.data() + T.n);
  for (int64_t i = 0; i < G.n; ++i)
    for (int64_t e = G.off[static_cast<size_t>(i)]; e < G.off[static_cast<size_t>(i + 1)]; ++e) {
      const int64_t at = fill[static_cast<size_t>(G.col[static_cast<size_t>(e)])]++;
      T.col[static_cast<size_t>(at)] = static_cast<int32_t>(i);
      T.val[static_cast<size_t>(at)] = G.val[static_cast<size_t>(e)];
    }
  return T;
}

// Output rows: g_i = sum of the listed rows of `src` (or, for L2 kinds, sum c * (own_i - src_j)),
// then the chain rule through F.normalize, into out.
struct RowJob {
  const SparseGrad* lists[2];
  const float* src[2];
};

// Columns per pass of the gather: the sources' slab of that width stays in L2 for all rows.
constexpr int64_t kGatherCols = 128;

void backward_rows(const irk_context& ctx, const irk_distance& dist, bool l2, int64_t rows, int64_t d,
                   const RowJob& job, const float* own, const float* norms, float* out) {
  const GatherFn gather = gather_kernel();
  parallel_for(ctx, rows, 16, [&](int64_t lo, int64_t hi) {
    std::fill(out + lo * d, out + hi * d, 0.f);
    for (int64_t k0 = 0; k0 < d; k0 += kGatherCols) {
      const int64_t w = std::min(kGatherCols, d - k0);
      for (int64_t i = lo; i < hi; ++i)
        for (int t = 0; t < 2; ++t) {
          const SparseGrad* L = job.lists[t];
          if (L == nullptr) continue;
          const int64_t b = L->off[static_cast<size_t>(i)], e = L->off[static_cast<size_t>(i + 1)];
          if (b < e)
            gather(L->col.data() + b, L->val.data() + b, e - b, job.src[t] + k0, d, w,
                   l2 ? own + i * d + k0 : nullptr, out + i * d + k0);
        }
    }
    for (int64_t i = lo; i < hi; ++i) {
      float* g = out + i * d;
      const float* xi = own + i * d;
      if (!dist.normalize) continue;
      const double r = norms[i];
      if (r > dmath::kNormEps) {  // (g - y (y.g)) / |x|
        double yg = 0.0;
        for (int64_t k = 0; k < d; ++k) yg += static_cast<double>(xi[k]) * g[k];
        for (int64_t k = 0; k < d; ++k) g[k] = static_cast<float>((g[k] - xi[k] * yg) / r);
      } else {
        for (int64_t k = 0; k < d; ++k) g[k] = static_cast<float>(g[k] / dmath::kNormEps);
      }
    }
  });
}

}  // namespace

void sparse_distance_backward(const irk_context& ctx, const irk_distance& dist, const float* x, const float* y,
                              const DistMat& D, SparseGrad& G, float* dx, float* dy) {
  const int64_t n = D.n, m = D.m, d = D.d;
  const bool l2 = dist.kind == IRK_DIST_L2 || dist.kind == IRK_DIST_SQUARED_L2;
  const float* X = dist.normalize ? D.xn.data() : x;
  const float* Y = D.self ? X : (dist.normalize ? D.yn.data() : y);
  // dLoss/dS -> dLoss/d(base): power, then L2's (x - y) / |x - y| or squared L2's 2 (x - y).
  parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      for (int64_t e = G.off[static_cast<size_t>(i)]; e < G.off[static_cast<size_t>(i + 1)]; ++e) {
        const size_t at = static_cast<size_t>(i * m + G.col[static_cast<size_t>(e)]);
        double c = G.val[static_cast<size_t>(e)];
        const double base = D.base.empty() ? D.s[at] : D.base[at];
        if (dist.power != 1.0) c *= dist.power * std::pow(base, dist.power - 1.0);
        if (dist.kind == IRK_DIST_L2) c = base > 0.0 ? c / base : 0.0;
        else if (dist.kind == IRK_DIST_SQUARED_L2) c *= 2.0;
        G.val[static_cast<size_t>(e)] = static_cast<float>(c);
      }
  });
  const bool want_dy = !D.self && dy != nullptr;
  if (dx == nullptr && !want_dy) return;
  SparseGrad T;
  if (D.self || want_dy) T = transpose(G);
  if (dx != nullptr) {
    RowJob job{{&G, D.self ? &T : nullptr}, {Y, X}};
    backward_rows(ctx, dist, l2, n, d, job, X, D.xr.data(), dx);
  }
  if (want_dy) {
    RowJob job{{&T, nullptr}, {X, nullptr}};
    backward_rows(ctx, dist, l2, m, d, job, Y, D.yr.data(), dy);
  }
}

}  // namespace irk
