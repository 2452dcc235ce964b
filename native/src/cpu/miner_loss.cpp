// Fused miner + loss: the miner and the loss it feeds share one distance matrix. Each is the same
// code as its separate entry point (cpu/mat_ops.h), so results equal the two calls exactly. A CUDA
// context runs the fused twins (cuda-kernels/fused.cu).
#include "core/cuda_kernels.h"
#include "core/mined.h"
#include "cpu/loss_common.h"
#include "cpu/mat_ops.h"

namespace irk {
namespace {

irk_tuples view_pairs(const std::vector<int64_t>& pos, const std::vector<int64_t>& neg) {
  irk_tuples t{};
  t.kind = IRK_TUPLES_PAIRS;
  t.pos = pos.data();
  t.n_pos = static_cast<int64_t>(pos.size() / 2);
  t.neg = neg.data();
  t.n_neg = static_cast<int64_t>(neg.size() / 2);
  return t;
}

}  // namespace
}  // namespace irk

extern "C" irk_status irk_ms_miner_loss(const irk_context* ctx, const irk_batch* batch, const irk_distance* dist,
                                        double epsilon, double alpha, double beta, double base, irk_mined* mined,
                                        irk_loss_out* out) {
  using namespace irk;
  return guard("irk_ms_miner_loss", [&] {
    check_finite(epsilon, "epsilon");
    check_finite(alpha, "alpha");
    check_finite(beta, "beta");
    check_finite(base, "base");
    if (alpha <= 0) invalid("alpha must be > 0, got %g", alpha);
    if (beta <= 0) invalid("beta must be > 0, got %g", beta);
    if (on_cuda(ctx)) {
      const Batch b = check_cuda_loss_call(batch, dist, nullptr, out);
      cuda::ms_miner_loss(*ctx, b, *dist, epsilon, alpha, beta, base, mined, *out);
      return;
    }
    const irk_context& c = check_cpu_context(ctx);
    Batch b = check_cpu_loss_call(batch, dist, nullptr, out);
    DistMat D = compute_distances(c, *dist, b);
    std::vector<int64_t> pos, neg;
    ms_mine(c, b, D, epsilon, pos, neg);
    const irk_tuples t = view_pairs(pos, neg);
    SparseLoss r = ms_loss_on(c, b, D, &t, alpha, beta, base);
    write_sparse_loss(c, *dist, b, D, r, out);
    if (mined) mined->set_sorted_pairs(std::move(pos), std::move(neg));
  });
}

extern "C" irk_status irk_batch_hard_triplet_loss(const irk_context* ctx, const irk_batch* batch,
                                                  const irk_distance* dist, double margin, int swap, int smooth_loss,
                                                  irk_mined* mined, irk_loss_out* out) {
  using namespace irk;
  return guard("irk_batch_hard_triplet_loss", [&] {
    check_finite(margin, "margin");
    if (swap != 0 && swap != 1) invalid("swap must be 0 or 1, got %d", swap);
    if (smooth_loss != 0 && smooth_loss != 1) invalid("smooth_loss must be 0 or 1, got %d", smooth_loss);
    if (on_cuda(ctx)) {
      const Batch b = check_cuda_loss_call(batch, dist, nullptr, out);
      cuda::batch_hard_triplet_loss(*ctx, b, *dist, margin, swap, smooth_loss, mined, *out);
      return;
    }
    const irk_context& c = check_cpu_context(ctx);
    Batch b = check_cpu_loss_call(batch, dist, nullptr, out);
    DistMat D = compute_distances(c, *dist, b);
    std::vector<int64_t> trip;
    batch_hard_mine(c, b, D, trip);
    irk_tuples t{};
    t.kind = IRK_TUPLES_TRIPLETS;
    t.triplets = trip.data();
    t.n_triplets = static_cast<int64_t>(trip.size() / 3);
    SparseLoss r = triplet_margin_loss_on(c, b, D, &t, margin, swap != 0, smooth_loss != 0);
    write_sparse_loss(c, *dist, b, D, r, out);
    if (mined) mined->set_sorted_triplets(std::move(trip));
  });
}
