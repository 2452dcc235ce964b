// irk_contrastive_loss's CUDA twin (cpu/contrastive_loss.cpp): pair_parts.cuh with the terms of
// math::contrastive_pos / contrastive_neg, each part averaged over its strictly positive terms.
// Streamed (stream.cuh, large batches): the same parts over recomputed tiles.
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
  const bool streamed = use_streaming(batch.n, batch.m);
  BatchCall call(ctx, batch, dist, tuples, streamed ? CallKind::kStreamed : CallKind::kLoss);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const bool inv = !is_l2(dist.kind);
  const ContrastiveParts part{inv, static_cast<float>(pos_margin), static_cast<float>(neg_margin)};
  SparseMask smk{};
  PairMask mk{};
  if (streamed) smk = call.sparse_mask(tuples);
  else mk = call.pair_mask(tuples);
  const PartTotals t = streamed ? part_totals_streamed(s, smk, call.T, part) : part_totals(s, mk, call.D.s, b.n, part);
  int64_t num_pos = t.pos.b, num_neg = t.neg.b;
  tuple_pair_counts(tuples, &num_pos, &num_neg);
  const long long P = t.pos.a, N = t.neg.a;
  const bool zero = (num_pos <= 1 && num_neg <= 1) || (P == 0 && N == 0);
  const double loss = zero ? 0.0 : (P ? t.pos.sum / P : 0.0) + (N ? t.neg.sum / N : 0.0);
  const double gp = P ? math::dmargin_dx(inv) / P : 0.0;
  const double gn = N ? -math::dmargin_dx(inv) / N : 0.0;
  if (streamed) {
    const PartStreamGrad<ContrastiveParts> grad{smk, part, gp, gn};
    return finish_streamed_loss(s, dist, b, call.T, loss, zero ? nullptr : &grad, out);
  }
  if (zero) return finish_loss(s, dist, b, call.D, 0.0, nullptr, out);
  Scratch<float> G(s, b.n * b.m);
  part_grad(s, mk, call.D.s, b.n, part, gp, gn, G.get());
  finish_loss(s, dist, b, call.D, loss, G.get(), out);
}

}  // namespace cuda
}  // namespace irk
