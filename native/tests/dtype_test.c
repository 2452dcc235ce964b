/* bf16 / f16 embeddings (irk_batch.dtype, irk_convert_to_f32): a call on 16-bit embeddings must
 * equal, bit for bit, the float32 call on the same values written as float32. The float32 values
 * are derived here independently: bf16 by keeping the upper half of a float's bits, f16 from its
 * fields with ldexp. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irkit/irkit.h"
#include "test_util.h"

enum { N = 23, M = 19, D = 9, ND = N * D, MD = M * D };

static uint16_t bf16_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return (uint16_t)(u >> 16);
}
static float bf16_value(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
/* A random binary16 with exponent field in [lo, hi] (0: subnormal). */
static uint16_t f16_random(int lo, int hi) {
  unsigned sign = (unsigned)(rand() & 1), e = (unsigned)(lo + rand() % (hi - lo + 1)), mant = (unsigned)(rand() % 1024);
  return (uint16_t)((sign << 15) | (e << 10) | mant);
}
static float f16_value(uint16_t h) {
  int sign = h >> 15, e = (h >> 10) & 31, mant = h & 1023;
  double v;
  if (e == 31) return mant ? NAN : (sign ? -INFINITY : INFINITY);
  if (e == 0) v = ldexp((double)mant, -24);
  else v = ldexp(1.0 + mant / 1024.0, e - 15);
  return (float)(sign ? -v : v);
}

static int same_bits(const float* a, const float* b, size_t count) { return memcmp(a, b, count * sizeof(float)) == 0; }

static int same_tuples(const irk_mined* a, const irk_mined* b) {
  irk_tuples x, y;
  irk_mined_view(a, &x);
  irk_mined_view(b, &y);
  if (x.n_pos != y.n_pos || x.n_neg != y.n_neg || x.n_triplets != y.n_triplets) return 0;
  return (x.n_pos == 0 || memcmp(x.pos, y.pos, 16 * (size_t)x.n_pos) == 0) &&
         (x.n_neg == 0 || memcmp(x.neg, y.neg, 16 * (size_t)x.n_neg) == 0) &&
         (x.n_triplets == 0 || memcmp(x.triplets, y.triplets, 24 * (size_t)x.n_triplets) == 0);
}

/* One dtype: x16 / y16 hold the 16-bit embeddings, x / y their float32 values. */
static void check_dtype(irk_context* ctx, irk_dtype dt, const char* name, const uint16_t* x16, const uint16_t* y16,
                        const float* x, const float* y, const int64_t* xl, const int64_t* yl) {
  char what[160];
  const irk_distance cos = {IRK_DIST_COSINE, 1, 1.0}, l2 = {IRK_DIST_L2, 0, 1.0};
  for (int ref = 0; ref < 2; ref++) {
    irk_batch b32 = {x, xl, N, D, ref ? y : NULL, ref ? yl : NULL, ref ? M : 0};
    irk_batch b16 = {(const float*)x16, xl, N, D, ref ? (const float*)y16 : NULL, ref ? yl : NULL, ref ? M : 0, dt};
    expect(b32.dtype == IRK_DTYPE_F32, "an initializer of the first seven fields leaves dtype float32");
    float l32, l16, g32[ND], g16[ND], r32[MD], r16[MD];
    irk_loss_out o32 = {&l32, g32, ref ? r32 : NULL, NULL}, o16 = {&l16, g16, ref ? r16 : NULL, NULL};
    int s;
#define LOSS(label, call32, call16)                                                               \
  s = (call32) == IRK_OK;                                                                         \
  s = s && (call16) == IRK_OK;                                                                    \
  snprintf(what, sizeof what, "%s %s%s: same loss and gradients as float32", name, label, ref ? " (ref set)" : ""); \
  expect(s && same_bits(&l32, &l16, 1) && same_bits(g32, g16, ND) && (!ref || same_bits(r32, r16, MD)), what)
    LOSS("ms_loss", irk_ms_loss(ctx, &b32, &cos, NULL, 2, 50, 0.5, &o32), irk_ms_loss(ctx, &b16, &cos, NULL, 2, 50, 0.5, &o16));
    LOSS("contrastive_loss l2", irk_contrastive_loss(ctx, &b32, &l2, NULL, 0, 4, &o32),
         irk_contrastive_loss(ctx, &b16, &l2, NULL, 0, 4, &o16));
    LOSS("ntxent_loss", irk_ntxent_loss(ctx, &b32, &cos, NULL, 0.1, &o32), irk_ntxent_loss(ctx, &b16, &cos, NULL, 0.1, &o16));
    LOSS("supcon_loss", irk_supcon_loss(ctx, &b32, &cos, NULL, 0.1, &o32), irk_supcon_loss(ctx, &b16, &cos, NULL, 0.1, &o16));
    LOSS("triplet_margin_loss", irk_triplet_margin_loss(ctx, &b32, &cos, NULL, 0.05, 0, 0, &o32),
         irk_triplet_margin_loss(ctx, &b16, &cos, NULL, 0.05, 0, 0, &o16));
    if (ref) {
      expect(l32 != 0.f, "the float32 triplet loss is not trivially zero");
    }
    irk_mined *m32, *m16;
    irk_mined_create(&m32);
    irk_mined_create(&m16);
    s = irk_ms_miner(ctx, &b32, &cos, 0.1, m32) == IRK_OK && irk_ms_miner(ctx, &b16, &cos, 0.1, m16) == IRK_OK;
    snprintf(what, sizeof what, "%s ms_miner%s: same pairs", name, ref ? " (ref set)" : "");
    expect(s && same_tuples(m32, m16), what);
    s = irk_triplet_margin_miner(ctx, &b32, &l2, 0.5, IRK_TRIPLETS_SEMIHARD, m32) == IRK_OK &&
        irk_triplet_margin_miner(ctx, &b16, &l2, 0.5, IRK_TRIPLETS_SEMIHARD, m16) == IRK_OK;
    snprintf(what, sizeof what, "%s triplet_margin_miner%s: same triplets", name, ref ? " (ref set)" : "");
    expect(s && same_tuples(m32, m16), what);
    irk_mined_destroy(m32);
    irk_mined_destroy(m16);
  }
  /* irk_convert_to_f32 gives the values derived here, then pairwise on them equals pairwise on x. */
  float wide[ND], p32[N * N], p16[N * N];
  expect(irk_convert_to_f32(ctx, dt, x16, ND, wide) == IRK_OK && same_bits(wide, x, ND), "irk_convert_to_f32 values");
  expect(irk_pairwise(ctx, &cos, x, N, NULL, N, D, p32) == IRK_OK &&
             irk_pairwise(ctx, &cos, wide, N, NULL, N, D, p16) == IRK_OK && same_bits(p32, p16, N * N),
         "pairwise on converted values");
  /* NaN after widening is reported as for float32. */
  uint16_t bad[ND];
  memcpy(bad, x16, sizeof bad);
  bad[4 * D + 2] = dt == IRK_DTYPE_BF16 ? 0x7fc1 : 0x7e01;
  irk_batch bb = {(const float*)bad, xl, N, D, NULL, NULL, 0, dt};
  float l, g[ND];
  irk_loss_out o = {&l, g, NULL, NULL};
  expect(irk_ms_loss(ctx, &bb, &cos, NULL, 2, 50, 0.5, &o) == IRK_ERR_INVALID_ARGUMENT &&
             strstr(irk_last_error(), "batch.emb row 4 column 2 is NaN") != NULL,
         "a 16-bit NaN is reported at its row and column");
}

int main(void) {
  static float x[ND], y[MD];
  static uint16_t x16[ND], y16[MD];
  int64_t xl[N], yl[M];
  irk_context* ctx = NULL;
  srand(77);
  for (int i = 0; i < N; i++) xl[i] = i % 5;
  for (int i = 0; i < M; i++) yl[i] = (i * 3) % 5;
  if (irk_context_create(IRK_DEVICE_CPU, 0, 2, &ctx) != IRK_OK) {
    printf("FAIL context: %s\n", irk_last_error());
    return 1;
  }
  /* bf16: random floats, keep the upper halves. */
  for (int i = 0; i < ND; i++) x16[i] = bf16_bits((float)rand() / RAND_MAX * 4.0f - 2.0f), x[i] = bf16_value(x16[i]);
  for (int i = 0; i < MD; i++) y16[i] = bf16_bits((float)rand() / RAND_MAX * 4.0f - 2.0f), y[i] = bf16_value(y16[i]);
  check_dtype(ctx, IRK_DTYPE_BF16, "bf16", x16, y16, x, y, xl, yl);
  /* f16: normal values 2^-5 .. 2^6, a few subnormals. */
  for (int i = 0; i < ND; i++) x16[i] = f16_random(i % 11 == 0 ? 0 : 10, i % 11 == 0 ? 0 : 21), x[i] = f16_value(x16[i]);
  for (int i = 0; i < MD; i++) y16[i] = f16_random(10, 21), y[i] = f16_value(y16[i]);
  check_dtype(ctx, IRK_DTYPE_F16, "f16", x16, y16, x, y, xl, yl);

  /* Widening of special values. */
  const uint16_t h[6] = {0x7c00, 0xfc00, 0x0001, 0x8000, 0x3c00, 0x7bff};
  float out[6];
  expect(irk_convert_to_f32(ctx, IRK_DTYPE_F16, h, 6, out) == IRK_OK && isinf(out[0]) && out[0] > 0 && isinf(out[1]) &&
             out[1] < 0 && out[2] == ldexpf(1.f, -24) && out[3] == 0.f && signbit(out[3]) && out[4] == 1.f &&
             out[5] == 65504.f,
         "f16 Inf, subnormal, -0, 1, max");
  const uint16_t hb[3] = {0x3f80, 0xff80, 0x7fc0};
  expect(irk_convert_to_f32(ctx, IRK_DTYPE_BF16, hb, 3, out) == IRK_OK && out[0] == 1.f && isinf(out[1]) && out[1] < 0 &&
             isnan(out[2]),
         "bf16 1, -Inf, NaN");
  /* A bad dtype is an argument error. */
  irk_batch bad = {x, xl, N, D, NULL, NULL, 0, (irk_dtype)7};
  float l, g[ND];
  irk_loss_out o = {&l, g, NULL, NULL};
  const irk_distance cos = {IRK_DIST_COSINE, 1, 1.0};
  expect(irk_ms_loss(ctx, &bad, &cos, NULL, 2, 50, 0.5, &o) == IRK_ERR_INVALID_ARGUMENT &&
             strstr(irk_last_error(), "batch.dtype") != NULL,
         "dtype 7 is rejected");
  expect(irk_convert_to_f32(ctx, (irk_dtype)3, h, 6, out) == IRK_ERR_INVALID_ARGUMENT, "convert: dtype 3 is rejected");
  irk_context_destroy(ctx);
  return test_summary();
}
