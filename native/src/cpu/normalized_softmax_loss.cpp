// NormalizedSoftmaxLoss (Zhai & Wu 2018), PML semantics: cross-entropy over cos / temperature.
#include "core/check.h"
#include "core/cuda_kernels.h"
#include "cpu/classifier_common.h"

extern "C" irk_status irk_normalized_softmax_loss(const irk_context* ctx, const float* emb,
                                                  const int64_t* labels, int64_t n, int64_t d,
                                                  const float* W, int64_t num_classes,
                                                  const irk_tuples* tuples, double temperature,
                                                  irk_loss_out* out) {
  return irk::guard("irk_normalized_softmax_loss", [&] {
    const bool cuda = irk::on_cuda(ctx);
    const irk_context& c = cuda ? *ctx : irk::check_cpu_context(ctx);
    irk::check_finite(temperature, "temperature");
    if (temperature <= 0) irk::invalid("temperature must be > 0, got %g", temperature);
    irk::check_classifier_args(emb, labels, n, d, W, d, num_classes, "W", num_classes, tuples, out,
                               !cuda);
    const irk::MarginSoftmax p{irk::math::kMarginNone, 0.0, 1.0 / temperature, 1};
    if (cuda)
      return irk::cuda::large_margin_softmax(c, emb, labels, n, d, W, num_classes, tuples, p.kind, p.margin, p.scale,
                                             p.sub_centers, *out);
    irk::large_margin_softmax(c, emb, labels, n, d, W, num_classes, tuples, p, out);
  });
}
