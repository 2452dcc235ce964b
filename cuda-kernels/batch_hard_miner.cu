// irk_batch_hard_miner's CUDA twin (cpu/batch_hard_miner.cpp): one block per anchor picks the
// hardest positive and negative exactly as mining_common.h's masked_max_per_row /
// masked_min_per_row scan the row (row_pick.cuh; ties: lowest index); the picks come back to the host, where
// the anchors that have both become the triplets (at most n, already in order). Streamed
// (stream.cuh, large batches): the same picks as one row pass over recomputed tiles.

#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "fused.cuh"
#include "row_pick.cuh"
#include "stream.cuh"

namespace irk {
namespace cuda {
namespace {

// One block per anchor: the hardest positive and negative (row_pick.cuh, as mining_common.h).
__global__ void __launch_bounds__(kThreads) hard_rows_kernel(LabelledMatrix h, int64_t* pick_pos, int64_t* pick_neg,
                                                             int* keep) {
  __shared__ int64_t shi[kThreads];
  __shared__ Pick shp[kThreads];
  const int64_t a = blockIdx.x;
  const float* s = h.row(a);
  // PML: the hardest positive is the max distance / min similarity, the hardest negative the opposite.
  const DevRowPick p = block_pick(s, h.m, !h.inv, [&](int64_t j) { return h.is_pos(a, j); }, shi, shp);
  const DevRowPick n = block_pick(s, h.m, h.inv, [&](int64_t j) { return h.is_neg(a, j); }, shi, shp);
  if (threadIdx.x == 0) {
    pick_pos[a] = p.index;
    pick_neg[a] = n.index;
    keep[a] = p.keep && n.keep;
  }
}

// ------------------------------------------------------------------ streamed (stream.cuh)

// block_pick's scan as a fold in column order: the best column after the last NaN seen so far
// (a NaN drops everything before it), the last NaN, and whether any column was allowed.
struct PickRun {
  Pick best;  // j -1: none
  int64_t last_nan;
  int any;
};

__device__ __forceinline__ void pick_fold(PickRun& a, const PickRun& b, bool use_max) {
  if (b.last_nan >= 0) {
    a.best = b.best;
    a.last_nan = b.last_nan;
  } else {
    a.best = PickOp{use_max}(a.best, b.best);
  }
  a.any |= b.any;
}

// Per anchor: the hardest positive and negative, as hard_rows_kernel picks them.
struct HardRows : RowsNoEmit {
  struct State {
    PickRun p, n;
  };
  PairLabels L;
  int64_t m;
  int64_t* pick_pos;
  int64_t* pick_neg;
  int* keep;

  // PML: the hardest positive is the max distance / min similarity, the hardest negative the opposite.
  __device__ bool pos_max() const { return !L.inv; }
  __device__ State init() const { return State{{{0.f, -1}, -1, 0}, {{0.f, -1}, -1, 0}}; }
  __device__ State part(int64_t i, const float* v, int64_t j0, int count) const {
    State a = init();
    for (int k = 0; k < count; ++k) {
      const int64_t j = j0 + k;
      const bool ok_p = L.is_pos(i, j), ok_n = L.is_neg(i, j);
      pick_fold(a.p, one(masked_value(v, k, ok_p, pos_max()), j, ok_p), pos_max());
      pick_fold(a.n, one(masked_value(v, k, ok_n, !pos_max()), j, ok_n), !pos_max());
    }
    return a;
  }
  __device__ static PickRun one(float v, int64_t j, bool ok) {
    return v != v ? PickRun{{0.f, -1}, j, ok} : PickRun{{v, j}, -1, ok};
  }
  __device__ void fold(State& a, const State& b) const {
    pick_fold(a.p, b.p, pos_max());
    pick_fold(a.n, b.n, !pos_max());
  }
  // block_pick's result: the NaN itself when it is the row's last column.
  __device__ static int64_t index(const PickRun& r, int64_t m) { return r.last_nan == m - 1 ? r.last_nan : r.best.j; }
  __device__ void finish(int64_t i, const State& a) const {
    pick_pos[i] = index(a.p, m);
    pick_neg[i] = index(a.n, m);
    keep[i] = a.p.any && a.n.any;
  }
};

// The anchors that have both picks, in order: (a, pick_pos[a], pick_neg[a]) at 3 * off[a].
__global__ void compact_triplets_kernel(const int64_t* off, const int64_t* pick_pos, const int64_t* pick_neg, int64_t n,
                                        int64_t* out) {
  for (int64_t a = global_thread(); a < n; a += global_stride()) {
    if (off[a + 1] == off[a]) continue;
    int64_t* t = out + 3 * off[a];
    t[0] = a;
    t[1] = pick_pos[a];
    t[2] = pick_neg[a];
  }
}

__global__ void widen_flags_kernel(const int* keep, int64_t n, int64_t* counts) {
  for (int64_t a = global_thread(); a < n; a += global_stride()) counts[a] = keep[a];
}

}  // namespace

DeviceTuples batch_hard_mine(BatchCall& call) {
  const bool streamed = call.streamed();
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  Scratch<int64_t> pick_pos(s, b.n), pick_neg(s, b.n);
  Scratch<int> keep(s, b.n);
  if (streamed) {
    stream_rows(s, call.T, HardRows{{}, call.labels(), b.m, pick_pos.get(), pick_neg.get(), keep.get()});
  } else {
    hard_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(call.labelled(), pick_pos.get(), pick_neg.get(), keep.get());
    IRK_LAUNCHED("hard_rows_kernel");
  }
  Scratch<int64_t> counts(s, b.n), off(s, b.n + 1);
  widen_flags_kernel<<<grid_for(b.n), kThreads, 0, s>>>(keep.get(), b.n, counts.get());
  IRK_LAUNCHED("widen_flags_kernel");
  exclusive_scan(s, counts.get(), b.n, off.get());
  DeviceTuples t;
  t.kind = IRK_TUPLES_TRIPLETS;
  int64_t count = 0;
  copy_to_host(s, &count, off.get() + b.n, 1);
  call.checks.raise();  // a deferred input check (BatchCall)
  t.allocate(s, count, 0);
  if (count > 0) {
    compact_triplets_kernel<<<grid_for(b.n), kThreads, 0, s>>>(off.get(), pick_pos.get(), pick_neg.get(), b.n,
                                                                t.first());
    IRK_LAUNCHED("compact_triplets_kernel");
  }
  return t;
}

void batch_hard_miner(const irk_context& ctx, const Batch& batch, const irk_distance& dist, irk_mined& out) {
  const bool streamed = use_streaming(batch.n, batch.m);
  BatchCall call(ctx, batch, dist, nullptr, streamed ? CallKind::kStreamed : CallKind::kMiner, true);
  batch_hard_mine(call).to_host(call.s, out);
}

}  // namespace cuda
}  // namespace irk
