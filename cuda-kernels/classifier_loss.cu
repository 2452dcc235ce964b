// The CUDA twin of cpu/classifier_common.cpp's large_margin_softmax (CosFace, ArcFace,
// SubCenterArcFace, NormalizedSoftmax). Rows of emb and columns of W are normalized once; the
// cosines are one tiled GEMM (tile.cuh) U [n x d] x What [d x C*k]; one block per sample takes
// the max over sub-centers, the margin on the target (math::target_cosine), the log-sum-exp and
// writes its row of dLoss/dcos at the chosen sub-centers; dLoss/dU = G What^T and
// dLoss/dWhat^T = U^T G are two more GEMMs, then the chain rule through both normalizations.
// Memory: [n x C*k] for the cosines and for G, [d x C*k] for What.
#include "classifier_common.cuh"
#include "core/cuda_kernels.h"
#include "distance.cuh"
#include "loss_common.cuh"
#include "math/classifier_math.h"

namespace irk {
namespace cuda {
namespace {

struct Lms {
  const float* cos;  // [n x cols]
  const int64_t* labels;
  const double* mw;
  int64_t n, classes, k, cols;
  math::TargetMargin kind;
  double margin, scale;

  // The class's cosine: the max over its sub-centers (first max, as torch.max), and which.
  __device__ float cls(int64_t i, int64_t c, int64_t* arg) const {
    const float* r = cos + i * cols + c * k;
    float best = r[0];
    int64_t bj = 0;
    for (int64_t j = 1; j < k; ++j)
      if (r[j] > best) best = r[j], bj = j;
    if (arg) *arg = bj;
    return best;
  }
};

__global__ void __launch_bounds__(kThreads) lms_rows_kernel(Lms a, float* G, double* row_loss) {
  __shared__ double shd[kThreads];
  const int64_t i = blockIdx.x, y = in_class_range(a.labels[i], a.classes);
  const double cy = a.cls(i, y, nullptr);
  const double target = a.scale * math::target_cosine(a.kind, cy, a.margin);
  auto logit = [&](int64_t c) { return c == y ? target : a.scale * static_cast<double>(a.cls(i, c, nullptr)); };
  const double lse = block_log_sum_exp(a.classes, [&](int64_t c, double* v) {
    *v = logit(c);
    return 1.0;
  }, shd);
  const double wi = a.mw[i];
  const double dtarget = math::target_cosine_grad(a.kind, cy, a.margin);
  const double wn = wi / static_cast<double>(a.n) * a.scale;
  float* g = G + i * a.cols;
  for (int64_t col = threadIdx.x; col < a.cols; col += blockDim.x) {
    const int64_t c = col / a.k;
    int64_t arg = 0;
    const float cc = a.cls(i, c, &arg);
    float v = 0.f;
    if (col - c * a.k == arg) {
      const double lc = c == y ? target : a.scale * static_cast<double>(cc);
      const double gc = math::ce_logit_grad(lc, lse, c == y, wn);
      v = static_cast<float>(c == y ? gc * dtarget : gc);
    }
    g[col] = v;
  }
  if (threadIdx.x == 0) row_loss[i] = math::ce_row_loss(wi, lse, target);
}

}  // namespace

void large_margin_softmax(const irk_context& ctx, const float* emb, const int64_t* labels, int64_t n, int64_t d,
                          const float* W, int64_t num_classes, const irk_tuples* tuples, math::TargetMargin kind,
                          double margin, double scale, int64_t sub_centers, const irk_loss_out& out) {
  DeviceScope device(ctx);
  cudaStream_t s = stream_of(ctx);
  const int64_t C = num_classes, k = sub_centers, cols = C * k;
  DeviceChecks input(s);
  check_classifier_data(input, emb, labels, n, d, W, d, cols, "W", C, tuples);

  Scratch<double> mw(s, n);
  miner_weights(s, tuples, n, mw.get());
  Scratch<float> U(s, n * d), un(s, n), Wh(s, d * cols), wn(s, cols);
  normalize_vectors(s, emb, n, d, d, 1, U.get(), un.get());
  normalize_vectors(s, W, cols, d, 1, cols, Wh.get(), wn.get());
  Scratch<float> cosines(s, n * cols), G(s, n * cols);
  gemm(s, TileOperands{U.get(), d, 1, Wh.get(), cols, 1, n, cols, d}, cosines.get(), cols);

  Scratch<double> row_loss(s, n);
  const Lms a{cosines.get(), labels, mw.get(), n, C, k, cols, kind, margin, scale};
  lms_rows_kernel<<<row_blocks(n), kThreads, 0, s>>>(a, G.get(), row_loss.get());
  IRK_LAUNCHED("lms_rows_kernel");
  Scratch<Totals> totals(s, 1);
  sum_rows(s, row_loss.get(), nullptr, nullptr, n, totals.get());
  Pinned<Totals> t;
  copy_to_host_async(s, t.get(), totals.get(), 1);
  // The backward does not need the loss: it is queued before the one sync that brings back the
  // loss and the gradient check together.
  if (out.grad) {
    Scratch<float> gu(s, n * d);  // G What^T
    gemm(s, TileOperands{G.get(), cols, 1, Wh.get(), 1, cols, n, d, cols}, gu.get(), d);
    normalize_backward(s, gu.get(), U.get(), un.get(), n, d, out.grad);
  }
  if (out.grad_weights) {
    Scratch<float> ht(s, d * cols);  // U^T G, laid out as W
    gemm(s, TileOperands{U.get(), 1, d, G.get(), cols, 1, d, cols, n}, ht.get(), cols);
    unit_vectors_backward(s, ht.get(), Wh.get(), wn.get(), cols, d, 1, cols, out.grad_weights);
  }
  finish_classifier_loss(s, input, out, n, d, d, cols, [&] { return t[0].sum / static_cast<double>(n); });
}

}  // namespace cuda
}  // namespace irk
