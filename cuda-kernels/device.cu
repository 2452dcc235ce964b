// CUDA device discovery, built only when IRKIT_CUDA finds nvcc. The runtime is linked statically,
// so on a machine without a driver or GPU cudaGetDeviceCount returns an error code we report.
#include <cuda_runtime.h>

#include "core/cuda_runtime_probe.h"
#include "core/error.h"

namespace irk {

bool cuda_built() { return true; }

int cuda_device_count_or_fail() {
  int count = 0;
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count <= 0) {
    cudaGetLastError();  // clear the sticky error so later probes start clean
    fail(IRK_ERR_NO_DEVICE, "no CUDA device available (%s)",
         err != cudaSuccess ? cudaGetErrorString(err) : "device count is 0");
  }
  return count;
}

void cuda_check_device(int index) {
  int count = cuda_device_count_or_fail();
  if (index >= count) invalid("CUDA device %d does not exist (%d device(s) found)", index, count);
}

}  // namespace irk
