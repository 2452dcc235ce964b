// irkit's CUDA emulator (see cuda_runtime.h and README.md here): the runtime calls, the device
// memory arena and the block scheduler.
#include "cuda_runtime.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

// The linker's bounds of every kernel's __shared__ variables (cuda_runtime.h).
extern "C" char __start_irk_shared[] __attribute__((weak));
extern "C" char __stop_irk_shared[] __attribute__((weak));

__thread uint3 threadIdx;
__thread uint3 blockIdx;
__thread dim3 blockDim;
__thread dim3 gridDim;

#if !defined(__x86_64__)
#error "irkit's CUDA emulator switches fibers with x86-64 assembly"
#endif

// irk_emu_switch(save, load): saves the callee-saved registers and the FP control words on the
// current stack, stores the stack pointer in *save, then resumes the stack `load`.
extern "C" void irk_emu_switch(void** save, void* load);
asm(R"(
  .text
  .globl irk_emu_switch
  .hidden irk_emu_switch
  .type irk_emu_switch, @function
irk_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size irk_emu_switch, .-irk_emu_switch
)");

namespace irk_emu {
namespace {

// ------------------------------------------------------------------ errors

cudaError_t g_last_error = cudaSuccess;
long g_host_waits = 0;
long g_launches = 0;
// Whether work was queued since the last wait: a sync with nothing queued returns at once on real
// hardware, so only a sync with something pending counts as a host wait.
bool g_pending = false;
const char* g_kernel = "(no kernel)";  // the running launch, for reports from device code
// IRKIT_CUDA_EMU_TRACE=1: one stderr line per launch, memset and host wait.
const bool g_trace = [] {
  const char* v = std::getenv("IRKIT_CUDA_EMU_TRACE");
  return v && std::strcmp(v, "1") == 0;
}();
void trace(const char* what, const char* name) {
  if (g_trace) std::fprintf(stderr, "irkit CUDA emulator: %s %s\n", what, name);
}
// A host wait: `always` for a copy that itself crosses to the host, else only with work pending.
void host_wait(const char* what, bool always) {
  if (!always && !g_pending) return trace("idle", what);
  ++g_host_waits;
  g_pending = false;
  trace("wait", what);
}
std::map<const char*, size_t> g_pinned;  // cudaMallocHost blocks: start -> bytes

bool pinned(const void* p) {
  const char* c = static_cast<const char*>(p);
  auto it = g_pinned.upper_bound(c);
  if (it == g_pinned.begin()) return false;
  --it;
  return c < it->first + it->second;
}

cudaError_t set_error(cudaError_t e) {
  if (e != cudaSuccess && g_last_error == cudaSuccess) g_last_error = e;
  return e;
}

void report(const char* fmt, const char* kernel, const std::string& detail) {
  std::fprintf(stderr, "irkit CUDA emulator: ");
  std::fprintf(stderr, fmt, kernel, detail.c_str());
  std::fprintf(stderr, "\n");
  set_error(cudaErrorLaunchFailure);
}

// ------------------------------------------------------------------ device memory

// One reserved range: read-write only inside CUDA calls and kernels, no access from host code.
// Each allocation sits between guard bytes (and its rounding slack) holding a canary, so a write
// past either end is found after the launch that made it.
class Arena {
 public:
  static constexpr size_t kReserve = size_t(1) << 36;  // 64 GiB of address space, committed on use
  static constexpr size_t kAlign = 256;
  static constexpr size_t kGuard = 256;
  static constexpr unsigned char kCanary = 0xC5;

  Arena() {
    void* p = mmap(nullptr, kReserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      std::perror("irkit CUDA emulator: mmap");
      std::abort();
    }
    base_ = static_cast<char*>(p);
    free_[0] = kReserve;
  }

  void* allocate(size_t bytes) {
    const size_t size = kGuard + std::max(kAlign, (bytes + kAlign - 1) / kAlign * kAlign) + kGuard;
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (it->second < size) continue;
      const size_t at = it->first, left = it->second - size;
      free_.erase(it);
      if (left) free_[at + size] = left;
      used_[at + kGuard] = Block{at, size, bytes};
      high_ = std::max(high_, at + size);
      if (open_ > 0) protect(PROT_READ | PROT_WRITE);
      std::memset(base_ + at, kCanary, size);
      return base_ + at + kGuard;
    }
    return nullptr;
  }

  bool release(void* p) {
    if (!contains(p)) return false;
    auto it = used_.find(static_cast<size_t>(static_cast<char*>(p) - base_));
    if (it == used_.end()) return false;
    size_t at = it->second.at, size = it->second.size;
    used_.erase(it);
    auto next = free_.find(at + size);
    if (next != free_.end()) size += next->second, free_.erase(next);
    auto prev = free_.lower_bound(at);
    if (prev != free_.begin() && (--prev)->first + prev->second == at) at = prev->first, size += prev->second;
    free_[at] = size;
    return true;
  }

  bool contains(const void* p) const {
    const char* c = static_cast<const char*>(p);
    return c >= base_ && c < base_ + kReserve;
  }
  // True when [p, p + bytes) lies in one allocation (bytes 0: p may be its end, a view's end).
  bool inside_allocation(const void* p, size_t bytes = 0) const {
    if (!contains(p)) return false;
    const size_t off = static_cast<size_t>(static_cast<const char*>(p) - base_);
    auto it = used_.upper_bound(off);
    if (it == used_.begin()) return false;
    --it;
    return off + bytes <= it->first + it->second.bytes;
  }

  // The first allocation whose guard bytes changed, described; empty when all are intact.
  std::string damaged_guard() const {
    for (const auto& [user, b] : used_) {
      const char* lo = base_ + b.at;
      const char* hi = base_ + user + b.bytes;
      for (const char* c = lo; c < base_ + user; ++c)
        if (static_cast<unsigned char>(*c) != kCanary)
          return "byte " + std::to_string(base_ + user - c) + " before the start of a " + std::to_string(b.bytes) +
                 "-byte allocation";
      for (const char* c = hi; c < lo + b.size; ++c)
        if (static_cast<unsigned char>(*c) != kCanary)
          return "byte " + std::to_string(c - hi) + " past the end of a " + std::to_string(b.bytes) +
                 "-byte allocation";
    }
    return {};
  }

  char* base() const { return base_; }
  size_t high() const { return high_; }

  // Device access on (nested) for the duration of a CUDA call.
  void open() {
    if (open_++ == 0) protect(PROT_READ | PROT_WRITE);
  }
  void close() {
    if (--open_ == 0) protect(PROT_NONE);
  }

 private:
  struct Block {
    size_t at, size;  // the block with its guards
    size_t bytes;     // what was asked for
  };
  void protect(int prot) {
    if (high_ && mprotect(base_, (high_ + 4095) / 4096 * 4096, prot) != 0) {
      std::perror("irkit CUDA emulator: mprotect");
      std::abort();
    }
  }
  char* base_ = nullptr;
  std::map<size_t, size_t> free_;  // offset -> bytes
  std::map<size_t, Block> used_;   // offset of the user bytes -> block
  size_t high_ = 0;
  int open_ = 0;
};

std::recursive_mutex g_mutex;

Arena& arena() {
  static Arena a;
  return a;
}

// Holds the lock and device access for one runtime call.
class DeviceCall {
 public:
  DeviceCall() : lock_(g_mutex) { arena().open(); }
  ~DeviceCall() { arena().close(); }

 private:
  std::lock_guard<std::recursive_mutex> lock_;
};

// ------------------------------------------------------------------ fibers and the block scheduler

constexpr size_t kStackBytes = 256 * 1024;
constexpr int kMaxThreads = 1024;

struct Fiber {
  char* stack = nullptr;  // kStackBytes, lowest page a guard
  void* sp = nullptr;
  uint3 idx{};
  bool done = false;
  const char* site = nullptr;  // the __syncthreads it waits at
  int line = 0;
};

// Thread order within each round and block order within the grid: IRKIT_CUDA_EMU_ORDER=forward
// (default), reverse, or shuffle (a different order each round). A kernel whose result depends on
// it has a race: its threads read what others write without a barrier (or blocks share data).
enum class Order { kForward, kReverse, kShuffle };

Order order_from_env() {
  const char* v = std::getenv("IRKIT_CUDA_EMU_ORDER");
  if (!v || !*v || std::strcmp(v, "forward") == 0) return Order::kForward;
  if (std::strcmp(v, "reverse") == 0) return Order::kReverse;
  if (std::strcmp(v, "shuffle") == 0) return Order::kShuffle;
  std::fprintf(stderr, "irkit CUDA emulator: IRKIT_CUDA_EMU_ORDER=%s is not forward, reverse or shuffle\n", v);
  std::exit(3);
}

struct Scheduler {
  std::vector<Fiber> fibers;
  void* home = nullptr;  // the scheduler's stack while a fiber runs
  Fiber* current = nullptr;
  void (*body)(void*) = nullptr;
  void* arg = nullptr;
  Order order = order_from_env();
  std::mt19937 rng{12345};

  void ensure(int n) {
    while (static_cast<int>(fibers.size()) < n) {
      Fiber f;
      void* p = mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED || mprotect(p, 4096, PROT_NONE) != 0) {
        std::perror("irkit CUDA emulator: fiber stack");
        std::abort();
      }
      f.stack = static_cast<char*>(p);
      fibers.push_back(f);
    }
  }
};

Scheduler& sched() {
  static Scheduler s;
  return s;
}

[[noreturn]] void fiber_entry() {
  Scheduler& s = sched();
  s.body(s.arg);
  s.current->done = true;
  irk_emu_switch(&s.current->sp, s.home);
  std::abort();  // a finished fiber is never resumed
}

// A fresh stack that irk_emu_switch "returns" into fiber_entry from, 16-byte aligned at entry.
void start_fiber(Fiber& f) {
  uintptr_t top = reinterpret_cast<uintptr_t>(f.stack + kStackBytes) & ~uintptr_t(15);
  auto* sp = reinterpret_cast<uint64_t*>(top - 72);
  sp[0] = 0x037F00001F80ull;  // MXCSR 0x1F80 (low word), x87 control word 0x037F
  for (int r = 1; r <= 6; ++r) sp[r] = 0;  // r15 r14 r13 r12 rbx rbp
  sp[7] = reinterpret_cast<uint64_t>(&fiber_entry);
  sp[8] = 0;
  f.sp = sp;
  f.done = false;
  f.site = nullptr;
}

std::string where(const Fiber& f) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "thread (%u,%u,%u) of block (%u,%u,%u)", f.idx.x, f.idx.y, f.idx.z, blockIdx.x,
                blockIdx.y, blockIdx.z);
  return buf;
}

bool run_block(Scheduler& s, int threads, const char* kernel) {
  char* const shared_lo = __start_irk_shared;
  char* const shared_hi = __stop_irk_shared;
  if (shared_lo && shared_hi > shared_lo) std::memset(shared_lo, 0xFF, static_cast<size_t>(shared_hi - shared_lo));
  std::vector<int> order(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) order[static_cast<size_t>(t)] = t;
  if (s.order == Order::kReverse) std::reverse(order.begin(), order.end());
  for (int t = 0; t < threads; ++t) {
    Fiber& f = s.fibers[static_cast<size_t>(t)];
    f.idx = uint3{static_cast<unsigned>(t) % blockDim.x, static_cast<unsigned>(t) / blockDim.x % blockDim.y,
                  static_cast<unsigned>(t) / (blockDim.x * blockDim.y)};
    start_fiber(f);
  }
  for (;;) {
    if (s.order == Order::kShuffle) std::shuffle(order.begin(), order.end(), s.rng);
    for (int t : order) {
      Fiber& f = s.fibers[static_cast<size_t>(t)];
      if (f.done) continue;
      s.current = &f;
      threadIdx = f.idx;
      irk_emu_switch(&s.home, f.sp);
    }
    // Every live thread now waits at a barrier, or all are done.
    const Fiber* waiting = nullptr;
    const Fiber* finished = nullptr;
    for (int t = 0; t < threads; ++t) {
      const Fiber& f = s.fibers[static_cast<size_t>(t)];
      if (f.done) {
        finished = &f;
        continue;
      }
      if (waiting && (f.line != waiting->line || std::strcmp(f.site, waiting->site) != 0)) {
        report("%s: threads wait at different __syncthreads (%s)", kernel,
               where(*waiting) + " at " + waiting->site + ":" + std::to_string(waiting->line) + ", " + where(f) +
                   " at " + f.site + ":" + std::to_string(f.line));
        return false;
      }
      if (!waiting) waiting = &f;
    }
    if (!waiting) return true;
    if (finished) {
      report("%s: __syncthreads not reached by every thread (%s)", kernel,
             where(*finished) + " exited, " + where(*waiting) + " waits at " + waiting->site + ":" +
                 std::to_string(waiting->line));
      return false;
    }
  }
}

}  // namespace

void sync_threads(const char* file, int line) {
  Scheduler& s = sched();
  Fiber* f = s.current;
  f->site = file;
  f->line = line;
  irk_emu_switch(&f->sp, s.home);
}

long host_waits() { return g_host_waits; }
long launches() { return g_launches; }

bool device_pointer_ok(const void* p) { return p == nullptr || arena().inside_allocation(p); }

void report_host_pointer(const char* kernel, int arg) {
  report("%s: argument %s is neither null nor device memory", kernel, std::to_string(arg));
}

namespace {

// IRKIT_CUDA_EMU_AUDIT=1: every launch runs three times from the same device memory, threads
// and blocks in forward, reverse and shuffled order, and must leave the same bytes each time; else
// the kernel has a race (or a floating-point atomic) and the emulator names it.
bool audit_from_env() {
  const char* v = std::getenv("IRKIT_CUDA_EMU_AUDIT");
  return v && std::strcmp(v, "1") == 0;
}

bool run_blocks(Scheduler& s, const Config& c, int threads, const char* kernel) {
  const uint64_t blocks = uint64_t(c.grid.x) * c.grid.y * c.grid.z;
  for (uint64_t i = 0; i < blocks; ++i) {
    const uint64_t b = s.order == Order::kForward ? i : blocks - 1 - i;
    blockIdx = uint3{static_cast<unsigned>(b % c.grid.x), static_cast<unsigned>(b / c.grid.x % c.grid.y),
                     static_cast<unsigned>(b / (uint64_t(c.grid.x) * c.grid.y))};
    if (!run_block(s, threads, kernel)) return false;
  }
  return true;
}

void audit_blocks(Scheduler& s, const Config& c, int threads, const char* kernel) {
  Arena& a = arena();
  const std::vector<char> before(a.base(), a.base() + a.high());
  const Order saved = s.order;
  s.order = Order::kForward;
  bool ok = run_blocks(s, c, threads, kernel);
  const std::vector<char> forward(a.base(), a.base() + a.high());
  for (Order o : {Order::kReverse, Order::kShuffle}) {
    if (!ok) break;
    std::memcpy(a.base(), before.data(), before.size());
    s.order = o;
    ok = run_blocks(s, c, threads, kernel);
    const auto diff = std::mismatch(forward.begin(), forward.end(), a.base());
    if (ok && diff.first != forward.end()) {
      report("%s: %s", kernel, "result depends on the order threads or blocks run in (a race or a floating-point "
             "atomic), first at device byte offset " + std::to_string(diff.first - forward.begin()));
      ok = false;
    }
  }
  std::memcpy(a.base(), forward.data(), forward.size());
  s.order = saved;
}

}  // namespace

void misaligned_vector_read(const void* p, int bytes) {
  char detail[96];
  std::snprintf(detail, sizeof detail, "a %d-byte vector read at %p, not %d-byte aligned", bytes, p, bytes);
  report("%s: %s", g_kernel, detail);
  std::abort();  // a GPU's misaligned-address error is sticky: the context is lost
}

void run_grid(const Config& c, const char* kernel, void (*body)(void*), void* arg) {
  const uint64_t threads = uint64_t(c.block.x) * c.block.y * c.block.z;
  if (threads == 0 || threads > kMaxThreads || c.block.z > 64 || c.grid.x == 0 || c.grid.y == 0 ||
      c.grid.z == 0 || c.grid.x > 0x7fffffffu || c.grid.y > 65535 || c.grid.z > 65535) {
    set_error(cudaErrorInvalidConfiguration);
    return;
  }
  if (c.max_threads > 0 && threads > static_cast<uint64_t>(c.max_threads)) {
    std::fprintf(stderr, "irkit CUDA emulator: %s: a block of %llu threads, past its __launch_bounds__(%d)\n", kernel,
                 static_cast<unsigned long long>(threads), c.max_threads);
    set_error(cudaErrorLaunchOutOfResources);
    return;
  }
  DeviceCall call;
  ++g_launches;
  g_pending = true;
  trace("launch", kernel);
  g_kernel = kernel;
  Scheduler& s = sched();
  s.ensure(static_cast<int>(threads));
  s.body = body;
  s.arg = arg;
  gridDim = c.grid;
  blockDim = c.block;
  static const bool audit = audit_from_env();
  if (audit) audit_blocks(s, c, static_cast<int>(threads), kernel);
  else run_blocks(s, c, static_cast<int>(threads), kernel);
  const std::string damage = arena().damaged_guard();
  if (!damage.empty()) {
    report("%s: wrote %s", kernel, damage);
    std::abort();  // the neighbouring allocation may be corrupt: nothing after this can be trusted
  }
}

}  // namespace irk_emu

using irk_emu::DeviceCall;
using irk_emu::set_error;

// ------------------------------------------------------------------ runtime API

cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : set_error(cudaErrorInvalidDevice); }
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device != 0) return set_error(cudaErrorInvalidDevice);
  *prop = cudaDeviceProp{};
  std::snprintf(prop->name, sizeof prop->name, "irkit CUDA emulator (CPU)");
  prop->totalGlobalMem = irk_emu::Arena::kReserve;
  prop->sharedMemPerBlock = 48 * 1024;
  prop->multiProcessorCount = 1;
  prop->maxThreadsPerBlock = irk_emu::kMaxThreads;
  return cudaSuccess;
}
cudaError_t cudaGetLastError() {
  const cudaError_t e = irk_emu::g_last_error;
  irk_emu::g_last_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError() { return irk_emu::g_last_error; }
const char* cudaGetErrorString(cudaError_t err) {
  switch (err) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidDevicePointer: return "invalid device pointer";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorLaunchOutOfResources: return "too many resources requested for launch";
    case cudaErrorLaunchFailure: return "unspecified launch failure (emulator: see stderr)";
  }
  return "unknown error";
}
cudaError_t cudaDeviceSynchronize() {
  irk_emu::host_wait("cudaDeviceSynchronize", false);
  return cudaSuccess;
}

cudaError_t cudaMalloc(void** p, size_t bytes) {
  DeviceCall call;
  *p = irk_emu::arena().allocate(bytes);
  if (!*p) return set_error(cudaErrorMemoryAllocation);
  std::memset(*p, 0xFF, bytes);  // fresh device memory holds garbage (NaN, -1), never zeros to rely on
  return cudaSuccess;
}
cudaError_t cudaFree(void* p) {
  if (!p) return cudaSuccess;
  std::lock_guard<std::recursive_mutex> lock(irk_emu::g_mutex);
  return irk_emu::arena().release(p) ? cudaSuccess : set_error(cudaErrorInvalidDevicePointer);
}
cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t) { return cudaMalloc(p, bytes); }
// Pinned host memory is host memory here.
cudaError_t cudaMallocHost(void** p, size_t bytes) {
  *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!*p) return set_error(cudaErrorMemoryAllocation);
  std::lock_guard<std::recursive_mutex> lock(irk_emu::g_mutex);
  irk_emu::g_pinned[static_cast<const char*>(*p)] = bytes;
  return cudaSuccess;
}
cudaError_t cudaFreeHost(void* p) {
  std::lock_guard<std::recursive_mutex> lock(irk_emu::g_mutex);
  irk_emu::g_pinned.erase(static_cast<const char*>(p));
  std::free(p);
  return cudaSuccess;
}
cudaError_t cudaFreeAsync(void* p, cudaStream_t) { return cudaFree(p); }

cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attr, const void* p) {
  std::lock_guard<std::recursive_mutex> lock(irk_emu::g_mutex);
  const bool device = irk_emu::arena().inside_allocation(p);
  attr->type = device ? cudaMemoryTypeDevice : irk_emu::pinned(p) ? cudaMemoryTypeHost : cudaMemoryTypeUnregistered;
  attr->device = device ? 0 : -1;
  attr->devicePointer = device ? const_cast<void*>(p) : nullptr;
  attr->hostPointer = device ? nullptr : const_cast<void*>(p);
  return cudaSuccess;
}

// Device sides must lie in one device allocation, host sides outside device memory
// (cudaMemcpyDefault: either).
static bool copy_sides_ok(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  auto& a = irk_emu::arena();
  const bool dd = a.inside_allocation(dst, bytes), sd = a.inside_allocation(src, bytes);
  if (kind == cudaMemcpyDefault) return (dd || !a.contains(dst)) && (sd || !a.contains(src));
  switch (kind) {
    case cudaMemcpyHostToHost: return !dd && !sd;
    case cudaMemcpyHostToDevice: return dd && !sd;
    case cudaMemcpyDeviceToHost: return !dd && sd;
    case cudaMemcpyDeviceToDevice: return dd && sd;
    default: return true;
  }
}
static cudaError_t copy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  if (bytes == 0) return cudaSuccess;
  DeviceCall call;
  if (!copy_sides_ok(dst, src, bytes, kind)) return set_error(cudaErrorInvalidValue);
  std::memmove(dst, src, bytes);
  return cudaSuccess;
}
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  irk_emu::host_wait("cudaMemcpy", true);
  return copy(dst, src, bytes, kind);
}
// From the device into pageable memory it returns only when done, as on real hardware.
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t) {
  if (bytes > 0 && kind == cudaMemcpyDeviceToHost && !irk_emu::pinned(dst))
    irk_emu::host_wait("cudaMemcpyAsync into pageable memory", true);
  else if (bytes > 0)
    irk_emu::g_pending = true;
  return copy(dst, src, bytes, kind);
}
cudaError_t cudaMemset(void* p, int value, size_t bytes) {
  if (bytes == 0) return cudaSuccess;
  DeviceCall call;
  if (!irk_emu::arena().inside_allocation(p, bytes)) return set_error(cudaErrorInvalidValue);
  std::memset(p, value, bytes);
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* p, int value, size_t bytes, cudaStream_t) {
  ++irk_emu::g_launches;
  irk_emu::g_pending = true;
  irk_emu::trace("memset", "");
  return cudaMemset(p, value, bytes);
}

struct irk_emu_stream {
  int unused;
};
struct irk_emu_event {
  std::chrono::steady_clock::time_point at;
};

cudaError_t cudaStreamCreate(cudaStream_t* s) {
  *s = new irk_emu_stream{};
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  delete s;
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t) {
  irk_emu::host_wait("cudaStreamSynchronize", false);
  return cudaSuccess;
}
cudaError_t cudaEventCreate(cudaEvent_t* e) {
  *e = new irk_emu_event{};
  return cudaSuccess;
}
cudaError_t cudaEventDestroy(cudaEvent_t e) {
  delete e;
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t) {
  e->at = std::chrono::steady_clock::now();
  return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t) {
  irk_emu::host_wait("cudaEventSynchronize", false);
  return cudaSuccess;
}
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
  return cudaSuccess;
}
