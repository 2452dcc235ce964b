#include "cpu/loss_common.h"

namespace irk {

void check_loss_out(const irk_loss_out* out) {
  check_ptr(out, "out");
  check_ptr(out->loss, "out.loss");
}

void write_sparse_loss(const irk_context& ctx, const irk_distance& dist, const Batch& b, const DistMat& D,
                       SparseLoss& r, irk_loss_out* out) {
  if (!std::isfinite(r.loss)) fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", r.loss);
  *out->loss = static_cast<float>(r.loss);
  float* dy = b.self ? nullptr : out->grad_ref;
  if (r.zero) {
    if (out->grad) std::fill(out->grad, out->grad + b.n * b.d, 0.f);
    if (dy) std::fill(dy, dy + b.m * b.d, 0.f);
  } else {
    sparse_distance_backward(ctx, dist, b.x, b.y, D, r.G, out->grad, dy);
  }
  if (b.self && out->grad_ref) std::fill(out->grad_ref, out->grad_ref + b.n * b.d, 0.f);
}

}  // namespace irk
