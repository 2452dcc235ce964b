// The start every twin that takes an irk_batch shares, so that a kernel file reads as: set up the
// call, run its own kernel(s), finish (loss_common.cuh). BatchCall makes the context's device
// current, takes its stream, widens 16-bit embeddings (widen.cuh), checks the inputs on the
// device (device_checks.cuh: waited for, or deferred to the call's first sync), then computes the
// distance matrix, or for a streamed call (stream.cuh) only prepares the operands its tiles are
// computed from.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "core/check.h"
#include "device_checks.cuh"
#include "distance.cuh"
#include "pairs.cuh"
#include "stream.cuh"
#include "widen.cuh"

namespace irk {
namespace cuda {

// The distance matrix with the labels that make its pairs (PairLabels), as the miners read it.
struct LabelledMatrix : PairLabels {
  const float* S;  // [n x m], PML's `mat`
  int64_t m;

  __device__ __forceinline__ const float* row(int64_t i) const { return S + i * m; }
};

// What the call needs for the distance matrix afterwards.
enum class CallKind {
  kMiner,     // forward only
  kLoss,      // keeps what distance_backward needs
  kStreamed,  // no matrix: the operands its tiles are computed from (stream.cuh)
};

struct BatchCall {
  // Checks the batch and, when given, the tuples' index ranges, then computes the [n x m]
  // distance matrix (kStreamed: prepares its tiles, in T). With defer_checks and no tuples (no
  // caller's indices to read, and NaN rows only make NaN values) the verdict comes back with the
  // call's first sync of its own, after which the call must call checks.raise(); else this waits
  // for it (one stream sync).
  BatchCall(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
            CallKind kind, bool defer_checks = false);
  BatchCall(const BatchCall&) = delete;
  BatchCall& operator=(const BatchCall&) = delete;

  // The pairs a loss sees (pairs.cuh's pair_mask): mined tuples counted into `pc`, else the labels.
  PairMask pair_mask(const irk_tuples* tuples) { return ::irk::cuda::pair_mask(s, b, tuples, pc); }
  // The same pairs for the streaming path: mined tuples as sorted lists in `sp`, else the labels.
  SparseMask sparse_mask(const irk_tuples* tuples) { return ::irk::cuda::sparse_mask(s, b, tuples, sp); }
  PairLabels labels() const { return PairLabels{b.xlab, b.ylab, b.self, !is_l2(dist_kind)}; }
  LabelledMatrix labelled() const { return LabelledMatrix{labels(), D.s, b.m}; }
  bool streamed() const { return kind == CallKind::kStreamed; }

  // In the order they are made (and unmade in reverse), as the locals they replace were.
  DeviceScope device;
  const cudaStream_t s;
  WideBatch wide;
  const Batch& b;  // float32 embeddings on the device
  DeviceChecks checks;
  const CallKind kind;
  const irk_distance_kind dist_kind;
  DevDist D;      // not kStreamed
  StreamDist T;   // kStreamed only
  PairCounts pc;  // filled by pair_mask
  SparsePairs sp;  // filled by sparse_mask
};

}  // namespace cuda
}  // namespace irk
