/* irk_knn against brute force, bad inputs, and hand-checked irk_retrieval_metrics / irk_revisited_map. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irkit/irkit.h"

static int passed = 0, failed = 0;

static void expect(int ok, const char* what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    printf("FAIL: %s\n", what);
  }
}

static void expect_near(double got, double want, const char* what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: got %.17g want %.17g", what, got, want);
  expect(fabs(got - want) <= 1e-12, msg);
}

static void expect_invalid(irk_status st, const char* what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s -> status %d, message \"%s\"", what, (int)st, irk_last_error());
  expect(st == IRK_ERR_INVALID_ARGUMENT && strlen(irk_last_error()) > 0, msg);
}

/* Quantized values (multiples of 0.5 in [-1, 1]) give many exact ties. */
static unsigned rng = 12345u;
static float quantized(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)((int)((rng >> 16) % 5u) - 2) * 0.5f;
}

/* Brute force: every reference value of one query row sorted by (value, index), similarities
 * descending, NaN last. */
static const float* sort_vals;
static int sort_inverted;
static int by_rank(const void* a, const void* b) {
  int64_t i = *(const int64_t*)a, j = *(const int64_t*)b;
  float vi = sort_vals[i], vj = sort_vals[j];
  if (sort_inverted) { vi = -vi; vj = -vj; }
  if (vi < vj) return -1;
  if (vj < vi) return 1;
  if (isnan(vi) != isnan(vj)) return isnan(vi) ? 1 : -1; /* NaN ranks last */
  return i < j ? -1 : (i > j ? 1 : 0);
}

static int same_value(float a, float b) { return a == b || (isnan(a) && isnan(b)); }

/* Rows for normalized distances: 4 entries of +-1 (1 when d < 4), so the norm is exactly 2 (or 1)
 * and every normalized value, dot product and square is exact in any summation order. */
static void unit_rows(float* x, int64_t rows, int64_t d) {
  int64_t nonzero = d >= 4 ? 4 : 1;
  for (int64_t i = 0; i < rows; ++i) {
    float* r = x + i * d;
    for (int64_t t = 0; t < d; ++t) r[t] = 0.f;
    for (int64_t c = 0; c < nonzero;) {
      rng = rng * 1664525u + 1013904223u;
      int64_t at = (int64_t)((rng >> 16) % (unsigned)d);
      if (r[at] != 0.f) continue;
      r[at] = (rng >> 8) & 1u ? 1.f : -1.f;
      ++c;
    }
  }
}

/* Values of all pairs in exact arithmetic (the inputs make every order of summation agree). */
static void all_values(const irk_distance* dist, const float* x, int64_t n, const float* y, int64_t m, int64_t d,
                       float* out) {
  const float* Y = y ? y : x;
  double scale = dist->normalize ? (d >= 4 ? 0.25 : 1.0) : 1.0; /* 1 / (|x| |y|) for unit_rows */
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      double g = 0, sq = 0;
      for (int64_t t = 0; t < d; ++t) {
        g += (double)x[i * d + t] * Y[j * d + t];
        sq += ((double)x[i * d + t] - Y[j * d + t]) * ((double)x[i * d + t] - Y[j * d + t]);
      }
      g *= scale;
      sq *= scale;
      double v = dist->kind == IRK_DIST_L2 ? sqrt(sq) : dist->kind == IRK_DIST_SQUARED_L2 ? sq : g;
      float f = (float)v;
      out[i * m + j] = dist->power == 1.0 ? f : (float)pow((double)f, dist->power);
    }
}

static void check_knn_case(irk_context* ctx1, irk_context* ctx2, const irk_distance* dist, int64_t n, int64_t m,
                           int self, int64_t d, int64_t k) {
  float* x = malloc(sizeof(float) * n * d);
  float* y = self ? NULL : malloc(sizeof(float) * m * d);
  float* vals = malloc(sizeof(float) * n * m);
  int64_t* order = malloc(sizeof(int64_t) * m);
  int64_t* idx1 = malloc(sizeof(int64_t) * n * k);
  int64_t* idx2 = malloc(sizeof(int64_t) * n * k);
  float* val1 = malloc(sizeof(float) * n * k);
  float* val2 = malloc(sizeof(float) * n * k);
  if (dist->normalize) {
    unit_rows(x, n, d);
    if (y) unit_rows(y, m, d);
  } else {
    for (int64_t t = 0; t < n * d; ++t) x[t] = quantized();
    if (y)
      for (int64_t t = 0; t < m * d; ++t) y[t] = quantized();
  }
  all_values(dist, x, n, y, m, d, vals);

  irk_status s1 = irk_knn(ctx1, dist, x, n, y, m, d, k, idx1, val1);
  irk_status s2 = irk_knn(ctx2, dist, x, n, y, m, d, k, idx2, val2);
  int ok = s1 == IRK_OK && s2 == IRK_OK;
  if (ok) ok = memcmp(idx1, idx2, sizeof(int64_t) * n * k) == 0 && memcmp(val1, val2, sizeof(float) * n * k) == 0;
  char msg[200];
  snprintf(msg, sizeof msg, "kind %d norm %d power %g n %lld m %lld self %d d %lld k %lld: 1 vs 2 threads",
           (int)dist->kind, dist->normalize, dist->power, (long long)n, (long long)m, self, (long long)d, (long long)k);
  expect(ok, msg);

  int mismatch = 0;
  sort_inverted = dist->kind == IRK_DIST_COSINE || dist->kind == IRK_DIST_DOT;
  for (int64_t i = 0; i < n && ok && !mismatch; ++i) {
    int64_t cnt = 0;
    for (int64_t j = 0; j < m; ++j)
      if (!(self && j == i)) order[cnt++] = j;
    sort_vals = vals + i * m;
    qsort(order, (size_t)cnt, sizeof(int64_t), by_rank);
    for (int64_t r = 0; r < k; ++r)
      if (idx1[i * k + r] != order[r] || !same_value(val1[i * k + r], sort_vals[order[r]])) mismatch = 1;
  }
  snprintf(msg, sizeof msg, "kind %d norm %d power %g n %lld m %lld self %d d %lld k %lld: vs brute force",
           (int)dist->kind, dist->normalize, dist->power, (long long)n, (long long)m, self, (long long)d, (long long)k);
  expect(ok && !mismatch, msg);
  free(x); free(y); free(vals); free(order); free(idx1); free(idx2); free(val1); free(val2);
}

static void test_knn(irk_context* ctx1, irk_context* ctx2) {
  const irk_distance dists[] = {
      {IRK_DIST_COSINE, 1, 1.0}, {IRK_DIST_DOT, 0, 1.0}, {IRK_DIST_DOT, 1, 1.0}, {IRK_DIST_L2, 0, 1.0},
      {IRK_DIST_L2, 1, 1.0},     {IRK_DIST_SQUARED_L2, 0, 1.0}, {IRK_DIST_L2, 0, 0.5},
      {IRK_DIST_DOT, 0, 0.5} /* negative dots give NaN */};
  /* n, m, self, d, k: k = m, k = n - 1 when self, tails of the 2x4 block, several tiles. */
  const int64_t cases[][5] = {{5, 3, 0, 3, 3},       {7, 7, 1, 2, 6},     {131, 517, 0, 17, 9},
                              {70, 70, 1, 5, 69},    {257, 257, 1, 33, 40}, {1, 300, 0, 8, 300},
                              {66, 260, 0, 4, 1},    {129, 129, 1, 1, 128}};
  for (size_t a = 0; a < sizeof dists / sizeof dists[0]; ++a)
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c)
      check_knn_case(ctx1, ctx2, &dists[a], cases[c][0], cases[c][1], (int)cases[c][2], cases[c][3], cases[c][4]);
}

static void test_knn_bad_inputs(irk_context* ctx) {
  const irk_distance l2 = {IRK_DIST_L2, 0, 1.0};
  float x[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}; /* 4 x 3 */
  float y[6] = {1, 1, 1, 2, 2, 2};                      /* 2 x 3 */
  int64_t idx[16];
  float val[16];
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 3, 0, idx, val), "k = 0");
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 3, -1, idx, val), "k = -1");
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 3, 3, idx, val), "k > m");
  expect_invalid(irk_knn(ctx, &l2, x, 4, NULL, 4, 3, 4, idx, val), "k > n - 1 with ref NULL");
  expect_invalid(irk_knn(ctx, &l2, x, 4, NULL, 3, 3, 1, idx, val), "ref NULL with m != n");
  expect_invalid(irk_knn(ctx, &l2, NULL, 4, y, 2, 3, 1, idx, val), "query NULL");
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 3, 1, NULL, val), "out_indices NULL");
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 3, 1, idx, NULL), "out_values NULL");
  expect_invalid(irk_knn(ctx, NULL, x, 4, y, 2, 3, 1, idx, val), "dist NULL");
  expect_invalid(irk_knn(ctx, &l2, x, 0, y, 2, 3, 1, idx, val), "n = 0");
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 0, 3, 1, idx, val), "m = 0");
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 0, 1, idx, val), "d = 0");
  x[7] = NAN;
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 3, 1, idx, val), "NaN query row");
  x[7] = 7;
  y[4] = INFINITY;
  expect_invalid(irk_knn(ctx, &l2, x, 4, y, 2, 3, 1, idx, val), "Inf reference row");
}

/* Hand-computed PML metrics. References: labels [0,0,1,1,1,2]; k = 3.
 *   q0 label 0, knn [2,0,1]: rel 0,1,1; R = 2: p1 0, rp 1/2, map@r (1/2)/2 = 1/4,
 *      map (1/2 + 2/3)/2 = 7/12, mrr 1/2, recall@1 0, recall@2 1
 *   q1 label 1, knn [3,5,4]: rel 1,0,1; R = 3: p1 1, rp 2/3, map@r = map = (1 + 2/3)/3 = 5/9, mrr 1
 *   q2 label 3: R = 0, left out
 *   q3 label 1, knn [5,0,2]: rel 0,0,1; R = 3: p1 0, rp 1/3, map@r = map = (1/3)/3 = 1/9, mrr 1/3
 * Over queries: p1 1/3, rp (1/2 + 2/3 + 1/3)/3 = 1/2, map@r (1/4 + 5/9 + 1/9)/3 = 11/36,
 *   map (7/12 + 5/9 + 1/9)/3 = 5/12, mrr (1/2 + 1 + 1/3)/3 = 11/18, recall@1 1/3, recall@2 2/3.
 * Per class (class 0 = {q0}, class 1 = {q1, q3}): p1 (0 + 1/2)/2 = 1/4,
 *   map (7/12 + 1/3)/2 = 11/24, mrr (1/2 + 2/3)/2 = 7/12. */
static void test_metrics(irk_context* ctx) {
  const int64_t ref_labels[6] = {0, 0, 1, 1, 1, 2};
  const int64_t query_labels[4] = {0, 1, 3, 1};
  const int64_t knn[12] = {2, 0, 1, 3, 5, 4, 0, 1, 2, 5, 0, 2};
  const int64_t ks[2] = {1, 2};
  irk_metrics out;
  double rec[2];
  irk_status st = irk_retrieval_metrics(ctx, knn, 4, 3, query_labels, ref_labels, 6, 0, 0, ks, 2, &out, rec);
  expect(st == IRK_OK && out.num_queries == 3, "metrics: status and counted queries");
  expect_near(out.precision_at_1, 1.0 / 3, "metrics precision_at_1");
  expect_near(out.r_precision, 1.0 / 2, "metrics r_precision");
  expect_near(out.map_at_r, 11.0 / 36, "metrics map_at_r");
  expect_near(out.map, 5.0 / 12, "metrics map");
  expect_near(out.mrr, 11.0 / 18, "metrics mrr");
  expect_near(rec[0], 1.0 / 3, "metrics recall@1");
  expect_near(rec[1], 2.0 / 3, "metrics recall@2");
  st = irk_retrieval_metrics(ctx, knn, 4, 3, query_labels, ref_labels, 6, 0, 1, ks, 2, &out, rec);
  expect(st == IRK_OK, "metrics avg_of_avgs: status");
  expect_near(out.precision_at_1, 1.0 / 4, "metrics avg_of_avgs precision_at_1");
  expect_near(out.map, 11.0 / 24, "metrics avg_of_avgs map");
  expect_near(out.mrr, 7.0 / 12, "metrics avg_of_avgs mrr");
  const int64_t bad_knn[12] = {2, 0, 1, 3, 5, 6, 0, 1, 2, 5, 0, 2};
  expect_invalid(irk_retrieval_metrics(ctx, bad_knn, 4, 3, query_labels, ref_labels, 6, 0, 0, NULL, 0, &out, NULL),
                 "metrics: neighbour index out of range");
  const int64_t big_k[1] = {4};
  expect_invalid(irk_retrieval_metrics(ctx, knn, 4, 3, query_labels, ref_labels, 6, 0, 0, big_k, 1, &out, rec),
                 "metrics: recall k > k");
}

/* Revisited mAP by hand (revisitop: a positive's rank r is its position minus the junk ranked
 * before it; the j-th positive (0-based) adds (p0 + p1) / nres / 2 with p0 = j/r (1 if r = 0),
 * p1 = (j+1)/(r+1)).
 *   q0 ranks [3,0,5,1,4,2], easy {0,2}, hard {1}, junk {5}: id 0 @1, 5 @2, 1 @3, 2 @5
 *     easy   (pos {0,2}, junk {5,1}):   r = 1, 5-2 = 3: (0 + 1/2)/4 + (1/3 + 1/2)/4 = 1/8 + 5/24 = 1/3
 *     medium (pos {0,2,1}, junk {5}):   r = 1, 2, 4: (0 + 1/2)/6 + (1/2 + 2/3)/6 + (1/2 + 3/5)/6
 *                                       = 1/12 + 7/36 + 11/60 = 83/180
 *     hard   (pos {1}, junk {5,0,2}):   r = 3 - 2 = 1: (0 + 1/2)/2 = 1/4
 *   q1 ranks [2,4,0,1,3,5], easy {2,4}, no hard, no junk: r = 0, 1: (1 + 1)/4 + (1 + 1)/4 = 1
 *     for easy and medium; hard has no positives, so q1 is skipped there.
 *   mAP: easy (1/3 + 1)/2 = 2/3, medium (83/180 + 1)/2 = 263/360, hard 1/4. */
static void test_revisited_map(irk_context* ctx) {
  const int64_t ranks[12] = {3, 0, 5, 1, 4, 2, 2, 4, 0, 1, 3, 5};
  const int64_t easy_off[3] = {0, 2, 4}, easy_ids[4] = {2, 0, 4, 2};
  const int64_t hard_off[3] = {0, 1, 1}, hard_ids[1] = {1};
  const int64_t junk_off[3] = {0, 1, 1}, junk_ids[1] = {5};
  double map[3];
  irk_status st = irk_revisited_map(ctx, ranks, 2, 6, easy_off, easy_ids, hard_off, hard_ids, junk_off, junk_ids, map);
  expect(st == IRK_OK, "revisited_map: status");
  expect_near(map[0], 2.0 / 3, "revisited_map easy");
  expect_near(map[1], 263.0 / 360, "revisited_map medium");
  expect_near(map[2], 1.0 / 4, "revisited_map hard");
  /* q1 alone: no query has hard positives, so the hard mAP is NaN. */
  const int64_t off1[2] = {0, 2}, none[2] = {0, 0};
  st = irk_revisited_map(ctx, ranks + 6, 1, 6, off1, easy_ids + 2, none, NULL, none, NULL, map);
  expect(st == IRK_OK && map[0] == 1.0 && map[1] == 1.0 && isnan(map[2]), "revisited_map: no hard positives -> NaN");
  const int64_t bad_off[3] = {0, 2, 1};
  expect_invalid(irk_revisited_map(ctx, ranks, 2, 6, bad_off, easy_ids, hard_off, hard_ids, junk_off, junk_ids, map),
                 "revisited_map: decreasing offsets");
  expect_invalid(irk_revisited_map(ctx, NULL, 2, 6, easy_off, easy_ids, hard_off, hard_ids, junk_off, junk_ids, map),
                 "revisited_map: ranks NULL");
}

int main(void) {
  irk_context *ctx1 = NULL, *ctx2 = NULL;
  if (irk_context_create(IRK_DEVICE_CPU, 0, 1, &ctx1) != IRK_OK || irk_context_create(IRK_DEVICE_CPU, 0, 2, &ctx2) != IRK_OK) {
    printf("context creation failed: %s\n0 passed, 1 failed\n", irk_last_error());
    return 1;
  }
  test_knn(ctx1, ctx2);
  test_knn_bad_inputs(ctx1);
  test_metrics(ctx1);
  test_revisited_map(ctx2);
  irk_context_destroy(ctx1);
  irk_context_destroy(ctx2);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
