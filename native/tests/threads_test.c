/* Several host threads calling kernels on one shared 2-thread context at once (as the JVM does with
 * Context.defaultCpu()): every call gives the 1-thread result bit for bit. Then contexts created and
 * destroyed in a loop, used or not. With the thread sanitizer:
 *   cmake -S . -B build/tsan -DIRKIT_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS=-fsanitize=thread
 *     -DCMAKE_CXX_FLAGS=-fsanitize=thread && cmake --build build/tsan -j2 && ctest --test-dir build/tsan */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "irkit/irkit.h"
#include "test_util.h"

enum { N = 150, D = 64, HOSTS = 4, ITERS = 40 };
static float x[N * D];
static int64_t y[N];
static float ref_loss[2], ref_grad[2][N * D], ref_dist[N * N];
static irk_context* shared;

/* kernel 0: MS miner + loss, 1: batch-hard triplet loss; writes loss and grad */
static int run_loss(irk_context* ctx, int kernel, float* loss, float* grad) {
  irk_distance cos = {IRK_DIST_COSINE, 1, 1.0};
  irk_batch b = {x, y, N, D, NULL, NULL, 0};
  irk_loss_out o = {loss, grad, NULL, NULL};
  return kernel == 0 ? irk_ms_miner_loss(ctx, &b, &cos, 0.1, 2, 50, 0.5, NULL, &o)
                     : irk_batch_hard_triplet_loss(ctx, &b, &cos, 0.05, 0, 0, NULL, &o);
}

static int run_pairwise(irk_context* ctx, float* out) {
  irk_distance l2 = {IRK_DIST_L2, 1, 1.0};
  return irk_pairwise(ctx, &l2, x, N, NULL, N, D, out);
}

static void* host(void* arg) {
  int* mismatches = arg;
  static __thread float grad[N * D], dist[N * N];
  for (int i = 0; i < ITERS; i++) {
    int k = i % 2;
    float loss = -1;
    if (run_loss(shared, k, &loss, grad) != IRK_OK || loss != ref_loss[k] || memcmp(grad, ref_grad[k], sizeof grad) != 0)
      ++*mismatches;
    if (run_pairwise(shared, dist) != IRK_OK || memcmp(dist, ref_dist, sizeof dist) != 0) ++*mismatches;
  }
  return NULL;
}

int main(void) {
  srand(5);
  for (int i = 0; i < N * D; i++) x[i] = (float)rand() / RAND_MAX * 2.0f - 1.0f;
  for (int i = 0; i < N; i++) y[i] = i / 4;
  irk_context* one = NULL;
  expect(irk_context_create(IRK_DEVICE_CPU, 0, 1, &one) == IRK_OK && irk_context_create(IRK_DEVICE_CPU, 0, 2, &shared) == IRK_OK,
         "contexts");
  for (int k = 0; k < 2; k++) expect(run_loss(one, k, &ref_loss[k], ref_grad[k]) == IRK_OK, "1-thread reference loss");
  expect(run_pairwise(one, ref_dist) == IRK_OK, "1-thread reference distances");

  pthread_t t[HOSTS];
  int mismatches[HOSTS] = {0};
  for (int h = 0; h < HOSTS; h++) pthread_create(&t[h], NULL, host, &mismatches[h]);
  for (int h = 0; h < HOSTS; h++) pthread_join(t[h], NULL);
  for (int h = 0; h < HOSTS; h++) expect(mismatches[h] == 0, "concurrent calls on a shared context equal the 1-thread result");

  /* create / destroy: never used, used once (workers started), more threads than cores */
  int ok = 1;
  static float dist[N * N];
  for (int i = 0; i < 50; i++) {
    irk_context* c = NULL;
    ok = ok && irk_context_create(IRK_DEVICE_CPU, 0, 2 + i % 3, &c) == IRK_OK;
    if (i % 2) ok = ok && run_pairwise(c, dist) == IRK_OK && memcmp(dist, ref_dist, sizeof dist) == 0;
    ok = ok && irk_context_destroy(c) == IRK_OK;
  }
  expect(ok, "contexts created, used and destroyed in a loop");
  expect(irk_context_destroy(NULL) == IRK_OK, "destroying NULL is a no-op");
  irk_context_destroy(one);
  irk_context_destroy(shared);
  return test_summary();
}
