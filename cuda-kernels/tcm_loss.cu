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
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const DevDist& D = call.D;
  const PairMask mk = call.pair_mask(tuples);
  const TcmParts part{static_cast<float>(margin_plus), static_cast<float>(margin_minus), margin_plus, margin_minus};
  const PartTotals t = part_totals(s, mk, D.s, b.n, part);
  const long long np = t.pos.a, nn = t.neg.a;
  if (np == 0 && nn == 0) return finish_loss(s, dist, b, D, 0.0, nullptr, out);
  const double gp = np > 0 ? -lambda_plus / static_cast<double>(np) : 0.0;
  const double gn = nn > 0 ? lambda_minus / static_cast<double>(nn) : 0.0;
  const double loss = (np > 0 ? lambda_plus * t.pos.sum / static_cast<double>(np) : 0.0) +
                      (nn > 0 ? lambda_minus * t.neg.sum / static_cast<double>(nn) : 0.0);
  Scratch<float> G(s, b.n * b.m);
  part_grad(s, mk, D.s, b.n, part, gp, gn, G.get());
  finish_loss(s, dist, b, D, loss, G.get(), out);
}

}  // namespace cuda
}  // namespace irk
