#include "cpu/classifier_common.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "cpu/gemm_f64.h"
#include "cpu/loss_common.h"

namespace irk {
namespace {

constexpr double kNormEps = 1e-12;  // torch.nn.functional.normalize
constexpr int64_t kTileCols = 96;   // W columns per tile: a d x 96 slab stays in cache
constexpr int64_t kRowBlock = 48;   // rows of cosines computed per pass over a tile

// W [d x C*k] seen as C classes of k sub-center columns, processed in tiles of whole classes.
struct Columns {
  const float* W;
  int64_t d, classes, k, cols;
  int64_t tile_classes, tiles;
  std::vector<double> norm, inv;  // per column: |w|, 1 / max(|w|, eps)

  Columns(const irk_context& ctx, const float* w, int64_t d_, int64_t classes_, int64_t k_)
      : W(w), d(d_), classes(classes_), k(k_), cols(classes_ * k_) {
    tile_classes = std::max<int64_t>(1, kTileCols / k);
    tiles = (classes + tile_classes - 1) / tile_classes;
    norm.assign(static_cast<size_t>(cols), 0.0);
    inv.assign(static_cast<size_t>(cols), 0.0);
    parallel_for(ctx, tiles, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t t = lo; t < hi; ++t) {
        int64_t c0 = first_col(t), c1 = end_col(t);
        for (int64_t kd = 0; kd < d; ++kd) {
          const float* row = W + kd * cols;
          for (int64_t c = c0; c < c1; ++c) norm[static_cast<size_t>(c)] += static_cast<double>(row[c]) * row[c];
        }
        for (int64_t c = c0; c < c1; ++c) {
          double r = std::sqrt(norm[static_cast<size_t>(c)]);
          norm[static_cast<size_t>(c)] = r;
          inv[static_cast<size_t>(c)] = 1.0 / std::max(r, kNormEps);
        }
      }
    });
  }
  int64_t first_class(int64_t t) const { return t * tile_classes; }
  int64_t end_class(int64_t t) const { return std::min(classes, (t + 1) * tile_classes); }
  int64_t first_col(int64_t t) const { return first_class(t) * k; }
  int64_t end_col(int64_t t) const { return end_class(t) * k; }
  int64_t max_tile_cols() const { return tile_classes * k; }
};

// cos[i*C + c] = max_j <u_i, w_{c*k+j}> / |w_{c*k+j}| (first max wins, as torch.max); arg[i*C + c]
// keeps j when k > 1.
void cosine_forward(const irk_context& ctx, const UnitRows& x, const Columns& w, float* cos,
                    uint8_t* arg) {
  const int64_t n = x.n, d = x.d, C = w.classes, k = w.k;
  parallel_for(ctx, w.tiles, 1, [&](int64_t lo, int64_t hi) {
    Scratch<double> acc(static_cast<size_t>(kRowBlock * w.max_tile_cols()));
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t col0 = w.first_col(t), tw = w.end_col(t) - col0;
      for (int64_t i0 = 0; i0 < n; i0 += kRowBlock) {
        const int64_t rows = std::min(kRowBlock, n - i0);
        std::fill(acc.data(), acc.data() + acc.size(), 0.0);
        gemm_acc_serial(rows, tw, d, GemmA<double>{x.u.data() + i0 * d, d, 1}, w.W + col0, w.cols, acc.data(), tw);
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t i = i0 + r;
          for (int64_t c = w.first_class(t); c < w.end_class(t); ++c) {
            const int64_t local = c * k - col0;
            // The first max of the float32 cosines, as torch.max over PML's float32 matrix.
            float best = -INFINITY;
            int64_t best_j = 0;
            for (int64_t j = 0; j < k; ++j) {
              const float v = static_cast<float>(acc[static_cast<size_t>(r * tw + local + j)] *
                                                 w.inv[static_cast<size_t>(c * k + j)]);
              if (v > best) best = v, best_j = j;
            }
            cos[i * C + c] = best;
            if (arg) arg[i * C + c] = static_cast<uint8_t>(best_j);
          }
        }
      }
    }
  });
}

// dLoss/dcos on the tile's columns: G[i, c] on the column of the sub-center that class c used for
// row i, zero on its other sub-centers; out[i * ldo + col - col0] for rows [i0, i1).
void chosen_columns(const Columns& w, int64_t t, const float* G, const uint8_t* arg, int64_t i0, int64_t i1,
                    float* out, int64_t ldo) {
  const int64_t C = w.classes, k = w.k, col0 = w.first_col(t);
  for (int64_t i = i0; i < i1; ++i)
    for (int64_t c = w.first_class(t); c < w.end_class(t); ++c)
      for (int64_t j = 0; j < k; ++j) out[i * ldo + c * k + j - col0] = arg[i * C + c] == j ? G[i * C + c] : 0.f;
}

// dLoss/du_i = sum_c G[i, c] * w_col / |w_col| where col is the class's chosen sub-center, a tile
// of columns at a time: gu [n x d] += G_tile [n x tw] * (W_tile / |w|)^T [tw x d].
Scratch<double> cosine_backward_rows(const irk_context& ctx, const UnitRows& x, const Columns& w,
                                     const float* G, const uint8_t* arg) {
  const int64_t n = x.n, d = x.d, C = w.classes, k = w.k;
  const int64_t tc = w.max_tile_cols();
  Scratch<double> gu(static_cast<size_t>(n * d)), wt(static_cast<size_t>(tc * d));
  Scratch<float> g(k > 1 ? static_cast<size_t>(n * tc) : 0);
  std::fill(gu.data(), gu.data() + n * d, 0.0);
  for (int64_t t = 0; t < w.tiles; ++t) {
    const int64_t col0 = w.first_col(t), tw = w.end_col(t) - col0;
    for (int64_t kd = 0; kd < d; ++kd)
      for (int64_t c = 0; c < tw; ++c)
        wt[static_cast<size_t>(c * d + kd)] = w.W[kd * w.cols + col0 + c] * w.inv[static_cast<size_t>(col0 + c)];
    GemmA<float> A{G + col0, C, 1};
    if (k > 1) {
      parallel_for(ctx, n, 256, [&](int64_t lo, int64_t hi) { chosen_columns(w, t, G, arg, lo, hi, g.data(), tw); });
      A = GemmA<float>{g.data(), tw, 1};
    }
    gemm_acc(ctx, n, d, tw, A, wt.data(), d, gu.data(), d);
  }
  return gu;
}

// dLoss/dW through w_hat = w / max(|w|, eps), from h_col = sum_i G[i, c] u_i (chosen sub-center),
// computed transposed per tile: hT [d x tw] = U^T [d x n] * G_tile [n x tw].
void cosine_backward_cols(const irk_context& ctx, const UnitRows& x, const Columns& w,
                          const float* G, const uint8_t* arg, float* gw) {
  const int64_t n = x.n, d = x.d, C = w.classes, k = w.k;
  parallel_for(ctx, w.tiles, 1, [&](int64_t lo, int64_t hi) {
    const int64_t tc = w.max_tile_cols();
    Scratch<double> hT(static_cast<size_t>(d * tc));
    std::vector<double> dots(static_cast<size_t>(tc));
    Scratch<float> g(k > 1 ? static_cast<size_t>(n * tc) : 0);
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t col0 = w.first_col(t), tw = w.end_col(t) - col0;
      std::fill(hT.data(), hT.data() + hT.size(), 0.0);
      const float* Gt = G + w.first_class(t);
      int64_t ldg = C;
      if (k > 1) {
        chosen_columns(w, t, G, arg, 0, n, g.data(), tw);
        Gt = g.data();
        ldg = tw;
      }
      gemm_acc_serial(d, tw, n, GemmA<double>{x.u.data(), 1, d}, Gt, ldg, hT.data(), tw);
      for (int64_t c = 0; c < tw; ++c) {
        const size_t at = static_cast<size_t>(col0 + c);
        double dot = 0.0;
        if (w.norm[at] > kNormEps)
          for (int64_t kd = 0; kd < d; ++kd) dot += w.W[kd * w.cols + col0 + c] * w.inv[at] * hT[static_cast<size_t>(kd * tw + c)];
        dots[static_cast<size_t>(c)] = dot;
      }
      for (int64_t kd = 0; kd < d; ++kd) {
        const float* wr = w.W + kd * w.cols + col0;
        const double* h = hT.data() + kd * tw;
        float* out = gw + kd * w.cols + col0;
        for (int64_t c = 0; c < tw; ++c) {
          const double inv = w.inv[static_cast<size_t>(col0 + c)];
          out[c] = static_cast<float>((h[c] - wr[c] * inv * dots[static_cast<size_t>(c)]) * inv);
        }
      }
    }
  });
}

}  // namespace

void check_classifier_args(const float* emb, const int64_t* labels, int64_t n, int64_t d,
                           const float* w, int64_t w_rows, int64_t w_cols, const char* w_name,
                           int64_t num_classes, const irk_tuples* tuples, const irk_loss_out* out,
                           bool values) {
  check_ptr(emb, "emb");
  check_ptr(labels, "labels");
  check_size(n, "n");
  check_size(d, "d");
  check_size(num_classes, "num_classes");
  check_ptr(w, w_name);
  check_loss_out(out);
  if (!values) return check_tuples(tuples, n, n, false);
  check_finite_rows(emb, n, d, "emb");
  check_finite_rows(w, w_rows, w_cols, w_name);
  for (int64_t i = 0; i < n; ++i)
    if (labels[i] < 0 || labels[i] >= num_classes)
      invalid("labels[%lld] = %lld is out of range [0, num_classes = %lld)", static_cast<long long>(i),
              static_cast<long long>(labels[i]), static_cast<long long>(num_classes));
  check_tuples(tuples, n, n);
}

std::vector<double> miner_weights(const irk_tuples* t, int64_t n) {
  std::vector<double> w(static_cast<size_t>(n), 1.0);
  if (t == nullptr) return w;
  std::vector<int64_t> count(static_cast<size_t>(n), 0);
  auto add = [&](const int64_t* v, int64_t len) {
    for (int64_t k = 0; k < len; ++k) ++count[static_cast<size_t>(v[k])];
  };
  if (t->kind == IRK_TUPLES_PAIRS) {
    add(t->pos, 2 * t->n_pos);
    add(t->neg, 2 * t->n_neg);
  } else {
    add(t->triplets, 3 * t->n_triplets);
  }
  int64_t total = 0, most = 0;
  for (int64_t c : count) total += c, most = std::max(most, c);
  if (total == 0) return w;
  // float32 arithmetic as PML on float32 input: (count / total) / max(count / total).
  const float top = math::miner_weight_top(most, total);
  for (int64_t i = 0; i < n; ++i) w[static_cast<size_t>(i)] = math::miner_weight(count[static_cast<size_t>(i)], total, top);
  return w;
}

UnitRows normalize_rows(const irk_context& ctx, const float* x, int64_t n, int64_t d) {
  UnitRows r;
  r.n = n;
  r.d = d;
  r.u.reset(static_cast<size_t>(n * d));
  r.norm.resize(static_cast<size_t>(n));
  parallel_for(ctx, n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const float* xi = x + i * d;
      double sq = 0.0;
      for (int64_t k = 0; k < d; ++k) sq += static_cast<double>(xi[k]) * xi[k];
      const double norm = std::sqrt(sq), denom = std::max(norm, kNormEps);
      r.norm[static_cast<size_t>(i)] = norm;
      for (int64_t k = 0; k < d; ++k) r.u[static_cast<size_t>(i * d + k)] = xi[k] / denom;
    }
  });
  return r;
}

void normalize_rows_backward(const irk_context& ctx, const UnitRows& x, const double* g, float* out) {
  const int64_t d = x.d;
  parallel_for(ctx, x.n, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const double* gi = g + i * d;
      const double* ui = x.u.data() + i * d;
      const double r = x.norm[static_cast<size_t>(i)];
      double ug = 0.0;
      if (r > kNormEps)
        for (int64_t k = 0; k < d; ++k) ug += ui[k] * gi[k];
      for (int64_t k = 0; k < d; ++k) out[i * d + k] = static_cast<float>(math::unit_backward(gi[k], ui[k], ug, r, kNormEps));
    }
  });
}

void large_margin_softmax(const irk_context& ctx, const float* emb, const int64_t* labels,
                          int64_t n, int64_t d, const float* W, int64_t num_classes,
                          const irk_tuples* tuples, const MarginSoftmax& p, irk_loss_out* out) {
  const int64_t C = num_classes;
  const std::vector<double> mw = miner_weights(tuples, n);
  const UnitRows x = normalize_rows(ctx, emb, n, d);
  const Columns w(ctx, W, d, C, p.sub_centers);
  Scratch<float> buf(static_cast<size_t>(n * C));  // cosines, then dLoss/dcos in place
  Scratch<uint8_t> arg(p.sub_centers > 1 ? static_cast<size_t>(n * C) : 0);
  uint8_t* argp = arg.empty() ? nullptr : arg.data();
  cosine_forward(ctx, x, w, buf.data(), argp);

  std::vector<double> row_loss(static_cast<size_t>(n), 0.0);
  parallel_for(ctx, n, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float* row = buf.data() + i * C;
      const int64_t y = labels[i];
      const double cy = row[y];
      const double target = p.scale * math::target_cosine(p.kind, cy, p.margin);
      auto logit = [&](int64_t c) { return c == y ? target : p.scale * row[c]; };
      double mx = -INFINITY;
      for (int64_t c = 0; c < C; ++c) mx = std::max(mx, logit(c));
      double sum = 0.0;
      for (int64_t c = 0; c < C; ++c) sum += std::exp(logit(c) - mx);
      const double lse = mx + std::log(sum);
      const double wi = mw[static_cast<size_t>(i)];
      row_loss[static_cast<size_t>(i)] = math::ce_row_loss(wi, lse, target);
      const double dtarget = math::target_cosine_grad(p.kind, cy, p.margin);
      const double wn = wi / static_cast<double>(n) * p.scale;
      for (int64_t c = 0; c < C; ++c) {
        double g = math::ce_logit_grad(logit(c), lse, c == y, wn);
        row[c] = static_cast<float>(c == y ? g * dtarget : g);
      }
    }
  });
  double loss = 0.0;
  for (double v : row_loss) loss += v;
  loss /= static_cast<double>(n);
  if (!std::isfinite(loss)) fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", loss);
  *out->loss = static_cast<float>(loss);
  if (out->grad) normalize_rows_backward(ctx, x, cosine_backward_rows(ctx, x, w, buf.data(), argp).data(), out->grad);
  if (out->grad_weights) cosine_backward_cols(ctx, x, w, buf.data(), argp, out->grad_weights);
  check_finite_gradient(out->grad, n, d, "out.grad");
  check_finite_gradient(out->grad_weights, d, C * p.sub_centers, "out.grad_weights");
}

}  // namespace irk
