// Small stream-ordered helpers shared by the twins (see common.cuh).
#include "common.cuh"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace irk {
namespace cuda {
namespace {

constexpr int kScanThreads = 1024;

__global__ void __launch_bounds__(kScanThreads) exclusive_scan_kernel(const int64_t* counts, int64_t n, int64_t* off) {
  __shared__ int64_t sh[kScanThreads];
  int64_t carry = 0;
  for (int64_t base = 0; base < n; base += kScanThreads) {
    const int64_t i = base + threadIdx.x;
    int64_t total = 0;
    int64_t ex = block_exclusive_scan<int64_t>(i < n ? counts[i] : 0, sh, &total);
    if (i < n) off[i] = carry + ex;
    carry += total;
  }
  if (threadIdx.x == 0) off[n] = carry;
}

// One block; each thread sums a fixed strided subset in order, then a fixed tree: deterministic.
__global__ void __launch_bounds__(kScanThreads) sum_rows_kernel(const double* vals, const int64_t* ca,
                                                                const int64_t* cb, int64_t n, Totals* out) {
  __shared__ double shd[kScanThreads];
  __shared__ long long shi[kScanThreads];
  double v = 0.0;
  long long a = 0, b = 0;
  for (int64_t i = threadIdx.x; i < n; i += kScanThreads) {
    v += vals[i];
    if (ca) a += ca[i];
    if (cb) b += cb[i];
  }
  v = block_reduce(v, SumOp(), shd);
  a = block_reduce(a, SumOp(), shi);
  b = block_reduce(b, SumOp(), shi);
  if (threadIdx.x == 0) *out = Totals{v, a, b};
}

__global__ void store_scalar_kernel(float* dst, float value) { *dst = value; }

}  // namespace

namespace {
constexpr size_t kPinnedChunksPerBlock = 256;
thread_local std::vector<void*> t_pinned_free;  // blocks are kept for the thread's life
}  // namespace

void* pinned_chunk_acquire(size_t bytes) {
  if (bytes > kPinnedChunk) fail(IRK_ERR_INTERNAL, "pinned staging of %zu bytes exceeds a chunk", bytes);
  if (t_pinned_free.empty()) {
    char* block = nullptr;
    IRK_CUDA(cudaMallocHost(reinterpret_cast<void**>(&block), kPinnedChunk * kPinnedChunksPerBlock));
    for (size_t i = 0; i < kPinnedChunksPerBlock; ++i) t_pinned_free.push_back(block + i * kPinnedChunk);
  }
  void* p = t_pinned_free.back();
  t_pinned_free.pop_back();
  return p;
}

void pinned_chunk_release(void* p) {
  if (p) t_pinned_free.push_back(p);
}

void exclusive_scan(cudaStream_t s, const int64_t* counts, int64_t n, int64_t* off) {
  exclusive_scan_kernel<<<1, kScanThreads, 0, s>>>(counts, n, off);
  IRK_LAUNCHED("exclusive_scan_kernel");
}

void sum_rows(cudaStream_t s, const double* vals, const int64_t* ca, const int64_t* cb, int64_t n, Totals* out) {
  sum_rows_kernel<<<1, kScanThreads, 0, s>>>(vals, ca, cb, n, out);
  IRK_LAUNCHED("sum_rows_kernel");
}

void store_scalar(cudaStream_t s, float* dst, float value) {
  cudaPointerAttributes at{};
  IRK_CUDA(cudaPointerGetAttributes(&at, dst));
  if (at.type == cudaMemoryTypeUnregistered || at.type == cudaMemoryTypeHost) {
    *dst = value;
    return;
  }
  store_scalar_kernel<<<1, 1, 0, s>>>(dst, value);
  IRK_LAUNCHED("store_scalar_kernel");
}

void store_finite_loss(cudaStream_t s, float* dst, double loss) {
  if (!std::isfinite(loss)) fail(IRK_ERR_INTERNAL, "loss is not finite (%g)", loss);
  store_scalar(s, dst, static_cast<float>(loss));
}

int env_switch(const char* name) {
  const char* v = std::getenv(name);
  if (v != nullptr && std::strcmp(v, "1") == 0) return 1;
  if (v != nullptr && std::strcmp(v, "0") == 0) return 0;
  return -1;
}

}  // namespace cuda
}  // namespace irk
