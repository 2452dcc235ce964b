// The CUDA twins of the CPU kernels. An entry point given a CUDA context runs the shared host-side
// validation (context, sizes, parameters, pointers: nothing that reads the data) and then calls
// its twin here, with the C API's arguments (the batch already validated) and device pointers.
// Each twin checks the device data itself (NaN/Inf rows, tuple indices) with a small kernel,
// runs on ctx.stream on device ctx.device_index, and comes back to the host only to report those
// checks, a scalar (a loss, for its finiteness check) or a tuple count. Mined tuples end in the
// host vectors of irk_mined. Implemented in cuda-kernels/*.cu; core/no_cuda_kernels.cpp stands
// in when the library is built without CUDA (no CUDA context can exist there).
#pragma once
#include <cstdint>

#include "core/check.h"
#include "core/context.h"
#include "core/mined.h"
#include "irkit/irkit.h"
#include "math/classifier_math.h"
#include "math/pair_math.h"

namespace irk {
namespace cuda {

void pairwise(const irk_context& ctx, const irk_distance& dist, const float* x, int64_t n,
              const float* y, int64_t m, int64_t d, float* out);

void ms_miner(const irk_context& ctx, const Batch& b, const irk_distance& dist, double epsilon,
              irk_mined& out);

void batch_hard_miner(const irk_context& ctx, const Batch& b, const irk_distance& dist,
                      irk_mined& out);

void ms_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist,
             const irk_tuples* tuples, double alpha, double beta, double base,
             const irk_loss_out& out);

void triplet_margin_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist,
                         const irk_tuples* tuples, double margin, int swap, int smooth_loss,
                         const irk_loss_out& out);

// The fused miner + loss calls: one distance matrix (or one set of streamed tiles) for both, the
// mined tuples kept on the device for the loss and copied to `mined` only when it is given.
void ms_miner_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, double epsilon, double alpha,
                   double beta, double base, irk_mined* mined, const irk_loss_out& out);
void batch_hard_triplet_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, double margin, int swap,
                             int smooth_loss, irk_mined* mined, const irk_loss_out& out);

void triplet_margin_miner(const irk_context& ctx, const Batch& b, const irk_distance& dist, double margin,
                          irk_triplet_type type, irk_mined& out);

void batch_easy_hard_miner(const irk_context& ctx, const Batch& b, const irk_distance& dist,
                           irk_strategy pos_strategy, irk_strategy neg_strategy, const math::ValueRange& pos_range,
                           const math::ValueRange& neg_range, irk_mined& out);

void pair_margin_miner(const irk_context& ctx, const Batch& b, const irk_distance& dist, double pos_margin,
                       double neg_margin, irk_mined& out);

void contrastive_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, const irk_tuples* tuples,
                      double pos_margin, double neg_margin, const irk_loss_out& out);

void ntxent_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, const irk_tuples* tuples,
                 double temperature, const irk_loss_out& out);

void supcon_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, const irk_tuples* tuples,
                 double temperature, const irk_loss_out& out);

void circle_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, const irk_tuples* tuples,
                 double m, double gamma, const irk_loss_out& out);

void tcm_loss(const irk_context& ctx, const Batch& b, const irk_distance& dist, const irk_tuples* tuples,
              double lambda_plus, double lambda_minus, double margin_plus, double margin_minus,
              const irk_loss_out& out);

// CosFace, ArcFace, SubCenterArcFace and NormalizedSoftmax (cpu/classifier_common.h's
// large_margin_softmax); W [d x num_classes * sub_centers].
void large_margin_softmax(const irk_context& ctx, const float* emb, const int64_t* labels, int64_t n, int64_t d,
                          const float* W, int64_t num_classes, const irk_tuples* tuples, math::TargetMargin kind,
                          double margin, double scale, int64_t sub_centers, const irk_loss_out& out);

void proxy_anchor_loss(const irk_context& ctx, const float* emb, const int64_t* labels, int64_t n, int64_t d,
                       const float* proxies, int64_t num_classes, const irk_tuples* tuples, double margin,
                       double alpha, const irk_loss_out& out);

// irk_convert_to_f32 on device pointers.
void convert_to_f32(const irk_context& ctx, irk_dtype dtype, const void* src, int64_t count, float* dst);

void knn(const irk_context& ctx, const irk_distance& dist, const float* query, int64_t n,
         const float* ref, int64_t m, int64_t d, int64_t k, int64_t* out_indices,
         float* out_values);

}  // namespace cuda
}  // namespace irk
