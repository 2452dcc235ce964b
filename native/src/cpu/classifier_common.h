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
#include "cpu/scratch.h"
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

// PML lmu.convert_to_weights: each sample's count in the concatenated tuples over the largest
// count; all ones when tuples is NULL or empty.
std::vector<double> miner_weights(const irk_tuples* tuples, int64_t n);

// Rows normalized as torch's F.normalize (x / max(|x|, 1e-12)), kept for the backward pass.
struct UnitRows {
  int64_t n = 0, d = 0;
  Scratch<double> u;         // [n x d]
  std::vector<double> norm;  // [n]
};
UnitRows normalize_rows(const irk_context& ctx, const float* x, int64_t n, int64_t d);
// Chain rule through the normalization: g [n x d] is dLoss/du; writes dLoss/dx as float.
void normalize_rows_backward(const irk_context& ctx, const UnitRows& x, const double* g, float* out);

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
