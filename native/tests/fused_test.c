/* The fused miner + loss entry points against the miner call followed by the loss call (same
 * results bit for bit, with 1 and 2 threads, with and without a reference set), the symmetric
 * self-distance path against the general one, and bad inputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irkit/irkit.h"
#include "test_util.h"

enum { N = 150, M = 90, D = 40 };
static float x[N * D], r[M * D];
static int64_t y[N], ry[M];

static int same_tuples(const irk_tuples* a, const irk_tuples* b) {
  return a->kind == b->kind && a->n_pos == b->n_pos && a->n_neg == b->n_neg && a->n_triplets == b->n_triplets &&
         (a->n_pos == 0 || memcmp(a->pos, b->pos, sizeof(int64_t) * 2 * a->n_pos) == 0) &&
         (a->n_neg == 0 || memcmp(a->neg, b->neg, sizeof(int64_t) * 2 * a->n_neg) == 0) &&
         (a->n_triplets == 0 || memcmp(a->triplets, b->triplets, sizeof(int64_t) * 3 * a->n_triplets) == 0);
}

/* Runs miner + loss separately and fused; returns 1 when loss, gradients and tuples agree exactly. */
static int fused_matches(irk_context* ctx, const irk_batch* b, const irk_distance* dist, int ms, int swap,
                         float* loss_out, float* grad_out) {
  static float g1[N * D], g2[N * D], gr1[M * D], gr2[M * D];
  float l1 = -1, l2 = -2;
  irk_loss_out o1 = {&l1, g1, b->ref_emb ? gr1 : NULL, NULL}, o2 = {&l2, g2, b->ref_emb ? gr2 : NULL, NULL};
  irk_mined *m1 = NULL, *m2 = NULL;
  irk_tuples t1, t2;
  int ok = irk_mined_create(&m1) == IRK_OK && irk_mined_create(&m2) == IRK_OK;
  if (ms) {
    ok = ok && irk_ms_miner(ctx, b, dist, 0.1, m1) == IRK_OK && irk_mined_view(m1, &t1) == IRK_OK &&
         irk_ms_loss(ctx, b, dist, &t1, 2, 50, 0.5, &o1) == IRK_OK &&
         irk_ms_miner_loss(ctx, b, dist, 0.1, 2, 50, 0.5, m2, &o2) == IRK_OK;
  } else {
    ok = ok && irk_batch_hard_miner(ctx, b, dist, m1) == IRK_OK && irk_mined_view(m1, &t1) == IRK_OK &&
         irk_triplet_margin_loss(ctx, b, dist, &t1, 0.05, swap, 0, &o1) == IRK_OK &&
         irk_batch_hard_triplet_loss(ctx, b, dist, 0.05, swap, 0, m2, &o2) == IRK_OK;
  }
  ok = ok && irk_mined_view(m2, &t2) == IRK_OK && same_tuples(&t1, &t2) && l1 == l2 && l1 > 0 &&
       memcmp(g1, g2, sizeof(float) * N * D) == 0 && (!b->ref_emb || memcmp(gr1, gr2, sizeof(float) * M * D) == 0);
  if (ms) {  /* without the tuples out */
    float l3 = -3;
    irk_loss_out o3 = o2;
    o3.loss = &l3;
    ok = ok && irk_ms_miner_loss(ctx, b, dist, 0.1, 2, 50, 0.5, NULL, &o3) == IRK_OK && l3 == l1;
  }
  *loss_out = l1;
  memcpy(grad_out, g1, sizeof(float) * N * D);
  irk_mined_destroy(m1);
  irk_mined_destroy(m2);
  return ok;
}

int main(void) {
  srand(99);
  for (int i = 0; i < N * D; i++) x[i] = (float)rand() / RAND_MAX * 2.0f - 1.0f;
  for (int i = 0; i < M * D; i++) r[i] = (float)rand() / RAND_MAX * 2.0f - 1.0f;
  for (int i = 0; i < N; i++) y[i] = (i * 7) % 19;
  for (int i = 0; i < M; i++) ry[i] = i % 23;
  irk_context *one = NULL, *two = NULL;
  expect(irk_context_create(IRK_DEVICE_CPU, 0, 1, &one) == IRK_OK && irk_context_create(IRK_DEVICE_CPU, 0, 2, &two) == IRK_OK,
         "contexts");
  irk_distance cos = {IRK_DIST_COSINE, 1, 1.0}, l2 = {IRK_DIST_L2, 1, 1.0}, l2raw = {IRK_DIST_L2, 0, 1.0},
               sq = {IRK_DIST_SQUARED_L2, 1, 1.0};
  irk_batch self = {x, y, N, D, NULL, NULL, 0}, ref = {x, y, N, D, r, ry, M};

  /* y = x: the upper triangle mirrored equals the general path bit for bit */
  static float s1[N * N], s2[N * N], xcopy[N * D];
  memcpy(xcopy, x, sizeof x);
  const irk_distance* dists[] = {&cos, &l2, &l2raw, &sq};
  for (int k = 0; k < 4; k++) {
    expect(irk_pairwise(two, dists[k], x, N, NULL, N, D, s1) == IRK_OK && irk_pairwise(one, dists[k], x, N, xcopy, N, D, s2) == IRK_OK &&
           memcmp(s1, s2, sizeof s1) == 0, "self distances equal the general path");
  }

  static float ga[N * D], gb[N * D];
  float la, lb;
  const irk_batch* batches[] = {&self, &ref};
  for (int bi = 0; bi < 2; bi++) {
    const char* what = bi ? " (reference set)" : "";
    char msg[128];
    snprintf(msg, sizeof msg, "fused MS miner + loss equals the two calls%s", what);
    expect(fused_matches(one, batches[bi], &cos, 1, 0, &la, ga), msg);
    expect(fused_matches(two, batches[bi], &cos, 1, 0, &lb, gb) && la == lb && memcmp(ga, gb, sizeof ga) == 0,
           "fused MS: 2 threads equal 1");
    snprintf(msg, sizeof msg, "fused batch-hard triplet equals the two calls%s", what);
    expect(fused_matches(one, batches[bi], &l2, 0, 0, &la, ga), msg);
    expect(fused_matches(two, batches[bi], &l2, 0, 0, &lb, gb) && la == lb && memcmp(ga, gb, sizeof ga) == 0,
           "fused triplet: 2 threads equal 1");
  }
  expect(fused_matches(two, &self, &l2, 0, 1, &la, ga), "fused triplet with swap");
  expect(fused_matches(two, &self, &sq, 0, 0, &la, ga), "fused triplet, squared L2");
  expect(fused_matches(two, &self, &l2raw, 1, 0, &la, ga), "fused MS, raw L2");

  /* bad inputs */
  float loss;
  static float grad[N * D];
  irk_loss_out out = {&loss, grad, NULL, NULL};
  expect_error(irk_ms_miner_loss(one, &self, &cos, 0.1, 2, 50, 0.5, NULL, NULL), IRK_ERR_INVALID_ARGUMENT, "NULL output");
  expect_error(irk_ms_miner_loss(one, NULL, &cos, 0.1, 2, 50, 0.5, NULL, &out), IRK_ERR_INVALID_ARGUMENT, "NULL batch");
  expect_error(irk_ms_miner_loss(NULL, &self, &cos, 0.1, 2, 50, 0.5, NULL, &out), IRK_ERR_INVALID_ARGUMENT, "NULL context");
  expect_error(irk_ms_miner_loss(one, &self, &cos, NAN, 2, 50, 0.5, NULL, &out), IRK_ERR_INVALID_ARGUMENT, "NaN epsilon");
  expect_error(irk_ms_miner_loss(one, &self, &cos, 0.1, 0, 50, 0.5, NULL, &out), IRK_ERR_INVALID_ARGUMENT, "alpha 0");
  expect_error(irk_batch_hard_triplet_loss(one, &self, &l2, 0.05, 2, 0, NULL, &out), IRK_ERR_INVALID_ARGUMENT, "swap 2");
  expect_error(irk_batch_hard_triplet_loss(one, &self, NULL, 0.05, 0, 0, NULL, &out), IRK_ERR_INVALID_ARGUMENT, "NULL distance");
  x[3 * D] = NAN;
  expect_error(irk_batch_hard_triplet_loss(one, &self, &l2, 0.05, 0, 0, NULL, &out), IRK_ERR_INVALID_ARGUMENT, "NaN embedding");
  x[3 * D] = 0.f;

  irk_context_destroy(one);
  irk_context_destroy(two);
  return test_summary();
}
