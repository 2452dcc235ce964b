/*
 * irkit: image-retrieval kernels (distances, miners, losses, kNN, retrieval metrics).
 *
 * One C API for C, C++ and the JVM (JavaCPP). Conventions, stated once:
 *   n   number of query embeddings (rows of `emb`), m number of reference embeddings,
 *   d   embedding size, k neighbours kept per query, C number of classes.
 *   Embeddings are float32, row-major, contiguous ([n x d]); labels are int64 ([n]). A batch
 *   (irk_batch.dtype) may instead hold bfloat16 or float16 embeddings (mixed-precision training):
 *   they are widened to float32 once per call and every kernel then runs in float32, so the result
 *   equals the float32 call on the widened values. Gradients are always returned as float32.
 *   Where a function takes a reference set (PML's `ref_emb`, `ref_labels`) passing NULL for the
 *   reference embeddings means "the reference set is the query set": pairs (i, i) are then never
 *   formed, as in PML.
 *   Every function returns an irk_status; on failure irk_last_error() returns a message for the
 *   calling thread, naming the argument or row at fault. Nothing aborts, throws or prints.
 *   Losses return the loss value and dLoss/dEmbeddings in the same call, with PML's default reducers.
 *   Pointers are host pointers for a CPU context and device pointers for a CUDA context. The
 *   distance, miner, loss and kNN kernels have CUDA twins (same contract, the context's stream);
 *   irk_retrieval_metrics and irk_revisited_map are CPU only.
 */
#ifndef IRKIT_IRKIT_H
#define IRKIT_IRKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define IRK_API __declspec(dllexport)
#else
#define IRK_API __attribute__((visibility("default")))
#endif

typedef enum irk_status {
  IRK_OK = 0,
  IRK_ERR_INVALID_ARGUMENT = 1, /* null pointer, bad size, NaN/Inf input, impossible parameter */
  IRK_ERR_OUT_OF_MEMORY = 2,
  IRK_ERR_NO_DEVICE = 3,        /* CUDA asked for but no device (or no CUDA build) */
  IRK_ERR_UNSUPPORTED = 4,      /* valid request this build does not implement */
  IRK_ERR_INTERNAL = 5
} irk_status;

/* Message of the last failed call on this thread ("" if none). Valid until the next call. */
IRK_API const char* irk_last_error(void);
IRK_API const char* irk_version(void);

/* ---------------------------------------------------------------- context */
typedef enum irk_device_type { IRK_DEVICE_CPU = 0, IRK_DEVICE_CUDA = 1 } irk_device_type;
typedef struct irk_context irk_context;

/* num_threads <= 0 means "all hardware threads". For CUDA, device_index is the CUDA ordinal;
 * creating a CUDA context without a device fails with IRK_ERR_NO_DEVICE. */
IRK_API irk_status irk_context_create(irk_device_type device, int device_index, int num_threads,
                                      irk_context** out);
IRK_API irk_status irk_context_destroy(irk_context* ctx);
/* CUDA only: the cudaStream_t the kernels run on (NULL = legacy default stream). */
IRK_API irk_status irk_context_set_stream(irk_context* ctx, void* cuda_stream);
IRK_API irk_status irk_context_num_threads(const irk_context* ctx, int* out);
/* Number of CUDA devices; IRK_ERR_NO_DEVICE (with *out = 0) when none or CUDA was not built. */
IRK_API irk_status irk_cuda_device_count(int* out);
/* 1 if this library was built with the CUDA kernels. */
IRK_API int irk_has_cuda_build(void);

/* ---------------------------------------------------------------- distances */
/* PML: CosineSimilarity, DotProductSimilarity, LpDistance(p=2) and LpDistance(p=2, power=2).
 * `normalize` L2-normalizes inputs first (x / max(|x|, 1e-12), torch's F.normalize); PML's default
 * is 1 for all four and cosine requires it. The result is raised to `power` (PML's `power`, 1 by
 * default). Cosine and dot are similarities (larger = closer), L2 kinds are distances. */
typedef enum irk_distance_kind {
  IRK_DIST_COSINE = 0,
  IRK_DIST_DOT = 1,
  IRK_DIST_L2 = 2,
  IRK_DIST_SQUARED_L2 = 3
} irk_distance_kind;

typedef struct irk_distance {
  irk_distance_kind kind;
  int normalize;
  double power;
} irk_distance;

/* out[i*m + j] = dist(x_i, y_j); x [n x d], y [m x d] (y NULL: y = x, m must equal n). */
IRK_API irk_status irk_pairwise(const irk_context* ctx, const irk_distance* dist, const float* x,
                                int64_t n, const float* y, int64_t m, int64_t d, float* out);

/* ---------------------------------------------------------------- batches and tuples */
/* Element type of embeddings. bf16: the upper 16 bits of an IEEE float32 (torch.bfloat16);
 * f16: IEEE 754 binary16 (torch.float16). Both are stored as uint16_t, in native byte order. */
typedef enum irk_dtype { IRK_DTYPE_F32 = 0, IRK_DTYPE_BF16 = 1, IRK_DTYPE_F16 = 2 } irk_dtype;

/* A labelled batch plus an optional reference set (ref_emb NULL: reference = query).
 * `dtype` (last, so that an initializer listing the first seven fields leaves it 0 = float32)
 * is the element type of emb and ref_emb; with bf16/f16 the pointers address uint16_t values
 * (cast them). Such a batch is widened to float32 once per call (on a CUDA context, on the
 * device, in stream order) and the float32 kernel runs; NaN/Inf checks apply to the widened
 * values. Losses write grad / grad_ref as float32 whatever the dtype. */
typedef struct irk_batch {
  const float* emb;          /* [n x d] */
  const int64_t* labels;     /* [n] */
  int64_t n;
  int64_t d;
  const float* ref_emb;      /* [m x d] or NULL */
  const int64_t* ref_labels; /* [m] (required when ref_emb is given) */
  int64_t m;
  irk_dtype dtype;           /* IRK_DTYPE_F32 (0) unless set */
} irk_batch;

/* dst[i] = (float)src[i] for count values of type `dtype` (f32: a copy). Host pointers for a CPU
 * context, device pointers (in stream order) for a CUDA one. For the calls that take a bare
 * `const float*` (irk_pairwise, irk_knn, the classifier losses): widen bf16/f16 embeddings with
 * this first; the result is then what an irk_batch with that dtype would give. */
IRK_API irk_status irk_convert_to_f32(const irk_context* ctx, irk_dtype dtype, const void* src,
                                      int64_t count, float* dst);

typedef enum irk_tuple_kind { IRK_TUPLES_PAIRS = 1, IRK_TUPLES_TRIPLETS = 2 } irk_tuple_kind;

/* Mined indices, PML's indices_tuple. Pairs: pos [n_pos x 2] = (anchor, positive),
 * neg [n_neg x 2] = (anchor, negative). Triplets: triplets [n_triplets x 3] = (a, p, n).
 * Anchors index the query set, positives/negatives the reference set. */
typedef struct irk_tuples {
  irk_tuple_kind kind;
  const int64_t* pos;
  int64_t n_pos;
  const int64_t* neg;
  int64_t n_neg;
  const int64_t* triplets;
  int64_t n_triplets;
} irk_tuples;

/* Miner output owned by the library; reuse one across calls. Views stay valid until the next
 * miner call that writes into it, or destroy. Tuples are sorted lexicographically. The views are
 * host memory for a CUDA context too (the CUDA miners copy their tuples back); copy them to the
 * device to pass them to a loss on a CUDA context. */
typedef struct irk_mined irk_mined;
IRK_API irk_status irk_mined_create(irk_mined** out);
IRK_API irk_status irk_mined_destroy(irk_mined* mined);
IRK_API irk_status irk_mined_view(const irk_mined* mined, irk_tuples* out);

/* ---------------------------------------------------------------- miners */
/* MultiSimilarityMiner(epsilon): keeps (i,p) if s_ip - eps < max_n s_in and (i,n) if
 * s_in + eps > min_p s_ip (mirrored for distances); nothing if the batch has no positive pair or
 * no negative pair. Output: pairs. */
IRK_API irk_status irk_ms_miner(const irk_context* ctx, const irk_batch* batch,
                                const irk_distance* dist, double epsilon, irk_mined* out);

typedef enum irk_triplet_type {
  IRK_TRIPLETS_ALL = 0, IRK_TRIPLETS_HARD = 1, IRK_TRIPLETS_SEMIHARD = 2, IRK_TRIPLETS_EASY = 3
} irk_triplet_type;
/* TripletMarginMiner(margin, type_of_triplets): mu = d_an - d_ap (s_ap - s_an for similarities);
 * all: mu <= margin, hard: mu <= 0, semihard: 0 < mu <= margin, easy: mu > margin. Counts first,
 * then fills: memory is O(output), never O(n*m*m). Output: triplets. */
IRK_API irk_status irk_triplet_margin_miner(const irk_context* ctx, const irk_batch* batch,
                                            const irk_distance* dist, double margin,
                                            irk_triplet_type type, irk_mined* out);

/* BatchHardMiner: farthest positive and nearest negative of every anchor that has both
 * (ties: lowest index). Output: triplets. */
IRK_API irk_status irk_batch_hard_miner(const irk_context* ctx, const irk_batch* batch,
                                        const irk_distance* dist, irk_mined* out);

typedef enum irk_strategy {
  IRK_STRATEGY_EASY = 0, IRK_STRATEGY_SEMIHARD = 1, IRK_STRATEGY_HARD = 2, IRK_STRATEGY_ALL = 3
} irk_strategy;
/* BatchEasyHardMiner(pos_strategy, neg_strategy, allowed_pos_range, allowed_neg_range); PML
 * defaults easy / semihard. A range is [lo, hi]; pass NULL for none. Both semihard, or semihard
 * with all, is invalid. Output: pairs. */
IRK_API irk_status irk_batch_easy_hard_miner(const irk_context* ctx, const irk_batch* batch,
                                             const irk_distance* dist, irk_strategy pos_strategy,
                                             irk_strategy neg_strategy,
                                             const double* allowed_pos_range,
                                             const double* allowed_neg_range, irk_mined* out);

/* PairMarginMiner(pos_margin, neg_margin): positives with d > pos_margin, negatives with
 * d < neg_margin (s < pos_margin, s > neg_margin for similarities). Output: pairs. */
IRK_API irk_status irk_pair_margin_miner(const irk_context* ctx, const irk_batch* batch,
                                         const irk_distance* dist, double pos_margin,
                                         double neg_margin, irk_mined* out);

/* ---------------------------------------------------------------- losses */
/* Where a loss writes. `loss` [1] is required; for a CUDA context it may be device memory
 * (written in stream order) or host memory (written before the call returns, which saves the
 * caller a copy back). `grad` [n x d] = dLoss/dEmb and `grad_ref`
 * [m x d] = dLoss/dRefEmb may be NULL (not computed). `grad_weights` has the weight's shape
 * (classifier and proxy losses only; may be NULL). Gradients are overwritten, not accumulated. */
typedef struct irk_loss_out {
  float* loss;
  float* grad;
  float* grad_ref;
  float* grad_weights;
} irk_loss_out;

/* In every pair/triplet loss `tuples` may be NULL: all pairs/triplets formed from the labels.
 * Pair losses fed triplets use (a,p) and (a,n); triplet losses fed pairs form every (a,p,n)
 * whose anchors match (without materializing them). */

/* ContrastiveLoss(pos_margin=0, neg_margin=1): relu(d - pos_margin) on positive pairs,
 * relu(neg_margin - d) on negative pairs (mirrored for similarities); each part averaged over its
 * strictly positive terms, the two parts summed. */
IRK_API irk_status irk_contrastive_loss(const irk_context* ctx, const irk_batch* batch,
                                        const irk_distance* dist, const irk_tuples* tuples,
                                        double pos_margin, double neg_margin, irk_loss_out* out);

/* TripletMarginLoss(margin=0.05, swap=0, smooth_loss=0, triplets_per_anchor="all"):
 * relu (softplus if smooth) of d_ap - d_an + margin, averaged over strictly positive terms.
 * swap uses min(d_an, d_pn) (max for similarities), d_pn from row p of the query set. */
IRK_API irk_status irk_triplet_margin_loss(const irk_context* ctx, const irk_batch* batch,
                                           const irk_distance* dist, const irk_tuples* tuples,
                                           double margin, int swap, int smooth_loss,
                                           irk_loss_out* out);

/* MultiSimilarityLoss(alpha=2, beta=50, base=0.5), cosine by default: per query row
 * 1/alpha log(1 + sum_P exp(-alpha (s - base))) + 1/beta log(1 + sum_N exp(beta (s - base))),
 * mean over the n rows. */
IRK_API irk_status irk_ms_loss(const irk_context* ctx, const irk_batch* batch,
                               const irk_distance* dist, const irk_tuples* tuples, double alpha,
                               double beta, double base, irk_loss_out* out);

/* ---------------------------------------------------------------- fused miner + loss */
/* A miner and the loss it feeds, sharing one distance matrix (`dist` serves both): the same loss,
 * gradients and tuples as the miner call followed by the loss call with its tuples, in about half
 * the time. `mined` may be NULL; when given it receives the tuples as the miner would (host
 * vectors, as the CUDA miners return them). On a CUDA context the tuples stay on the device
 * between miner and loss. */

/* irk_ms_miner(epsilon), then irk_ms_loss(alpha, beta, base) on its pairs. */
IRK_API irk_status irk_ms_miner_loss(const irk_context* ctx, const irk_batch* batch,
                                     const irk_distance* dist, double epsilon, double alpha,
                                     double beta, double base, irk_mined* mined,
                                     irk_loss_out* out);

/* irk_batch_hard_miner, then irk_triplet_margin_loss(margin, swap, smooth_loss) on its
 * triplets. */
IRK_API irk_status irk_batch_hard_triplet_loss(const irk_context* ctx, const irk_batch* batch,
                                               const irk_distance* dist, double margin, int swap,
                                               int smooth_loss, irk_mined* mined,
                                               irk_loss_out* out);

/* NTXentLoss(temperature=0.07): for each positive pair (a,p):
 * -log(exp(s_ap/t) / (exp(s_ap/t) + sum_{n of a} exp(s_an/t))), mean over positive pairs. */
IRK_API irk_status irk_ntxent_loss(const irk_context* ctx, const irk_batch* batch,
                                   const irk_distance* dist, const irk_tuples* tuples,
                                   double temperature, irk_loss_out* out);

/* SupConLoss(temperature=0.1): per anchor, mean over its positives of
 * -(s_ap/t - log sum_{j != a} exp(s_aj/t)); averaged over anchors with positives (PML). */
IRK_API irk_status irk_supcon_loss(const irk_context* ctx, const irk_batch* batch,
                                   const irk_distance* dist, const irk_tuples* tuples,
                                   double temperature, irk_loss_out* out);

/* CircleLoss(m=0.4, gamma=80), alphas detached as in PML. */
IRK_API irk_status irk_circle_loss(const irk_context* ctx, const irk_batch* batch,
                                   const irk_distance* dist, const irk_tuples* tuples, double m,
                                   double gamma, irk_loss_out* out);

/* ThresholdConsistentMarginLoss(lambda_plus=1, lambda_minus=1, margin_plus=0.9,
 * margin_minus=0.5), cosine; already reduced as in PML. */
IRK_API irk_status irk_tcm_loss(const irk_context* ctx, const irk_batch* batch,
                                const irk_distance* dist, const irk_tuples* tuples,
                                double lambda_plus, double lambda_minus, double margin_plus,
                                double margin_minus, irk_loss_out* out);

/* Classifier losses. W is [d x C] (PML: embedding_size x num_classes, row-major), labels in
 * [0, C). `tuples` (may be NULL) become PML's miner weights per sample. Cross-entropy averaged
 * over the batch; out->grad_weights is dLoss/dW [d x C]. */
IRK_API irk_status irk_cosface_loss(const irk_context* ctx, const float* emb,
                                    const int64_t* labels, int64_t n, int64_t d, const float* W,
                                    int64_t num_classes, const irk_tuples* tuples, double margin,
                                    double scale, irk_loss_out* out);
/* ArcFaceLoss(margin in degrees = 28.6, scale = 64). */
IRK_API irk_status irk_arcface_loss(const irk_context* ctx, const float* emb,
                                    const int64_t* labels, int64_t n, int64_t d, const float* W,
                                    int64_t num_classes, const irk_tuples* tuples,
                                    double margin_degrees, double scale, irk_loss_out* out);
/* SubCenterArcFaceLoss: W is [d x (C*sub_centers)], column c*sub_centers + j is sub-center j of
 * class c. */
IRK_API irk_status irk_subcenter_arcface_loss(const irk_context* ctx, const float* emb,
                                              const int64_t* labels, int64_t n, int64_t d,
                                              const float* W, int64_t num_classes,
                                              int64_t sub_centers, const irk_tuples* tuples,
                                              double margin_degrees, double scale,
                                              irk_loss_out* out);
/* NormalizedSoftmaxLoss(temperature=0.05). */
IRK_API irk_status irk_normalized_softmax_loss(const irk_context* ctx, const float* emb,
                                               const int64_t* labels, int64_t n, int64_t d,
                                               const float* W, int64_t num_classes,
                                               const irk_tuples* tuples, double temperature,
                                               irk_loss_out* out);
/* ProxyAnchorLoss(margin=0.1, alpha=32); proxies are [C x d]; grad_weights is dLoss/dProxies. */
IRK_API irk_status irk_proxy_anchor_loss(const irk_context* ctx, const float* emb,
                                         const int64_t* labels, int64_t n, int64_t d,
                                         const float* proxies, int64_t num_classes,
                                         const irk_tuples* tuples, double margin, double alpha,
                                         irk_loss_out* out);

/* ---------------------------------------------------------------- kNN and metrics */
/* Exact top-k of each query against the reference set, best first, ties by lower index.
 * ref NULL: reference = query and each query is excluded from its own list (k <= n - 1).
 * Values are distances (ascending) or similarities (descending) per `dist`. Streams over tiles:
 * memory O(k * n + tile), never n x m. */
IRK_API irk_status irk_knn(const irk_context* ctx, const irk_distance* dist, const float* query,
                           int64_t n, const float* ref, int64_t m, int64_t d, int64_t k,
                           int64_t* out_indices, float* out_values);

typedef struct irk_metrics {
  double precision_at_1;
  double r_precision;
  double map_at_r;
  double map;              /* PML mean_average_precision over the k neighbours given */
  double mrr;              /* mean reciprocal rank of the first relevant neighbour */
  int64_t num_queries;     /* queries counted (those with R > 0) */
} irk_metrics;

/* Retrieval metrics from kNN indices [n x k] into the reference labels, as PML's
 * AccuracyCalculator: R = number of references sharing the query's label (minus the query itself
 * when ref_is_query), queries with R = 0 left out. recall_ks[i] gives recall_at_k[i] (1 if any of
 * the first recall_ks[i] neighbours is relevant, averaged). avg_of_avgs averages per class first.
 * CPU only (host bookkeeping over n x k indices): a CUDA context gives IRK_ERR_UNSUPPORTED. */
IRK_API irk_status irk_retrieval_metrics(const irk_context* ctx, const int64_t* knn_indices,
                                         int64_t n, int64_t k, const int64_t* query_labels,
                                         const int64_t* ref_labels, int64_t m, int ref_is_query,
                                         int avg_of_avgs, const int64_t* recall_ks,
                                         int64_t num_recall_ks, irk_metrics* out,
                                         double* recall_at_k);

/* Revisited Oxford/Paris mAP (Radenovic et al. 2018, revisitop compute_map): ranks [n x m] lists
 * database ids best first; query q's easy/hard/junk ids are ids[off[q] .. off[q+1]) (off: n+1 entries).
 * out_map = {easy, medium, hard} as fractions; queries without positives skipped (NaN if all). */
IRK_API irk_status irk_revisited_map(const irk_context* ctx, const int64_t* ranks, int64_t n,
                                     int64_t m, const int64_t* easy_off, const int64_t* easy_ids,
                                     const int64_t* hard_off, const int64_t* hard_ids,
                                     const int64_t* junk_off, const int64_t* junk_ids,
                                     double out_map[3]);

#ifdef __cplusplus
}
#endif

#endif /* IRKIT_IRKIT_H */
