// How often a CUDA twin makes the host wait (irk_emu::host_waits: copies that return only when
// done, and syncs with work queued since the last wait; a sync on an idle stream returns at once).
// On a GPU each wait is a round trip costing about as much as a B = 1024 SGEMM, so the
// targets of the fused calls depend on these counts: this test holds each call to its design.
// Only the counts are asserted (launches are printed: each costs the host a few microseconds).
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "emulator_test_util.h"
#include "irkit/irkit.h"

namespace {

int g_failures = 0;

// The call must succeed and wait at most `allowed` times.
void expect_waits(const char* what, long allowed, const std::function<irk_status()>& call) {
  const long before = irk_emu::host_waits(), launched = irk_emu::launches();
  const irk_status st = call();
  const long waits = irk_emu::host_waits() - before;
  const bool ok = st == IRK_OK && waits <= allowed;
  if (!ok) ++g_failures;
  std::printf("%s %-28s %ld host waits (allowed %ld), %ld launches and memsets%s%s\n", ok ? "PASS" : "FAIL", what,
              waits, allowed, irk_emu::launches() - launched, st == IRK_OK ? "" : ", failed: ",
              st == IRK_OK ? "" : irk_last_error());
}

}  // namespace

int main() {
  const int64_t n = 64, d = 16;
  const char* stream_env = std::getenv("IRKIT_CUDA_STREAM");
  const bool streamed = stream_env && std::strcmp(stream_env, "1") == 0;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<float> x(static_cast<size_t>(n * d));
  for (float& v : x) v = normal(rng);
  std::vector<int64_t> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) labels[static_cast<size_t>(i)] = i / 4;
  float* dx = device_copy(x);
  int64_t* dl = device_copy(labels);
  float* loss = device_copy(std::vector<float>(1));
  float* grad = device_copy(std::vector<float>(x.size()));

  irk_context* ctx = nullptr;
  if (irk_context_create(IRK_DEVICE_CUDA, 0, 0, &ctx) != IRK_OK) {
    std::printf("no CUDA context: %s\n", irk_last_error());
    return 1;
  }
  irk_mined* mined = nullptr;
  irk_mined_create(&mined);
  const irk_batch b{dx, dl, n, d, nullptr, nullptr, 0, IRK_DTYPE_F32};
  const irk_distance cos{IRK_DIST_COSINE, 1, 1.0};
  irk_loss_out out{loss, grad, nullptr, nullptr};
  // Warm the per-thread pinned pool first (its allocation is not a wait, but keep counts steady).
  irk_ms_loss(ctx, &b, &cos, nullptr, 2, 50, 0.5, &out);

  // Pair and triplet losses on labels: the input check, the totals and the gradient check share
  // the one sync that returns the loss (the means' scales are computed on the device).
  expect_waits("irk_ms_loss", 1, [&] { return irk_ms_loss(ctx, &b, &cos, nullptr, 2, 50, 0.5, &out); });
  // The loss into host memory: written by the call itself, the same value, no wait more.
  float host_loss = -1.f, device_loss = -1.f;
  irk_loss_out host_out{&host_loss, grad, nullptr, nullptr};
  expect_waits("irk_ms_loss, host out.loss", 1, [&] {
    return irk_ms_loss(ctx, &b, &cos, nullptr, 2, 50, 0.5, &host_out);
  });
  cudaMemcpy(&device_loss, loss, sizeof(float), cudaMemcpyDeviceToHost);
  if (host_loss != device_loss) {
    ++g_failures;
    std::printf("FAIL host out.loss %g differs from the device one %g\n", host_loss, device_loss);
  }
  expect_waits("irk_contrastive_loss", 1, [&] { return irk_contrastive_loss(ctx, &b, &cos, nullptr, 1, 0, &out); });
  expect_waits("irk_triplet_margin_loss", 1, [&] {
    return irk_triplet_margin_loss(ctx, &b, &cos, nullptr, 0.05, 0, 0, &out);
  });
  expect_waits("irk_ntxent_loss", 1, [&] { return irk_ntxent_loss(ctx, &b, &cos, nullptr, 0.07, &out); });
  expect_waits("irk_supcon_loss", 1, [&] { return irk_supcon_loss(ctx, &b, &cos, nullptr, 0.1, &out); });
  expect_waits("irk_circle_loss", 1, [&] { return irk_circle_loss(ctx, &b, &cos, nullptr, 0.4, 80, &out); });
  expect_waits("irk_tcm_loss", 1, [&] { return irk_tcm_loss(ctx, &b, &cos, nullptr, 1, 1, 0.9, 0.5, &out); });
  // Caller's tuples (device indices) are range-checked before any kernel reads them: one more wait.
  const std::vector<int64_t> pairs{0, 1, 2, 3, 4, 5};
  int64_t* dp = device_copy(pairs);
  irk_tuples t{};
  t.kind = IRK_TUPLES_PAIRS;
  t.pos = dp;
  t.n_pos = 2;
  t.neg = dp + 2;
  t.n_neg = 2;
  expect_waits("irk_contrastive_loss + tuples", 2, [&] { return irk_contrastive_loss(ctx, &b, &cos, &t, 1, 0, &out); });
  // No pair list: the loss reads the miner's rule from its row statistics; one sync for all.
  // Streamed (IRKIT_CUDA_STREAM=1) it mines the list on the device first: its counts are a wait.
  expect_waits("irk_ms_miner_loss", streamed ? 2 : 1, [&] {
    return irk_ms_miner_loss(ctx, &b, &cos, 0.1, 2, 50, 0.5, nullptr, &out);
  });
  // With the list asked for: the mining counts, the loss's sync, and the list's one copy back.
  expect_waits("irk_ms_miner_loss + mined", 3, [&] {
    return irk_ms_miner_loss(ctx, &b, &cos, 0.1, 2, 50, 0.5, mined, &out);
  });
  // Miners: the counts (which size the lists), then the lists in one copy.
  expect_waits("irk_ms_miner", 2, [&] { return irk_ms_miner(ctx, &b, &cos, 0.1, mined); });
  expect_waits("irk_pair_margin_miner", 2, [&] { return irk_pair_margin_miner(ctx, &b, &cos, 0.2, 0.8, mined); });
  // The triplet count (it sizes the list), then the loss's one sync (its mean's scale is applied on
  // the device after the backward).
  expect_waits("irk_batch_hard_triplet_loss", 2, [&] {
    return irk_batch_hard_triplet_loss(ctx, &b, &cos, 0.05, 0, 0, nullptr, &out);
  });

  // Classifier and proxy losses: the labels check (kernels clamp a bad label until it is raised),
  // the loss and the gradient check in one sync.
  const int64_t classes = n / 4;
  std::vector<float> w(static_cast<size_t>(d * classes));
  for (float& v : w) v = normal(rng);
  float* dw = device_copy(w);
  float* gw = device_copy(std::vector<float>(w.size()));
  irk_loss_out cls_out{loss, grad, nullptr, gw};
  expect_waits("irk_cosface_loss", 1, [&] {
    return irk_cosface_loss(ctx, dx, dl, n, d, dw, classes, nullptr, 0.35, 64, &cls_out);
  });
  expect_waits("irk_proxy_anchor_loss", 1, [&] {
    return irk_proxy_anchor_loss(ctx, dx, dl, n, d, dw, classes, nullptr, 0.1, 32, &cls_out);
  });

  irk_mined_destroy(mined);
  irk_context_destroy(ctx);
  std::printf("%s (%d failures)\n", g_failures ? "FAILED" : "round-trip test passed", g_failures);
  return g_failures ? 1 : 0;
}
