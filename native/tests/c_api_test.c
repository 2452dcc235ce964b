/* Plain C use of irkit.h (no JVM): an MS loss with mining checked against a brute-force
 * evaluation written here from the paper's formula, and bad inputs that must fail cleanly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irkit/irkit.h"
#include "test_util.h"

/* MS loss over all pairs, cosine, written out directly: mean over rows of
 * 1/a log(1 + sum_P exp(-a (s - base))) + 1/b log(1 + sum_N exp(b (s - base))). */
static double ms_reference(const float* x, const int64_t* y, int n, int d, double a, double b, double base) {
  double total = 0;
  for (int i = 0; i < n; i++) {
    double sp = 0, sn = 0;
    int np = 0, nn = 0;
    for (int j = 0; j < n; j++) {
      if (j == i) continue;
      double dot = 0, ni = 0, nj = 0;
      for (int k = 0; k < d; k++) {
        dot += (double)x[i * d + k] * x[j * d + k];
        ni += (double)x[i * d + k] * x[i * d + k];
        nj += (double)x[j * d + k] * x[j * d + k];
      }
      double s = dot / sqrt(ni) / sqrt(nj);
      if (y[i] == y[j]) { sp += exp(-a * (s - base)); np++; }
      else { sn += exp(b * (s - base)); nn++; }
    }
    if (np) total += log1p(sp) / a;
    if (nn) total += log1p(sn) / b;
  }
  return total / n;
}

int main(void) {
  enum { N = 12, D = 5 };
  float x[N * D], grad[N * D];
  int64_t y[N];
  srand(1234);
  for (int i = 0; i < N * D; i++) x[i] = (float)rand() / RAND_MAX * 2.0f - 1.0f;
  for (int i = 0; i < N; i++) y[i] = i % 4;

  irk_context* ctx = NULL;
  expect(irk_context_create(IRK_DEVICE_CPU, 0, 2, &ctx) == IRK_OK && ctx != NULL, "create CPU context");
  irk_distance cos = {IRK_DIST_COSINE, 1, 1.0};
  irk_batch batch = {x, y, N, D, NULL, NULL, 0};
  float loss = -1;
  irk_loss_out out = {&loss, grad, NULL, NULL};

  /* all pairs vs brute force */
  expect(irk_ms_loss(ctx, &batch, &cos, NULL, 2.0, 50.0, 0.5, &out) == IRK_OK, "ms loss runs");
  double want = ms_reference(x, y, N, D, 2.0, 50.0, 0.5);
  expect(fabs(loss - want) <= 1e-5 * fabs(want), "ms loss equals the brute-force formula");

  /* with the MS miner: the README example */
  irk_mined* mined = NULL;
  irk_tuples tuples;
  expect(irk_mined_create(&mined) == IRK_OK, "mined create");
  expect(irk_ms_miner(ctx, &batch, &cos, 0.1, mined) == IRK_OK, "ms miner runs");
  expect(irk_mined_view(mined, &tuples) == IRK_OK && tuples.kind == IRK_TUPLES_PAIRS, "miner returns pairs");
  expect(irk_ms_loss(ctx, &batch, &cos, &tuples, 2.0, 50.0, 0.5, &out) == IRK_OK && isfinite(loss), "ms loss on mined pairs");

  /* bad inputs */
  expect_error(irk_ms_loss(NULL, &batch, &cos, NULL, 2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "NULL context");
  expect_error(irk_ms_loss(ctx, NULL, &cos, NULL, 2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "NULL batch");
  expect_error(irk_ms_loss(ctx, &batch, NULL, NULL, 2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "NULL distance");
  expect_error(irk_ms_loss(ctx, &batch, &cos, NULL, 2, 50, 0.5, NULL), IRK_ERR_INVALID_ARGUMENT, "NULL output");
  expect_error(irk_ms_loss(ctx, &batch, &cos, NULL, -2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "negative alpha");
  expect_error(irk_ms_loss(ctx, &batch, &cos, NULL, 2, 50, NAN, &out), IRK_ERR_INVALID_ARGUMENT, "NaN base");
  irk_batch empty = batch;
  empty.n = 0;
  expect_error(irk_ms_loss(ctx, &empty, &cos, NULL, 2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "n = 0");
  irk_batch nolabels = batch;
  nolabels.labels = NULL;
  expect_error(irk_ms_loss(ctx, &nolabels, &cos, NULL, 2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "NULL labels");
  x[7 * D + 2] = NAN;
  expect_error(irk_ms_loss(ctx, &batch, &cos, NULL, 2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "NaN embedding");
  expect(strstr(irk_last_error(), "row 7") != NULL, "NaN message names the row");
  x[7 * D + 2] = 0.5f;
  irk_distance nocos = {IRK_DIST_COSINE, 0, 1.0};
  expect_error(irk_ms_loss(ctx, &batch, &nocos, NULL, 2, 50, 0.5, &out), IRK_ERR_INVALID_ARGUMENT, "cosine without normalization");
  int64_t bad_pairs[2] = {0, N + 5};
  irk_tuples bad = {IRK_TUPLES_PAIRS, bad_pairs, 1, NULL, 0, NULL, 0};
  expect_error(irk_contrastive_loss(ctx, &batch, &cos, &bad, 0, 1, &out), IRK_ERR_INVALID_ARGUMENT, "tuple index out of range");
  expect_error(irk_triplet_margin_miner(ctx, &batch, &cos, 0.1, (irk_triplet_type)9, mined), IRK_ERR_INVALID_ARGUMENT, "unknown triplet type");
  expect_error(irk_pairwise(ctx, &cos, x, N, NULL, N + 1, D, grad), IRK_ERR_INVALID_ARGUMENT, "pairwise size mismatch");

  /* CUDA: without a device (or a CUDA build) the status says so; nothing crashes. */
  int count = -1;
  irk_status st = irk_cuda_device_count(&count);
  if (st == IRK_ERR_NO_DEVICE) {
    irk_context* cuda = NULL;
    expect_error(irk_context_create(IRK_DEVICE_CUDA, 0, 0, &cuda), IRK_ERR_NO_DEVICE, "CUDA context without a device");
    expect(count == 0 && strstr(irk_last_error(), "no CUDA device") != NULL, "no-device message");
  } else {
    expect(st == IRK_OK && count > 0, "device count");
  }

  irk_mined_destroy(mined);
  irk_context_destroy(ctx);
  return test_summary();
}
