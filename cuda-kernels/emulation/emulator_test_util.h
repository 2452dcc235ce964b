// What the emulator's own tests share: device copies of host vectors and back.
#pragma once
#include <cuda_runtime.h>

#include <vector>

template <class T>
T* device_copy(const std::vector<T>& h) {
  T* d = nullptr;
  cudaMalloc(reinterpret_cast<void**>(&d), h.size() * sizeof(T));
  cudaMemcpy(d, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice);
  return d;
}

template <class T>
std::vector<T> host_copy(const T* d, size_t n) {
  std::vector<T> h(n);
  cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost);
  return h;
}
