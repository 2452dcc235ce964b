// Float arithmetic here must round every product and sum on its own where torch does (see
// math/distance_math.h): no FMA contraction, even when the target has FMA instructions.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__) && (defined(__FMA__) || defined(__FMA4__))
#pragma GCC optimize("fp-contract=off")
#endif

#include "cpu/distance.h"

#include <algorithm>
#include <cmath>

#include "math/distance_math.h"

namespace irk {
namespace {

using dmath::kNormEps;

// x / max(|x|, eps) row by row, as F.normalize; `norms` keeps |x| (torch's float norm).
void normalize_rows(const irk_context& ctx, const float* x, int64_t n, int64_t d,
                    std::vector<float>& out, std::vector<float>& norms) {
  out.resize(static_cast<size_t>(n * d));
  norms.resize(static_cast<size_t>(n));
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

bool is_l2(irk_distance_kind k) { return k == IRK_DIST_L2 || k == IRK_DIST_SQUARED_L2; }

// Reference-sgemm products, C[i * m + j] = dmath::dot_seq(A_i, B_j) bit for bit (each element
// sums k in order, one product rounded then added at a time), computed in register blocks of
// kRows x kCols elements that run k in lockstep: SIMD across j without changing any element's
// order. B is packed into panels of kCols columns, k-major.
#if defined(__GNUC__)
#if defined(__AVX__)
constexpr int64_t kLanes = 8;
typedef float VecF __attribute__((vector_size(32)));
#else
constexpr int64_t kLanes = 4;
typedef float VecF __attribute__((vector_size(16)));
#endif
#else
constexpr int64_t kLanes = 4;
#endif
constexpr int64_t kRows = 6;
constexpr int64_t kCols = 2 * kLanes;

constexpr int64_t kDepth = 256;   // k per pass: a panel slice (kDepth x kCols) stays in L1
constexpr int64_t kChunkRows = 64;  // rows of A per pass (kChunkRows x kDepth stays in L2)

// acc[r][c] (in `io`, zero when `init`) += A[r][k] * panel[k][c] for k in [0, kc), in k order.
#if defined(__GNUC__)
constexpr int64_t kVecs = kCols / kLanes;

template <int64_t R>
inline void gemm_block(const float* __restrict A, int64_t lda, int64_t kc,
                       const float* __restrict panel, float* __restrict io, int64_t ldio, bool init) {
  VecF acc[R][kVecs];
  for (int64_t r = 0; r < R; ++r)
    for (int64_t v = 0; v < kVecs; ++v) {
      if (init) acc[r][v] = VecF{};
      else __builtin_memcpy(&acc[r][v], io + r * ldio + kLanes * v, sizeof(VecF));
    }
  for (int64_t k = 0; k < kc; ++k) {
    VecF b[kVecs];
    for (int64_t v = 0; v < kVecs; ++v) __builtin_memcpy(&b[v], panel + k * kCols + kLanes * v, sizeof(VecF));
    for (int64_t r = 0; r < R; ++r) {
      const float a = A[r * lda + k];
      for (int64_t v = 0; v < kVecs; ++v) {
        const VecF p = a * b[v];  // a broadcast to every lane
        acc[r][v] = acc[r][v] + p;
      }
    }
  }
  for (int64_t r = 0; r < R; ++r)
    for (int64_t v = 0; v < kVecs; ++v) __builtin_memcpy(io + r * ldio + kLanes * v, &acc[r][v], sizeof(VecF));
}
#else
template <int64_t R>
inline void gemm_block(const float* A, int64_t lda, int64_t kc, const float* panel, float* io,
                       int64_t ldio, bool init) {
  float acc[R][kCols];
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < kCols; ++c) acc[r][c] = init ? 0.f : io[r * ldio + c];
  for (int64_t k = 0; k < kc; ++k)
    for (int64_t r = 0; r < R; ++r)
      for (int64_t c = 0; c < kCols; ++c)
        acc[r][c] = dmath::mul_add_rn(A[r * lda + k], panel[k * kCols + c], acc[r][c]);
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < kCols; ++c) io[r * ldio + c] = acc[r][c];
}
#endif

void gemm_seq(const irk_context& ctx, const float* A, int64_t n, const float* B, int64_t m,
              int64_t d, float* C) {
  const int64_t panels = (m + kCols - 1) / kCols;
  const int64_t mp = panels * kCols;
  std::vector<float> packed(static_cast<size_t>(panels * d * kCols), 0.f);
  parallel_for(ctx, panels, 4, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      float* dst = packed.data() + p * d * kCols;
      const int64_t cols = std::min(kCols, m - p * kCols);
      for (int64_t c = 0; c < cols; ++c) {
        const float* src = B + (p * kCols + c) * d;
        for (int64_t k = 0; k < d; ++k) dst[k * kCols + c] = src[k];
      }
    }
  });
  // A thread owns whole row blocks. Per chunk of kChunkRows rows it sweeps k in slices of
  // kDepth, each slice over every panel and row block; partial sums wait in `part` (padded to mp
  // columns) between slices, which keeps every element's k order.
  const int64_t blocks = (n + kRows - 1) / kRows;
  constexpr int64_t kChunkBlocks = kChunkRows / kRows;
  parallel_for(ctx, blocks, 1, [&](int64_t lo, int64_t hi) {
    std::vector<float> part(static_cast<size_t>(std::min(hi - lo, kChunkBlocks) * kRows * mp));
    for (int64_t c0 = lo; c0 < hi; c0 += kChunkBlocks) {
      const int64_t c1 = std::min(hi, c0 + kChunkBlocks);
      for (int64_t k0 = 0; k0 < d || k0 == 0; k0 += kDepth) {
        const int64_t kc = std::min(kDepth, d - k0);
        for (int64_t p = 0; p < panels; ++p) {
          const float* panel = packed.data() + (p * d + k0) * kCols;
          for (int64_t blk = c0; blk < c1; ++blk) {
            const int64_t i0 = blk * kRows;
            const int64_t rows = std::min(kRows, n - i0);
            float* io = part.data() + (blk - c0) * kRows * mp + p * kCols;
            if (rows == kRows) {
              gemm_block<kRows>(A + i0 * d + k0, d, kc, panel, io, mp, k0 == 0);
            } else {
              for (int64_t r = 0; r < rows; ++r)
                gemm_block<1>(A + (i0 + r) * d + k0, d, kc, panel, io + r * mp, mp, k0 == 0);
            }
          }
        }
      }
      for (int64_t blk = c0; blk < c1; ++blk)
        for (int64_t r = 0, i0 = blk * kRows; r < kRows && i0 + r < n; ++r) {
          const float* src = part.data() + ((blk - c0) * kRows + r) * mp;
          std::copy(src, src + m, C + (i0 + r) * m);
        }
    }
  });
}

}  // namespace

DistMat compute_distances(const irk_context& ctx, const irk_distance& dist, const float* x,
                          int64_t n, const float* y, int64_t m, int64_t d, bool self) {
  DistMat D;
  D.n = n;
  D.m = m;
  D.d = d;
  D.self = self;
  D.inverted = !is_l2(dist.kind);
  const float* X = x;
  const float* Y = self ? x : y;
  if (dist.normalize) {
    normalize_rows(ctx, x, n, d, D.xn, D.xr);
    X = D.xn.data();
    if (self) {
      Y = X;
    } else {
      normalize_rows(ctx, y, m, d, D.yn, D.yr);
      Y = D.yn.data();
    }
  }
  D.s.resize(static_cast<size_t>(n * m));
  float* S = D.s.data();
  if (!is_l2(dist.kind)) {
    gemm_seq(ctx, X, n, Y, m, d, S);  // PML: query @ ref.T
  } else if (!dmath::cdist_uses_mm(n, m)) {
    parallel_for(ctx, n, 4, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        for (int64_t j = 0; j < m; ++j) S[i * m + j] = dmath::cdist_direct(X + i * d, Y + j * d, d);
    });
  } else {
    // _euclidean_dist: [-2x, |x|^2, 1] @ [y, 1, |y|^2].T, clamp_min(0), sqrt.
    std::vector<float> xm2(static_cast<size_t>(n * d)), xsq(static_cast<size_t>(n)), ysq;
    parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        for (int64_t k = 0; k < d; ++k) xm2[static_cast<size_t>(i * d + k)] = -2.f * X[i * d + k];
        xsq[static_cast<size_t>(i)] = dmath::torch_sum_squares(X + i * d, d);
      }
    });
    if (!self) {
      ysq.resize(static_cast<size_t>(m));
      parallel_for(ctx, m, 64, [&](int64_t lo, int64_t hi) {
        for (int64_t j = lo; j < hi; ++j) ysq[static_cast<size_t>(j)] = dmath::torch_sum_squares(Y + j * d, d);
      });
    }
    const float* ys = self ? xsq.data() : ysq.data();
    gemm_seq(ctx, xm2.data(), n, Y, m, d, S);
    parallel_for(ctx, n, 16, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        for (int64_t j = 0; j < m; ++j)
          S[i * m + j] = dmath::cdist_mm_finish(S[i * m + j], xsq[static_cast<size_t>(i)], ys[j]);
    });
  }
  // LpDistance(power=2) is cdist(...) ** 2 in PML; then `power` on top, as before.
  if (dist.kind == IRK_DIST_SQUARED_L2)
    for (size_t t = 0; t < D.s.size(); ++t) D.s[t] = D.s[t] * D.s[t];
  if (dist.power != 1.0) {
    D.base = D.s;
    for (size_t t = 0; t < D.s.size(); ++t) D.s[t] = dmath::torch_pow(D.base[t], dist.power);
  }
  return D;
}

namespace {

// out_i = sum_j C_ij * B_j - (diag ? A_i * sum_j C_ij : 0), rows of A/B are d long.
void accumulate_rows(const irk_context& ctx, const std::vector<double>& C, int64_t rows,
                     int64_t cols, const float* A, const float* B, int64_t d, bool l2_form,
                     std::vector<double>& out) {
  parallel_for(ctx, rows, 8, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      double* o = out.data() + i * d;
      double rowsum = 0.0;
      const double* c = C.data() + i * cols;
      for (int64_t j = 0; j < cols; ++j) {
        double cij = c[j];
        if (cij == 0.0) continue;
        rowsum += cij;
        const float* bj = B + j * d;
        if (l2_form) {
          for (int64_t k = 0; k < d; ++k) o[k] -= cij * bj[k];
        } else {
          for (int64_t k = 0; k < d; ++k) o[k] += cij * bj[k];
        }
      }
      if (l2_form && rowsum != 0.0) {
        const float* ai = A + i * d;
        for (int64_t k = 0; k < d; ++k) o[k] += rowsum * ai[k];
      }
    }
  });
}

// Chain rule through x / max(|x|, eps): (g - y (y.g)) / |x| when |x| > eps, else g / eps.
void normalize_backward(const irk_context& ctx, const std::vector<double>& g, const float* y,
                        const std::vector<float>& norms, int64_t rows, int64_t d, float* out) {
  parallel_for(ctx, rows, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const double* gi = g.data() + i * d;
      const float* yi = y + i * d;
      double r = norms[static_cast<size_t>(i)];
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

void finish(const irk_context& ctx, const irk_distance& dist, const std::vector<double>& g,
            const float* inputs_used, const std::vector<float>& norms, int64_t rows, int64_t d, float* out) {
  if (dist.normalize) {
    normalize_backward(ctx, g, inputs_used, norms, rows, d, out);
  } else {
    for (size_t k = 0; k < g.size(); ++k) out[k] = static_cast<float>(g[k]);
  }
}

}  // namespace

void distance_backward(const irk_context& ctx, const irk_distance& dist, const float* x,
                       const float* y, const DistMat& D, const std::vector<double>& G, float* dx,
                       float* dy) {
  const int64_t n = D.n, m = D.m, d = D.d;
  const bool l2 = is_l2(dist.kind);
  const float* X = dist.normalize ? D.xn.data() : x;
  const float* Y = D.self ? X : (dist.normalize ? D.yn.data() : y);
  // C = dLoss/d(base); for L2, divide by the distance (x - y)/|x - y| chain; squared L2: times 2.
  std::vector<double> C(static_cast<size_t>(n * m));
  parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      for (int64_t j = 0; j < m; ++j) {
        size_t at = static_cast<size_t>(i * m + j);
        double c = G[at];
        if (c == 0.0) {
          C[at] = 0.0;
          continue;
        }
        double base = D.base.empty() ? D.s[at] : D.base[at];
        if (dist.power != 1.0) c *= dist.power * std::pow(base, dist.power - 1.0);
        if (dist.kind == IRK_DIST_L2) c = base > 0.0 ? c / base : 0.0;
        else if (dist.kind == IRK_DIST_SQUARED_L2) c *= 2.0;
        C[at] = c;
      }
  });
  const bool want_dy = !D.self && dy != nullptr;
  if (dx == nullptr && !want_dy) return;
  std::vector<double> gy;
  if (D.self || want_dy) {
    std::vector<double> Ct(static_cast<size_t>(n * m));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) Ct[static_cast<size_t>(j * n + i)] = C[static_cast<size_t>(i * m + j)];
    gy.assign(static_cast<size_t>(m * d), 0.0);
    accumulate_rows(ctx, Ct, m, n, Y, X, d, l2, gy);
  }
  if (dx != nullptr) {
    std::vector<double> gx(static_cast<size_t>(n * d), 0.0);
    accumulate_rows(ctx, C, n, m, X, Y, d, l2, gx);
    if (D.self)
      for (size_t k = 0; k < gx.size(); ++k) gx[k] += gy[k];
    finish(ctx, dist, gx, X, D.xr, n, d, dx);
  }
  if (want_dy) finish(ctx, dist, gy, Y, D.yr, m, d, dy);
}

}  // namespace irk
