#include "core/cuda_runtime_probe.h"
#include "core/error.h"

namespace irk {
bool cuda_built() { return false; }
int cuda_device_count_or_fail() {
  fail(IRK_ERR_NO_DEVICE, "no CUDA device: this irkit library was built without CUDA (IRKIT_CUDA=OFF or nvcc not found)");
}
void cuda_check_device(int) { cuda_device_count_or_fail(); }
}  // namespace irk
