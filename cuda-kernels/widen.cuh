// bf16/f16 batches on the device: every twin that takes an irk_batch starts with a WideBatch, which
// widens 16-bit embeddings once into stream-ordered float32 scratch (math/half_math.h) and hands
// the float32 kernels a float32 Batch; a float32 batch passes through untouched.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "core/check.h"

namespace irk {
namespace cuda {

// dst[i] = (float)src[i] for `count` values of `dtype`, in stream order.
void widen(cudaStream_t s, irk_dtype dtype, const void* src, int64_t count, float* dst);

class WideBatch {
 public:
  WideBatch(cudaStream_t s, const Batch& in);
  const Batch& get() const { return b_; }

 private:
  Batch b_;
  Scratch<float> x_, y_;
};

}  // namespace cuda
}  // namespace irk
