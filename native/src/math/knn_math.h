// Per-pair kNN math shared by the CPU kernel and its CUDA twin. Every value must equal what
// irk_pairwise returns for the same pair, bit for bit, so the arithmetic order here is fixed.
#pragma once
#include <math.h>
#include <stdint.h>

#include "irkit/irkit.h"
#include "math/irk_math.h"

namespace irk {
namespace math {

// Dot product accumulated in double over four lanes (lane = k mod 4, the tail into lane 0),
// combined as (l0 + l1) + (l2 + l3): the order cpu/distance.cpp uses. float x float is exact in
// double, so a fused multiply-add gives the same result as a separate multiply and add.
template <class A, class B>
IRK_HD double dot4(const A* a, const B* b, int64_t d) {
  double acc[4] = {0.0, 0.0, 0.0, 0.0};
  int64_t k = 0;
  for (; k + 4 <= d; k += 4)
    for (int l = 0; l < 4; ++l) acc[l] += static_cast<double>(a[k + l]) * static_cast<double>(b[k + l]);
  for (; k < d; ++k) acc[0] += static_cast<double>(a[k]) * static_cast<double>(b[k]);
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// torch F.normalize divides by max(|x|, 1e-12), with |x| rounded to float first.
IRK_HD float normalize_denom(double sum_sq) {
  float norm = static_cast<float>(sqrt(sum_sq));
  return norm < 1e-12f ? 1e-12f : norm;
}

IRK_HD bool is_l2_kind(irk_distance_kind kind) {
  return kind == IRK_DIST_L2 || kind == IRK_DIST_SQUARED_L2;
}

// The value of one pair from its dot product g and the squared norms (used by the L2 kinds):
// computed in double, rounded to float, then raised to `power` as irk_pairwise does.
IRK_HD float pair_value(irk_distance_kind kind, double power, double g, double xsq, double ysq) {
  double v = g;
  if (is_l2_kind(kind)) {
    double sq = xsq + ysq - 2.0 * g;
    if (sq < 0.0) sq = 0.0;
    v = kind == IRK_DIST_L2 ? sqrt(sq) : sq;
  }
  float f = static_cast<float>(v);
  return power == 1.0 ? f : static_cast<float>(pow(static_cast<double>(f), power));
}

// Ranking key, smaller = better: similarities are negated (exact in float), so one order serves
// every kind. Ties go to the lower index, which makes the top-k unique. NaN (a negative similarity
// to a fractional power) ranks after every number.
IRK_HD float rank_key(bool inverted, float value) { return inverted ? -value : value; }
IRK_HD bool ranks_before(float key_a, int64_t idx_a, float key_b, int64_t idx_b) {
  if (key_a < key_b) return true;
  if (key_b < key_a) return false;
  const bool nan_a = key_a != key_a, nan_b = key_b != key_b;
  if (nan_a != nan_b) return nan_b;
  return idx_a < idx_b;
}

// A bounded max-heap of (key, index) candidates over caller-owned arrays (root = worst kept
// candidate in ranks_before order), shared by the CPU kNN (a query's output row) and the CUDA
// twin (a partial list in global memory). `size` starts at 0.
struct BoundedHeap {
  float* key;
  int64_t* idx;
  int64_t cap;
  int64_t size;

  IRK_HD bool worse(int64_t a, int64_t b) const { return ranks_before(key[b], idx[b], key[a], idx[a]); }
  IRK_HD void swap_at(int64_t a, int64_t b) {
    const float k = key[a];
    key[a] = key[b];
    key[b] = k;
    const int64_t i = idx[a];
    idx[a] = idx[b];
    idx[b] = i;
  }
  IRK_HD void sift_down(int64_t at, int64_t end) {
    for (;;) {
      int64_t c = 2 * at + 1;
      if (c >= end) return;
      if (c + 1 < end && worse(c + 1, c)) ++c;
      if (!worse(c, at)) return;
      swap_at(c, at);
      at = c;
    }
  }
  IRK_HD void offer(float k, int64_t j) {
    if (size < cap) {
      int64_t at = size++;
      key[at] = k;
      idx[at] = j;
      while (at > 0 && worse(at, (at - 1) / 2)) {
        swap_at(at, (at - 1) / 2);
        at = (at - 1) / 2;
      }
    } else if (ranks_before(k, j, key[0], idx[0])) {
      key[0] = k;
      idx[0] = j;
      sift_down(0, size);
    }
  }
  // Heap sort: repeatedly moving the worst to the end leaves the list best first.
  IRK_HD void sort_best_first() {
    for (int64_t end = size - 1; end > 0; --end) {
      swap_at(0, end);
      sift_down(0, end);
    }
  }
};

}  // namespace math
}  // namespace irk
