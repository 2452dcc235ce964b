#include "cpu/scratch.h"

#include <mutex>
#include <new>
#include <vector>

namespace irk {
namespace {

struct Block {
  void* p;
  size_t cap;
};

struct Pool {
  std::mutex mu;
  std::vector<Block> free;  // most recently returned last
  size_t kept = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: other static destructors may still give back
  return *p;
}

// Capacity rounded up to 64 KiB steps, so that slightly different sizes reuse one block.
size_t round_cap(size_t bytes) { return (bytes + kScratchMinBytes - 1) / kScratchMinBytes * kScratchMinBytes; }

}  // namespace

void* scratch_take(size_t bytes) {
  if (bytes < kScratchMinBytes) return ::operator new(bytes, std::align_val_t{64});
  const size_t cap = round_cap(bytes);
  Pool& P = pool();
  {
    std::lock_guard<std::mutex> lock(P.mu);
    size_t best = P.free.size();
    for (size_t t = 0; t < P.free.size(); ++t)  // smallest block that fits, not over 2x
      if (P.free[t].cap >= cap && P.free[t].cap <= 2 * cap && (best == P.free.size() || P.free[t].cap < P.free[best].cap))
        best = t;
    if (best < P.free.size()) {
      void* p = P.free[best].p;
      P.kept -= P.free[best].cap;
      P.free.erase(P.free.begin() + static_cast<std::ptrdiff_t>(best));
      return p;
    }
  }
  return ::operator new(cap, std::align_val_t{64});
}

void scratch_give(void* p, size_t bytes) {
  if (bytes < kScratchMinBytes) {
    ::operator delete(p, std::align_val_t{64});
    return;
  }
  const size_t cap = round_cap(bytes);
  Pool& P = pool();
  std::vector<void*> drop;
  {
    std::lock_guard<std::mutex> lock(P.mu);
    P.free.push_back(Block{p, cap});
    P.kept += cap;
    while (P.kept > kScratchKeepBytes && !P.free.empty()) {  // oldest first
      P.kept -= P.free.front().cap;
      drop.push_back(P.free.front().p);
      P.free.erase(P.free.begin());
    }
  }
  for (void* q : drop) ::operator delete(q, std::align_val_t{64});
}

}  // namespace irk
