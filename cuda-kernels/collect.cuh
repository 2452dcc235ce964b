// Pairs (i, j) chosen by two device predicates, collected row by row in column order (so they
// land sorted): one block per row counts, a scan places the rows, the two totals come back to the
// host (the tuple counts), one block per row writes its pairs with a block-wide scan, and the
// pairs come back to host vectors in one copy. Memory O(output). Used by the pair miners.
#pragma once
#include <cstdint>
#include <vector>

#include "common.cuh"
#include "device_checks.cuh"

namespace irk {
namespace cuda {

// A predicate that keeps nothing (a side the caller fills otherwise).
struct KeepNone {
  __device__ bool operator()(int64_t, int64_t) const { return false; }
};

template <class KeepPos, class KeepNeg>
__global__ void __launch_bounds__(kThreads) collect_count_kernel(KeepPos kp, KeepNeg kn, int64_t m, int64_t* np,
                                                                 int64_t* nn) {
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  int64_t cp = 0, cn = 0;
  for (int64_t j = threadIdx.x; j < m; j += blockDim.x) {
    cp += kp(i, j) ? 1 : 0;
    cn += kn(i, j) ? 1 : 0;
  }
  cp = block_reduce(cp, SumOp(), shi);
  cn = block_reduce(cn, SumOp(), shi);
  if (threadIdx.x == 0) {
    np[i] = cp;
    nn[i] = cn;
  }
}

template <class KeepPos, class KeepNeg>
__global__ void __launch_bounds__(kThreads) collect_fill_kernel(KeepPos kp, KeepNeg kn, int64_t m,
                                                                const int64_t* pos_off, const int64_t* neg_off,
                                                                int64_t* pos, int64_t* neg) {
  __shared__ int64_t shi[kThreads];
  const int64_t i = blockIdx.x;
  int64_t at_pos = pos_off[i], at_neg = neg_off[i];
  for (int64_t base = 0; base < m; base += blockDim.x) {
    const int64_t j = base + threadIdx.x;
    const int64_t p = j < m && kp(i, j) ? 1 : 0;
    const int64_t q = j < m && kn(i, j) ? 1 : 0;
    int64_t total_p = 0, total_n = 0;
    const int64_t ep = block_exclusive_scan(p, shi, &total_p);
    const int64_t en = block_exclusive_scan(q, shi, &total_n);
    if (p) {
      pos[2 * (at_pos + ep)] = i;
      pos[2 * (at_pos + ep) + 1] = j;
    }
    if (q) {
      neg[2 * (at_neg + en)] = i;
      neg[2 * (at_neg + en) + 1] = j;
    }
    at_pos += total_p;
    at_neg += total_n;
  }
}

// pos / neg get the [count x 2] pairs (i, j), i < n, j < m, sorted. `deferred` (BatchCall's input
// checks, or NULL) is raised after the first sync.
template <class KeepPos, class KeepNeg>
void collect_pairs(cudaStream_t s, int64_t n, int64_t m, const KeepPos& kp, const KeepNeg& kn,
                   std::vector<int64_t>& pos, std::vector<int64_t>& neg, DeviceChecks* deferred) {
  Scratch<int64_t> np(s, n), nn(s, n), pos_off(s, n + 1), neg_off(s, n + 1);
  collect_count_kernel<<<row_blocks(n), kThreads, 0, s>>>(kp, kn, m, np.get(), nn.get());
  IRK_LAUNCHED("collect_count_kernel");
  exclusive_scan(s, np.get(), n, pos_off.get());
  exclusive_scan(s, nn.get(), n, neg_off.get());
  Pinned<int64_t> totals(2);
  copy_to_host_async(s, totals.get(), pos_off.get() + n, 1);
  copy_to_host(s, totals.get() + 1, neg_off.get() + n, 1);
  if (deferred) deferred->raise();
  const int64_t split = 2 * totals[0], count = split + 2 * totals[1];
  pos.clear();
  neg.clear();
  if (count == 0) return;
  Scratch<int64_t> both(s, count);  // pos then neg: one copy back
  collect_fill_kernel<<<row_blocks(n), kThreads, 0, s>>>(kp, kn, m, pos_off.get(), neg_off.get(), both.get(),
                                                         both.get() + split);
  IRK_LAUNCHED("collect_fill_kernel");
  std::vector<int64_t> all(static_cast<size_t>(count));
  copy_to_host(s, all.data(), both.get(), count);
  pos.assign(all.begin(), all.begin() + split);
  neg.assign(all.begin() + split, all.end());
}

}  // namespace cuda
}  // namespace irk
