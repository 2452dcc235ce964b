// What the classifier and proxy twins share (cpu/classifier_common.h's counterparts): input
// checks on the device, PML's miner weights, F.normalize of rows or of W's columns (norms in
// double, as the CPU), and the backward pass through a normalized weight matrix.
#pragma once
#include <cstdint>
#include <functional>

#include "common.cuh"
#include "device_checks.cuh"
#include "irkit/irkit.h"

namespace irk {
namespace cuda {

// check_classifier_args' data checks into `checks`: finite emb and weights, labels in range,
// tuples in range. With tuples (indices the call reads next) it waits for the verdict; else the
// checks stay queued for the call's one sync, after which it must call checks.raise(): until then
// the kernels must read labels only through in_class_range.
void check_classifier_data(DeviceChecks& checks, const float* emb, const int64_t* labels, int64_t n, int64_t d,
                           const float* w, int64_t w_rows, int64_t w_cols, const char* w_name, int64_t num_classes,
                           const irk_tuples* tuples);

// A label as an index that stays in range for a bad label (class 0), which the deferred check
// then reports.
__device__ __forceinline__ int64_t in_class_range(int64_t label, int64_t classes) {
  return label >= 0 && label < classes ? label : 0;
}

// The end both twins share, with one host wait: the gradient checks of out.grad [n x d] and
// out.grad_weights [w_rows x w_cols] are queued behind the backward, the stream synced, the
// deferred input checks raised, then loss() (reading totals copied back before the sync) is stored
// (it must be finite) and the gradient checks are raised.
void finish_classifier_loss(cudaStream_t s, DeviceChecks& input, const irk_loss_out& out, int64_t n, int64_t d,
                            int64_t w_rows, int64_t w_cols, const std::function<double()>& loss);

// w[i] = PML lmu.convert_to_weights of the tuples (all ones for NULL or empty), as float -> double.
void miner_weights(cudaStream_t s, const irk_tuples* tuples, int64_t n, double* w);

// Unit vectors of `count` vectors of length d with stride `step` between elements and `vec` between
// vectors: rows (vec = d, step = 1) or columns (vec = 1, step = cols). u has the same layout.
void normalize_vectors(cudaStream_t s, const float* x, int64_t count, int64_t d, int64_t vec, int64_t step, float* u,
                       float* norms);

// dLoss/dW for W = normalized vectors: out = (h - u (u . h)) / |w| (h / eps when |w| <= eps), h
// the gradient with respect to u in the same layout.
void unit_vectors_backward(cudaStream_t s, const float* h, const float* u, const float* norms, int64_t count,
                           int64_t d, int64_t vec, int64_t step, float* out);

}  // namespace cuda
}  // namespace irk
