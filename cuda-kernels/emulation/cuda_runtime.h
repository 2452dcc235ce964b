// The CUDA runtime API subset irkit uses, for running the CUDA twins on the CPU (irkit's CUDA
// emulator; see README.md here). Compiled by a C++ compiler: a kernel launch runs every block of
// the grid in turn on the calling thread, each block's threads as fibers that switch only at
// __syncthreads, so shared memory, barriers and atomics behave as on a GPU. Device memory lives in
// one arena that host code cannot touch outside CUDA calls (a host read of a device pointer
// segfaults, as it would fault on a GPU machine). Not thread-safe across host threads beyond one
// launch at a time (launches are serialized).
#pragma once
#define IRK_CUDA_EMULATOR 1  // device code may add checks a GPU does in hardware

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

struct uint3 {
  unsigned x, y, z;
};
struct alignas(16) float4 {
  float x, y, z, w;
};
struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};

typedef enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorLaunchFailure = 719,
} cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

enum cudaMemoryType {
  cudaMemoryTypeUnregistered = 0,
  cudaMemoryTypeHost = 1,
  cudaMemoryTypeDevice = 2,
  cudaMemoryTypeManaged = 3,
};
struct cudaPointerAttributes {
  cudaMemoryType type;
  int device;
  void* devicePointer;
  void* hostPointer;
};

typedef struct irk_emu_stream* cudaStream_t;
typedef struct irk_emu_event* cudaEvent_t;

struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int major, minor;
  int multiProcessorCount;
  int maxThreadsPerBlock;
};

cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaGetDevice(int* device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device);
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
const char* cudaGetErrorString(cudaError_t err);
cudaError_t cudaDeviceSynchronize();

cudaError_t cudaMalloc(void** p, size_t bytes);
cudaError_t cudaFree(void* p);
cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t s);
cudaError_t cudaFreeAsync(void* p, cudaStream_t s);
cudaError_t cudaMallocHost(void** p, size_t bytes);
cudaError_t cudaFreeHost(void* p);
cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attr, const void* p);
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t s = nullptr);
cudaError_t cudaMemset(void* p, int value, size_t bytes);
cudaError_t cudaMemsetAsync(void* p, int value, size_t bytes, cudaStream_t s = nullptr);

cudaError_t cudaStreamCreate(cudaStream_t* s);
cudaError_t cudaStreamDestroy(cudaStream_t s);
cudaError_t cudaStreamSynchronize(cudaStream_t s);
cudaError_t cudaEventCreate(cudaEvent_t* e);
cudaError_t cudaEventDestroy(cudaEvent_t e);
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s = nullptr);
cudaError_t cudaEventSynchronize(cudaEvent_t e);
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end);

// The built-in variables of the running (emulated) thread.
extern __thread uint3 threadIdx;
extern __thread uint3 blockIdx;
extern __thread dim3 blockDim;
extern __thread dim3 gridDim;

// Kernel-language keywords. One block runs at a time, so a function-local static is the block's
// shared memory; all of them sit in the section irk_shared, which the scheduler fills with 0xFF
// before each block (shared memory starts as garbage on a GPU too).
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static __attribute__((section("irk_shared"), aligned(16)))
#define __launch_bounds__(...)
#define __syncthreads() ::irk_emu::sync_threads(__FILE__, __LINE__)

namespace irk_emu {

struct Config {
  dim3 grid;
  dim3 block;
  size_t shared_bytes = 0;
  cudaStream_t stream = nullptr;
  // The kernel's __launch_bounds__ (0: none): a GPU refuses a block of more threads, since the
  // compiler fitted the kernel's registers to that many.
  int max_threads = 0;
};

// Runs body(arg) once per thread of the grid (emulator.cpp). `kernel` names it in error reports.
void run_grid(const Config& config, const char* kernel, void (*body)(void*), void* arg);
void sync_threads(const char* file, int line);
// Host waits so far: stream/device/event syncs and copies that return only when done (cudaMemcpy,
// and cudaMemcpyAsync from the device into memory not from cudaMallocHost). Each is a round trip
// to the GPU on real hardware; tests hold a call's count to what its design allows.
long host_waits();
// Kernel launches and memsets so far (each costs the host a few microseconds on real hardware).
long launches();
// True for null and for pointers into device memory; a kernel given any other pointer would fault.
bool device_pointer_ok(const void* p);
void report_host_pointer(const char* kernel, int arg);
// A vector read (float4: 16 bytes) from an address that is not a multiple of its size: a GPU stops
// the kernel with cudaErrorMisalignedAddress; the emulator names the kernel and aborts.
[[noreturn]] void misaligned_vector_read(const void* p, int bytes);

template <class T>
void check_arg(const char* kernel, int index, const T& v) {
  if constexpr (std::is_pointer_v<T>)
    if (!device_pointer_ok(static_cast<const void*>(v))) report_host_pointer(kernel, index);
}

// kernel<<<grid, block, shared, stream>>>(args) becomes launch({grid, block, shared, stream},
// "kernel", [&](auto&&... a) { kernel(a...); }, bound)(args): the lambda lets template kernels
// deduce; bound is the __launch_bounds__ of a kernel defined in the same file, else 0.
template <class F>
struct Launch {
  Config config;
  const char* name;
  F kernel;
  template <class... A>
  void operator()(A&&... args) {
    std::tuple<std::decay_t<A>...> params(std::forward<A>(args)...);
    std::apply([&](const auto&... p) {
      int i = 0;
      (check_arg(name, i++, p), ...);
    }, params);
    auto call = [&] { std::apply(kernel, params); };
    run_grid(config, name, [](void* c) { (*static_cast<decltype(call)*>(c))(); }, &call);
  }
};
template <class F>
Launch<F> launch(Config config, const char* name, F kernel, int max_threads = 0) {
  config.max_threads = max_threads;
  return Launch<F>{config, name, kernel};
}

}  // namespace irk_emu

// Atomics: fibers switch only at barriers, so a plain read-modify-write is atomic.
template <class T, class U>
T atomicAdd(T* p, U v) {
  const T old = *p;
  *p = static_cast<T>(old + v);
  return old;
}
template <class T, class U>
T atomicMin(T* p, U v) {
  const T old = *p;
  if (static_cast<T>(v) < old) *p = static_cast<T>(v);
  return old;
}
template <class T, class U>
T atomicMax(T* p, U v) {
  const T old = *p;
  if (static_cast<T>(v) > old) *p = static_cast<T>(v);
  return old;
}
template <class T, class U>
T atomicOr(T* p, U v) {
  const T old = *p;
  *p = static_cast<T>(old | v);
  return old;
}
