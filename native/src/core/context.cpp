#include "core/context.h"

#include <thread>

#include "core/cuda_runtime_probe.h"
#include "core/thread_pool.h"

namespace irk {

const irk_context& check_context(const irk_context* ctx) {
  if (ctx == nullptr) invalid("ctx is NULL (create one with irk_context_create)");
  return *ctx;
}

const irk_context& check_cpu_context(const irk_context* ctx) {
  const irk_context& c = check_context(ctx);
  if (c.device != IRK_DEVICE_CPU)
    fail(IRK_ERR_UNSUPPORTED, "this kernel has no CUDA implementation in this build; use a CPU context");
  return c;
}

void run_tasks(const irk_context& ctx, int64_t tasks, const std::function<void(int64_t)>& task) {
  if (ctx.pool != nullptr && ctx.pool->try_run(tasks, task)) return;
  for (int64_t t = 0; t < tasks; ++t) task(t);
}

}  // namespace irk

extern "C" irk_status irk_context_create(irk_device_type device, int device_index, int num_threads,
                                         irk_context** out) {
  return irk::guard("irk_context_create", [&] {
    if (out == nullptr) irk::invalid("out is NULL");
    *out = nullptr;
    if (device != IRK_DEVICE_CPU && device != IRK_DEVICE_CUDA)
      irk::invalid("device must be IRK_DEVICE_CPU (0) or IRK_DEVICE_CUDA (1), got %d", static_cast<int>(device));
    if (device_index < 0) irk::invalid("device_index must be >= 0, got %d", device_index);
    if (device == IRK_DEVICE_CUDA) irk::cuda_check_device(device_index);
    auto* ctx = new irk_context();
    ctx->device = device;
    ctx->device_index = device_index;
    int hw = static_cast<int>(std::thread::hardware_concurrency());
    ctx->num_threads = num_threads > 0 ? num_threads : (hw > 0 ? hw : 1);
    if (ctx->num_threads > 1) ctx->pool = new irk::ThreadPool(ctx->num_threads - 1);  // threads start on first use
    *out = ctx;
  });
}

extern "C" irk_status irk_context_destroy(irk_context* ctx) {
  return irk::guard("irk_context_destroy", [&] {
    if (ctx == nullptr) return;
    delete ctx->pool;  // joins the workers
    delete ctx;
  });
}

extern "C" irk_status irk_context_set_stream(irk_context* ctx, void* cuda_stream) {
  return irk::guard("irk_context_set_stream", [&] {
    if (ctx == nullptr) irk::invalid("ctx is NULL");
    if (ctx->device != IRK_DEVICE_CUDA) irk::invalid("a stream can only be set on a CUDA context");
    ctx->stream = cuda_stream;
  });
}

extern "C" irk_status irk_context_num_threads(const irk_context* ctx, int* out) {
  return irk::guard("irk_context_num_threads", [&] {
    if (out == nullptr) irk::invalid("out is NULL");
    *out = irk::check_context(ctx).num_threads;
  });
}

extern "C" irk_status irk_cuda_device_count(int* out) {
  return irk::guard("irk_cuda_device_count", [&] {
    if (out == nullptr) irk::invalid("out is NULL");
    *out = 0;
    *out = irk::cuda_device_count_or_fail();
  });
}

extern "C" int irk_has_cuda_build(void) { return irk::cuda_built() ? 1 : 0; }
