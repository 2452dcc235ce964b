#include <algorithm>

#include "core/check.h"
#include "core/context.h"
#include "core/cuda_kernels.h"
#include "cpu/distance.h"

extern "C" irk_status irk_pairwise(const irk_context* ctx, const irk_distance* dist, const float* x,
                                   int64_t n, const float* y, int64_t m, int64_t d, float* out) {
  return irk::guard("irk_pairwise", [&] {
    const bool cuda = irk::on_cuda(ctx);  // device pointers: the twin checks NaN/Inf rows itself
    const irk_context& c = cuda ? *ctx : irk::check_cpu_context(ctx);
    irk::check_distance(dist);
    irk::check_ptr(x, "x");
    irk::check_ptr(out, "out");
    irk::check_size(n, "n");
    irk::check_size(d, "d");
    if (!cuda) irk::check_finite_rows(x, n, d, "x");
    if (y == nullptr) {
      if (m != n) irk::invalid("y is NULL (y = x) but m = %lld differs from n = %lld", static_cast<long long>(m), static_cast<long long>(n));
    } else {
      irk::check_size(m, "m");
      if (!cuda) irk::check_finite_rows(y, m, d, "y");
    }
    if (cuda) return irk::cuda::pairwise(c, *dist, x, n, y, m, d, out);
    irk::DistMat D = irk::compute_distances(c, *dist, x, n, y, m, d, y == nullptr);
    std::copy(D.s.data(), D.s.data() + n * m, out);
  });
}
