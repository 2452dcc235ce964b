// irk_pairwise's CUDA twin: the distance matrix straight into the caller's device buffer.
#include "core/cuda_kernels.h"
#include "device_checks.cuh"
#include "distance.cuh"

namespace irk {
namespace cuda {

void pairwise(const irk_context& ctx, const irk_distance& dist, const float* x, int64_t n, const float* y, int64_t m,
              int64_t d, float* out) {
  DeviceScope device(ctx);
  cudaStream_t s = stream_of(ctx);
  const bool self = y == nullptr;
  DeviceChecks checks(s);
  checks.finite_rows(x, n, d, "x");
  if (!self) checks.finite_rows(y, m, d, "y");
  checks.report();
  compute_distances(s, dist, x, n, y, m, d, self, out, false);
}

}  // namespace cuda
}  // namespace irk
