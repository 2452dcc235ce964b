// FMA where the CPU has it: these products are not meant to reproduce torch's rounding.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#endif

#include "cpu/gemm_f64.h"

#include <algorithm>
#include <cstring>

namespace irk {
namespace {

#if defined(__GNUC__)
#define IRK_GEMM_INLINE __attribute__((always_inline)) inline
typedef double D2 __attribute__((vector_size(16)));
typedef double D4 __attribute__((vector_size(32)));
typedef double D8 __attribute__((vector_size(64)));
typedef float F2 __attribute__((vector_size(8)));
typedef float F4 __attribute__((vector_size(16)));
typedef float F8 __attribute__((vector_size(32)));

template <class V>
struct FloatsOf;
template <>
struct FloatsOf<D2> {
  typedef F2 type;
};
template <>
struct FloatsOf<D4> {
  typedef F4 type;
};
template <>
struct FloatsOf<D8> {
  typedef F8 type;
};

// out[R x NV vectors] += A[R x q] * B[q x NV vectors], j in order.
// Out-parameters, not return values: a returned vector wider than the base ISA draws -Wpsabi.
template <class V>
IRK_GEMM_INLINE void load_as_double(const float* p, V& v) {
  typename FloatsOf<V>::type f;
  std::memcpy(&f, p, sizeof(f));
  v = __builtin_convertvector(f, V);
}
template <class V>
IRK_GEMM_INLINE void load_as_double(const double* p, V& v) {
  std::memcpy(&v, p, sizeof(V));
}

template <class V, int64_t R, int64_t NV, class TA, class TB>
IRK_GEMM_INLINE void block(int64_t q, const TA* a, int64_t ars, int64_t acs, const TB* B, int64_t ldb,
                           double* out, int64_t ldo) {
  constexpr int64_t L = sizeof(V) / sizeof(double);
  V acc[R][NV];
  for (int64_t r = 0; r < R; ++r)
    for (int64_t v = 0; v < NV; ++v) std::memcpy(&acc[r][v], out + r * ldo + v * L, sizeof(V));
  for (int64_t j = 0; j < q; ++j) {
    V b[NV];
    for (int64_t v = 0; v < NV; ++v) load_as_double(B + j * ldb + v * L, b[v]);
    for (int64_t r = 0; r < R; ++r) {
      const double s = static_cast<double>(a[r * ars + j * acs]);
      for (int64_t v = 0; v < NV; ++v) acc[r][v] += s * b[v];
    }
  }
  for (int64_t r = 0; r < R; ++r)
    for (int64_t v = 0; v < NV; ++v) std::memcpy(out + r * ldo + v * L, &acc[r][v], sizeof(V));
}

template <class V, int64_t R, int64_t NV, class TA, class TB>
IRK_GEMM_INLINE void columns(int64_t rows, int64_t c0, int64_t q, GemmA<TA> A, const TB* B, int64_t ldb,
                             double* out, int64_t ldo) {
  int64_t r = 0;
  for (; r + R <= rows; r += R)
    block<V, R, NV>(q, A.p + r * A.row_stride, A.row_stride, A.col_stride, B + c0, ldb, out + r * ldo + c0, ldo);
  for (; r < rows; ++r)
    block<V, 1, NV>(q, A.p + r * A.row_stride, A.row_stride, A.col_stride, B + c0, ldb, out + r * ldo + c0, ldo);
}

// Column panels of NV vectors, then single vectors, then single columns; each panel of B is
// reused by every row block while it sits in cache.
template <class V, int64_t R, int64_t NV, class TA, class TB>
IRK_GEMM_INLINE void gemm_rows(int64_t rows, int64_t cols, int64_t q, GemmA<TA> A, const TB* B, int64_t ldb,
                               double* out, int64_t ldo) {
  constexpr int64_t L = sizeof(V) / sizeof(double);
  int64_t c0 = 0;
  for (; c0 + NV * L <= cols; c0 += NV * L) columns<V, R, NV>(rows, c0, q, A, B, ldb, out, ldo);
  for (; c0 + L <= cols; c0 += L) columns<V, R, 1>(rows, c0, q, A, B, ldb, out, ldo);
  for (; c0 < cols; ++c0)
    for (int64_t r = 0; r < rows; ++r) {
      const TA* a = A.p + r * A.row_stride;
      double s = out[r * ldo + c0];
      for (int64_t j = 0; j < q; ++j) s += static_cast<double>(a[j * A.col_stride]) * static_cast<double>(B[j * ldb + c0]);
      out[r * ldo + c0] = s;
    }
}

#define IRK_GEMM_VARIANTS(TA, TB)                                                                               \
  void gemm_base(int64_t rows, int64_t cols, int64_t q, GemmA<TA> A, const TB* B, int64_t ldb, double* out,   \
                 int64_t ldo) {                                                                               \
    gemm_rows<D2, 4, 2>(rows, cols, q, A, B, ldb, out, ldo);                                                  \
  }                                                                                                           \
  __attribute__((target("avx2,fma"))) void gemm_avx2(int64_t rows, int64_t cols, int64_t q, GemmA<TA> A,      \
                                                     const TB* B, int64_t ldb, double* out, int64_t ldo) {    \
    gemm_rows<D4, 4, 3>(rows, cols, q, A, B, ldb, out, ldo);                                                  \
  }                                                                                                           \
  __attribute__((target("avx512f"))) void gemm_avx512(int64_t rows, int64_t cols, int64_t q, GemmA<TA> A,     \
                                                      const TB* B, int64_t ldb, double* out, int64_t ldo) {   \
    gemm_rows<D8, 6, 3>(rows, cols, q, A, B, ldb, out, ldo);                                                  \
  }
#if defined(__x86_64__)
IRK_GEMM_VARIANTS(double, float)
IRK_GEMM_VARIANTS(float, double)
#endif

template <class TA, class TB>
using GemmFn = void (*)(int64_t, int64_t, int64_t, GemmA<TA>, const TB*, int64_t, double*, int64_t);

template <class TA, class TB>
GemmFn<TA, TB> pick() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return gemm_avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return gemm_avx2;
  return gemm_base;
#else
  return gemm_rows<D2, 4, 2, TA, TB>;
#endif
}
#else
template <class TA, class TB>
using GemmFn = void (*)(int64_t, int64_t, int64_t, GemmA<TA>, const TB*, int64_t, double*, int64_t);
template <class TA, class TB>
void gemm_plain(int64_t rows, int64_t cols, int64_t q, GemmA<TA> A, const TB* B, int64_t ldb, double* out,
                int64_t ldo) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      double s = out[r * ldo + c];
      for (int64_t j = 0; j < q; ++j)
        s += static_cast<double>(A.p[r * A.row_stride + j * A.col_stride]) * static_cast<double>(B[j * ldb + c]);
      out[r * ldo + c] = s;
    }
}
template <class TA, class TB>
GemmFn<TA, TB> pick() {
  return gemm_plain<TA, TB>;
}
#endif

}  // namespace

void gemm_acc_serial(int64_t rows, int64_t cols, int64_t q, GemmA<double> A, const float* B, int64_t ldb,
                     double* out, int64_t ldo) {
  static const GemmFn<double, float> fn = pick<double, float>();
  if (rows > 0 && cols > 0 && q > 0) fn(rows, cols, q, A, B, ldb, out, ldo);
}

void gemm_acc_serial(int64_t rows, int64_t cols, int64_t q, GemmA<float> A, const double* B, int64_t ldb,
                     double* out, int64_t ldo) {
  static const GemmFn<float, double> fn = pick<float, double>();
  if (rows > 0 && cols > 0 && q > 0) fn(rows, cols, q, A, B, ldb, out, ldo);
}

}  // namespace irk
