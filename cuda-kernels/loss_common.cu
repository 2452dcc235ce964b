// See loss_common.cuh.
#include <cmath>

#include "loss_common.cuh"

namespace irk {
namespace cuda {

void finish_loss(cudaStream_t s, const irk_distance& dist, const Batch& b, const DevDist& D, double loss, float* G,
                 const irk_loss_out& out) {
  if (!std::isfinite(loss)) fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", loss);
  store_scalar(s, out.loss, static_cast<float>(loss));
  float* dy = b.self ? nullptr : out.grad_ref;
  if (G == nullptr) {
    zero_floats(s, out.grad, b.n * b.d);
    zero_floats(s, dy, b.m * b.d);
    return;
  }
  distance_backward(s, dist, D, G, out.grad, dy);
  if (b.self) zero_floats(s, out.grad_ref, b.n * b.d);
}

}  // namespace cuda
}  // namespace irk
