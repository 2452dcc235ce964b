// Shared by irkit-check and irkit-bench: CUDA error handling, a device buffer and input batches.
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

#include "irkit/irkit.h"

namespace tool {

inline void cu_check(cudaError_t e, const char* what, int line) {
  if (e == cudaSuccess) return;
  std::fprintf(stderr, "CUDA error at line %d (%s): %s\n", line, what, cudaGetErrorString(e));
  std::exit(3);
}
#define CU(call) ::tool::cu_check((call), #call, __LINE__)

// A device buffer (cudaMalloc). Copies go through the legacy default stream, which waits for
// the blocking stream the kernels run on.
template <class T>
class Dev {
 public:
  Dev() = default;
  explicit Dev(size_t n) : n_(n) {
    if (n_) CU(cudaMalloc(reinterpret_cast<void**>(&p_), n_ * sizeof(T)));
  }
  explicit Dev(const std::vector<T>& h) : Dev(h.size()) { put(h); }
  ~Dev() {
    if (p_) cudaFree(p_);
  }
  Dev(const Dev&) = delete;
  Dev& operator=(const Dev&) = delete;
  Dev(Dev&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  Dev& operator=(Dev&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  void put(const std::vector<T>& h) {
    if (n_) CU(cudaMemcpy(p_, h.data(), n_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> get() const {
    std::vector<T> h(n_);
    if (n_) CU(cudaMemcpy(h.data(), p_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return h;
  }
  // All bits set: NaN for floats, -1 for integers.
  void poison() {
    if (n_) CU(cudaMemset(p_, 0xFF, n_ * sizeof(T)));
  }
  T* ptr() const { return p_; }
  size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

// Labelled embeddings: `mpc` members per class (0: one class), optionally a reference set whose
// labels are drawn from the same classes. exact: small integers, so fp32 and fp64 dot products
// agree bit for bit; otherwise standard normal, or with `clustered` a class centre plus noise
// (cluster_noise: miners then keep some pairs, as on embeddings part way through training).
struct Inputs {
  int64_t n = 0, m = 0, d = 0;  // m = 0: no reference set
  std::vector<float> x, y;
  std::vector<int64_t> xl, yl;
};

inline void avoid_zero_rows(std::vector<float>& v, int64_t d) {
  for (size_t r = 0; r < v.size(); r += static_cast<size_t>(d))
    if (std::all_of(v.begin() + static_cast<std::ptrdiff_t>(r), v.begin() + static_cast<std::ptrdiff_t>(r) + d,
                    [](float x) { return x == 0.f; }))
      v[r] = 1.f;
}

// Noise (relative to the class centres' scale) at which a cosine MS miner (epsilon 0.1) keeps a
// few pairs: same-class cosine is about 1 / (1 + noise^2), the largest of thousands of
// other-class cosines about 3.5 / sqrt(d), and the noise puts the first about 0.15 above the
// second. With B = 1024..16384 and d = 100..1024 it keeps 7-40% of the positive pairs and
// 0.02-0.5% of the negative ones. A fixed 0.5 left every positive 0.4 above every negative
// at d >= 100, so the miners kept nothing and the MS rows timed and checked empty lists.
inline float cluster_noise(int64_t d) {
  const double v = 1.0 / (3.5 / std::sqrt(static_cast<double>(d)) + 0.15) - 1.0;
  return static_cast<float>(std::max(0.5, std::sqrt(std::max(v, 0.0))));
}

inline Inputs make_inputs(int64_t n, int64_t d, int64_t mpc, int64_t m, bool exact, std::mt19937_64& rng,
                          bool clustered = false) {
  Inputs in;
  in.n = n;
  in.m = m;
  in.d = d;
  std::normal_distribution<float> normal(0.f, 1.f);
  std::uniform_int_distribution<int> small(-3, 3);
  auto value = [&] { return exact ? static_cast<float>(small(rng)) : normal(rng); };
  in.x.resize(static_cast<size_t>(n * d));
  for (float& v : in.x) v = value();
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  in.xl.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) in.xl[static_cast<size_t>(i)] = mpc > 0 ? perm[static_cast<size_t>(i)] / mpc : 0;
  if (clustered) {
    const int64_t classes = mpc > 0 ? (n + mpc - 1) / mpc : 1;
    const float noise = cluster_noise(d);
    std::vector<float> centre(static_cast<size_t>(classes * d));
    for (float& v : centre) v = normal(rng);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < d; ++k)
        in.x[static_cast<size_t>(i * d + k)] =
            centre[static_cast<size_t>(in.xl[static_cast<size_t>(i)] * d + k)] + noise * in.x[static_cast<size_t>(i * d + k)];
  }
  if (m > 0) {
    const int64_t classes = mpc > 0 ? (n + mpc - 1) / mpc : 1;
    std::uniform_int_distribution<int64_t> label(0, classes - 1);
    in.y.resize(static_cast<size_t>(m * d));
    for (float& v : in.y) v = value();
    in.yl.resize(static_cast<size_t>(m));
    for (int64_t& l : in.yl) l = label(rng);
  }
  if (exact) {  // no all-zero row: F.normalize's gradient there is rounding noise times 1 / eps = 1e12
    avoid_zero_rows(in.x, d);
    avoid_zero_rows(in.y, d);
  }
  return in;
}

// The same inputs on the device.
struct DevInputs {
  Dev<float> x, y;
  Dev<int64_t> xl, yl;
  explicit DevInputs(const Inputs& in) : x(in.x), y(in.y), xl(in.xl), yl(in.yl) {}
};

inline irk_batch host_batch(const Inputs& in) {
  return irk_batch{in.x.data(), in.xl.data(), in.n, in.d, in.m ? in.y.data() : nullptr,
                   in.m ? in.yl.data() : nullptr, in.m, IRK_DTYPE_F32};
}
inline irk_batch device_batch(const Inputs& in, const DevInputs& dev) {
  return irk_batch{dev.x.ptr(), dev.xl.ptr(), in.n, in.d, in.m ? dev.y.ptr() : nullptr,
                   in.m ? dev.yl.ptr() : nullptr, in.m, IRK_DTYPE_F32};
}

inline const char* dist_name(const irk_distance& d) {
  switch (d.kind) {
    case IRK_DIST_COSINE: return "cosine";
    case IRK_DIST_DOT: return d.normalize ? "dot(norm)" : "dot";
    case IRK_DIST_L2: return d.normalize ? "l2(norm)" : "l2";
    default: return d.normalize ? "sql2(norm)" : "sql2";
  }
}

}  // namespace tool
