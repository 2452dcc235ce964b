// The pieces the fused miner + loss twins (fused.cu) share with the separate ones: a miner that
// leaves its tuples on the device, and a loss that runs on a BatchCall already set up (its
// distance matrix or streamed tiles computed once for both).
#pragma once
#include <cstdint>

#include "call_setup.cuh"
#include "core/mined.h"
#include "math/pair_math.h"

namespace irk {
namespace cuda {

// Mined tuples on the device, sorted as the CPU miners emit them; counts on the host. Both lists
// share one allocation, so that one copy brings them back.
struct DeviceTuples {
  irk_tuple_kind kind = IRK_TUPLES_PAIRS;
  Scratch<int64_t> data;  // pairs: pos then neg (2 per pair); triplets: the first list (3 each)
  int64_t n_first = 0, n_second = 0;

  // Sizes `data` for n_first tuples of the first list and n_second pairs of the second.
  void allocate(cudaStream_t s, int64_t first_count, int64_t second_count);
  int64_t* first() const { return data.get(); }
  int64_t* second() const { return data.get() + width() * n_first; }
  int width() const { return kind == IRK_TUPLES_PAIRS ? 2 : 3; }
  irk_tuples view() const;
  // Copies them into `out`'s host vectors (one copy, which waits for the stream).
  void to_host(cudaStream_t s, irk_mined& out) const;
};

// The MS miner's per-row statistics on the device: closest negative, farthest positive, kept-pair
// counts, and whether the batch has any positive / any negative pair (any[0], any[1]).
struct MsStats {
  MsStats(cudaStream_t s, int64_t n);
  Scratch<float> best_neg, worst_pos;
  Scratch<int64_t> n_pos, n_neg;
  Scratch<int> any;
};
void ms_mine_stats(BatchCall& call, float eps, MsStats& st);

// The MS miner's pairs without a list, as a loss's pair mask (pos / neg give 0 or 1, m the
// columns): (i, j) is kept exactly when irk_ms_miner would emit it, and nothing is when the batch
// has no positive or no negative pair at all (PML then mines nothing).
struct MsKeptPairs : LabelledMatrix {
  float eps;
  const float* best_neg;
  const float* worst_pos;
  const int* any;

  __device__ __forceinline__ int64_t pos(int64_t i, int64_t j) const {
    return any[0] && any[1] && is_pos(i, j) && math::ms_keep_pos(inv, S[i * m + j], eps, best_neg[i]);
  }
  __device__ __forceinline__ int64_t neg(int64_t i, int64_t j) const {
    return any[0] && any[1] && is_neg(i, j) && math::ms_keep_neg(inv, S[i * m + j], eps, worst_pos[i]);
  }
};

// irk_ms_miner on the call's matrix or tiles.
DeviceTuples ms_mine(BatchCall& call, double epsilon);
// irk_ms_loss on the pairs `kept` marks (not streamed): the fused call when no list is asked for.
// Its one sync also brings the call's deferred input check.
void ms_loss_kept(BatchCall& call, const irk_distance& dist, const MsKeptPairs& kept, double alpha, double beta,
                  double base, const irk_loss_out& out);
// irk_ms_loss on the call's matrix or tiles (tuples: device pointers, or NULL).
void ms_loss_on(BatchCall& call, const irk_distance& dist, const irk_tuples* tuples, double alpha, double beta,
                double base, const irk_loss_out& out);
// irk_batch_hard_miner on the call's matrix or tiles.
DeviceTuples batch_hard_mine(BatchCall& call);
// irk_triplet_margin_loss on the call's matrix (not streamed).
void triplet_margin_loss_on(BatchCall& call, const irk_distance& dist, const irk_tuples* tuples, double margin,
                            int swap, int smooth_loss, const irk_loss_out& out);

}  // namespace cuda
}  // namespace irk
