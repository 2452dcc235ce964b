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
  BatchCall call(ctx, batch, dist, tuples, streamed ? CallKind::kStreamed : CallKind::kLoss, true);
  const cudaStream_t s = call.s;
  const Batch& b = call.b;
  const bool inv = !is_l2(dist.kind);
  const ContrastiveParts part{inv, static_cast<float>(pos_margin), static_cast<float>(neg_margin)};
  SparseMask smk{};
  PairMask mk{};
  if (streamed) smk = call.sparse_mask(tuples);
  else mk = call.pair_mask(tuples);
  PartRows r(s, b.n);
  if (streamed) part_totals_streamed(s, smk, call.T, part, r);
  else part_totals(s, mk, call.D.s, b.n, part, r);
  Scratch<double> gpn(s, 2);
  part_scales(s, r, math::dmargin_dx(inv), -math::dmargin_dx(inv), gpn.get());
  finish_one_sync(s, b, out, &call.checks, [&] {
    if (!streamed) return part_backward(call, dist, mk, part, gpn.get(), out);
    const PartStreamGrad<ContrastiveParts> grad{smk, part, gpn.get()};
    stream_backward(s, dist, call.T, grad, out.grad, b.self ? nullptr : out.grad_ref);
  }, [&] {
    const Totals* t = r.totals.host.get();
    int64_t num_pos = t[0].b, num_neg = t[1].b;
    tuple_pair_counts(tuples, &num_pos, &num_neg);
    const long long P = t[0].a, N = t[1].a;
    const bool zero = (num_pos <= 1 && num_neg <= 1) || (P == 0 && N == 0);
    return LossResult{zero, (P ? t[0].sum / P : 0.0) + (N ? t[1].sum / N : 0.0)};
  });
}

}  // namespace cuda
}  // namespace irk
