// Weak placeholders for entry points still being written: a real definition anywhere in the
// library overrides them. Each returns IRK_ERR_UNSUPPORTED with a message, never crashes.
#include "core/error.h"

#define IRK_WEAK_STUB(name, ...)                                                        \
  extern "C" __attribute__((weak)) irk_status name(__VA_ARGS__) {                       \
    return irk::set_last_error(IRK_ERR_UNSUPPORTED, #name, "not implemented in this build"); \
  }

IRK_WEAK_STUB(irk_ms_miner, const irk_context*, const irk_batch*, const irk_distance*, double, irk_mined*)
IRK_WEAK_STUB(irk_triplet_margin_miner, const irk_context*, const irk_batch*, const irk_distance*, double, irk_triplet_type, irk_mined*)
IRK_WEAK_STUB(irk_batch_hard_miner, const irk_context*, const irk_batch*, const irk_distance*, irk_mined*)
IRK_WEAK_STUB(irk_batch_easy_hard_miner, const irk_context*, const irk_batch*, const irk_distance*, irk_strategy, irk_strategy, const double*, const double*, irk_mined*)
IRK_WEAK_STUB(irk_pair_margin_miner, const irk_context*, const irk_batch*, const irk_distance*, double, double, irk_mined*)
IRK_WEAK_STUB(irk_contrastive_loss, const irk_context*, const irk_batch*, const irk_distance*, const irk_tuples*, double, double, irk_loss_out*)
IRK_WEAK_STUB(irk_triplet_margin_loss, const irk_context*, const irk_batch*, const irk_distance*, const irk_tuples*, double, int, int, irk_loss_out*)
IRK_WEAK_STUB(irk_ntxent_loss, const irk_context*, const irk_batch*, const irk_distance*, const irk_tuples*, double, irk_loss_out*)
IRK_WEAK_STUB(irk_supcon_loss, const irk_context*, const irk_batch*, const irk_distance*, const irk_tuples*, double, irk_loss_out*)
IRK_WEAK_STUB(irk_circle_loss, const irk_context*, const irk_batch*, const irk_distance*, const irk_tuples*, double, double, irk_loss_out*)
IRK_WEAK_STUB(irk_tcm_loss, const irk_context*, const irk_batch*, const irk_distance*, const irk_tuples*, double, double, double, double, irk_loss_out*)
IRK_WEAK_STUB(irk_cosface_loss, const irk_context*, const float*, const int64_t*, int64_t, int64_t, const float*, int64_t, const irk_tuples*, double, double, irk_loss_out*)
IRK_WEAK_STUB(irk_arcface_loss, const irk_context*, const float*, const int64_t*, int64_t, int64_t, const float*, int64_t, const irk_tuples*, double, double, irk_loss_out*)
IRK_WEAK_STUB(irk_subcenter_arcface_loss, const irk_context*, const float*, const int64_t*, int64_t, int64_t, const float*, int64_t, int64_t, const irk_tuples*, double, double, irk_loss_out*)
IRK_WEAK_STUB(irk_normalized_softmax_loss, const irk_context*, const float*, const int64_t*, int64_t, int64_t, const float*, int64_t, const irk_tuples*, double, irk_loss_out*)
IRK_WEAK_STUB(irk_proxy_anchor_loss, const irk_context*, const float*, const int64_t*, int64_t, int64_t, const float*, int64_t, const irk_tuples*, double, double, irk_loss_out*)
IRK_WEAK_STUB(irk_knn, const irk_context*, const irk_distance*, const float*, int64_t, const float*, int64_t, int64_t, int64_t, int64_t*, float*)
IRK_WEAK_STUB(irk_retrieval_metrics, const irk_context*, const int64_t*, int64_t, int64_t, const int64_t*, const int64_t*, int64_t, int, int, const int64_t*, int64_t, irk_metrics*, double*)
