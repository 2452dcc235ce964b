// The start every twin that takes an irk_batch shares, so that a kernel file reads as: set up the
// call, run its own kernel(s), finish (loss_common.cuh). BatchCall makes the context's device
// current, takes its stream, widens 16-bit embeddings (widen.cuh), checks the inputs on the
// device and waits for the verdict (device_checks.cuh), then computes the distance matrix.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "core/check.h"
#include "device_checks.cuh"
#include "distance.cuh"
#include "pairs.cuh"
#include "widen.cuh"

namespace irk {
namespace cuda {

// The distance matrix with the labels that make its pairs, as the miners read it: (i, j) is a
// positive when the labels agree (never (i, i) when reference = query), a negative when they
// differ.
struct LabelledMatrix {
  const float* S;  // [n x m], PML's `mat`
  int64_t m;
  const int64_t* xlab;
  const int64_t* ylab;
  bool self;
  bool inv;  // similarity: larger is closer

  __device__ __forceinline__ bool is_pos(int64_t i, int64_t j) const { return xlab[i] == ylab[j] && !(self && i == j); }
  __device__ __forceinline__ bool is_neg(int64_t i, int64_t j) const { return xlab[i] != ylab[j]; }
  __device__ __forceinline__ const float* row(int64_t i) const { return S + i * m; }
};

// What the call needs for the distance matrix afterwards.
enum class CallKind {
  kMiner,  // forward only
  kLoss,   // keeps what distance_backward needs
};

struct BatchCall {
  // Checks the batch and, when given, the tuples' index ranges (one stream sync), then computes
  // the [n x m] distance matrix.
  BatchCall(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
            CallKind kind);
  BatchCall(const BatchCall&) = delete;
  BatchCall& operator=(const BatchCall&) = delete;

  // The pairs a loss sees (pairs.cuh's pair_mask): mined tuples counted into `pc`, else the labels.
  PairMask pair_mask(const irk_tuples* tuples) { return ::irk::cuda::pair_mask(s, b, tuples, pc); }
  LabelledMatrix labelled() const { return LabelledMatrix{D.s, b.m, b.xlab, b.ylab, b.self, D.inverted}; }

  // In the order they are made (and unmade in reverse), as the locals they replace were.
  DeviceScope device;
  const cudaStream_t s;
  WideBatch wide;
  const Batch& b;  // float32 embeddings on the device
  DeviceChecks checks;
  DevDist D;
  PairCounts pc;  // filled by pair_mask
};

}  // namespace cuda
}  // namespace irk
