// Tests of irkit's CUDA emulator itself: it must run correct kernels correctly and report the
// bugs it exists to find (a race, a divergent barrier, a host pointer given to a kernel, a host
// read of device memory, a write past an allocation, a misaligned vector read, a bad launch
// configuration, a block past its __launch_bounds__, or a bad copy). Compiled only for the emulator.
#include <cuda_runtime.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common.cuh"  // load_float4
#include "emulator_test_util.h"

namespace {

int g_failures = 0;
#define EXPECT(cond)                                                     \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::printf("FAIL line %d: %s\n", __LINE__, #cond);                \
      ++g_failures;                                                      \
    }                                                                    \
  } while (0)

constexpr int kThreads = 256;

// Tree sum of one block (barriers between levels), one output per block.
__global__ void block_sum_kernel(const int* x, int n, int* out) {
  __shared__ int sh[kThreads];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  sh[threadIdx.x] = i < n ? x[i] : 0;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[blockIdx.x] = sh[0];
}

// The same without the barriers: a race the audit must name.
__global__ void racy_sum_kernel(const int* x, int n, int* out) {
  __shared__ int sh[kThreads];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  sh[threadIdx.x] = i < n ? x[i] : 0;
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1)
    if (threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
  if (threadIdx.x == 0) out[blockIdx.x] = sh[0];
}

// Half the block leaves before a barrier the other half waits at.
__global__ void divergent_barrier_kernel(int* out) {
  if (threadIdx.x % 2) return;
  __syncthreads();
  out[threadIdx.x] = 1;
}

__global__ void atomic_count_kernel(int* counter, unsigned long long* lowest) {
  atomicAdd(counter, 1);
  atomicMin(lowest, static_cast<unsigned long long>(1000 - threadIdx.x));
}

__global__ void write_kernel(int* out) { out[threadIdx.x] = static_cast<int>(threadIdx.x); }
__global__ void __launch_bounds__(2) bounded_write_kernel(int* out) { out[threadIdx.x] = 7; }

// Reads its shared slot before writing it: what a block finds there is garbage, never what the
// previous block left.
__global__ void shared_garbage_kernel(int* out) {
  __shared__ int sh[4];
  out[blockIdx.x * 4 + threadIdx.x] = sh[threadIdx.x];
  sh[threadIdx.x] = 7;
}

// Reads 4 floats at `offset` floats into `in` as one float4.
__global__ void float4_kernel(const float* in, int offset, float* out) {
  const float4 v = irk::cuda::load_float4(in + offset);
  out[0] = v.x + v.y + v.z + v.w;
}

// Writes one element past the end of an n-element buffer.
__global__ void overflow_kernel(int* out, int n) { out[n] = 1; }

// 2-D grid and block indices.
__global__ void index_kernel(int* out) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  out[y * gridDim.x * blockDim.x + x] = y * 1000 + x;
}

// Runs `body` in a child process; true when the child died of `sig`.
template <class F>
bool child_dies_of(int sig, F body) {
  const pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

void test_block_sum() {
  const int n = 1000, blocks = (n + kThreads - 1) / kThreads;
  std::vector<int> x(n);
  for (int i = 0; i < n; ++i) x[i] = i % 7 - 3;
  int* dx = device_copy(x);
  int* dout = device_copy(std::vector<int>(blocks, -1));
  block_sum_kernel<<<blocks, kThreads, 0, nullptr>>>(dx, n, dout);
  EXPECT(cudaGetLastError() == cudaSuccess);
  const std::vector<int> got = host_copy(dout, blocks);
  for (int b = 0; b < blocks; ++b) {
    int want = 0;
    for (int i = b * kThreads; i < n && i < (b + 1) * kThreads; ++i) want += x[i];
    EXPECT(got[b] == want);
  }
  cudaFree(dx);
  cudaFree(dout);
}

void test_race_is_named() {
  std::vector<int> x(kThreads, 1);
  int* dx = device_copy(x);
  int* dout = device_copy(std::vector<int>(1, 0));
  racy_sum_kernel<<<1, kThreads, 0, nullptr>>>(dx, kThreads, dout);
  EXPECT(cudaGetLastError() == cudaErrorLaunchFailure);
  cudaFree(dx);
  cudaFree(dout);
}

void test_divergent_barrier_is_named() {
  int* dout = device_copy(std::vector<int>(64, 0));
  divergent_barrier_kernel<<<1, 64, 0, nullptr>>>(dout);
  EXPECT(cudaGetLastError() == cudaErrorLaunchFailure);
  cudaFree(dout);
}

void test_atomics_and_indices() {
  int* counter = device_copy(std::vector<int>(1, 0));
  unsigned long long* lowest = device_copy(std::vector<unsigned long long>(1, ~0ull));
  atomic_count_kernel<<<3, 100, 0, nullptr>>>(counter, lowest);
  EXPECT(cudaGetLastError() == cudaSuccess);
  EXPECT(host_copy(counter, 1)[0] == 300);
  EXPECT(host_copy(lowest, 1)[0] == 901);
  int* grid = device_copy(std::vector<int>(8 * 6, -1));
  index_kernel<<<dim3(2, 3), dim3(4, 2), 0, nullptr>>>(grid);
  EXPECT(cudaGetLastError() == cudaSuccess);
  const std::vector<int> g = host_copy(grid, 48);
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 8; ++x) EXPECT(g[y * 8 + x] == y * 1000 + x);
  cudaFree(counter);
  cudaFree(lowest);
  cudaFree(grid);
}

void test_shared_memory_starts_as_garbage() {
  int* out = device_copy(std::vector<int>(8, 0));
  shared_garbage_kernel<<<2, 4, 0, nullptr>>>(out);
  EXPECT(cudaGetLastError() == cudaSuccess);
  for (int v : host_copy(out, 8)) EXPECT(v == -1);
  cudaFree(out);
}

void test_bad_launches() {
  int* dout = device_copy(std::vector<int>(4, 0));
  write_kernel<<<1, 2048, 0, nullptr>>>(dout);
  EXPECT(cudaGetLastError() == cudaErrorInvalidConfiguration);
  EXPECT(cudaGetLastError() == cudaSuccess);  // not sticky
  bounded_write_kernel<<<1, 4, 0, nullptr>>>(dout);  // more threads than its __launch_bounds__
  EXPECT(cudaGetLastError() == cudaErrorLaunchOutOfResources);
  bounded_write_kernel<<<1, 2, 0, nullptr>>>(dout);
  EXPECT(cudaGetLastError() == cudaSuccess);
  const std::vector<int> bounded = host_copy(dout, 4);
  EXPECT(bounded[0] == 7 && bounded[1] == 7 && bounded[2] == 0 && bounded[3] == 0);
  std::vector<int> host(4);
  write_kernel<<<1, 4, 0, nullptr>>>(host.data());
  EXPECT(cudaGetLastError() == cudaErrorLaunchFailure);
  EXPECT(cudaMemcpy(host.data(), host.data() + 1, 4, cudaMemcpyHostToDevice) == cudaErrorInvalidValue);
  cudaGetLastError();
  std::vector<int> five(5, 1);  // one more than the allocation holds
  EXPECT(cudaMemcpy(dout, five.data(), 5 * sizeof(int), cudaMemcpyHostToDevice) == cudaErrorInvalidValue);
  EXPECT(cudaMemset(dout + 1, 0, 4 * sizeof(int)) == cudaErrorInvalidValue);
  cudaGetLastError();
  cudaFree(dout);
}

// Host code reading device memory dies (as it would on a GPU machine), in a child process.
void test_host_read_faults() {
  int* d = device_copy(std::vector<int>(4, 7));
  EXPECT(child_dies_of(SIGSEGV, [&] {
    volatile int v = d[1];
    (void)v;
  }));
  EXPECT(host_copy(d, 4)[1] == 7);  // through cudaMemcpy it reads fine
  cudaFree(d);
}

// A kernel that writes past an allocation stops the program (its neighbour may be corrupt).
void test_overflow_stops() {
  EXPECT(child_dies_of(SIGABRT, [] {
    int* d = device_copy(std::vector<int>(4, 0));
    overflow_kernel<<<1, 1, 0, nullptr>>>(d, 4);
  }));
}

}  // namespace

// A float4 read must be 16-byte aligned: an aligned one reads its 4 values, a misaligned one stops
// the program naming the kernel (a GPU faults with cudaErrorMisalignedAddress).
void test_misaligned_float4_stops() {
  float* in = device_copy(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8});
  float* out = device_copy(std::vector<float>(1, 0.f));
  float4_kernel<<<1, 1, 0, nullptr>>>(in, 4, out);
  EXPECT(cudaGetLastError() == cudaSuccess);
  EXPECT(host_copy(out, 1)[0] == 26.f);
  EXPECT(child_dies_of(SIGABRT, [&] { float4_kernel<<<1, 1, 0, nullptr>>>(in, 1, out); }));
  cudaFree(in);
  cudaFree(out);
}

int main() {
  setenv("IRKIT_CUDA_EMU_AUDIT", "1", 1);  // read at the first launch
  test_block_sum();
  test_race_is_named();
  test_divergent_barrier_is_named();
  test_atomics_and_indices();
  test_shared_memory_starts_as_garbage();
  test_bad_launches();
  test_host_read_faults();
  test_overflow_stops();
  test_misaligned_float4_stops();
  std::printf("%s (%d failures)\n", g_failures ? "FAILED" : "emulator test passed", g_failures);
  return g_failures ? 1 : 0;
}
