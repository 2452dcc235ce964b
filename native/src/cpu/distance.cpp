// Float arithmetic here must round every product and sum on its own where torch does (see
// math/distance_math.h): no FMA contraction, even where the target (or a kernel's target
// attribute below, AVX-512F) has FMA instructions.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "cpu/distance.h"

#include "cpu/gemm_f64.h"

#include <algorithm>
#include <cmath>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define IRK_DIST_SSE 1
#endif

#include "math/distance_math.h"

// The widest sgemm kernel the runtime dispatch may pick (16: AVX-512F, 8: AVX2, 4: baseline);
// building with a smaller value exercises the narrower kernels on a wider machine.
#ifndef IRKIT_GEMM_MAX_LANES
#define IRKIT_GEMM_MAX_LANES 16
#endif

namespace irk {
namespace {

using dmath::kNormEps;

// x / max(|x|, eps) row by row, as F.normalize; `norms` keeps |x| (torch's float norm).
void normalize_rows(const irk_context& ctx, const float* x, int64_t n, int64_t d, Scratch<float>& out,
                    Scratch<float>& norms) {
  out.reset(static_cast<size_t>(n * d));
  norms.reset(static_cast<size_t>(n));
  parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const float* r = x + i * d;
      const float norm = dmath::torch_norm2(r, d);
      norms[static_cast<size_t>(i)] = norm;
      const float denom = dmath::normalize_denom(norm);
      float* o = out.data() + i * d;
      for (int64_t k = 0; k < d; ++k) o[k] = r[k] / denom;
    }
  });
}

// torch's x.pow(2).sum(-1) of every row.
void sum_squares_rows(const irk_context& ctx, const float* x, int64_t n, int64_t d, Scratch<float>& out) {
  out.reset(static_cast<size_t>(n));
  parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) out[static_cast<size_t>(i)] = dmath::torch_sum_squares(x + i * d, d);
  });
}

bool is_l2(irk_distance_kind k) { return k == IRK_DIST_L2 || k == IRK_DIST_SQUARED_L2; }

// Reference-sgemm products, C[i][j] = dmath::dot_seq(A_i, B_j) bit for bit (each element sums k
// in order, one product rounded then added at a time), computed in register blocks of R rows x
// two vectors of columns that run k in lockstep: SIMD across j without changing any element's
// order, so the vector width (picked at run time) never changes a value. B is packed into panels
// of 2 * lanes columns, k-major.
#if defined(__GNUC__)
#define IRK_KERNEL_INLINE __attribute__((always_inline)) inline
typedef float V4 __attribute__((vector_size(16)));
typedef float V8 __attribute__((vector_size(32)));
typedef float V16 __attribute__((vector_size(64)));
#else
#define IRK_KERNEL_INLINE inline
struct V4 {
  float f[4];
};
#endif
constexpr int64_t kRows = 6;             // register block rows (kDistTileRows is a multiple)
constexpr int64_t kSliceFloats = 4096;   // k depth x panel width per pass: 16 KiB stays in L1
static_assert(kDistTileRows % kRows == 0, "tiles of whole register blocks");

template <class V>
constexpr int64_t panel_width() {
  return 2 * static_cast<int64_t>(sizeof(V) / sizeof(float));
}

// acc[r][c] (in `io`, zero when `init`) += A[r][k] * panel[k][c] for k in [0, kc), in k order.
template <class V, int64_t R>
IRK_KERNEL_INLINE void gemm_block(const float* __restrict A, int64_t lda, int64_t kc,
                                  const float* __restrict panel, float* __restrict io, int64_t ldio,
                                  bool init) {
  constexpr int64_t C = panel_width<V>();
#if defined(__GNUC__)
  constexpr int64_t L = C / 2;
  V acc[R][2];
  for (int64_t r = 0; r < R; ++r)
    for (int64_t v = 0; v < 2; ++v) {
      if (init) acc[r][v] = V{};
      else __builtin_memcpy(&acc[r][v], io + r * ldio + L * v, sizeof(V));
    }
  for (int64_t k = 0; k < kc; ++k) {
    V b[2];
    for (int64_t v = 0; v < 2; ++v) __builtin_memcpy(&b[v], panel + k * C + L * v, sizeof(V));
    for (int64_t r = 0; r < R; ++r) {
      const float a = A[r * lda + k];
      for (int64_t v = 0; v < 2; ++v) {
        const V p = a * b[v];  // a broadcast to every lane
        acc[r][v] = acc[r][v] + p;
      }
    }
  }
  for (int64_t r = 0; r < R; ++r)
    for (int64_t v = 0; v < 2; ++v) __builtin_memcpy(io + r * ldio + L * v, &acc[r][v], sizeof(V));
#else
  float acc[R][C];
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c) acc[r][c] = init ? 0.f : io[r * ldio + c];
  for (int64_t k = 0; k < kc; ++k)
    for (int64_t r = 0; r < R; ++r)
      for (int64_t c = 0; c < C; ++c) acc[r][c] = dmath::mul_add_rn(A[r * lda + k], panel[k * C + c], acc[r][c]);
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c) io[r * ldio + c] = acc[r][c];
#endif
}

// gemm_block for the last rows < kRows of a tile (R counts down to `rows`).
template <class V, int64_t R>
IRK_KERNEL_INLINE void gemm_block_rows(int64_t rows, const float* A, int64_t lda, int64_t kc,
                                       const float* panel, float* io, int64_t ldio, bool init) {
  if constexpr (R > 0) {
    if (rows == R) gemm_block<V, R>(A, lda, kc, panel, io, ldio, init);
    else gemm_block_rows<V, R - 1>(rows, A, lda, kc, panel, io, ldio, init);
  }
}

// out[r * ldo + c] = dot_seq(A_r, B_c) for r < rows, c < cols; `panels` packs B (cols rows of d).
// Per k slice, every panel meets every row block; partial sums wait in `out` between slices.
template <class V>
IRK_KERNEL_INLINE void gemm_rows(const float* A, int64_t rows, int64_t d, const float* panels,
                                 int64_t cols, float* out, int64_t ldo) {
  constexpr int64_t C = panel_width<V>();
  constexpr int64_t depth = kSliceFloats / C;
  const int64_t np = (cols + C - 1) / C;
  for (int64_t k0 = 0; k0 < d; k0 += depth) {
    const int64_t kc = std::min(depth, d - k0);
    const bool init = k0 == 0;
    for (int64_t p = 0; p < np; ++p) {
      const float* panel = panels + (p * d + k0) * C;
      const int64_t width = std::min(C, cols - p * C);
      for (int64_t r = 0; r < rows; r += kRows) {
        const int64_t h = std::min(kRows, rows - r);
        const float* a = A + r * d + k0;
        float* io = out + r * ldo + p * C;
        if (width == C) {
          gemm_block_rows<V, kRows>(h, a, d, kc, panel, io, ldo, init);
          continue;
        }
        float part[kRows * C] = {};  // the last panel's padding columns land here, not in `out`
        if (!init)
          for (int64_t t = 0; t < h; ++t) std::copy(io + t * ldo, io + t * ldo + width, part + t * C);
        gemm_block_rows<V, kRows>(h, a, d, kc, panel, part, C, init);
        for (int64_t t = 0; t < h; ++t) std::copy(part + t * C, part + t * C + width, io + t * ldo);
      }
    }
  }
}

// Every element's square root, IEEE-rounded as sqrtf (four at a time where SSE has it).
void sqrt_row(float* o, int64_t n) {
  int64_t c = 0;
#if defined(IRK_DIST_SSE)
  for (; c + 4 <= n; c += 4) _mm_storeu_ps(o + c, _mm_sqrt_ps(_mm_loadu_ps(o + c)));
#endif
  for (; c < n; ++c) o[c] = std::sqrt(o[c]);
}

// cdist's matmul form from the sgemm products of one row: o[c] = cdist_mm_finish(o[c], xs, ys[c]).
// Two passes, so that both vectorize (the sqrt by hand: sqrtf may set errno).
IRK_KERNEL_INLINE void mm_finish_sq(float* o, float xs, const float* ys, int64_t n) {
  for (int64_t c = 0; c < n; ++c) o[c] = dmath::cdist_mm_sq(o[c], xs, ys[c]);
}
void mm_finish_base(float* o, float xs, const float* ys, int64_t n) {
  mm_finish_sq(o, xs, ys, n);
  sqrt_row(o, n);
}

typedef void (*GemmFn)(const float*, int64_t, int64_t, const float*, int64_t, float*, int64_t);
typedef void (*MmFinishFn)(float*, float, const float*, int64_t);
struct GemmKernel {
  GemmFn gemm;
  MmFinishFn mm_finish;
  int64_t cols;  // panel width
};

void gemm_base(const float* A, int64_t rows, int64_t d, const float* panels, int64_t cols, float* out,
               int64_t ldo) {
  gemm_rows<V4>(A, rows, d, panels, cols, out, ldo);
}
#if defined(__GNUC__) && defined(__x86_64__)
// Same per-element operations in wider registers. No FMA although AVX-512F has it: fp-contract is
// off above (and AVX2 alone does not enable FMA).
__attribute__((target("avx2"))) void gemm_avx2(const float* A, int64_t rows, int64_t d,
                                               const float* panels, int64_t cols, float* out,
                                               int64_t ldo) {
  gemm_rows<V8>(A, rows, d, panels, cols, out, ldo);
}
__attribute__((target("avx2"))) void mm_finish_avx2(float* o, float xs, const float* ys, int64_t n) {
  mm_finish_sq(o, xs, ys, n);
  int64_t c = 0;
  for (; c + 8 <= n; c += 8) _mm256_storeu_ps(o + c, _mm256_sqrt_ps(_mm256_loadu_ps(o + c)));
  sqrt_row(o + c, n - c);
}
__attribute__((target("avx512f"))) void gemm_avx512(const float* A, int64_t rows, int64_t d,
                                                    const float* panels, int64_t cols, float* out,
                                                    int64_t ldo) {
  gemm_rows<V16>(A, rows, d, panels, cols, out, ldo);
}
#endif

const GemmKernel& gemm_kernel() {
  static const GemmKernel kernel = [] {
#if defined(__GNUC__) && defined(__x86_64__)
    __builtin_cpu_init();
    if (IRKIT_GEMM_MAX_LANES >= 16 && __builtin_cpu_supports("avx512f"))
      return GemmKernel{gemm_avx512, mm_finish_avx2, panel_width<V16>()};
    if (IRKIT_GEMM_MAX_LANES >= 8 && __builtin_cpu_supports("avx2"))
      return GemmKernel{gemm_avx2, mm_finish_avx2, panel_width<V8>()};
#endif
    return GemmKernel{gemm_base, mm_finish_base, panel_width<V4>()};
  }();
  return kernel;
}

// From sgemm products (or cdist's direct values) to `mat`, rows [i0, i0 + rows) x columns
// [j0, j0 + cols): cdist's matmul-form finish, LpDistance(power=2)'s square, then `power`.
void finish_rows(const DistOperands& P, int64_t i0, int64_t rows, int64_t j0, int64_t cols, float* out,
                 int64_t ldo, float* base) {
  const irk_distance& dist = P.dist;
  const bool mm = is_l2(dist.kind) && !P.direct;
  for (int64_t r = 0; r < rows; ++r) {
    float* o = out + r * ldo;
    if (mm) {
      gemm_kernel().mm_finish(o, P.xsq[static_cast<size_t>(i0 + r)], P.ysq.data() + j0, cols);
    }
    if (dist.kind == IRK_DIST_SQUARED_L2)
      for (int64_t c = 0; c < cols; ++c) o[c] = o[c] * o[c];
    if (dist.power != 1.0) {
      if (base) std::copy(o, o + cols, base + r * ldo);
      for (int64_t c = 0; c < cols; ++c) o[c] = dmath::torch_pow(o[c], dist.power);
    }
  }
}

// compute_distances with y = x: sgemm products for row tiles from the diagonal's panel on,
// mirrored below the diagonal, then every row finished. Tiles go to threads in runs of about
// equal work (the triangle's rows shrink); no value depends on the split.
void self_distances(const irk_context& ctx, const DistOperands& P, const float* packed, float* S, float* base) {
  const int64_t n = P.n, d = P.d, C = distance_panel_cols(), rows = kDistTileRows;
  const int64_t tiles = (n + rows - 1) / rows;
  auto col0 = [&](int64_t t) { return t * rows / C * C; };
  std::vector<int64_t> work(static_cast<size_t>(tiles + 1), 0);  // prefix sums of tile areas
  for (int64_t t = 0; t < tiles; ++t)
    work[static_cast<size_t>(t + 1)] = work[static_cast<size_t>(t)] + std::min(rows, n - t * rows) * (n - col0(t));
  const int64_t parts = std::min<int64_t>(tiles, 4 * std::max(ctx.num_threads, 1));
  parallel_for(ctx, parts, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t t = 0; t < tiles; ++t) {
      const int64_t part = work[static_cast<size_t>(t)] * parts / work[static_cast<size_t>(tiles)];
      if (part < lo || part >= hi) continue;
      const int64_t i0 = t * rows, j0 = col0(t);
      gemm_kernel().gemm(P.A + i0 * d, std::min(rows, n - i0), d, packed + j0 * d, n - j0, S + i0 * n + j0, n);
    }
  });
  constexpr int64_t kB = 64;  // mirror in square blocks (cache-friendly transpose)
  parallel_for(ctx, (n + kB - 1) / kB, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t r0 = lo * kB; r0 < std::min(n, hi * kB); r0 += kB) {
      const int64_t r1 = std::min(n, r0 + kB);
      for (int64_t c0 = 0; c0 < r1; c0 += kB)
        for (int64_t i = r0; i < r1; ++i)
          for (int64_t j = c0; j < std::min(c0 + kB, i); ++j) S[i * n + j] = S[j * n + i];
    }
  });
  parallel_for(ctx, n, 16, [&](int64_t lo, int64_t hi) {  // after every mirror: rows change in place
    finish_rows(P, lo, hi - lo, 0, n, S + lo * n, n, base ? base + lo * n : nullptr);
  });
}

}  // namespace

DistOperands prepare_distance(const irk_context& ctx, const irk_distance& dist, const float* x,
                              int64_t n, const float* y, int64_t m, int64_t d, bool self) {
  DistOperands P;
  P.dist = dist;
  P.n = n;
  P.m = m;
  P.d = d;
  P.self = self;
  const bool l2 = is_l2(dist.kind);
  P.direct = l2 && !dmath::cdist_uses_mm(n, m);
  P.X = x;
  P.Y = self ? x : y;
  if (dist.normalize) {
    normalize_rows(ctx, x, n, d, P.xn, P.xr);
    P.X = P.xn.data();
    if (self) {
      P.Y = P.X;
    } else {
      normalize_rows(ctx, y, m, d, P.yn, P.yr);
      P.Y = P.yn.data();
    }
  }
  P.A = P.X;  // PML: query @ ref.T
  if (l2 && !P.direct) {
    // _euclidean_dist: [-2x, |x|^2, 1] @ [y, 1, |y|^2].T, clamp_min(0), sqrt.
    P.xm2.reset(static_cast<size_t>(n * d));
    parallel_for(ctx, n * d, 4096, [&](int64_t lo, int64_t hi) {
      for (int64_t t = lo; t < hi; ++t) P.xm2[static_cast<size_t>(t)] = -2.f * P.X[t];
    });
    P.A = P.xm2.data();
    sum_squares_rows(ctx, P.X, n, d, P.xsq);
    if (self) {
      P.ysq.reset(static_cast<size_t>(n));
      std::copy(P.xsq.data(), P.xsq.data() + n, P.ysq.data());
    } else {
      sum_squares_rows(ctx, P.Y, m, d, P.ysq);
    }
  }
  return P;
}

int64_t distance_panel_cols() { return gemm_kernel().cols; }

int64_t packed_floats(const DistOperands& P, int64_t rows) {
  if (P.direct) return 0;
  const int64_t C = distance_panel_cols();
  return (rows + C - 1) / C * C * P.d;
}

void pack_refs(const DistOperands& P, int64_t j0, int64_t j1, float* dst) {
  if (P.direct) return;
  const int64_t C = distance_panel_cols(), d = P.d;
  for (int64_t p0 = j0; p0 < j1; p0 += C) {
    float* o = dst + (p0 - j0) * d;
    const int64_t cols = std::min(C, j1 - p0);
    for (int64_t k = 0; k < d; ++k) {
      for (int64_t c = 0; c < cols; ++c) o[k * C + c] = P.Y[(p0 + c) * d + k];
      for (int64_t c = cols; c < C; ++c) o[k * C + c] = 0.f;
    }
  }
}

void distance_tile(const DistOperands& P, int64_t i0, int64_t i1, const RefPanels& R, float* out,
                   int64_t ldo, float* base) {
  const int64_t d = P.d, cols = R.j1 - R.j0;
  for (int64_t c0 = i0; c0 < i1; c0 += kDistTileRows) {
    const int64_t rows = std::min(kDistTileRows, i1 - c0);
    float* o = out + (c0 - i0) * ldo;
    if (P.direct) {
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) o[r * ldo + c] = dmath::cdist_direct(P.X + (c0 + r) * d, P.Y + (R.j0 + c) * d, d);
    } else {
      gemm_kernel().gemm(P.A + c0 * d, rows, d, R.data, cols, o, ldo);
    }
    finish_rows(P, c0, rows, R.j0, cols, o, ldo, base ? base + (c0 - i0) * ldo : nullptr);
  }
}

DistMat compute_distances(const irk_context& ctx, const irk_distance& dist, const float* x,
                          int64_t n, const float* y, int64_t m, int64_t d, bool self) {
  DistOperands P = prepare_distance(ctx, dist, x, n, y, m, d, self);
  DistMat D;
  D.n = n;
  D.m = m;
  D.d = d;
  D.self = self;
  D.inverted = !is_l2(dist.kind);
  D.s.reset(static_cast<size_t>(n * m));
  if (dist.power != 1.0) D.base.reset(static_cast<size_t>(n * m));
  // All of y packed once, whole panels per thread.
  const int64_t C = distance_panel_cols();
  Scratch<float> packed(static_cast<size_t>(packed_floats(P, m)));
  if (!packed.empty())
    parallel_for(ctx, (m + C - 1) / C, 4, [&](int64_t lo, int64_t hi) {
      pack_refs(P, lo * C, std::min(m, hi * C), packed.data() + lo * C * d);
    });
  if (self && !P.direct) {
    self_distances(ctx, P, packed.data(), D.s.data(), D.base.empty() ? nullptr : D.base.data());
    D.xn = std::move(P.xn);
    D.xr = std::move(P.xr);
    return D;
  }
  // Tiles of rows x columns, enough of them to share among the threads.
  const int64_t threads = std::max(ctx.num_threads, 1);
  const int64_t rows = std::min(kDistTileRows, (n + threads - 1) / threads);
  const int64_t row_tiles = (n + rows - 1) / rows;
  const int64_t want = std::max<int64_t>(1, (4 * threads + row_tiles - 1) / row_tiles);
  const int64_t col_tiles = std::min(std::max(want, (m + 2047) / 2048), (m + C - 1) / C);
  const int64_t cols = ((m + col_tiles - 1) / col_tiles + C - 1) / C * C;
  float* S = D.s.data();
  float* B = D.base.empty() ? nullptr : D.base.data();
  parallel_for(ctx, row_tiles * ((m + cols - 1) / cols), 1, [&](int64_t lo, int64_t hi) {
    const int64_t per_row = (m + cols - 1) / cols;
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t i0 = t / per_row * rows, j0 = t % per_row * cols;
      const RefPanels R{packed.empty() ? nullptr : packed.data() + j0 * d, j0, std::min(m, j0 + cols)};
      const int64_t at = i0 * m + j0;
      distance_tile(P, i0, std::min(n, i0 + rows), R, S + at, m, B ? B + at : nullptr);
    }
  });
  D.xn = std::move(P.xn);
  D.yn = std::move(P.yn);
  D.xr = std::move(P.xr);
  D.yr = std::move(P.yr);
  return D;
}

namespace {

// out_i = sum_j C_ij B_j, or in the L2 form A_i sum_j C_ij - sum_j C_ij B_j; rows of A/B are d long.
void accumulate_rows(const irk_context& ctx, const double* C, int64_t rows, int64_t cols,
                     const float* A, const float* B, int64_t d, bool l2_form, double* out) {
  gemm_acc(ctx, rows, d, cols, GemmA<double>{C, cols, 1}, B, d, out, d);
  if (!l2_form) return;
  parallel_for(ctx, rows, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      double rowsum = 0.0;
      for (int64_t j = 0; j < cols; ++j) rowsum += C[i * cols + j];
      double* o = out + i * d;
      const float* ai = A + i * d;
      for (int64_t k = 0; k < d; ++k) o[k] = rowsum * ai[k] - o[k];
    }
  });
}

// Chain rule through x / max(|x|, eps): (g - y (y.g)) / |x| when |x| > eps, else g / eps.
void normalize_backward(const irk_context& ctx, const double* g, const float* y, const float* norms,
                        int64_t rows, int64_t d, float* out) {
  parallel_for(ctx, rows, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const double* gi = g + i * d;
      const float* yi = y + i * d;
      double r = norms[i];
      if (r > kNormEps) {
        double yg = 0.0;
        for (int64_t k = 0; k < d; ++k) yg += yi[k] * gi[k];
        for (int64_t k = 0; k < d; ++k) out[i * d + k] = static_cast<float>((gi[k] - yi[k] * yg) / r);
      } else {
        for (int64_t k = 0; k < d; ++k) out[i * d + k] = static_cast<float>(gi[k] / kNormEps);
      }
    }
  });
}

void finish(const irk_context& ctx, const irk_distance& dist, const double* g, const float* inputs_used,
            const Scratch<float>& norms, int64_t rows, int64_t d, float* out) {
  if (dist.normalize) {
    normalize_backward(ctx, g, inputs_used, norms.data(), rows, d, out);
  } else {
    for (int64_t k = 0; k < rows * d; ++k) out[k] = static_cast<float>(g[k]);
  }
}

}  // namespace

void distance_backward(const irk_context& ctx, const irk_distance& dist, const float* x,
                       const float* y, const DistMat& D, const double* G, float* dx, float* dy) {
  const int64_t n = D.n, m = D.m, d = D.d;
  const bool l2 = is_l2(dist.kind);
  const float* X = dist.normalize ? D.xn.data() : x;
  const float* Y = D.self ? X : (dist.normalize ? D.yn.data() : y);
  // C = dLoss/d(base); for L2, divide by the distance (x - y)/|x - y| chain; squared L2: times 2.
  Scratch<double> C(static_cast<size_t>(n * m));
  parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      for (int64_t j = 0; j < m; ++j) {
        size_t at = static_cast<size_t>(i * m + j);
        const double base = D.base.empty() ? D.s[at] : D.base[at];
        C[at] = dmath::chain_coef(G[at], base, dist.kind, dist.power);
      }
  });
  const bool want_dy = !D.self && dy != nullptr;
  if (dx == nullptr && !want_dy) return;
  Scratch<double> gy;
  if (D.self || want_dy) {
    Scratch<double> Ct(static_cast<size_t>(n * m));
    parallel_for(ctx, m, 64, [&](int64_t lo, int64_t hi) {
      for (int64_t j = lo; j < hi; ++j)
        for (int64_t i = 0; i < n; ++i) Ct[static_cast<size_t>(j * n + i)] = C[static_cast<size_t>(i * m + j)];
    });
    gy.reset(static_cast<size_t>(m * d));
    std::fill(gy.data(), gy.data() + m * d, 0.0);
    accumulate_rows(ctx, Ct.data(), m, n, Y, X, d, l2, gy.data());
  }
  if (dx != nullptr) {
    Scratch<double> gx(static_cast<size_t>(n * d));
    std::fill(gx.data(), gx.data() + n * d, 0.0);
    accumulate_rows(ctx, C.data(), n, m, X, Y, d, l2, gx.data());
    if (D.self)
      for (int64_t k = 0; k < n * d; ++k) gx[static_cast<size_t>(k)] += gy[static_cast<size_t>(k)];
    finish(ctx, dist, gx.data(), X, D.xr, n, d, dx);
  }
  if (want_dy) finish(ctx, dist, gy.data(), Y, D.yr, m, d, dy);
}

}  // namespace irk
