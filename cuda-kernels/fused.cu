// The fused miner + loss twins (cpu/miner_loss.cpp): one BatchCall (input checks, distance matrix
// or streamed tiles) serves the miner and the loss, and the mined tuples stay on the device.
#include <vector>

#include "core/cuda_kernels.h"
#include "fused.cuh"
#include "stream.cuh"

namespace irk {
namespace cuda {

void DeviceTuples::allocate(cudaStream_t s, int64_t first_count, int64_t second_count) {
  n_first = first_count;
  n_second = second_count;
  data.allocate(s, width() * n_first + 2 * n_second);
}

irk_tuples DeviceTuples::view() const {
  irk_tuples t{};
  t.kind = kind;
  if (kind == IRK_TUPLES_PAIRS) {
    t.pos = first();
    t.n_pos = n_first;
    t.neg = second();
    t.n_neg = n_second;
  } else {
    t.triplets = first();
    t.n_triplets = n_first;
  }
  return t;
}

void DeviceTuples::to_host(cudaStream_t s, irk_mined& out) const {
  const int64_t split = width() * n_first;
  std::vector<int64_t> all(static_cast<size_t>(split + 2 * n_second));
  copy_to_host(s, all.data(), data.get(), static_cast<int64_t>(all.size()));
  std::vector<int64_t> a(all.begin(), all.begin() + split), b(all.begin() + split, all.end());
  if (kind == IRK_TUPLES_PAIRS) out.set_sorted_pairs(std::move(a), std::move(b));
  else out.set_sorted_triplets(std::move(a));
}

// Without a list to return (and not streamed) the loss reads the miner's rule straight from its
// row statistics: no pair list, no host wait until the loss's one sync.
void ms_miner_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, double epsilon, double alpha,
                   double beta, double base, irk_mined* mined, const irk_loss_out& out) {
  const bool streamed = use_streaming(batch.n, batch.m);
  BatchCall call(ctx, batch, dist, nullptr, streamed ? CallKind::kStreamed : CallKind::kLoss, true);
  if (!mined && !streamed) {
    const float eps = static_cast<float>(epsilon);
    MsStats st(call.s, call.b.n);
    ms_mine_stats(call, eps, st);
    const MsKeptPairs kept{call.labelled(), eps, st.best_neg.get(), st.worst_pos.get(), st.any.get()};
    return ms_loss_kept(call, dist, kept, alpha, beta, base, out);
  }
  const DeviceTuples pairs = ms_mine(call, epsilon);  // raises a bad input at its first sync
  const irk_tuples t = pairs.view();
  ms_loss_on(call, dist, &t, alpha, beta, base, out);
  if (mined) pairs.to_host(call.s, *mined);
}

// The triplet loss has no streaming path, so this call always holds the matrix.
void batch_hard_triplet_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, double margin,
                             int swap, int smooth_loss, irk_mined* mined, const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, nullptr, CallKind::kLoss, true);
  const DeviceTuples triplets = batch_hard_mine(call);  // raises a bad input at its first sync
  const irk_tuples t = triplets.view();
  triplet_margin_loss_on(call, dist, &t, margin, swap, smooth_loss, out);
  if (mined) triplets.to_host(call.s, *mined);
}

}  // namespace cuda
}  // namespace irk
