// Input validation shared by every entry point. Messages name the argument (and row) at fault.
#pragma once
#include <cstdint>

#include "core/error.h"
#include "irkit/irkit.h"

namespace irk {

// A validated labelled batch. `y`/`ylab` point at the query set when no reference was given
// (`self` is then true and pairs (i, i) are never formed).
struct Batch {
  const float* x;
  const int64_t* xlab;
  int64_t n;
  const float* y;
  const int64_t* ylab;
  int64_t m;
  int64_t d;
  bool self;
};

template <class T>
inline void check_ptr(const T* p, const char* name) {
  if (p == nullptr) invalid("%s is NULL", name);
}

void check_size(int64_t v, const char* name);  // v > 0
void check_finite(double v, const char* name);
void check_finite_rows(const float* x, int64_t rows, int64_t d, const char* name);
void check_distance(const irk_distance* dist);
// Validates a batch (pointers, sizes, NaN/Inf rows, label presence). values = false skips the
// NaN/Inf rows (device pointers: the CUDA twin checks them on the device).
Batch check_batch(const irk_batch* batch, bool values = true);
// Validates mined tuples against the batch sizes (n anchors, m references). NULL is allowed.
// values = false checks kind, counts and pointers but not the indices (device pointers).
void check_tuples(const irk_tuples* t, int64_t n, int64_t m, bool values = true);

}  // namespace irk
