// irk_contrastive_loss's CUDA twin (cpu/contrastive_loss.cpp): pair_parts.cuh with the terms of
// math::contrastive_pos / contrastive_neg, each part averaged over its strictly positive terms.
#include "call_setup.cuh"
#include "core/cuda_kernels.h"
#include "loss_common.cuh"
#include "math/pair_math.h"
#include "pair_parts.cuh"

namespace irk {
namespace cuda {
namespace {

struct ContrastiveParts {
  bool inv;
  float pm, nm;
  __device__ bool pos_sel(float s) const { return math::contrastive_pos(inv, s, pm) > 0.f; }
  __device__ double pos_term(float s) const { return math::contrastive_pos(inv, s, pm); }
  __device__ bool neg_sel(float s) const { return math::contrastive_neg(inv, s, nm) > 0.f; }
  __device__ double neg_term(float s) const { return math::contrastive_neg(inv, s, nm); }
};

}  // namespace

void contrastive_loss(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
                      double pos_margin, double neg_margin, const irk_loss_out& out) {
  BatchCall call(ctx, batch, dist, tuples, CallKind::kLoss);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const DevDist& D = call.D;
  const PairMask mk = call.pair_mask(tuples);
  const ContrastiveParts part{D.inverted, static_cast<float>(pos_margin), static_cast<float>(neg_margin)};
  const PartTotals t = part_totals(s, mk, D.s, b.n, part);
  int64_t num_pos = t.pos.b, num_neg = t.neg.b;
  tuple_pair_counts(tuples, &num_pos, &num_neg);
  const long long P = t.pos.a, N = t.neg.a;
  if ((num_pos <= 1 && num_neg <= 1) || (P == 0 && N == 0)) return finish_loss(s, dist, b, D, 0.0, nullptr, out);
  const double loss = (P ? t.pos.sum / P : 0.0) + (N ? t.neg.sum / N : 0.0);
  const double gp = P ? math::dmargin_dx(D.inverted) / P : 0.0;
  const double gn = N ? -math::dmargin_dx(D.inverted) / N : 0.0;
  Scratch<float> G(s, b.n * b.m);
  part_grad(s, mk, D.s, b.n, part, gp, gn, G.get());
  finish_loss(s, dist, b, D, loss, G.get(), out);
}

}  // namespace cuda
}  // namespace irk
