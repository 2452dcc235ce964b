// Dense products with double accumulation for the backward passes and the classifier losses:
// out(r, c) += sum_j A(r, j) * B(j, c), each element summing j in order, in register blocks with
// SIMD across c (AVX-512 / AVX2 / SSE2 picked at run time, FMA where the CPU has it). A has any
// strides; B is row-major; either may be float or double (one of them float). Results do not
// depend on the thread count.
#pragma once
#include <algorithm>
#include <cstdint>

#include "core/context.h"

namespace irk {

template <class T>
struct GemmA {
  const T* p;
  int64_t row_stride, col_stride;  // A(r, j) = p[r * row_stride + j * col_stride]
};

// One thread: rows x cols outputs, q terms each.
void gemm_acc_serial(int64_t rows, int64_t cols, int64_t q, GemmA<double> A, const float* B, int64_t ldb,
                     double* out, int64_t ldo);
void gemm_acc_serial(int64_t rows, int64_t cols, int64_t q, GemmA<float> A, const double* B, int64_t ldb,
                     double* out, int64_t ldo);
// The same, rows split over the context's threads.
template <class TA, class TB>
void gemm_acc(const irk_context& ctx, int64_t rows, int64_t cols, int64_t q, GemmA<TA> A, const TB* B,
              int64_t ldb, double* out, int64_t ldo) {
  // At least 12 rows (two register blocks) and ~64k multiply-adds per chunk.
  const int64_t min_rows = std::max<int64_t>(12, (int64_t{1} << 16) / std::max<int64_t>(1, cols * q));
  parallel_for(ctx, rows, min_rows, [&](int64_t lo, int64_t hi) {
    gemm_acc_serial(hi - lo, cols, q, GemmA<TA>{A.p + lo * A.row_stride, A.row_stride, A.col_stride}, B, ldb,
                    out + lo * ldo, ldo);
  });
}

}  // namespace irk
