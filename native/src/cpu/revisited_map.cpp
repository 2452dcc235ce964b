// Revisited Oxford/Paris mAP (Radenovic et al. 2018), following revisitop's compute_map and
// compute_ap step by step (same loop order and expressions), for the three protocols:
//   easy:   positives = easy,        junk = junk + hard
//   medium: positives = easy + hard, junk = junk
//   hard:   positives = hard,        junk = junk + easy
// Junk images are removed from the ranking; a positive's rank is its position minus the junk
// images ranked before it. AP accumulates trapezoids of the precision-recall curve.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/check.h"
#include "core/context.h"

namespace irk {
namespace {

enum Protocol { kEasy = 0, kMedium, kHard, kProtocols };

struct IdList {
  const int64_t* off;
  const int64_t* ids;
};

void check_list(const IdList& l, int64_t n, const char* off_name, const char* ids_name) {
  check_ptr(l.off, off_name);
  if (l.off[0] != 0) invalid("%s[0] must be 0, got %lld", off_name, static_cast<long long>(l.off[0]));
  for (int64_t q = 0; q < n; ++q)
    if (l.off[q + 1] < l.off[q])
      invalid("%s must be non-decreasing: %s[%lld] = %lld > %s[%lld] = %lld", off_name, off_name,
              static_cast<long long>(q), static_cast<long long>(l.off[q]), off_name,
              static_cast<long long>(q + 1), static_cast<long long>(l.off[q + 1]));
  if (l.off[n] > 0) check_ptr(l.ids, ids_name);
}

std::vector<int64_t> sorted_ids(const IdList& l, int64_t q) {
  std::vector<int64_t> v(l.ids + l.off[q], l.ids + l.off[q + 1]);
  std::sort(v.begin(), v.end());
  return v;
}

bool contains(const std::vector<int64_t>& sorted, int64_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

// One pass over a query's ranking computes the AP of all three protocols (NaN: no positives).
void query_aps(const int64_t* ranks, int64_t m, const IdList& easy, const IdList& hard, const IdList& junk,
               int64_t q, double ap[kProtocols]) {
  const std::vector<int64_t> E = sorted_ids(easy, q), H = sorted_ids(hard, q), J = sorted_ids(junk, q);
  const int64_t nres[kProtocols] = {static_cast<int64_t>(E.size()), static_cast<int64_t>(E.size() + H.size()),
                                    static_cast<int64_t>(H.size())};
  int64_t found[kProtocols] = {0, 0, 0}, junk_before[kProtocols] = {0, 0, 0};
  for (int p = 0; p < kProtocols; ++p) ap[p] = 0.0;
  for (int64_t pos = 0; pos < m; ++pos) {
    const int64_t id = ranks[pos];
    const bool e = contains(E, id), h = contains(H, id), j = contains(J, id);
    const bool positive[kProtocols] = {e, e || h, h};
    const bool is_junk[kProtocols] = {j || h, j, j || e};
    for (int p = 0; p < kProtocols; ++p) {
      if (nres[p] == 0) continue;
      if (positive[p]) {
        // revisitop compute_ap: j-th positive at junk-adjusted rank r.
        const double jj = static_cast<double>(found[p]);
        const double r = static_cast<double>(pos - junk_before[p]);
        const double precision_0 = r == 0.0 ? 1.0 : jj / r;
        const double precision_1 = (jj + 1.0) / (r + 1.0);
        ap[p] += (precision_0 + precision_1) * (1.0 / static_cast<double>(nres[p])) / 2.0;
        ++found[p];
      }
      if (is_junk[p]) ++junk_before[p];
    }
  }
  for (int p = 0; p < kProtocols; ++p)
    if (nres[p] == 0) ap[p] = std::numeric_limits<double>::quiet_NaN();
}

}  // namespace
}  // namespace irk

extern "C" irk_status irk_revisited_map(const irk_context* ctx, const int64_t* ranks, int64_t n, int64_t m,
                                        const int64_t* easy_off, const int64_t* easy_ids,
                                        const int64_t* hard_off, const int64_t* hard_ids,
                                        const int64_t* junk_off, const int64_t* junk_ids,
                                        double out_map[3]) {
  return irk::guard("irk_revisited_map", [&] {
    const irk_context& c = irk::check_cpu_context(ctx);
    irk::check_ptr(ranks, "ranks");
    irk::check_ptr(out_map, "out_map");
    irk::check_size(n, "n");
    irk::check_size(m, "m");
    const irk::IdList easy{easy_off, easy_ids}, hard{hard_off, hard_ids}, junk{junk_off, junk_ids};
    irk::check_list(easy, n, "easy_off", "easy_ids");
    irk::check_list(hard, n, "hard_off", "hard_ids");
    irk::check_list(junk, n, "junk_off", "junk_ids");

    std::vector<double> aps(static_cast<size_t>(n * irk::kProtocols));
    irk::parallel_for(c, n, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t q = lo; q < hi; ++q) irk::query_aps(ranks + q * m, m, easy, hard, junk, q, aps.data() + q * irk::kProtocols);
    });
    // revisitop sums the APs in query order and divides by the number of queries with positives.
    for (int p = 0; p < irk::kProtocols; ++p) {
      double sum = 0.0;
      int64_t used = 0;
      for (int64_t q = 0; q < n; ++q) {
        double ap = aps[static_cast<size_t>(q * irk::kProtocols + p)];
        if (std::isnan(ap)) continue;
        sum += ap;
        ++used;
      }
      out_map[p] = used > 0 ? sum / static_cast<double>(used) : std::numeric_limits<double>::quiet_NaN();
    }
  });
}
