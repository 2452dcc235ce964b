// The execution context (device, stream, CPU threads) and the CPU parallel loop.
#pragma once
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "core/error.h"
#include "irkit/irkit.h"

struct irk_context {
  irk_device_type device = IRK_DEVICE_CPU;
  int device_index = 0;
  int num_threads = 1;
  void* stream = nullptr;
};

namespace irk {

const irk_context& check_context(const irk_context* ctx);
// True for a CUDA context: an entry point with a CUDA twin (core/cuda_kernels.h) then runs it.
inline bool on_cuda(const irk_context* ctx) { return ctx != nullptr && ctx->device == IRK_DEVICE_CUDA; }
// CPU kernels call this: a CUDA context reaching a CPU-only entry point is an error, not a crash.
const irk_context& check_cpu_context(const irk_context* ctx);

// Calls body(lo, hi) over [0, n) split into contiguous chunks, one per thread. Each index is
// processed exactly once, by code that does not depend on the split, so results do not depend on
// the thread count as long as body writes only to its own rows. `min_chunk` keeps tiny loops on
// the calling thread.
template <class F>
void parallel_for(const irk_context& ctx, int64_t n, int64_t min_chunk, F&& body) {
  if (n <= 0) return;
  int64_t threads = ctx.num_threads;
  if (min_chunk < 1) min_chunk = 1;
  if (threads > n / min_chunk) threads = n / min_chunk;
  if (threads <= 1) {
    body(int64_t{0}, n);
    return;
  }
  std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  auto run = [&](int64_t t) {
    int64_t lo = n * t / threads, hi = n * (t + 1) / threads;
    try {
      body(lo, hi);
    } catch (...) {
      errors[static_cast<size_t>(t)] = std::current_exception();
    }
  };
  for (int64_t t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace irk
