// Plumbing every CUDA twin shares: error mapping, the context's device and stream, stream-ordered
// scratch memory, and block-wide reductions and scans. Reductions run in a fixed tree order (no
// atomics on floating point), so sums do not depend on scheduling.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>

#include "core/context.h"
#include "core/error.h"

namespace irk {
namespace cuda {

constexpr int kThreads = 256;  // threads per block of the row kernels (a power of two)

// Throws irk::Error for a failed CUDA call: out of memory maps to IRK_ERR_OUT_OF_MEMORY.
inline void check_cuda(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so the next call starts clean
  if (err == cudaErrorMemoryAllocation) fail(IRK_ERR_OUT_OF_MEMORY, "out of device memory (%s)", what);
  fail(IRK_ERR_INTERNAL, "CUDA error %s in %s", cudaGetErrorString(err), what);
}
#define IRK_CUDA(call) ::irk::cuda::check_cuda((call), #call)
// After a <<<...>>> launch: reports a bad launch configuration at once.
#define IRK_LAUNCHED(kernel) ::irk::cuda::check_cuda(cudaGetLastError(), kernel)

// Makes the context's device current for the call and restores the caller's afterwards.
class DeviceScope {
 public:
  explicit DeviceScope(const irk_context& ctx) {
    IRK_CUDA(cudaGetDevice(&prev_));
    if (prev_ != ctx.device_index) IRK_CUDA(cudaSetDevice(ctx.device_index));
    changed_ = prev_ != ctx.device_index;
  }
  ~DeviceScope() {
    if (changed_) cudaSetDevice(prev_);
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int prev_ = 0;
  bool changed_ = false;
};

inline cudaStream_t stream_of(const irk_context& ctx) { return static_cast<cudaStream_t>(ctx.stream); }

// p[0..3] as one 16-byte read; p must be 16-byte aligned (the emulator checks, a GPU faults).
__device__ __forceinline__ float4 load_float4(const float* p) {
#if defined(IRK_CUDA_EMULATOR)
  if (reinterpret_cast<uintptr_t>(p) % 16 != 0) ::irk_emu::misaligned_vector_read(p, 16);
#endif
  return *reinterpret_cast<const float4*>(p);
}

// Device scratch allocated and freed in stream order (cudaMallocAsync / cudaFreeAsync).
template <class T>
class Scratch {
 public:
  Scratch() = default;
  Scratch(cudaStream_t s, int64_t count) { allocate(s, count); }
  ~Scratch() { release(); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  Scratch(Scratch&& o) noexcept : p_(o.p_), s_(o.s_), count_(o.count_) { o.p_ = nullptr; }
  Scratch& operator=(Scratch&& o) noexcept {
    if (this != &o) {
      release();
      p_ = o.p_;
      s_ = o.s_;
      count_ = o.count_;
      o.p_ = nullptr;
    }
    return *this;
  }

  void allocate(cudaStream_t s, int64_t count) {
    release();
    s_ = s;
    count_ = count;
    if (count > 0) IRK_CUDA(cudaMallocAsync(reinterpret_cast<void**>(&p_), sizeof(T) * static_cast<size_t>(count), s));
  }
  void zero() {
    if (p_) IRK_CUDA(cudaMemsetAsync(p_, 0, sizeof(T) * static_cast<size_t>(count_), s_));
  }
  T* get() const { return p_; }
  int64_t size() const { return count_; }

 private:
  void release() {
    if (p_) cudaFreeAsync(p_, s_);
    p_ = nullptr;
  }
  T* p_ = nullptr;
  cudaStream_t s_ = nullptr;
  int64_t count_ = 0;
};

// Page-locked host memory for a few values copied back in stream order. A copy into pageable
// memory returns only when it is done (CUDA semantics), so several results share one stream sync
// only when they land in pinned memory. Chunks of kPinnedChunk bytes from a per-thread pool.
constexpr size_t kPinnedChunk = 256;
void* pinned_chunk_acquire(size_t bytes);
void pinned_chunk_release(void* p);
template <class T>
class Pinned {
 public:
  explicit Pinned(int64_t count = 1)
      : p_(static_cast<T*>(pinned_chunk_acquire(sizeof(T) * static_cast<size_t>(count)))) {}
  ~Pinned() { pinned_chunk_release(p_); }
  Pinned(const Pinned&) = delete;
  Pinned& operator=(const Pinned&) = delete;
  T* get() const { return p_; }
  T& operator[](int64_t i) const { return p_[i]; }

 private:
  T* p_;
};

// Queues a copy of `count` elements device -> host without waiting (copy_to_host waits); the host
// side must be Pinned for the copy not to wait either.
template <class T>
void copy_to_host_async(cudaStream_t s, T* host, const T* dev, int64_t count) {
  if (count <= 0) return;
  IRK_CUDA(cudaMemcpyAsync(host, dev, sizeof(T) * static_cast<size_t>(count), cudaMemcpyDeviceToHost, s));
}

// Copies `count` elements device -> host and waits: the one round trip a twin makes to return a
// scalar or a count. A few values go through pinned staging (one wait, and the sync also serves
// the pinned copies queued before); more go straight to `host`.
template <class T>
void copy_to_host(cudaStream_t s, T* host, const T* dev, int64_t count) {
  if (count <= 0) return;
  const size_t bytes = sizeof(T) * static_cast<size_t>(count);
  if (bytes <= kPinnedChunk) {
    Pinned<T> stage(count);
    copy_to_host_async(s, stage.get(), dev, count);
    IRK_CUDA(cudaStreamSynchronize(s));
    std::memcpy(static_cast<void*>(host), stage.get(), bytes);
    return;
  }
  copy_to_host_async(s, host, dev, count);
  IRK_CUDA(cudaStreamSynchronize(s));
}

// Queues a copy of `count` elements host -> device; the host memory must outlive the copy.
template <class T>
void copy_to_device_async(cudaStream_t s, T* dev, const T* host, int64_t count) {
  if (count <= 0) return;
  IRK_CUDA(cudaMemcpyAsync(dev, host, sizeof(T) * static_cast<size_t>(count), cudaMemcpyHostToDevice, s));
}

inline void zero_floats(cudaStream_t s, float* p, int64_t count) {
  if (p && count > 0) IRK_CUDA(cudaMemsetAsync(p, 0, sizeof(float) * static_cast<size_t>(count), s));
}

// Blocks for a grid-stride loop over `count` items.
inline unsigned grid_for(int64_t count, int threads = kThreads) {
  int64_t b = (count + threads - 1) / threads;
  if (b < 1) b = 1;
  if (b > 65535) b = 65535;
  return static_cast<unsigned>(b);
}

// Blocks for a kernel that runs one block per row.
inline unsigned row_blocks(int64_t rows) {
  if (rows > 0x7fffffff) fail(IRK_ERR_UNSUPPORTED, "CUDA: %lld rows exceed the grid", static_cast<long long>(rows));
  return static_cast<unsigned>(rows);
}

__device__ __forceinline__ int64_t global_thread() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ int64_t global_stride() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

// NaN and Inf give NaN here; finite values give 0.
__device__ __forceinline__ bool finite_f(float v) { return v - v == 0.f; }

// Reduces one value per thread over the block (blockDim.x a power of two) in a fixed tree order;
// every thread gets the result. `sh` holds blockDim.x values; all threads must call.
template <class T, class Op>
__device__ T block_reduce(T v, Op op, T* sh) {
  const unsigned t = threadIdx.x;
  sh[t] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) sh[t] = op(sh[t], sh[t + s]);
    __syncthreads();
  }
  T r = sh[0];
  __syncthreads();
  return r;
}

struct SumOp {
  template <class T>
  __device__ T operator()(T a, T b) const { return a + b; }
};
struct MaxOp {
  template <class T>
  __device__ T operator()(T a, T b) const { return a > b ? a : b; }
};

// Exclusive prefix sum of one value per thread over the block; *total gets the block's sum.
// `sh` holds blockDim.x values; all threads must call.
template <class T>
__device__ T block_exclusive_scan(T v, T* sh, T* total) {
  const unsigned t = threadIdx.x;
  sh[t] = v;
  __syncthreads();
  for (unsigned off = 1; off < blockDim.x; off <<= 1) {
    T add = t >= off ? sh[t - off] : T(0);
    __syncthreads();
    sh[t] += add;
    __syncthreads();
  }
  T inclusive = sh[t];
  *total = sh[blockDim.x - 1];
  __syncthreads();
  return inclusive - v;
}

// Exclusive prefix sums of counts[0..n) into off[0..n], off[n] = total (one block, in order).
void exclusive_scan(cudaStream_t s, const int64_t* counts, int64_t n, int64_t* off);

// Deterministic totals over per-row results: sum of vals[0..n), and of ca / cb (each may be NULL).
struct Totals {
  double sum;
  long long a;
  long long b;
};
void sum_rows(cudaStream_t s, const double* vals, const int64_t* ca, const int64_t* cb, int64_t n, Totals* out);

// Writes a float scalar the host computed (a loss) to `dst`: device memory in stream order (no host
// buffer to keep alive), host memory at once (the caller then needs no copy back).
// A developer switch read from the environment: 1 when the variable is "1", 0 when "0", else -1
// (unset or anything else: decide by size). Callers cache it in a function-local static.
int env_switch(const char* name);

void store_scalar(cudaStream_t s, float* dst, float value);
// store_scalar for a loss, which must be finite (IRK_ERR_INTERNAL otherwise).
void store_finite_loss(cudaStream_t s, float* dst, double loss);

}  // namespace cuda
}  // namespace irk
