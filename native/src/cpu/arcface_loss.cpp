// ArcFaceLoss (Deng et al. 2019), PML semantics: scale * cos(theta + margin) on the target class,
// the margin given in degrees.
#include <cmath>

#include "core/check.h"
#include "core/cuda_kernels.h"
#include "cpu/classifier_common.h"

extern "C" irk_status irk_arcface_loss(const irk_context* ctx, const float* emb,
                                       const int64_t* labels, int64_t n, int64_t d, const float* W,
                                       int64_t num_classes, const irk_tuples* tuples,
                                       double margin_degrees, double scale, irk_loss_out* out) {
  return irk::guard("irk_arcface_loss", [&] {
    const bool cuda = irk::on_cuda(ctx);
    const irk_context& c = cuda ? *ctx : irk::check_cpu_context(ctx);
    irk::check_finite(margin_degrees, "margin_degrees");
    irk::check_finite(scale, "scale");
    irk::check_classifier_args(emb, labels, n, d, W, d, num_classes, "W", num_classes, tuples, out,
                               !cuda);
    const double radians = margin_degrees * M_PI / 180.0;  // np.radians
    const irk::MarginSoftmax p{irk::math::kMarginArcFace, radians, scale, 1};
    if (cuda)
      return irk::cuda::large_margin_softmax(c, emb, labels, n, d, W, num_classes, tuples, p.kind, p.margin, p.scale,
                                             p.sub_centers, *out);
    irk::large_margin_softmax(c, emb, labels, n, d, W, num_classes, tuples, p, out);
  });
}
