#include "core/mined.h"

#include <algorithm>
#include <array>

#include "core/error.h"

void irk_mined::set_pairs(std::vector<int64_t> p, std::vector<int64_t> n) {
  kind = IRK_TUPLES_PAIRS;
  pos = std::move(p);
  neg = std::move(n);
  irk::sort_rows(pos, 2);
  irk::sort_rows(neg, 2);
  triplets.clear();
}

void irk_mined::set_triplets(std::vector<int64_t> t) {
  kind = IRK_TUPLES_TRIPLETS;
  triplets = std::move(t);
  irk::sort_rows(triplets, 3);
  pos.clear();
  neg.clear();
}

void irk_mined::set_sorted_pairs(std::vector<int64_t> p, std::vector<int64_t> n) {
  kind = IRK_TUPLES_PAIRS;
  pos = std::move(p);
  neg = std::move(n);
  triplets.clear();
}

void irk_mined::set_sorted_triplets(std::vector<int64_t> t) {
  kind = IRK_TUPLES_TRIPLETS;
  triplets = std::move(t);
  pos.clear();
  neg.clear();
}

namespace irk {

irk_mined& check_mined(irk_mined* out) {
  if (out == nullptr) invalid("out is NULL (create one with irk_mined_create)");
  return *out;
}

template <size_t W>
static void sort_rows_w(std::vector<int64_t>& v) {
  auto* rows = reinterpret_cast<std::array<int64_t, W>*>(v.data());
  std::sort(rows, rows + v.size() / W);
}

void sort_rows(std::vector<int64_t>& v, int w) {
  if (w == 2) sort_rows_w<2>(v);
  else if (w == 3) sort_rows_w<3>(v);
}

}  // namespace irk

extern "C" irk_status irk_mined_create(irk_mined** out) {
  return irk::guard("irk_mined_create", [&] {
    if (out == nullptr) irk::invalid("out is NULL");
    *out = new irk_mined();
  });
}

extern "C" irk_status irk_mined_destroy(irk_mined* mined) {
  return irk::guard("irk_mined_destroy", [&] { delete mined; });
}

extern "C" irk_status irk_mined_view(const irk_mined* mined, irk_tuples* out) {
  return irk::guard("irk_mined_view", [&] {
    if (mined == nullptr) irk::invalid("mined is NULL");
    if (out == nullptr) irk::invalid("out is NULL");
    *out = irk_tuples{};
    out->kind = mined->kind;
    out->pos = mined->pos.data();
    out->n_pos = static_cast<int64_t>(mined->pos.size() / 2);
    out->neg = mined->neg.data();
    out->n_neg = static_cast<int64_t>(mined->neg.size() / 2);
    out->triplets = mined->triplets.data();
    out->n_triplets = static_cast<int64_t>(mined->triplets.size() / 3);
  });
}
