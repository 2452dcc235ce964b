// irk::parallel_for on a context's pool, built from the core sources (parallel_for is internal):
// the split, exceptions from a worker's chunk, nested calls, several host threads on one context.
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/context.h"

static int passed = 0, failed = 0;
static void expect(bool ok, const char* what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::printf("FAIL %s\n", what);
  }
}

int main() {
  irk_context* ctx = nullptr;
  expect(irk_context_create(IRK_DEVICE_CPU, 0, 3, &ctx) == IRK_OK, "context");
  const irk_context& c = *ctx;

  // the split: chunk t is [n t / 3, n (t + 1) / 3)
  std::vector<int64_t> lo(3, -1), hi(3, -1);
  irk::parallel_for(c, 100, 1, [&](int64_t a, int64_t b) {
    int t = a == 0 ? 0 : a == 33 ? 1 : 2;
    lo[t] = a, hi[t] = b;
  });
  expect(lo == std::vector<int64_t>{0, 33, 66} && hi == std::vector<int64_t>{33, 66, 100}, "split n t / threads");

  // an exception from a worker's chunk reaches the caller; the pool keeps working after it
  bool caught = false;
  try {
    irk::parallel_for(c, 90, 1, [&](int64_t a, int64_t) {
      if (a == 60) throw std::runtime_error("chunk 2");
    });
  } catch (const std::runtime_error& e) {
    caught = std::string(e.what()) == "chunk 2";
  }
  expect(caught, "exception from a worker rethrown on the caller");

  // nested: runs inline, every (i, j) once
  std::vector<std::atomic<int>> hits(64 * 64);
  irk::parallel_for(c, 64, 1, [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i)
      irk::parallel_for(c, 64, 1, [&](int64_t p, int64_t q) {
        for (int64_t j = p; j < q; ++j) hits[i * 64 + j]++;
      });
  });
  bool once = true;
  for (auto& h : hits) once = once && h == 1;
  expect(once, "nested parallel_for covers each index once");

  // several host threads on the one context
  std::atomic<int> bad{0};
  std::vector<std::thread> hosts;
  for (int h = 0; h < 4; ++h)
    hosts.emplace_back([&, h] {
      for (int it = 0; it < 500; ++it) {
        int64_t n = 1000 + h * 7 + it;
        std::vector<int> seen(static_cast<size_t>(n), 0);
        irk::parallel_for(c, n, 1, [&](int64_t a, int64_t b) {
          for (int64_t i = a; i < b; ++i) seen[static_cast<size_t>(i)]++;
        });
        for (int s : seen)
          if (s != 1) bad++;
      }
    });
  for (auto& t : hosts) t.join();
  expect(bad == 0, "concurrent parallel_for from 4 host threads");

  expect(irk_context_destroy(ctx) == IRK_OK, "destroy joins the workers");
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
