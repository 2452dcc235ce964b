// Device twins of check_finite_rows and of check_tuples' index ranges: one small kernel per input
// records the first bad element (lowest flat index, atomicMin), and report() brings the flags back
// in one copy and throws the CPU check's message for the first failure, in the order added.
#pragma once
#include <cstdint>

#include "common.cuh"
#include "core/check.h"

namespace irk {
namespace cuda {

class DeviceChecks {
 public:
  explicit DeviceChecks(cudaStream_t s);
  // NaN/Inf anywhere in x [rows x d].
  void finite_rows(const float* x, int64_t rows, int64_t d, const char* name);
  // The batch's embeddings and (when given) reference embeddings.
  void batch(const Batch& b);
  // Tuple indices in range: anchors < n, references < m (NULL tuples: nothing to check).
  void tuples(const irk_tuples* t, int64_t n, int64_t m);
  // Class labels in [0, num_classes), as check_classifier_args words it.
  void labels(const int64_t* v, int64_t n, int64_t num_classes);
  // NaN/Inf in a loss's gradient x [rows x cols]: reported as core/check.h's nonfinite_gradient.
  void gradient(const float* x, int64_t rows, int64_t cols, const char* name);
  // Waits for the checks (one stream sync) and throws IRK_ERR_INVALID_ARGUMENT on a failure
  // (IRK_ERR_INTERNAL for a gradient).
  void report();
  // The same in two steps, so that a later sync the call makes anyway serves: queue() copies the
  // flags back without waiting, raise() (after that sync) throws for a failure.
  void queue();
  void raise();

 private:
  enum Kind { kRows = 0, kIndexList = 1, kLabels = 2, kGradient = 3 };
  struct Item {
    int kind;
    const void* data;
    int64_t width;  // d for rows, tuple width for index lists
    int64_t bounds[3];
    const char* name;
  };
  void index_list(const int64_t* v, int64_t count, int width, const int64_t* bounds, const char* name);
  void nonfinite(Kind kind, const float* x, int64_t rows, int64_t d, const char* name);

  static constexpr int kMax = 8;
  cudaStream_t s_;
  Scratch<unsigned long long> slots_;
  Pinned<unsigned long long> first_{kMax};
  bool queued_ = false;
  Item items_[kMax] = {};
  int count_ = 0;
};

}  // namespace cuda
}  // namespace irk
