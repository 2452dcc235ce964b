// Large temporary buffers kept between calls. On the VMs irkit runs on, first-touching fresh
// pages costs about 3 ms per MiB (a page fault per 4 KiB) -- more than the kernels' arithmetic at
// B = 1024 -- so buffers of a call are taken from a process-wide pool and handed back afterwards.
// Contents are uninitialized. The pool keeps at most kScratchKeepBytes; blocks under
// kScratchMinBytes bypass it.
#pragma once
#include <cstddef>
#include <cstdint>

namespace irk {

constexpr size_t kScratchKeepBytes = size_t{512} << 20;
constexpr size_t kScratchMinBytes = size_t{64} << 10;

void* scratch_take(size_t bytes);              // 64-byte aligned; throws std::bad_alloc
void scratch_give(void* p, size_t bytes);

template <class T>
class Scratch {
 public:
  Scratch() = default;
  explicit Scratch(size_t count) { reset(count); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  Scratch(Scratch&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  Scratch& operator=(Scratch&& o) noexcept {
    if (this != &o) {
      release();
      p_ = o.p_, n_ = o.n_;
      o.p_ = nullptr, o.n_ = 0;
    }
    return *this;
  }
  ~Scratch() { release(); }

  void reset(size_t count) {
    release();
    if (count == 0) return;
    p_ = static_cast<T*>(scratch_take(count * sizeof(T)));
    n_ = count;
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }

 private:
  void release() {
    if (p_) scratch_give(p_, n_ * sizeof(T));
    p_ = nullptr;
    n_ = 0;
  }
  T* p_ = nullptr;
  size_t n_ = 0;
};

}  // namespace irk
