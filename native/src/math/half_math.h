// Widening of 16-bit embeddings (bfloat16, IEEE binary16) to float32, shared by the CPU
// conversion (core/check.cpp) and the CUDA twins (cuda-kernels/widen.cu). Both are exact: every
// bf16 and f16 value is a float32 value.
#pragma once
#include <stdint.h>
#include <string.h>

#include "irkit/irkit.h"
#include "math/irk_math.h"

namespace irk {
namespace math {

IRK_HD float float_from_bits(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
#endif
}

// bfloat16 is the upper half of a float32.
IRK_HD float bf16_to_f32(uint16_t h) { return float_from_bits(static_cast<uint32_t>(h) << 16); }

// binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.
IRK_HD float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  if (exp == 0x1fu) return float_from_bits(sign | 0x7f800000u | (mant << 13));  // Inf, NaN
  if (exp == 0) {  // zero or subnormal: mant * 2^-24, exact in float
    const float v = static_cast<float>(mant) * 5.9604644775390625e-08f;
    return sign ? -v : v;
  }
  return float_from_bits(sign | ((exp + 112u) << 23) | (mant << 13));
}

IRK_HD float widen(irk_dtype dtype, const void* src, int64_t i) {
  if (dtype == IRK_DTYPE_BF16) return bf16_to_f32(static_cast<const uint16_t*>(src)[i]);
  if (dtype == IRK_DTYPE_F16) return f16_to_f32(static_cast<const uint16_t*>(src)[i]);
  return static_cast<const float*>(src)[i];
}

}  // namespace math
}  // namespace irk
