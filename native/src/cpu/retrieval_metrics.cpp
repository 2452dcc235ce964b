// PML AccuracyCalculator metrics from kNN indices. Per query (R = relevant references, Rk =
// min(R, k), rel(i) = neighbour i shares the label, P(i) = precision at rank i):
//   precision_at_1 = rel(1)                       r_precision = sum_{i<=Rk} rel(i) / Rk
//   map_at_r = sum_{i<=Rk} P(i) rel(i) / Rk        map = sum_{i<=k} P(i) rel(i) / Rk
//   mrr = 1 / (rank of the first relevant), 0 if none in k; recall@K = 1 if any relevant in K.
// Queries with R = 0 are left out; the mean is over queries, or over classes of per-class means.
#include <algorithm>
#include <vector>

#include "core/check.h"
#include "core/context.h"

namespace irk {
namespace {

enum Column { kP1 = 0, kRP, kMapR, kMap, kMrr, kFixedColumns };

// Number of references carrying `label` (ref_sorted is the sorted reference label list).
int64_t count_label(const std::vector<int64_t>& ref_sorted, int64_t label) {
  auto range = std::equal_range(ref_sorted.begin(), ref_sorted.end(), label);
  return static_cast<int64_t>(range.second - range.first);
}

// Fills row[0 .. width) for one query with R > 0 relevant references.
void query_metrics(const int64_t* nbrs, int64_t k, int64_t label, const int64_t* ref_labels, int64_t R,
                   const int64_t* recall_ks, int64_t num_recall_ks, double* row) {
  const int64_t rk = std::min(R, k);
  int64_t found = 0, hits_r = 0, first = -1;
  double sum_r = 0.0, sum_all = 0.0;
  for (int64_t i = 0; i < k; ++i) {
    if (ref_labels[nbrs[i]] != label) continue;
    ++found;
    double precision = static_cast<double>(found) / static_cast<double>(i + 1);
    if (i < rk) {
      ++hits_r;
      sum_r += precision;
    }
    sum_all += precision;
    if (first < 0) first = i;
  }
  row[kP1] = first == 0 ? 1.0 : 0.0;
  row[kRP] = static_cast<double>(hits_r) / static_cast<double>(rk);
  row[kMapR] = sum_r / static_cast<double>(rk);
  row[kMap] = sum_all / static_cast<double>(rk);
  row[kMrr] = first < 0 ? 0.0 : 1.0 / static_cast<double>(first + 1);
  for (int64_t r = 0; r < num_recall_ks; ++r)
    row[kFixedColumns + r] = (first >= 0 && first < recall_ks[r]) ? 1.0 : 0.0;
}

void check_inputs(const int64_t* knn_indices, int64_t n, int64_t k, const int64_t* query_labels,
                  const int64_t* ref_labels, int64_t m, int ref_is_query, const int64_t* recall_ks,
                  int64_t num_recall_ks, const irk_metrics* out, const double* recall_at_k) {
  check_ptr(knn_indices, "knn_indices");
  check_ptr(query_labels, "query_labels");
  check_ptr(out, "out");
  check_size(n, "n");
  check_size(k, "k");
  check_size(m, "m");
  if (ref_is_query && m != n)
    invalid("ref_is_query: m = %lld must equal n = %lld", static_cast<long long>(m), static_cast<long long>(n));
  if (!ref_is_query) check_ptr(ref_labels, "ref_labels");
  const int64_t available = ref_is_query ? m - 1 : m;
  if (k > available)
    invalid("k = %lld exceeds the %lld references available to each query", static_cast<long long>(k),
            static_cast<long long>(available));
  if (num_recall_ks < 0) invalid("num_recall_ks must be >= 0, got %lld", static_cast<long long>(num_recall_ks));
  if (num_recall_ks > 0) {
    check_ptr(recall_ks, "recall_ks");
    check_ptr(recall_at_k, "recall_at_k");
    for (int64_t r = 0; r < num_recall_ks; ++r)
      if (recall_ks[r] <= 0 || recall_ks[r] > k)
        invalid("recall_ks[%lld] = %lld must be in [1, k = %lld]", static_cast<long long>(r),
                static_cast<long long>(recall_ks[r]), static_cast<long long>(k));
  }
  for (int64_t t = 0; t < n * k; ++t)
    if (knn_indices[t] < 0 || knn_indices[t] >= m)
      invalid("knn_indices[%lld][%lld] = %lld is out of range [0, %lld)", static_cast<long long>(t / k),
              static_cast<long long>(t % k), static_cast<long long>(knn_indices[t]), static_cast<long long>(m));
}

}  // namespace
}  // namespace irk

extern "C" irk_status irk_retrieval_metrics(const irk_context* ctx, const int64_t* knn_indices,
                                            int64_t n, int64_t k, const int64_t* query_labels,
                                            const int64_t* ref_labels, int64_t m, int ref_is_query,
                                            int avg_of_avgs, const int64_t* recall_ks,
                                            int64_t num_recall_ks, irk_metrics* out,
                                            double* recall_at_k) {
  return irk::guard("irk_retrieval_metrics", [&] {
    const irk_context& c = irk::check_cpu_context(ctx);
    irk::check_inputs(knn_indices, n, k, query_labels, ref_labels, m, ref_is_query, recall_ks, num_recall_ks,
                      out, recall_at_k);
    if (ref_is_query && ref_labels == nullptr) ref_labels = query_labels;
    std::vector<int64_t> ref_sorted(ref_labels, ref_labels + m);
    std::sort(ref_sorted.begin(), ref_sorted.end());

    const int64_t width = irk::kFixedColumns + num_recall_ks;
    std::vector<double> rows(static_cast<size_t>(n * width), 0.0);
    std::vector<char> counted(static_cast<size_t>(n), 0);
    irk::parallel_for(c, n, 256, [&](int64_t lo, int64_t hi) {
      for (int64_t q = lo; q < hi; ++q) {
        int64_t R = irk::count_label(ref_sorted, query_labels[q]) - (ref_is_query ? 1 : 0);
        if (R <= 0) continue;
        counted[static_cast<size_t>(q)] = 1;
        irk::query_metrics(knn_indices + q * k, k, query_labels[q], ref_labels, R, recall_ks, num_recall_ks,
                           rows.data() + q * width);
      }
    });

    // Counted queries, grouped by label (ascending, as torch.unique) when averaging per class;
    // within a group they stay in query order.
    std::vector<int64_t> order;
    for (int64_t q = 0; q < n; ++q)
      if (counted[static_cast<size_t>(q)]) order.push_back(q);
    if (avg_of_avgs)
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return query_labels[a] < query_labels[b]; });
    std::vector<double> total(static_cast<size_t>(width), 0.0), group(static_cast<size_t>(width), 0.0);
    int64_t groups = 0;
    for (size_t s = 0; s < order.size();) {
      size_t e = s + 1;
      if (avg_of_avgs)
        while (e < order.size() && query_labels[order[e]] == query_labels[order[s]]) ++e;
      std::fill(group.begin(), group.end(), 0.0);
      for (size_t t = s; t < e; ++t)
        for (int64_t col = 0; col < width; ++col) group[static_cast<size_t>(col)] += rows[static_cast<size_t>(order[t] * width + col)];
      for (int64_t col = 0; col < width; ++col)
        total[static_cast<size_t>(col)] += avg_of_avgs ? group[static_cast<size_t>(col)] / static_cast<double>(e - s)
                                                       : group[static_cast<size_t>(col)];
      groups += avg_of_avgs ? 1 : static_cast<int64_t>(e - s);
      s = e;
    }
    const double div = groups > 0 ? static_cast<double>(groups) : 1.0;
    out->precision_at_1 = total[irk::kP1] / div;
    out->r_precision = total[irk::kRP] / div;
    out->map_at_r = total[irk::kMapR] / div;
    out->map = total[irk::kMap] / div;
    out->mrr = total[irk::kMrr] / div;
    out->num_queries = static_cast<int64_t>(order.size());
    for (int64_t r = 0; r < num_recall_ks; ++r)
      recall_at_k[r] = total[static_cast<size_t>(irk::kFixedColumns + r)] / div;
  });
}
