// irk_triplet_margin_miner's CUDA twin (cpu/triplet_margin_miner.cpp): counts first, then fills,
// so memory is O(output) and no n x m x m buffer exists. One block per anchor walks its positives
// p in order and, for each, its negatives n in parallel (math::tmm_keep on margin(an, ap)); a
// scan gives each anchor its place, the total comes back to the host (the tuple count), and the
// fill pass writes (a, p, n) in (p, n) order with block-wide scans: the triplets land sorted.
#include <vector>

#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "math/pair_math.h"

namespace irk {
namespace cuda {
namespace {

struct Tmm : LabelledMatrix {
  irk_triplet_type type;
  float margin;

  __device__ bool keep(int64_t a, float ap, int64_t n) const {
    return is_neg(a, n) && math::tmm_keep(type, math::margin_f(inv, S[a * m + n], ap), margin);
  }
};

// Whether anchor a has any negative (else no p needs a pass over the row).
__device__ bool any_negative(const Tmm& t, int64_t a, int64_t* shi) {
  int64_t any = 0;
  for (int64_t j = threadIdx.x; j < t.m; j += blockDim.x) any |= t.is_neg(a, j);
  return block_reduce(any, MaxOp(), shi) != 0;
}

__global__ void __launch_bounds__(kThreads) tmm_count_kernel(Tmm t, int64_t* counts) {
  __shared__ int64_t shi[kThreads];
  const int64_t a = blockIdx.x;
  int64_t c = 0;
  if (any_negative(t, a, shi)) {
    for (int64_t p = 0; p < t.m; ++p) {
      if (!t.is_pos(a, p)) continue;  // uniform over the block
      const float ap = t.S[a * t.m + p];
      for (int64_t n = threadIdx.x; n < t.m; n += blockDim.x) c += t.keep(a, ap, n) ? 1 : 0;
    }
  }
  c = block_reduce(c, SumOp(), shi);
  if (threadIdx.x == 0) counts[a] = c;
}

__global__ void __launch_bounds__(kThreads) tmm_fill_kernel(Tmm t, const int64_t* off, int64_t* out) {
  __shared__ int64_t shi[kThreads];
  const int64_t a = blockIdx.x;
  int64_t at = off[a];
  if (off[a + 1] == at) return;  // uniform: nothing kept
  for (int64_t p = 0; p < t.m; ++p) {
    if (!t.is_pos(a, p)) continue;
    const float ap = t.S[a * t.m + p];
    for (int64_t base = 0; base < t.m; base += blockDim.x) {
      const int64_t n = base + threadIdx.x;
      const int64_t k = n < t.m && t.keep(a, ap, n) ? 1 : 0;
      int64_t total = 0;
      const int64_t e = block_exclusive_scan(k, shi, &total);
      if (k) {
        int64_t* w = out + 3 * (at + e);
        w[0] = a;
        w[1] = p;
        w[2] = n;
      }
      at += total;
    }
  }
}

}  // namespace

void triplet_margin_miner(const irk_context& ctx, const Batch& batch, const irk_distance& dist, double margin,
                          irk_triplet_type type, irk_mined& out) {
  BatchCall call(ctx, batch, dist, nullptr, CallKind::kMiner, true);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const Tmm t{call.labelled(), type, static_cast<float>(margin)};
  Scratch<int64_t> counts(s, b.n), off(s, b.n + 1);
  tmm_count_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(t, counts.get());
  IRK_LAUNCHED("tmm_count_kernel");
  exclusive_scan(s, counts.get(), b.n, off.get());
  int64_t total = 0;
  copy_to_host(s, &total, off.get() + b.n, 1);
  call.checks.raise();  // a deferred input check (BatchCall)
  std::vector<int64_t> tri(static_cast<size_t>(3 * total));
  if (total > 0) {
    Scratch<int64_t> dev(s, 3 * total);
    tmm_fill_kernel<<<row_blocks(b.n), kThreads, 0, s>>>(t, off.get(), dev.get());
    IRK_LAUNCHED("tmm_fill_kernel");
    copy_to_host(s, tri.data(), dev.get(), 3 * total);
  }
  out.set_sorted_triplets(std::move(tri));
}

}  // namespace cuda
}  // namespace irk
