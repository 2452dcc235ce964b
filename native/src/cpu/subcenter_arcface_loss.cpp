// SubCenterArcFaceLoss (Deng et al. 2020), PML semantics: each class's cosine is the max over its
// sub-centers (columns c*k .. c*k+k-1 of W), then ArcFace.
#include <cmath>

#include "core/check.h"
#include "core/cuda_kernels.h"
#include "cpu/classifier_common.h"

extern "C" irk_status irk_subcenter_arcface_loss(const irk_context* ctx, const float* emb,
                                                 const int64_t* labels, int64_t n, int64_t d,
                                                 const float* W, int64_t num_classes,
                                                 int64_t sub_centers, const irk_tuples* tuples,
                                                 double margin_degrees, double scale,
                                                 irk_loss_out* out) {
  return irk::guard("irk_subcenter_arcface_loss", [&] {
    const bool cuda = irk::on_cuda(ctx);
    const irk_context& c = cuda ? *ctx : irk::check_cpu_context(ctx);
    irk::check_finite(margin_degrees, "margin_degrees");
    irk::check_finite(scale, "scale");
    if (sub_centers < 1) irk::invalid("sub_centers must be >= 1, got %lld", static_cast<long long>(sub_centers));
    // The chosen sub-center is kept in one byte per (sample, class).
    if (sub_centers > 256)
      irk::fail(IRK_ERR_UNSUPPORTED, "sub_centers > 256 is not supported, got %lld",
                static_cast<long long>(sub_centers));
    irk::check_size(num_classes, "num_classes");
    irk::check_classifier_args(emb, labels, n, d, W, d, num_classes * sub_centers, "W", num_classes,
                               tuples, out, !cuda);
    const double radians = margin_degrees * M_PI / 180.0;  // np.radians
    const irk::MarginSoftmax p{irk::math::kMarginArcFace, radians, scale, sub_centers};
    if (cuda)
      return irk::cuda::large_margin_softmax(c, emb, labels, n, d, W, num_classes, tuples, p.kind, p.margin, p.scale,
                                             p.sub_centers, *out);
    irk::large_margin_softmax(c, emb, labels, n, d, W, num_classes, tuples, p, out);
  });
}
