// dLoss/dS when few entries are nonzero (mined pairs, batch-hard triplets): rows in CSR form, and
// the chain rule from it back to the embeddings as a float32 SIMD gather-accumulate per output
// row. Each output row sums its entries in a fixed order, so results do not depend on the thread
// count.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/context.h"
#include "core/error.h"
#include "cpu/distance.h"
#include "cpu/scratch.h"

namespace irk {

struct SparseGrad {
  int64_t n = 0, m = 0;
  Scratch<int64_t> off;  // [n + 1]: row i is entries [off[i], off[i + 1])
  Scratch<int32_t> col;  // [nnz] column, ascending within a row
  Scratch<float> val;    // [nnz] dLoss/dS
  int64_t nnz() const { return n == 0 ? 0 : off[static_cast<size_t>(n)]; }
};

// Builds G row by row: row(i, acc, tmp) adds row i of dLoss/dS into acc ([m] doubles, all zero on
// entry); tmp is [m] doubles of scratch. The nonzeros are kept. Rows run in parallel.
template <class Row>
SparseGrad sparse_rows(const irk_context& ctx, int64_t n, int64_t m, Row&& row) {
  if (m > INT32_MAX) fail(IRK_ERR_UNSUPPORTED, "sparse gradients index columns with int32, m = %lld", static_cast<long long>(m));
  SparseGrad G;
  G.n = n;
  G.m = m;
  G.off.reset(static_cast<size_t>(n + 1));
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(n, ctx.num_threads));
  struct Part {
    Scratch<int32_t> col;
    Scratch<float> val;
    int64_t used = 0;
  };
  std::vector<Part> part(static_cast<size_t>(parts));
  parallel_for(ctx, parts, 1, [&](int64_t lo, int64_t hi) {
    Scratch<double> acc(static_cast<size_t>(m)), tmp(static_cast<size_t>(m));
    std::fill(acc.data(), acc.data() + m, 0.0);
    for (int64_t p = lo; p < hi; ++p) {
      Part& P = part[static_cast<size_t>(p)];
      for (int64_t i = n * p / parts; i < n * (p + 1) / parts; ++i) {
        row(i, acc.data(), tmp.data());
        if (P.used + m > static_cast<int64_t>(P.col.size())) {  // room for a full row, growing x2
          const size_t cap = static_cast<size_t>(std::max<int64_t>(2 * (P.used + m), 4096));
          Scratch<int32_t> c(cap);
          Scratch<float> v(cap);
          if (P.used) {
            std::memcpy(c.data(), P.col.data(), static_cast<size_t>(P.used) * sizeof(int32_t));
            std::memcpy(v.data(), P.val.data(), static_cast<size_t>(P.used) * sizeof(float));
          }
          P.col = std::move(c);
          P.val = std::move(v);
        }
        const int64_t before = P.used;
        int32_t* col = P.col.data();
        float* val = P.val.data();
        for (int64_t j = 0; j < m; ++j) {  // branch-free: rows are often a few percent nonzero
          const double a = acc[static_cast<size_t>(j)];
          col[P.used] = static_cast<int32_t>(j);
          val[P.used] = static_cast<float>(a);
          P.used += a != 0.0;
          acc[static_cast<size_t>(j)] = 0.0;
        }
        const int64_t count = P.used - before;
        G.off[static_cast<size_t>(i + 1)] = count;
      }
    }
  });
  G.off[0] = 0;
  for (int64_t i = 0; i < n; ++i) G.off[static_cast<size_t>(i + 1)] += G.off[static_cast<size_t>(i)];
  G.col.reset(static_cast<size_t>(G.nnz()));
  G.val.reset(static_cast<size_t>(G.nnz()));
  for (int64_t p = 0; p < parts; ++p) {
    const Part& P = part[static_cast<size_t>(p)];
    const int64_t at = G.off[static_cast<size_t>(n * p / parts)];
    if (P.used == 0) continue;
    std::memcpy(G.col.data() + at, P.col.data(), static_cast<size_t>(P.used) * sizeof(int32_t));
    std::memcpy(G.val.data() + at, P.val.data(), static_cast<size_t>(P.used) * sizeof(float));
  }
  return G;
}

// distance_backward for a sparse G (consumed: its values are rescaled in place).
void sparse_distance_backward(const irk_context& ctx, const irk_distance& dist, const float* x, const float* y,
                              const DistMat& D, SparseGrad& G, float* dx, float* dy);

}  // namespace irk
