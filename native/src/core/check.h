// Input validation shared by every entry point. Messages name the argument (and row) at fault.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/error.h"
#include "irkit/irkit.h"

namespace irk {

// A validated labelled batch. `y`/`ylab` point at the query set when no reference was given
// (`self` is then true and pairs (i, i) are never formed). check_batch with values = true
// (host pointers) widens bf16/f16 embeddings into `widened_x/y`, which the copies of the Batch share,
// and returns dtype F32; with values = false (device pointers) x / y keep the caller's 16-bit
// data and `dtype` says so: the CUDA twin widens them on the device (cuda-kernels/widen.cuh).
struct Batch {
  const float* x;
  const int64_t* xlab;
  int64_t n;
  const float* y;
  const int64_t* ylab;
  int64_t m;
  int64_t d;
  bool self;
  irk_dtype dtype = IRK_DTYPE_F32;
  std::shared_ptr<const std::vector<float>> widened_x, widened_y;
};

void check_dtype(irk_dtype dtype, const char* name);
// dst[i] = src[i] widened to float (host pointers, one thread).
void widen_to_f32(irk_dtype dtype, const void* src, int64_t count, float* dst);

template <class T>
inline void check_ptr(const T* p, const char* name) {
  if (p == nullptr) invalid("%s is NULL", name);
}

void check_size(int64_t v, const char* name);  // v > 0
void check_finite(double v, const char* name);
void check_finite_rows(const float* x, int64_t rows, int64_t d, const char* name);
// Index of the first NaN/Inf in x[0..count), or -1.
int64_t first_nonfinite(const float* x, int64_t count);
// A gradient with NaN/Inf where the loss is finite: the math breaks down at these inputs (e.g.
// ArcFace at a cosine of exactly +-1, where PML's gradient is inf too). The call fails rather than
// hand back what would turn the weights to NaN. x[at] of a [rows x cols] output; the same message
// on CPU and CUDA.
[[noreturn]] void nonfinite_gradient(const char* name, int64_t at, int64_t cols, float v);
// The check on host memory (x NULL: nothing to check).
void check_finite_gradient(const float* x, int64_t rows, int64_t cols, const char* name);
void check_distance(const irk_distance* dist);
// Validates a batch (pointers, sizes, NaN/Inf rows, label presence). values = false skips the
// NaN/Inf rows (device pointers: the CUDA twin checks them on the device).
Batch check_batch(const irk_batch* batch, bool values = true);
// Validates mined tuples against the batch sizes (n anchors, m references). NULL is allowed.
// values = false checks kind, counts and pointers but not the indices (device pointers).
void check_tuples(const irk_tuples* t, int64_t n, int64_t m, bool values = true);

}  // namespace irk
