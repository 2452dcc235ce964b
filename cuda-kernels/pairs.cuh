// Mined tuples as dense [n x m] pair multiplicities, the device stand-in for cpu/pairs.h's
// per-anchor lists: pairs give pos / neg as they are, triplets (a, p, n) give (a, p) and (a, n).
// Losses read them as PML's masks (count > 0, the CPU's dedupe) or with multiplicity (triplets
// formed from pairs). Counting with integer atomics gives the same counts whatever the order.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "irkit/irkit.h"

namespace irk {
namespace cuda {

struct PairCounts {
  Scratch<int> pos, neg;  // [n x m]
};

// Tuples already validated (indices in range).
PairCounts count_pairs(cudaStream_t s, const irk_tuples& t, int64_t n, int64_t m);

}  // namespace cuda
}  // namespace irk
