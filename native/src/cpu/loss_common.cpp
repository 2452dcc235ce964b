#include "cpu/loss_common.h"

namespace irk {

// n * m * d up to which sparse dLoss/dS goes through the dense double chain rule (B = 128, d = 256).
constexpr int64_t kDenseBackwardWork = int64_t{1} << 22;

void check_loss_out(const irk_loss_out* out) {
  check_ptr(out, "out");
  check_ptr(out->loss, "out.loss");
}

void check_loss_gradients(const Batch& b, const irk_loss_out* out) {
  check_finite_gradient(out->grad, b.n, b.d, "out.grad");
  if (!b.self) check_finite_gradient(out->grad_ref, b.m, b.d, "out.grad_ref");
}

void write_sparse_loss(const irk_context& ctx, const irk_distance& dist, const Batch& b, const DistMat& D,
                       SparseLoss& r, irk_loss_out* out) {
  if (!std::isfinite(r.loss)) fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", r.loss);
  *out->loss = static_cast<float>(r.loss);
  float* dy = b.self ? nullptr : out->grad_ref;
  if (r.zero) {
    if (out->grad) std::fill(out->grad, out->grad + b.n * b.d, 0.f);
    if (dy) std::fill(dy, dy + b.m * b.d, 0.f);
  } else if (b.n * b.m * b.d <= kDenseBackwardWork || 4 * r.G.nnz() >= r.G.n * r.G.m) {
    // Small batches take the dense double-precision chain rule: exact to float32 rounding, where
    // the float32 gather's sums (fine for large batches) could add errors near PML's own. So do
    // mostly-dense dLoss/dS (losses over all pairs): there a dense product beats the gather.
    const int64_t n = r.G.n, m = r.G.m;
    Scratch<double> G(static_cast<size_t>(n * m));
    std::fill(G.data(), G.data() + n * m, 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t e = r.G.off[static_cast<size_t>(i)]; e < r.G.off[static_cast<size_t>(i + 1)]; ++e)
        G[static_cast<size_t>(i * m + r.G.col[static_cast<size_t>(e)])] = r.G.val[static_cast<size_t>(e)];
    distance_backward(ctx, dist, b, D, G.data(), out->grad, dy);
  } else {
    sparse_distance_backward(ctx, dist, b.x, b.y, D, r.G, out->grad, dy);
  }
  if (b.self && out->grad_ref) std::fill(out->grad_ref, out->grad_ref + b.n * b.d, 0.f);
  if (!r.zero) check_loss_gradients(b, out);
}

}  // namespace irk
