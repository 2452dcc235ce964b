// Miner output storage behind the opaque irk_mined handle.
#pragma once
#include <cstdint>
#include <vector>

#include "irkit/irkit.h"

struct irk_mined {
  irk_tuple_kind kind = IRK_TUPLES_PAIRS;
  std::vector<int64_t> pos;       // [n_pos x 2]
  std::vector<int64_t> neg;       // [n_neg x 2]
  std::vector<int64_t> triplets;  // [n_triplets x 3]

  void set_pairs(std::vector<int64_t> p, std::vector<int64_t> n);
  void set_triplets(std::vector<int64_t> t);
  // Same, for tuples already sorted lexicographically (the CUDA twins emit them in order).
  void set_sorted_pairs(std::vector<int64_t> p, std::vector<int64_t> n);
  void set_sorted_triplets(std::vector<int64_t> t);
};

namespace irk {
irk_mined& check_mined(irk_mined* out);
// Sorts rows of width `w` lexicographically (PML refs list tuples sorted).
void sort_rows(std::vector<int64_t>& v, int w);
}  // namespace irk
