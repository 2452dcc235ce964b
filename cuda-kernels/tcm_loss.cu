// irk_tcm_loss's CUDA twin (cpu/tcm_loss.cpp): pair_parts.cuh with math::tcm_pos_selected /
// tcm_neg_selected and their terms; lambda-weighted means, a part with no selected pair is 0.
#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "loss_common.cuh"
#include "math/pair_loss_math.h"
#include "pair_parts.cuh"

namespace irk {
namespace cuda {
namespace {

struct TcmParts {
  float mp, mm;          // selections in float32, as PML
  double mp_d, mm_d;     // the terms use the double margins, as the CPU
  __device__ bool pos_sel(float s) const { return math::tcm_pos_selected(s, mp); }
  __device__ double pos_term(float s) const { return math::tcm_pos_term(s, mp_d); }
  __device__ bool neg_sel(float s) const { return math::tcm_neg_selected(s, mm); }
  __device__ double neg_term(float s) const { return math::tcm_neg_term(s, mm_d); }
};

}  // namespace

void tcm_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
              double lambda_plus, double lambda_minus, double margin_plus, double margin_minus,
              const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss, true);
  const cudaStream_t s = call.s;
  const PairMask mk = call.pair_mask(tuples);
  const TcmParts part{static_cast<float>(margin_plus), static_cast<float>(margin_minus), margin_plus, margin_minus};
  PartRows r(s, call.b.n);
  part_totals(s, mk, call.D.s, call.b.n, part, r);
  Scratch<double> gpn(s, 2);
  part_scales(s, r, -lambda_plus, lambda_minus, gpn.get());
  finish_one_sync(s, call.b, out, &call.checks, [&] { part_backward(call, dist, mk, part, gpn.get(), out); }, [&] {
    const Totals* t = r.totals.host.get();
    const long long np = t[0].a, nn = t[1].a;
    return LossResult{np == 0 && nn == 0, (np > 0 ? lambda_plus * t[0].sum / static_cast<double>(np) : 0.0) +
                                              (nn > 0 ? lambda_minus * t[1].sum / static_cast<double>(nn) : 0.0)};
  });
}

}  // namespace cuda
}  // namespace irk
