// Stand-ins for the CUDA twins when the library is built without CUDA. No CUDA context can be
// created in such a build (irk_context_create fails with IRK_ERR_NO_DEVICE), so these only keep
// the entry points linkable; reaching one is reported, never a crash.
#include "core/cuda_kernels.h"

#include "core/error.h"

namespace irk {
namespace cuda {
namespace {
[[noreturn]] void no_cuda(const char* kernel) {
  fail(IRK_ERR_NO_DEVICE, "no CUDA device: this irkit library was built without CUDA, %s has no CUDA twin here",
       kernel);
}
}  // namespace

void pairwise(const irk_context&, const irk_distance&, const float*, int64_t, const float*, int64_t, int64_t,
              float*) {
  no_cuda("irk_pairwise");
}
void ms_miner(const irk_context&, const Batch&, const irk_distance&, double, irk_mined&) { no_cuda("irk_ms_miner"); }
void batch_hard_miner(const irk_context&, const Batch&, const irk_distance&, irk_mined&) {
  no_cuda("irk_batch_hard_miner");
}
void ms_loss(const irk_context&, const Batch&, const irk_distance&, const irk_tuples*, double, double, double,
             const irk_loss_out&) {
  no_cuda("irk_ms_loss");
}
void triplet_margin_loss(const irk_context&, const Batch&, const irk_distance&, const irk_tuples*, double, int, int,
                         const irk_loss_out&) {
  no_cuda("irk_triplet_margin_loss");
}
void ms_miner_loss(const irk_context&, const Batch&, const irk_distance&, double, double, double, double, irk_mined*,
                   const irk_loss_out&) {
  no_cuda("irk_ms_miner_loss");
}
void batch_hard_triplet_loss(const irk_context&, const Batch&, const irk_distance&, double, int, int, irk_mined*,
                             const irk_loss_out&) {
  no_cuda("irk_batch_hard_triplet_loss");
}
void triplet_margin_miner(const irk_context&, const Batch&, const irk_distance&, double, irk_triplet_type,
                          irk_mined&) {
  no_cuda("irk_triplet_margin_miner");
}
void batch_easy_hard_miner(const irk_context&, const Batch&, const irk_distance&, irk_strategy, irk_strategy,
                           const math::ValueRange&, const math::ValueRange&, irk_mined&) {
  no_cuda("irk_batch_easy_hard_miner");
}
void pair_margin_miner(const irk_context&, const Batch&, const irk_distance&, double, double, irk_mined&) {
  no_cuda("irk_pair_margin_miner");
}
void contrastive_loss(const irk_context&, const Batch&, const irk_distance&, const irk_tuples*, double, double,
                      const irk_loss_out&) {
  no_cuda("irk_contrastive_loss");
}
void ntxent_loss(const irk_context&, const Batch&, const irk_distance&, const irk_tuples*, double,
                 const irk_loss_out&) {
  no_cuda("irk_ntxent_loss");
}
void supcon_loss(const irk_context&, const Batch&, const irk_distance&, const irk_tuples*, double,
                 const irk_loss_out&) {
  no_cuda("irk_supcon_loss");
}
void circle_loss(const irk_context&, const Batch&, const irk_distance&, const irk_tuples*, double, double,
                 const irk_loss_out&) {
  no_cuda("irk_circle_loss");
}
void tcm_loss(const irk_context&, const Batch&, const irk_distance&, const irk_tuples*, double, double, double, double,
              const irk_loss_out&) {
  no_cuda("irk_tcm_loss");
}
void large_margin_softmax(const irk_context&, const float*, const int64_t*, int64_t, int64_t, const float*, int64_t,
                          const irk_tuples*, math::TargetMargin, double, double, int64_t, const irk_loss_out&) {
  no_cuda("the classifier losses");
}
void proxy_anchor_loss(const irk_context&, const float*, const int64_t*, int64_t, int64_t, const float*, int64_t,
                       const irk_tuples*, double, double, const irk_loss_out&) {
  no_cuda("irk_proxy_anchor_loss");
}
void convert_to_f32(const irk_context&, irk_dtype, const void*, int64_t, float*) { no_cuda("irk_convert_to_f32"); }
void knn(const irk_context&, const irk_distance&, const float*, int64_t, const float*, int64_t, int64_t, int64_t,
         int64_t*, float*) {
  no_cuda("irk_knn");
}

}  // namespace cuda
}  // namespace irk
