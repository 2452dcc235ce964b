// The execution context (device, stream, CPU threads) and the CPU parallel loop.
#pragma once
#include <cstdint>
#include <exception>
#include <functional>
#include <vector>

#include "core/error.h"
#include "irkit/irkit.h"

namespace irk {
class ThreadPool;
}

struct irk_context {
  irk_device_type device = IRK_DEVICE_CPU;
  int device_index = 0;
  int num_threads = 1;
  void* stream = nullptr;
  irk::ThreadPool* pool = nullptr;  // num_threads - 1 workers (num_threads > 1); owned, see context.cpp
};

namespace irk {

const irk_context& check_context(const irk_context* ctx);
// True for a CUDA context: an entry point with a CUDA twin (core/cuda_kernels.h) then runs it.
inline bool on_cuda(const irk_context* ctx) { return ctx != nullptr && ctx->device == IRK_DEVICE_CUDA; }
// CPU kernels call this: a CUDA context reaching a CPU-only entry point is an error, not a crash.
const irk_context& check_cpu_context(const irk_context* ctx);

// Runs task(t) for t in [0, tasks), tasks <= ctx.num_threads, on the context's workers (t = 0 on
// the caller). When they are busy (another host thread's call on this context, or a nested
// parallel_for from inside a task) the caller runs the tasks itself, in order. task must not throw.
void run_tasks(const irk_context& ctx, int64_t tasks, const std::function<void(int64_t)>& task);

// Calls body(lo, hi) over [0, n) split into contiguous chunks, one per thread. Each index is
// processed exactly once, by code that does not depend on the split, so results do not depend on
// the thread count as long as body writes only to its own rows; the split depends only on n,
// min_chunk and ctx.num_threads, never on who runs the chunks. `min_chunk` keeps tiny loops on the
// calling thread. An exception from a chunk is rethrown here (the first chunk's, in order).
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
  run_tasks(ctx, threads, [&](int64_t t) {
    int64_t lo = n * t / threads, hi = n * (t + 1) / threads;
    try {
      body(lo, hi);
    } catch (...) {
      errors[static_cast<size_t>(t)] = std::current_exception();
    }
  });
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace irk
