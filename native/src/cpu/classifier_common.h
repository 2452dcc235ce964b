// Shared parts of the classifier losses (CosFace, ArcFace, SubCenterArcFace, NormalizedSoftmax)
// and ProxyAnchor: argument checks, PML's miner weights, embedding normalization, and the
// large-margin softmax cross-entropy over cosine logits against the columns of W [d x C*k].
//
// Memory: one [n x C] float buffer (cosines, then dLoss/dcos in place), plus one byte per entry
// for the chosen sub-center when there are several; W is never copied: only its column norms are
// kept and columns are normalized on the fly.
#pragma once
#include <cstdint>
#include <vector>

#include "core/context.h"
#include "irkit/irkit.h"
#include "math/classifier_math.h"

namespace irk {

// Validates what every classifier / proxy loss shares. `w_name` names the weight argument, a
// [w_rows x w_cols] matrix of finite floats. values = false (device pointers) skips what reads
// the data (finite values, label and tuple ranges): the CUDA twin checks those on the device.
void check_classifier_args(const float* emb, const int64_t* labels, int64_t n, int64_t d,
                           const float* w, int64_t w_rows, int64_t w_cols, const char* w_name,
                           int64_t num_classes, const irk_tuples* tuples, const irk_loss_out* out,
                           bool values = true);

// sum_k a[k] * b[k] in 8 fixed lanes: vectorizes without reassociating, so the result does not
// depend on the build's SIMD width or on threading.
inline double dot_lanes(const double* a, const float* b, int64_t len) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t k = 0;
  for (; k + 8 <= len; k += 8)
    for (int l = 0; l < 8; ++l) acc[l] += a[k + l] * b[k + l];
  for (; k < len; ++k) acc[0] += a[k] * b[k];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// PML lmu.convert_to_weights: each sample's count in the concatenated tuples over the largest
// count; all ones when tuples is NULL or empty.
std::vector<double> miner_weights(const irk_tuples* tuples, int64_t n);

// Rows normalized as torch's F.normalize (x / max(|x|, 1e-12)), kept for the backward pass.
struct UnitRows {
  int64_t n = 0, d = 0;
  std::vector<double> u;     // [n x d]
  std::vector<double> norm;  // [n]
};
UnitRows normalize_rows(const irk_context& ctx, const float* x, int64_t n, int64_t d);
// Chain rule through the normalization: g [n x d] is dLoss/du; writes dLoss/dx as float.
void normalize_rows_backward(const irk_context& ctx, const UnitRows& x, const std::vector<double>& g,
                             float* out);

struct MarginSoftmax {
  math::TargetMargin kind;
  double margin;       // CosFace: cosine margin; ArcFace: radians
  double scale;        // logits = scale * cosine
  int64_t sub_centers; // 1 unless SubCenterArcFace
};

// Cross-entropy over scale * cos(emb_i, W column c) (max over the class's sub-centers, margin on
// the target), miner-weighted, averaged over the batch; writes loss, grad and grad_weights.
void large_margin_softmax(const irk_context& ctx, const float* emb, const int64_t* labels,
                          int64_t n, int64_t d, const float* W, int64_t num_classes,
                          const irk_tuples* tuples, const MarginSoftmax& p, irk_loss_out* out);

}  // namespace irk
