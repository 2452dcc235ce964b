#include "cpu/distance.h"

#include <algorithm>
#include <cmath>

namespace irk {
namespace {

constexpr double kNormEps = 1e-12;  // torch.nn.functional.normalize

double dot(const float* a, const float* b, int64_t d) {
  double acc[4] = {0, 0, 0, 0};
  int64_t k = 0;
  for (; k + 4 <= d; k += 4) {
    acc[0] += static_cast<double>(a[k]) * b[k];
    acc[1] += static_cast<double>(a[k + 1]) * b[k + 1];
    acc[2] += static_cast<double>(a[k + 2]) * b[k + 2];
    acc[3] += static_cast<double>(a[k + 3]) * b[k + 3];
  }
  for (; k < d; ++k) acc[0] += static_cast<double>(a[k]) * b[k];
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

void normalize_rows(const irk_context& ctx, const float* x, int64_t n, int64_t d,
                    std::vector<float>& out, std::vector<float>& norms) {
  out.resize(static_cast<size_t>(n * d));
  norms.resize(static_cast<size_t>(n));
  parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const float* r = x + i * d;
      float norm = static_cast<float>(std::sqrt(dot(r, r, d)));
      norms[static_cast<size_t>(i)] = norm;
      float denom = std::max(norm, static_cast<float>(kNormEps));
      for (int64_t k = 0; k < d; ++k) out[static_cast<size_t>(i * d + k)] = r[k] / denom;
    }
  });
}

bool is_l2(irk_distance_kind k) { return k == IRK_DIST_L2 || k == IRK_DIST_SQUARED_L2; }

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
  std::vector<double> xsq, ysq;
  if (is_l2(dist.kind)) {
    xsq.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) xsq[static_cast<size_t>(i)] = dot(X + i * d, X + i * d, d);
    if (self) {
      ysq = xsq;
    } else {
      ysq.resize(static_cast<size_t>(m));
      for (int64_t j = 0; j < m; ++j) ysq[static_cast<size_t>(j)] = dot(Y + j * d, Y + j * d, d);
    }
  }
  const bool keep_base = dist.power != 1.0;
  D.s.resize(static_cast<size_t>(n * m));
  if (keep_base) D.base.resize(static_cast<size_t>(n * m));
  parallel_for(ctx, n, 8, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      for (int64_t j = 0; j < m; ++j) {
        double g = dot(X + i * d, Y + j * d, d);
        double v = g;
        if (is_l2(dist.kind)) {
          double sq = (self && i == j) ? 0.0 : std::max(xsq[static_cast<size_t>(i)] + ysq[static_cast<size_t>(j)] - 2.0 * g, 0.0);
          v = dist.kind == IRK_DIST_L2 ? std::sqrt(sq) : sq;
        }
        size_t at = static_cast<size_t>(i * m + j);
        if (keep_base) {
          D.base[at] = static_cast<float>(v);
          D.s[at] = static_cast<float>(std::pow(static_cast<double>(static_cast<float>(v)), dist.power));
        } else {
          D.s[at] = static_cast<float>(v);
        }
      }
    }
  });
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
