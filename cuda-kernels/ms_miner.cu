// irk_ms_miner's CUDA twin (cpu/ms_miner.cpp). One block per row finds the row's closest negative
// and farthest positive and counts the pairs it keeps; a scan gives each row its place; the total
// comes back to the host (the one count the call returns), and a second pass per row writes the
// pairs in order, so they land sorted in the host vectors. Streamed (stream.cuh, large batches):
// the same three steps as row passes over recomputed tiles (extremes, counts, fill).
#include <cmath>

#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "fused.cuh"
#include "math/pair_math.h"
#include "stream.cuh"

namespace irk {
namespace cuda {
namespace {

struct MsMine : LabelledMatrix {
  float eps;
};


// The closer / farther of two values; NaN never wins (cpu: is_closer is false against NaN).
struct Closer {
  bool inv;
  __device__ float operator()(float a, float b) const { return math::is_closer(inv, b, a) ? b : a; }
};
struct Farther {
  bool inv;
  __device__ float operator()(float a, float b) const { return math::is_closer(inv, a, b) ? b : a; }
};

__device__ __forceinline__ bool keep_pos(const MsMine& a, const float* s, int64_t i, int64_t j, float best_neg) {
  return a.is_pos(i, j) && math::ms_keep_pos(a.inv, s[j], a.eps, best_neg);
}
__device__ __forceinline__ bool keep_neg(const MsMine& a, const float* s, int64_t i, int64_t j, float worst_pos) {
  return a.is_neg(i, j) && math::ms_keep_neg(a.inv, s[j], a.eps, worst_pos);
}

// Per row: closest negative, farthest positive (+-inf when none), whether the row has any positive
// / negative pair, and how many pairs of each kind it keeps.
__global__ void __launch_bounds__(kThreads) ms_rows_kernel(MsMine a, float* best_neg, float* worst_pos,
                                                           int64_t* n_pos, int64_t* n_neg, int* any) {
  __shared__ float shf[kThreads];
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  const float* s = a.S + i * a.m;
  float bn = a.inv ? -INFINITY : INFINITY, wp = a.inv ? INFINITY : -INFINITY;
  int64_t has_pos = 0, has_neg = 0;
  for (int64_t j = threadIdx.x; j < a.m; j += blockDim.x) {
    if (a.is_neg(i, j)) {
      has_neg = 1;
      if (math::is_closer(a.inv, s[j], bn)) bn = s[j];
    }
    if (a.is_pos(i, j)) {
      has_pos = 1;
      if (math::is_closer(a.inv, wp, s[j])) wp = s[j];
    }
  }
  bn = block_reduce(bn, Closer{a.inv}, shf);
  wp = block_reduce(wp, Farther{a.inv}, shf);
  has_pos = block_reduce(has_pos, MaxOp(), shi);
  has_neg = block_reduce(has_neg, MaxOp(), shi);
  int64_t kp = 0, kn = 0;
  for (int64_t j = threadIdx.x; j < a.m; j += blockDim.x) {
    kp += keep_pos(a, s, i, j, bn);
    kn += keep_neg(a, s, i, j, wp);
  }
  kp = block_reduce(kp, SumOp(), shi);
  kn = block_reduce(kn, SumOp(), shi);
  if (threadIdx.x == 0) {
    best_neg[i] = bn;
    worst_pos[i] = wp;
    n_pos[i] = kp;
    n_neg[i] = kn;
    if (has_pos) atomicOr(&any[0], 1);
    if (has_neg) atomicOr(&any[1], 1);
  }
}

// Writes row i's kept pairs (i, j) at out + 2 * off[i], in column order (a block-wide scan).
__global__ void __launch_bounds__(kThreads) ms_fill_kernel(MsMine a, const float* best_neg, const float* worst_pos,
                                                           const int64_t* pos_off, const int64_t* neg_off,
                                                           int64_t* pos, int64_t* neg) {
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  const float* s = a.S + i * a.m;
  const float bn = best_neg[i], wp = worst_pos[i];
  int64_t at_pos = pos_off[i], at_neg = neg_off[i];
  for (int64_t base = 0; base < a.m; base += blockDim.x) {
    const int64_t j = base + threadIdx.x;
    const int64_t kp = j < a.m && keep_pos(a, s, i, j, bn);
    const int64_t kn = j < a.m && keep_neg(a, s, i, j, wp);
    int64_t total_p = 0, total_n = 0;
    const int64_t ep = block_exclusive_scan(kp, shi, &total_p);
    const int64_t en = block_exclusive_scan(kn, shi, &total_n);
    if (kp) {
      pos[2 * (at_pos + ep)] = i;
      pos[2 * (at_pos + ep) + 1] = j;
    }
    if (kn) {
      neg[2 * (at_neg + en)] = i;
      neg[2 * (at_neg + en) + 1] = j;
    }
    at_pos += total_p;
    at_neg += total_n;
  }
}

// ------------------------------------------------------------------ streamed (stream.cuh)

// Pass 1 per row: the closest negative, the farthest positive, whether the row has any of each.
struct MsStatRows : RowsNoEmit {
  struct State {
    float bn, wp;
    int has_pos, has_neg;
  };
  PairLabels L;
  float* best_neg;
  float* worst_pos;
  int* any;

  __device__ State init() const {
    const float far = L.inv ? -INFINITY : INFINITY;  // never closer than anything
    return State{far, -far, 0, 0};
  }
  __device__ State part(int64_t i, const float* v, int64_t j0, int count) const {
    State a = init();
    for (int k = 0; k < count; ++k) {
      if (L.is_neg(i, j0 + k)) {
        a.has_neg = 1;
        if (math::is_closer(L.inv, v[k], a.bn)) a.bn = v[k];
      }
      if (L.is_pos(i, j0 + k)) {
        a.has_pos = 1;
        if (math::is_closer(L.inv, a.wp, v[k])) a.wp = v[k];
      }
    }
    return a;
  }
  __device__ void fold(State& a, const State& b) const {
    a.bn = Closer{L.inv}(a.bn, b.bn);
    a.wp = Farther{L.inv}(a.wp, b.wp);
    a.has_pos |= b.has_pos;
    a.has_neg |= b.has_neg;
  }
  __device__ void finish(int64_t i, const State& a) const {
    best_neg[i] = a.bn;
    worst_pos[i] = a.wp;
    if (a.has_pos) atomicOr(&any[0], 1);
    if (a.has_neg) atomicOr(&any[1], 1);
  }
};

// Pass 2 per row: how many pairs of each kind it keeps.
struct MsCountRows : RowsNoEmit {
  struct State {
    int64_t kp, kn;
  };
  PairLabels L;
  float eps;
  const float* best_neg;
  const float* worst_pos;
  int64_t* n_pos;
  int64_t* n_neg;

  __device__ bool keep_pos(int64_t i, int64_t j, float v) const {
    return L.is_pos(i, j) && math::ms_keep_pos(L.inv, v, eps, best_neg[i]);
  }
  __device__ bool keep_neg(int64_t i, int64_t j, float v) const {
    return L.is_neg(i, j) && math::ms_keep_neg(L.inv, v, eps, worst_pos[i]);
  }
  __device__ State init() const { return State{0, 0}; }
  __device__ State part(int64_t i, const float* v, int64_t j0, int count) const {
    State a = init();
    for (int k = 0; k < count; ++k) {
      a.kp += keep_pos(i, j0 + k, v[k]);
      a.kn += keep_neg(i, j0 + k, v[k]);
    }
    return a;
  }
  __device__ void fold(State& a, const State& b) const {
    a.kp += b.kp;
    a.kn += b.kn;
  }
  __device__ void finish(int64_t i, const State& a) const {
    n_pos[i] = a.kp;
    n_neg[i] = a.kn;
  }
};

// Pass 3: the same counts, each chunk writing its kept pairs (i, j) in column order after the
// row's earlier ones, at out + 2 * (off[i] + before).
struct MsFillRows : MsCountRows {
  const int64_t* pos_off;
  const int64_t* neg_off;
  int64_t* pos;
  int64_t* neg;

  __device__ void emit(int64_t i, const float* v, int64_t j0, int count, const State& before) const {
    int64_t at_pos = pos_off[i] + before.kp, at_neg = neg_off[i] + before.kn;
    for (int k = 0; k < count; ++k) {
      const int64_t j = j0 + k;
      if (keep_pos(i, j, v[k])) pos[2 * at_pos] = i, pos[2 * at_pos + 1] = j, ++at_pos;
      if (keep_neg(i, j, v[k])) neg[2 * at_neg] = i, neg[2 * at_neg + 1] = j, ++at_neg;
    }
  }
  __device__ void finish(int64_t, const State&) const {}
};

}  // namespace

MsStats::MsStats(cudaStream_t s, int64_t n)
    : best_neg(s, n), worst_pos(s, n), n_pos(s, n), n_neg(s, n), any(s, 2) {}

void ms_mine_stats(BatchCall& call, float eps, MsStats& st) {
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  st.any.zero();
  if (call.streamed()) {
    stream_rows(s, call.T, MsStatRows{{}, call.labels(), st.best_neg.get(), st.worst_pos.get(), st.any.get()});
    stream_rows(s, call.T, MsCountRows{{}, call.labels(), eps, st.best_neg.get(), st.worst_pos.get(), st.n_pos.get(),
                                       st.n_neg.get()});
  } else {
    ms_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(MsMine{call.labelled(), eps}, st.best_neg.get(),
                                                         st.worst_pos.get(), st.n_pos.get(), st.n_neg.get(),
                                                         st.any.get());
    IRK_LAUNCHED("ms_rows_kernel");
  }
}

DeviceTuples ms_mine(BatchCall& call, double epsilon) {
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const float eps = static_cast<float>(epsilon);
  MsStats st(s, b.n);
  ms_mine_stats(call, eps, st);
  Scratch<int64_t> pos_off(s, b.n + 1), neg_off(s, b.n + 1);
  exclusive_scan(s, st.n_pos.get(), b.n, pos_off.get());
  exclusive_scan(s, st.n_neg.get(), b.n, neg_off.get());
  Pinned<int64_t> totals(2);
  Pinned<int> any_h(2);
  copy_to_host_async(s, totals.get(), pos_off.get() + b.n, 1);
  copy_to_host_async(s, totals.get() + 1, neg_off.get() + b.n, 1);
  copy_to_host(s, any_h.get(), st.any.get(), 2);
  call.checks.raise();  // a deferred input check (BatchCall)
  DeviceTuples t;
  if (!any_h[0] || !any_h[1]) return t;  // PML returns nothing at all
  t.allocate(s, totals[0], totals[1]);
  if (call.streamed()) {
    const MsCountRows count{{}, call.labels(), eps, st.best_neg.get(), st.worst_pos.get(), st.n_pos.get(),
                            st.n_neg.get()};
    stream_rows(s, call.T, MsFillRows{count, pos_off.get(), neg_off.get(), t.first(), t.second()});
  } else {
    ms_fill_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(MsMine{call.labelled(), eps}, st.best_neg.get(),
                                                         st.worst_pos.get(), pos_off.get(), neg_off.get(),
                                                         t.first(), t.second());
    IRK_LAUNCHED("ms_fill_kernel");
  }
  return t;
}

void ms_miner(const irk_context& ctx, const Batch& batch, const irk_distance& dist, double epsilon, irk_mined& out) {
  const bool streamed = use_streaming(batch.n, batch.m);
  BatchCall call(ctx, batch, dist, nullptr, streamed ? CallKind::kStreamed : CallKind::kMiner, true);
  ms_mine(call, epsilon).to_host(call.s, out);
}

}  // namespace cuda
}  // namespace irk
