/* No silent NaN from a loss: a NaN term PML keeps reaches the loss (and the call fails), a row PML
 * drops is dropped from the gradient too, and a gradient that breaks down where the loss is finite
 * fails the call. Hand-built batches whose similarities are known by construction. */
#include <math.h>
#include <string.h>

#include "test_util.h"

static irk_context* cpu;

static int all_finite(const float* v, int count) {
  for (int i = 0; i < count; ++i)
    if (!isfinite(v[i])) return 0;
  return 1;
}

/* NTXent, dot product of unit rows to the power 0.5: row 2 is opposite row 0, so the similarity
 * -1 becomes NaN (PML's torch.pow does the same) and is one of row 0's negatives. PML's loss is
 * NaN; irkit must say so instead of dropping the negative. */
static void test_ntxent_nan_negative_reaches_the_loss(void) {
  const float x[] = {1.f, 0.f, 1.f, 0.1f, -1.f, 0.f};
  const int64_t labels[] = {0, 0, 1};
  const irk_batch b = {x, labels, 3, 2, NULL, NULL, 0, IRK_DTYPE_F32};
  const irk_distance dist = {IRK_DIST_DOT, 1, 0.5};
  float loss = 0.f, grad[6];
  irk_loss_out out = {&loss, grad, NULL, NULL};
  irk_status st = irk_ntxent_loss(cpu, &b, &dist, NULL, 0.07, &out);
  expect_error(st, IRK_ERR_INTERNAL, "ntxent: a NaN similarity among the negatives makes the loss NaN");
  expect(strstr(irk_last_error(), "loss is not finite") != NULL, "ntxent: the message says the loss is not finite");
}

/* SupCon, same distance: rows 0, 1 and 3 have a negative similarity with row 3 or 0 (NaN terms), so
 * their losses are NaN and PML's AvgNonZeroReducer (loss > 0) leaves them out; row 2's terms are
 * all finite. The loss is row 2's alone and the gradient must be finite (NaN * 0 is no zero). */
static void test_supcon_dropped_rows_leave_no_nan(void) {
  const float x[] = {1.f, 0.f, 0.9f, 0.1f, 0.1f, 1.f, -1.f, 0.2f};
  const int64_t labels[] = {0, 1, 1, 0};
  const irk_batch b = {x, labels, 4, 2, NULL, NULL, 0, IRK_DTYPE_F32};
  const irk_distance dist = {IRK_DIST_DOT, 1, 0.5};
  float loss = NAN, grad[8];
  irk_loss_out out = {&loss, grad, NULL, NULL};
  expect(irk_supcon_loss(cpu, &b, &dist, NULL, 0.1, &out) == IRK_OK, "supcon: NaN rows are dropped, not fatal");
  expect(isfinite(loss) && loss > 0.f, "supcon: the loss is row 2's, finite and positive");
  expect(all_finite(grad, 8), "supcon: the gradient has no NaN");
  /* Only row 2's pairs carry gradient: row 3 = (-1, 0.05) enters as row 2's negative. */
  expect(grad[6] != 0.f || grad[7] != 0.f, "supcon: row 2's negative gets a gradient");
}

/* ArcFace with d = 1: every unit vector is +-1, so each cosine is exactly +-1, where
 * d acos / d cos is infinite (PML's gradient is inf/NaN there). The loss is finite; the call must
 * fail and name the gradient. CosFace on the same batch has no acos and succeeds. */
static void test_arcface_breakdown_fails(void) {
  const float x[] = {2.f, -1.f, 3.f};
  const int64_t labels[] = {0, 1, 0};
  const float W[] = {1.f, -0.5f}; /* d x C = 1 x 2 */
  float loss = 0.f, grad[3], gw[2];
  irk_loss_out out = {&loss, grad, NULL, gw};
  irk_status st = irk_arcface_loss(cpu, x, labels, 3, 1, W, 2, NULL, 28.6, 64, &out);
  expect_error(st, IRK_ERR_INTERNAL, "arcface at cos = 1: the call fails");
  expect(strstr(irk_last_error(), "although the loss is finite") != NULL, "arcface: the message names the cause");
  expect(strstr(irk_last_error(), "out.grad") != NULL, "arcface: the message names the output");
  st = irk_cosface_loss(cpu, x, labels, 3, 1, W, 2, NULL, 0.35, 64, &out);
  expect(st == IRK_OK && isfinite(loss) && all_finite(grad, 3) && all_finite(gw, 2), "cosface on the same batch succeeds");
}

int main(void) {
  if (irk_context_create(IRK_DEVICE_CPU, 0, 1, &cpu) != IRK_OK) {
    printf("cannot create a CPU context: %s\n", irk_last_error());
    return 1;
  }
  test_ntxent_nan_negative_reaches_the_loss();
  test_supcon_dropped_rows_leave_no_nan();
  test_arcface_breakdown_fails();
  irk_context_destroy(cpu);
  return test_summary();
}
