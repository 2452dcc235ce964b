/* Per-call time of small CPU kernels with 1 and 2 threads (the cost of going parallel at small sizes):
 * MS miner + loss, batch-hard triplet loss and cosine pairwise, d = 128, B in {32, 128, 1024}.
 * Median of 9 timed runs of `reps` calls each. Not a ctest; run build/.../irkit_parallel_bench. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "irkit/irkit.h"

enum { D = 128, RUNS = 9 };

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* kernel 0: ms_miner_loss, 1: batch_hard_triplet_loss, 2: pairwise */
static int call(int kernel, irk_context* ctx, const irk_batch* b, float* grad, float* dist_out) {
  irk_distance cos = {IRK_DIST_COSINE, 1, 1.0};
  float loss;
  irk_loss_out o = {&loss, grad, NULL, NULL};
  if (kernel == 0) return irk_ms_miner_loss(ctx, b, &cos, 0.1, 2, 50, 0.5, NULL, &o);
  if (kernel == 1) return irk_batch_hard_triplet_loss(ctx, b, &cos, 0.05, 0, 0, NULL, &o);
  return irk_pairwise(ctx, &cos, b->emb, b->n, NULL, b->n, b->d, dist_out);
}

static double median_ms(int kernel, irk_context* ctx, const irk_batch* b, float* grad, float* dist_out, int reps) {
  double t[RUNS];
  for (int r = 0; r < RUNS; r++) {
    double t0 = now_s();
    for (int i = 0; i < reps; i++)
      if (call(kernel, ctx, b, grad, dist_out) != IRK_OK) {
        fprintf(stderr, "call failed: %s\n", irk_last_error());
        exit(1);
      }
    t[r] = (now_s() - t0) * 1e3 / reps;
  }
  qsort(t, RUNS, sizeof t[0], cmp);
  return t[RUNS / 2];
}

int main(void) {
  const char* names[] = {"ms_miner_loss", "batch_hard_triplet", "pairwise_cos"};
  const int sizes[] = {32, 128, 1024};
  irk_context *one = NULL, *two = NULL;
  if (irk_context_create(IRK_DEVICE_CPU, 0, 1, &one) != IRK_OK || irk_context_create(IRK_DEVICE_CPU, 0, 2, &two) != IRK_OK)
    return 1;
  printf("%-20s %6s %12s %12s %8s\n", "kernel", "B", "1 thr (ms)", "2 thr (ms)", "2/1");
  for (int s = 0; s < 3; s++) {
    int n = sizes[s];
    float* x = malloc(sizeof(float) * n * D);
    float* grad = malloc(sizeof(float) * n * D);
    float* dist_out = malloc(sizeof(float) * n * n);
    int64_t* y = malloc(sizeof(int64_t) * n);
    srand(7);
    for (int i = 0; i < n * D; i++) x[i] = (float)rand() / RAND_MAX * 2.0f - 1.0f;
    for (int i = 0; i < n; i++) y[i] = i / 4;
    irk_batch b = {x, y, n, D, NULL, NULL, 0};
    int reps = n <= 32 ? 400 : n <= 128 ? 60 : 2;
    for (int k = 0; k < 3; k++) {
      call(k, one, &b, grad, dist_out);
      call(k, two, &b, grad, dist_out);
      double t1 = median_ms(k, one, &b, grad, dist_out, reps), t2 = median_ms(k, two, &b, grad, dist_out, reps);
      printf("%-20s %6d %12.4f %12.4f %8.2f\n", names[k], n, t1, t2, t2 / t1);
    }
    free(x), free(grad), free(dist_out), free(y);
  }
  irk_context_destroy(one);
  irk_context_destroy(two);
  return 0;
}
