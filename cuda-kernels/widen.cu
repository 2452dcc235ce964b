// See widen.cuh; also irk_convert_to_f32's CUDA twin.
#include "core/cuda_kernels.h"
#include "math/half_math.h"
#include "widen.cuh"

namespace irk {
namespace cuda {
namespace {

__global__ void widen_kernel(int dtype, const void* src, int64_t count, float* dst) {
  for (int64_t i = global_thread(); i < count; i += global_stride())
    dst[i] = math::widen(static_cast<irk_dtype>(dtype), src, i);
}

}  // namespace

void widen(cudaStream_t s, irk_dtype dtype, const void* src, int64_t count, float* dst) {
  if (count <= 0) return;
  if (dtype == IRK_DTYPE_F32) {
    IRK_CUDA(cudaMemcpyAsync(dst, src, sizeof(float) * static_cast<size_t>(count), cudaMemcpyDeviceToDevice, s));
    return;
  }
  widen_kernel<<<grid_for(count), kThreads, 0, s>>>(static_cast<int>(dtype), src, count, dst);
  IRK_LAUNCHED("widen_kernel");
}

WideBatch::WideBatch(cudaStream_t s, const Batch& in) : b_(in) {
  if (in.dtype == IRK_DTYPE_F32) return;
  x_.allocate(s, in.n * in.d);
  widen(s, in.dtype, in.x, in.n * in.d, x_.get());
  b_.x = x_.get();
  if (in.self) {
    b_.y = b_.x;
  } else {
    y_.allocate(s, in.m * in.d);
    widen(s, in.dtype, in.y, in.m * in.d, y_.get());
    b_.y = y_.get();
  }
  b_.dtype = IRK_DTYPE_F32;
}

void convert_to_f32(const irk_context& ctx, irk_dtype dtype, const void* src, int64_t count, float* dst) {
  DeviceScope device(ctx);
  widen(stream_of(ctx), dtype, src, count, dst);
}

}  // namespace cuda
}  // namespace irk
