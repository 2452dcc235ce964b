// irk_batch_easy_hard_miner's CUDA twin (cpu/batch_easy_hard_miner.cpp): one block per anchor
// makes the one-per-row picks with row_pick.cuh (the semihard side limited by the other side's
// pick, the ranges applied, as math/pair_math.h decides); the picks come back to the host, which
// forms the pairs in anchor order. A side whose strategy is "all" is every labelled pair of that
// side, collected on the device (collect.cuh).
#include <vector>

#include "call_setup.cuh"
#include "collect.cuh"
#include "core/cuda_kernels.h"
#include "row_pick.cuh"

namespace irk {
namespace cuda {
namespace {

struct Beh {
  LabelledMatrix L;
  irk_strategy ps, ns;
  bool pos_max, neg_max;
  math::ValueRange pr, nr;
};

// A side's pick; thr (semihard only) drops columns at or past the other side's pick.
template <class IsPair>
__device__ DevRowPick side_pick(const float* s, int64_t m, bool use_max, const math::ValueRange& range, bool has_thr,
                                float thr, IsPair&& is_pair, int64_t* shi, Pick* shp) {
  return block_pick(s, m, use_max, [&](int64_t j) {
    if (!is_pair(j)) return false;
    const float v = s[j];
    if (has_thr && math::semihard_drops(use_max, v, thr)) return false;
    return math::in_range(range, v);
  }, shi, shp);
}

// picks[a], picks[n + a]: the positive's index and whether it is kept; picks[2n + a], picks[3n + a]:
// the negative's (one buffer: one copy back).
__global__ void __launch_bounds__(kThreads) beh_rows_kernel(Beh h, int64_t n, int64_t* picks) {
  __shared__ int64_t shi[kThreads];
  __shared__ Pick shp[kThreads];
  const int64_t a = blockIdx.x;
  const int64_t m = h.L.m;
  const float* s = h.L.row(a);
  auto p_ok = [&](int64_t j) { return h.L.is_pos(a, j); };
  auto n_ok = [&](int64_t j) { return h.L.is_neg(a, j); };
  DevRowPick P{0.f, 0, false}, N{0.f, 0, false};
  if (h.ps == IRK_STRATEGY_SEMIHARD) {  // negatives first, positives limited by them
    N = side_pick(s, m, h.neg_max, h.nr, false, 0.f, n_ok, shi, shp);
    P = side_pick(s, m, h.pos_max, h.pr, true, N.value, p_ok, shi, shp);
  } else if (h.ns == IRK_STRATEGY_SEMIHARD) {  // positives first
    P = side_pick(s, m, h.pos_max, h.pr, false, 0.f, p_ok, shi, shp);
    N = side_pick(s, m, h.neg_max, h.nr, true, P.value, n_ok, shi, shp);
  } else {
    if (h.ps != IRK_STRATEGY_ALL) P = side_pick(s, m, h.pos_max, h.pr, false, 0.f, p_ok, shi, shp);
    if (h.ns != IRK_STRATEGY_ALL) N = side_pick(s, m, h.neg_max, h.nr, false, 0.f, n_ok, shi, shp);
  }
  if (threadIdx.x == 0) {
    picks[a] = P.index;
    picks[n + a] = P.keep;
    picks[2 * n + a] = N.index;
    picks[3 * n + a] = N.keep;
  }
}

struct LabelKeep {
  LabelledMatrix L;
  bool pos;
  __device__ bool operator()(int64_t i, int64_t j) const { return pos ? L.is_pos(i, j) : L.is_neg(i, j); }
};

}  // namespace

void batch_easy_hard_miner(const irk_context& ctx, const Batch& batch, const irk_distance& dist,
                           irk_strategy pos_strategy, irk_strategy neg_strategy, const math::ValueRange& pos_range,
                           const math::ValueRange& neg_range, irk_mined& out) {
  BatchCall call(ctx, batch, dist, nullptr, CallKind::kMiner, true);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const LabelledMatrix L = call.labelled();
  const bool pos_all = pos_strategy == IRK_STRATEGY_ALL, neg_all = neg_strategy == IRK_STRATEGY_ALL;
  const Beh h{L, pos_strategy, neg_strategy, math::beh_pos_uses_max(pos_strategy, L.inv),
              math::beh_neg_uses_max(neg_strategy, L.inv), pos_range, neg_range};
  Scratch<int64_t> picks(s, 4 * b.n);
  beh_rows_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(h, b.n, picks.get());
  IRK_LAUNCHED("beh_rows_kernel");
  const size_t n = static_cast<size_t>(b.n);
  std::vector<int64_t> host(4 * n);
  copy_to_host(s, host.data(), picks.get(), 4 * b.n);
  call.checks.raise();  // a deferred input check (BatchCall)
  const int64_t* pi = host.data();
  const int64_t* pk = pi + n;
  const int64_t* ni = pi + 2 * n;
  const int64_t* nk = pi + 3 * n;
  std::vector<int64_t> pp, nn;
  for (int64_t a = 0; a < b.n; ++a) {
    const size_t at = static_cast<size_t>(a);
    // Without "all" on either side PML returns (a, p, a, n): the anchor needs both picks.
    const bool paired = pos_all || neg_all || (pk[at] && nk[at]);
    if (!pos_all && pk[at] && paired) pp.insert(pp.end(), {a, pi[at]});
    if (!neg_all && nk[at] && paired) nn.insert(nn.end(), {a, ni[at]});
  }
  if (pos_all || neg_all) {
    std::vector<int64_t> ap, an;
    if (pos_all && neg_all)
      collect_pairs(s, b.n, b.m, LabelKeep{L, true}, LabelKeep{L, false}, ap, an, nullptr);
    else if (pos_all)
      collect_pairs(s, b.n, b.m, LabelKeep{L, true}, KeepNone{}, ap, an, nullptr);
    else
      collect_pairs(s, b.n, b.m, KeepNone{}, LabelKeep{L, false}, ap, an, nullptr);
    if (pos_all) pp = std::move(ap);
    if (neg_all) nn = std::move(an);
  }
  out.set_sorted_pairs(std::move(pp), std::move(nn));
}

}  // namespace cuda
}  // namespace irk
