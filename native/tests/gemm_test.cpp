// irk::gemm_acc (internal; built from its sources) against a long-double brute force: odd sizes
// that hit every register-block and tail path, strided A (transposed views), both type pairs,
// accumulation into existing values, and equal results for 1 and 3 threads.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "cpu/gemm_f64.h"

static int passed = 0, failed = 0;
static void expect(bool ok, const char* what, int rows, int cols, int q) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::printf("FAIL %s (rows %d, cols %d, q %d)\n", what, rows, cols, q);
  }
}

template <class TA, class TB>
static void check(const irk_context& one, const irk_context& three, int rows, int cols, int q, bool transposed,
                  std::mt19937& rng) {
  std::normal_distribution<double> g;
  std::vector<TA> a(static_cast<size_t>(rows * q));
  std::vector<TB> b(static_cast<size_t>(q * (cols + 3)));  // ldb = cols + 3: rows of B are padded
  std::vector<double> init(static_cast<size_t>(rows * cols));
  for (auto& v : a) v = static_cast<TA>(g(rng));
  for (auto& v : b) v = static_cast<TB>(g(rng));
  for (auto& v : init) v = g(rng);
  // A(r, j) = a[r * q + j], or with transposed storage a[j * rows + r]
  const irk::GemmA<TA> A = transposed ? irk::GemmA<TA>{a.data(), 1, rows} : irk::GemmA<TA>{a.data(), q, 1};
  std::vector<double> out1 = init, out3 = init;
  irk::gemm_acc(one, rows, cols, q, A, b.data(), cols + 3, out1.data(), cols);
  irk::gemm_acc(three, rows, cols, q, A, b.data(), cols + 3, out3.data(), cols);
  double worst = 0.0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      long double s = init[static_cast<size_t>(r * cols + c)], mag = std::fabs(s);
      for (int j = 0; j < q; ++j) {
        const long double t = static_cast<long double>(A.p[r * A.row_stride + j * A.col_stride]) * b[static_cast<size_t>(j * (cols + 3) + c)];
        s += t, mag += std::fabs(t);
      }
      worst = std::fmax(worst, static_cast<double>(std::fabs(out1[static_cast<size_t>(r * cols + c)] - s) / (mag + 1e-300)));
    }
  expect(worst < 1e-13, "matches the brute force", rows, cols, q);
  expect(out1 == out3, "1 and 3 threads give the same bits", rows, cols, q);
}

int main() {
  irk_context *one = nullptr, *three = nullptr;
  irk_context_create(IRK_DEVICE_CPU, 0, 1, &one);
  irk_context_create(IRK_DEVICE_CPU, 0, 3, &three);
  std::mt19937 rng(7);
  const int sizes[][3] = {{1, 1, 1}, {5, 3, 7}, {7, 24, 9}, {13, 49, 33}, {6, 48, 64}, {25, 100, 3}, {64, 130, 65}, {200, 257, 31}};
  for (const auto& s : sizes)
    for (int t = 0; t < 2; ++t) {
      check<double, float>(*one, *three, s[0], s[1], s[2], t == 1, rng);
      check<float, double>(*one, *three, s[0], s[1], s[2], t == 1, rng);
    }
  irk_context_destroy(one);
  irk_context_destroy(three);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
