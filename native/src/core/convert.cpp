// irk_convert_to_f32: bf16/f16 embeddings widened to float32 (math/half_math.h), on the host or,
// for a CUDA context, on the device.
#include "core/check.h"
#include "core/context.h"
#include "core/cuda_kernels.h"

extern "C" irk_status irk_convert_to_f32(const irk_context* ctx, irk_dtype dtype, const void* src, int64_t count,
                                         float* dst) {
  return irk::guard("irk_convert_to_f32", [&] {
    const bool cuda = irk::on_cuda(ctx);
    const irk_context& c = cuda ? *ctx : irk::check_cpu_context(ctx);
    irk::check_dtype(dtype, "dtype");
    irk::check_ptr(src, "src");
    irk::check_ptr(dst, "dst");
    irk::check_size(count, "count");
    if (cuda) return irk::cuda::convert_to_f32(c, dtype, src, count, dst);
    irk::parallel_for(c, count, int64_t{1} << 16, [&](int64_t lo, int64_t hi) {
      irk::widen_to_f32(dtype, static_cast<const char*>(src) + lo * (dtype == IRK_DTYPE_F32 ? 4 : 2), hi - lo,
                        dst + lo);
    });
  });
}
