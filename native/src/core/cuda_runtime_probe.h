// Device discovery. Implemented by cuda-kernels/device.cu when CUDA is built, else by
// core/no_cuda.cpp, so the CPU library never depends on the CUDA runtime.
#pragma once

namespace irk {
bool cuda_built();
// Number of devices (> 0), or throws Error(IRK_ERR_NO_DEVICE, ...).
int cuda_device_count_or_fail();
// Throws Error(IRK_ERR_NO_DEVICE / IRK_ERR_INVALID_ARGUMENT) unless device `index` exists.
void cuda_check_device(int index);
}  // namespace irk
