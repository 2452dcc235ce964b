// TripletMarginMiner (PML): every labelled triplet whose margin falls in the chosen band.
// Counted per anchor first, then filled into the exact-size output: memory O(output).
#include "core/cuda_kernels.h"
#include "cpu/mining_common.h"
#include "math/pair_math.h"

extern "C" irk_status irk_triplet_margin_miner(const irk_context* ctx, const irk_batch* batch,
                                               const irk_distance* dist, double margin,
                                               irk_triplet_type type, irk_mined* out) {
  return irk::guard("irk_triplet_margin_miner", [&] {
    irk::check_finite(margin, "margin");
    const int t_int = static_cast<int>(type);
    if (t_int < IRK_TRIPLETS_ALL || t_int > IRK_TRIPLETS_EASY)
      irk::invalid("type must be 0 all, 1 hard, 2 semihard or 3 easy, got %d", t_int);
    if (irk::on_cuda(ctx)) {
      irk::Batch b = irk::check_cuda_mining_call(batch, dist, out);
      irk::cuda::triplet_margin_miner(*ctx, b, *dist, margin, type, *out);
      return;
    }
    irk::MinerInput in = irk::begin_mining(ctx, batch, dist, out);
    const irk::Batch& b = in.b;
    const irk::DistMat& D = in.D;
    const float mf = static_cast<float>(margin);
    // Calls f(p, n) for each kept triplet of anchor a, in (p, n) order.
    auto each = [&](int64_t a, auto&& f) {
      for (int64_t p = 0; p < b.m; ++p) {
        if (!irk::is_pos(b, a, p)) continue;
        const float ap = D.at(a, p);
        for (int64_t n = 0; n < b.m; ++n)
          if (irk::is_neg(b, a, n) && irk::math::tmm_keep(type, irk::math::margin_f(D.inverted, D.at(a, n), ap), mf))
            f(p, n);
      }
    };
    std::vector<int64_t> off(static_cast<size_t>(b.n + 1), 0);
    irk::parallel_for(in.ctx, b.n, 4, [&](int64_t lo, int64_t hi) {
      for (int64_t a = lo; a < hi; ++a) {
        int64_t c = 0;
        each(a, [&](int64_t, int64_t) { ++c; });
        off[static_cast<size_t>(a + 1)] = c;
      }
    });
    for (int64_t a = 0; a < b.n; ++a) off[static_cast<size_t>(a + 1)] += off[static_cast<size_t>(a)];
    std::vector<int64_t> t(static_cast<size_t>(3 * off.back()));
    irk::parallel_for(in.ctx, b.n, 4, [&](int64_t lo, int64_t hi) {
      for (int64_t a = lo; a < hi; ++a) {
        int64_t* w = t.data() + 3 * off[static_cast<size_t>(a)];
        each(a, [&](int64_t p, int64_t n) {
          *w++ = a;
          *w++ = p;
          *w++ = n;
        });
      }
    });
    out->set_triplets(std::move(t));
  });
}
