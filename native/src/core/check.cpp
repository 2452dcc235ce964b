#include "core/check.h"

#include <algorithm>
#include <cmath>

#include "math/half_math.h"

namespace irk {

void check_size(int64_t v, const char* name) {
  if (v <= 0) invalid("%s must be > 0, got %lld", name, static_cast<long long>(v));
}

void check_finite(double v, const char* name) {
  if (!std::isfinite(v)) invalid("%s must be finite, got %g", name, v);
}

void check_finite_rows(const float* x, int64_t rows, int64_t d, const char* name) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* r = x + i * d;
    float acc = 0.f;
    for (int64_t k = 0; k < d; ++k) acc += r[k] * 0.f;  // NaN or Inf anywhere makes acc NaN
    if (acc != 0.f) {
      for (int64_t k = 0; k < d; ++k)
        if (!std::isfinite(r[k]))
          invalid("%s row %lld column %lld is %s", name, static_cast<long long>(i),
                  static_cast<long long>(k), std::isnan(r[k]) ? "NaN" : "Inf");
    }
  }
}

int64_t first_nonfinite(const float* x, int64_t count) {
  for (int64_t at = 0; at < count; ++at)
    if (!std::isfinite(x[at])) return at;
  return -1;
}

void nonfinite_gradient(const char* name, int64_t at, int64_t cols, float v) {
  fail(IRK_ERR_INTERNAL,
       "%s row %lld column %lld is %s although the loss is finite: the loss's gradient breaks down at these "
       "inputs (e.g. ArcFace at a cosine of exactly 1)",
       name, static_cast<long long>(at / cols), static_cast<long long>(at % cols), std::isnan(v) ? "NaN" : "Inf");
}

void check_finite_gradient(const float* x, int64_t rows, int64_t cols, const char* name) {
  if (x == nullptr) return;
  const int64_t at = first_nonfinite(x, rows * cols);
  if (at >= 0) nonfinite_gradient(name, at, cols, x[at]);
}

void check_distance(const irk_distance* dist) {
  check_ptr(dist, "dist");
  switch (dist->kind) {
    case IRK_DIST_COSINE:
      if (!dist->normalize) invalid("dist: cosine similarity requires normalize = 1 (PML CosineSimilarity)");
      break;
    case IRK_DIST_DOT:
    case IRK_DIST_L2:
    case IRK_DIST_SQUARED_L2:
      break;
    default:
      invalid("dist: unknown kind %d (expected 0 cosine, 1 dot, 2 L2, 3 squared L2)", static_cast<int>(dist->kind));
  }
  if (!std::isfinite(dist->power) || dist->power <= 0) invalid("dist: power must be finite and > 0, got %g", dist->power);
}

void check_dtype(irk_dtype dtype, const char* name) {
  const int v = static_cast<int>(dtype);
  if (v < IRK_DTYPE_F32 || v > IRK_DTYPE_F16)
    invalid("%s must be 0 (IRK_DTYPE_F32), 1 (IRK_DTYPE_BF16) or 2 (IRK_DTYPE_F16), got %d", name, v);
}

void widen_to_f32(irk_dtype dtype, const void* src, int64_t count, float* dst) {
  if (dtype == IRK_DTYPE_F32) {
    std::copy(static_cast<const float*>(src), static_cast<const float*>(src) + count, dst);
    return;
  }
  for (int64_t i = 0; i < count; ++i) dst[i] = math::widen(dtype, src, i);
}

namespace {
// 16-bit embeddings widened into a buffer that the Batch (and its copies) keep alive.
const float* widen_rows(irk_dtype dtype, const float* src, int64_t count,
                        std::shared_ptr<const std::vector<float>>& keep) {
  auto buf = std::make_shared<std::vector<float>>(static_cast<size_t>(count));
  widen_to_f32(dtype, src, count, buf->data());
  keep = buf;
  return buf->data();
}
}  // namespace

Batch check_batch(const irk_batch* batch, bool values) {
  check_ptr(batch, "batch");
  Batch b{};
  check_dtype(batch->dtype, "batch.dtype");
  b.dtype = batch->dtype;
  check_ptr(batch->emb, "batch.emb");
  check_ptr(batch->labels, "batch.labels");
  check_size(batch->n, "batch.n");
  check_size(batch->d, "batch.d");
  b.x = batch->emb;
  b.xlab = batch->labels;
  b.n = batch->n;
  b.d = batch->d;
  if (values && b.dtype != IRK_DTYPE_F32) b.x = widen_rows(b.dtype, b.x, b.n * b.d, b.widened_x);
  if (values) check_finite_rows(b.x, b.n, b.d, "batch.emb");
  if (batch->ref_emb == nullptr) {
    if (batch->ref_labels != nullptr) invalid("batch.ref_labels given without batch.ref_emb");
    b.y = b.x;
    b.ylab = b.xlab;
    b.m = b.n;
    b.self = true;
  } else {
    check_ptr(batch->ref_labels, "batch.ref_labels");
    check_size(batch->m, "batch.m");
    b.y = batch->ref_emb;
    b.ylab = batch->ref_labels;
    b.m = batch->m;
    b.self = false;
    if (values && b.dtype != IRK_DTYPE_F32) b.y = widen_rows(b.dtype, b.y, b.m * b.d, b.widened_y);
    if (values) check_finite_rows(b.y, b.m, b.d, "batch.ref_emb");
  }
  if (values) b.dtype = IRK_DTYPE_F32;
  return b;
}

namespace {
void check_index_list(const int64_t* v, int64_t count, int width, const int64_t* bounds, const char* name,
                      bool values) {
  if (count < 0) invalid("%s count must be >= 0, got %lld", name, static_cast<long long>(count));
  if (count == 0) return;
  check_ptr(v, name);
  if (!values) return;
  for (int64_t i = 0; i < count; ++i)
    for (int c = 0; c < width; ++c) {
      int64_t idx = v[i * width + c];
      if (idx < 0 || idx >= bounds[c])
        invalid("%s[%lld][%d] = %lld is out of range [0, %lld)", name, static_cast<long long>(i), c,
                static_cast<long long>(idx), static_cast<long long>(bounds[c]));
    }
}
}  // namespace

void check_tuples(const irk_tuples* t, int64_t n, int64_t m, bool values) {
  if (t == nullptr) return;
  const int64_t pair_bounds[2] = {n, m};
  const int64_t triplet_bounds[3] = {n, m, m};
  if (t->kind == IRK_TUPLES_PAIRS) {
    check_index_list(t->pos, t->n_pos, 2, pair_bounds, "tuples.pos", values);
    check_index_list(t->neg, t->n_neg, 2, pair_bounds, "tuples.neg", values);
  } else if (t->kind == IRK_TUPLES_TRIPLETS) {
    check_index_list(t->triplets, t->n_triplets, 3, triplet_bounds, "tuples.triplets", values);
  } else {
    invalid("tuples.kind must be IRK_TUPLES_PAIRS (1) or IRK_TUPLES_TRIPLETS (2), got %d", static_cast<int>(t->kind));
  }
}

}  // namespace irk
