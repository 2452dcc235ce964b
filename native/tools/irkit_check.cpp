// irkit-check: runs every CUDA twin and its CPU twin on fresh random inputs over many shapes and
// compares them. CUDA outputs are poisoned (all bits set: NaN / -1) before each run; values,
// gradients, mined tuples and error statuses (with their messages) are compared. Prints the seed,
// the tolerance table, one line per check (the first mismatches under a failing one), per-kernel
// totals and "N passed, M failed"; exits 1 on any failure.
//
// usage: irkit-check [--seed N] [--min-b N] [--max-b N] [--quick] [--streamed] [--require-device]
//   --min-b, --max-b  only the shapes with B in this range
//   --quick           shapes up to B = 300 only
//   --streamed        sets IRKIT_CUDA_STREAM=1 (before the library reads it), so the kernels with a
//                     streaming path (cuda-kernels/stream.cuh: MS miner, batch-hard miner, MS loss,
//                     contrastive loss) take it at every size, and checks only those, on their own
//                     shapes (odd sizes, partial tiles, reference sets); bench/gpu/run.sh runs it
//                     after the full check
//   --require-device  no CUDA device is an error (exit 2) instead of a skip (exit 0)
#include <array>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "tool_util.h"

using namespace tool;

namespace {

// ------------------------------------------------------------------ tolerances and reporting

// |ref - x| <= atol * scale + rtol * |ref|, scale = max |ref| over the output compared (1 if all
// zero): atol is relative to the output's magnitude. Distance values are bit-exact twins
// (math/distance_math.h) unless `power` needs pow: pairwise values and mined tuples must then match
// bit for bit; with pow, within the tolerance (ties: see the table). CUDA kNN values must equal
// CUDA irk_pairwise's bit for bit (knn_math.h's contract) and come in rank order; against the CPU
// kNN they are compared within the tolerance, indices swapping only at near ties.
struct Tol {
  const char* kernel;
  double atol, rtol;
  const char* what;
};
const Tol kTols[] = {
    {"pairwise", 1e-5, 1e-4, "values (bit for bit unless power needs pow)"},
    {"knn", 1e-5, 1e-4, "values, indices (may swap at near ties); = CUDA irk_pairwise, rank order"},
    {"ms_miner", 1e-4, 0.0, "pairs (exact unless power needs pow: then within atol of the threshold)"},
    {"batch_hard_miner", 1e-4, 0.0, "triplets (exact unless power needs pow: then a near tie)"},
    {"ms_loss", 2e-4, 1e-3, "loss, grad, grad_ref"},
    {"triplet_margin_loss", 2e-4, 1e-3, "loss, grad, grad_ref"},
    {"pair_margin_miner", 1e-4, 0.0, "pairs (exact unless power needs pow: then within atol of the margin)"},
    {"triplet_margin_miner", 1e-4, 0.0, "triplets (exact unless power needs pow: then within atol of a bound)"},
    {"batch_easy_hard_miner", 1e-4, 0.0, "pairs (exact unless power needs pow: then picks within atol)"},
    {"contrastive_loss", 2e-4, 1e-3, "loss, grad, grad_ref"},
    {"ntxent_loss", 2e-4, 1e-3, "loss, grad, grad_ref"},
    {"supcon_loss", 2e-4, 1e-3, "loss, grad, grad_ref"},
    {"circle_loss", 2e-4, 1e-3, "loss, grad, grad_ref (cosine only)"},
    {"tcm_loss", 2e-4, 1e-3, "loss, grad, grad_ref (cosine only)"},
    {"classifier_loss", 5e-4, 2e-3, "loss, grad, grad_weights (cosface, arcface, subcenter, normsoftmax)"},
    {"proxy_anchor_loss", 5e-4, 2e-3, "loss, grad, grad_weights"},
    {"fused", 0.0, 0.0, "ms_miner_loss, batch_hard_triplet_loss: = CUDA miner then loss bit for bit; status = CPU's"},
    {"bf16_f16", 0.0, 0.0, "16-bit batch = float32 batch of the widened values, bit for bit, on CUDA"},
    {"bad_input", 0.0, 0.0, "same status and message for NaN rows and out-of-range tuples"},
};
constexpr int kKernels = sizeof(kTols) / sizeof(kTols[0]);
bool g_streamed = false;  // --streamed
// IRKIT_CUDA_FMA=1 (cuda-kernels/distance.cuh): the CUDA products fuse their multiply-adds, so no
// distance is bit-equal to the CPU twin's; compared within tolerance, ties at thresholds allowed.
bool g_fused_products = false;
int g_passed[kKernels] = {}, g_failed[kKernels] = {};

int kernel_id(const char* kernel) {
  for (int i = 0; i < kKernels; ++i)
    if (std::strcmp(kTols[i].kernel, kernel) == 0) return i;
  std::fprintf(stderr, "unknown kernel %s\n", kernel);
  std::exit(3);
}

// One comparison: collects failures, prints one line (and the first few mismatches) when done.
class Check {
 public:
  Check(const char* kernel, std::string label) : id_(kernel_id(kernel)), label_(std::move(label)) {}
  ~Check() {
    if (fails_ == 0) {
      ++g_passed[id_];
      std::printf("PASS %-20s %s%s\n", kTols[id_].kernel, label_.c_str(), note_.c_str());
    } else {
      ++g_failed[id_];
      std::printf("FAIL %-20s %s (%lld mismatches)\n%s", kTols[id_].kernel, label_.c_str(),
                  static_cast<long long>(fails_), lines_.c_str());
    }
    std::fflush(stdout);
  }
  const Tol& tol() const { return kTols[id_]; }
  void fail(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    if (++fails_ > 5) return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lines_ += "    ";
    lines_ += buf;
    lines_ += "\n";
  }
  void note(const std::string& s) { note_ += s; }
  bool ok() const { return fails_ == 0; }

 private:
  int id_;
  std::string label_, lines_, note_;
  long long fails_ = 0;
};

struct Outcome {
  irk_status st;
  std::string msg;
};
Outcome outcome(irk_status st) {
  Outcome o{st, st == IRK_OK ? std::string() : std::string(irk_last_error())};
  for (size_t at; (at = o.msg.find("-nan")) != std::string::npos;) o.msg.replace(at, 4, "nan");  // NaN sign
  return o;
}
// True when both succeeded (values to compare); a status or message difference is a failure.
bool same_outcome(Check& c, const Outcome& cpu, const Outcome& gpu) {
  if (cpu.st != gpu.st) {
    c.fail("status: cpu %d (%s), cuda %d (%s)", cpu.st, cpu.msg.c_str(), gpu.st, gpu.msg.c_str());
    return false;
  }
  if (cpu.st != IRK_OK) {
    if (cpu.msg != gpu.msg) c.fail("messages differ: cpu '%s', cuda '%s'", cpu.msg.c_str(), gpu.msg.c_str());
    else c.note(" (both fail alike: " + cpu.msg + ")");
    return false;
  }
  return true;
}

void compare_floats(Check& c, const char* what, const std::vector<float>& ref, const std::vector<float>& got,
                    bool exact) {
  if (ref.size() != got.size()) return c.fail("%s: %zu values, expected %zu", what, got.size(), ref.size());
  // A floor: where every true value is 0 (the gradient of a unit vector in d = 1, say), the twins'
  // rounding residues (1e-15 against 0) are not differences. Float32 math on O(1) values cannot
  // resolve less than 1e-9 anyway.
  double scale = 1e-9;
  for (float r : ref)
    if (std::isfinite(r)) scale = std::max(scale, static_cast<double>(std::fabs(r)));
  double worst = 0.0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double r = ref[i], g = got[i];
    bool ok;
    if (std::isnan(r) || std::isinf(r) || exact) {
      ok = (std::isnan(r) && std::isnan(g)) || r == g;
    } else {
      const double bound = c.tol().atol * scale + c.tol().rtol * std::fabs(r);
      ok = std::fabs(r - g) <= bound;  // false for NaN
      if (ok && bound > 0) worst = std::max(worst, std::fabs(r - g) / bound);
    }
    if (!ok) c.fail("%s[%zu]: cpu %.9g, cuda %.9g", what, i, r, g);
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, " %s %.2g", what, worst);
  if (!exact) c.note(buf);
}

using Row = std::array<int64_t, 3>;
std::vector<Row> rows_of(const int64_t* p, int64_t count, int w) {
  std::vector<Row> rows(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    for (int k = 0; k < 3; ++k) rows[static_cast<size_t>(i)][k] = k < w ? p[i * w + k] : 0;
  return rows;
}

// Sorted lists must agree; explain(row, only_in_cpu) may accept a difference (a near tie).
void compare_tuples(Check& c, const char* what, const std::vector<Row>& cpu, const std::vector<Row>& gpu,
                    const std::function<bool(const Row&, bool)>& explain) {
  if (!std::is_sorted(gpu.begin(), gpu.end())) c.fail("%s: cuda tuples are not sorted", what);
  size_t i = 0, j = 0;
  auto diff = [&](const Row& r, bool in_cpu) {
    if (!explain(r, in_cpu))
      c.fail("%s (%lld, %lld, %lld) only in %s", what, static_cast<long long>(r[0]), static_cast<long long>(r[1]),
             static_cast<long long>(r[2]), in_cpu ? "cpu" : "cuda");
  };
  while (i < cpu.size() || j < gpu.size()) {
    if (j == gpu.size() || (i < cpu.size() && cpu[i] < gpu[j])) diff(cpu[i++], true);
    else if (i == cpu.size() || gpu[j] < cpu[i]) diff(gpu[j++], false);
    else ++i, ++j;
  }
  c.note(" " + std::string(what) + " " + std::to_string(cpu.size()));
}

// ------------------------------------------------------------------ cases

struct Env {
  irk_context* cpu;
  irk_context* gpu;
};

struct Case {
  int64_t n, d, mpc, m;  // mpc 0: one class; m 0: reference = query
  bool exact;            // small-integer inputs
  irk_distance dist;
};

// torch_pow computes these powers with plain float operations; others go through pow.
bool forward_exact(const Case& c) {
  if (g_fused_products) return false;
  const double p = c.dist.power;
  return p == 1.0 || p == 2.0 || p == 3.0 || p == -2.0 || p == 0.5 || p == -0.5 || p == -1.0;
}

std::string label_of(const Case& c, const char* variant = "") {
  char buf[160];
  std::string classes = c.mpc == 0 ? "one-class" : (c.mpc == 1 ? "distinct" : "mpc=" + std::to_string(c.mpc));
  std::string ref = c.m ? "m=" + std::to_string(c.m) : "self";
  std::snprintf(buf, sizeof buf, "B=%lld d=%lld %s %s %s p=%g %s%s%s", static_cast<long long>(c.n),
                static_cast<long long>(c.d), classes.c_str(), ref.c_str(), dist_name(c.dist), c.dist.power,
                c.exact ? "exact" : "float", *variant ? " " : "", variant);
  return buf;
}

// The CPU distance matrix, for explaining near ties.
struct CpuMatrix {
  const Env& env;
  const Case& c;
  const Inputs& in;
  std::vector<float> s;
  int64_t m = 0;
  float at(int64_t i, int64_t j) {
    if (s.empty()) {
      m = in.m ? in.m : in.n;
      s.resize(static_cast<size_t>(in.n * m));
      irk_pairwise(env.cpu, &c.dist, in.x.data(), in.n, in.m ? in.y.data() : nullptr, m, in.d, s.data());
    }
    return s[static_cast<size_t>(i * m + j)];
  }
};

bool inverted(const irk_distance& d) { return d.kind == IRK_DIST_COSINE || d.kind == IRK_DIST_DOT; }
bool near(const Check& c, float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(static_cast<double>(a) - b) <= c.tol().atol * std::max(1.0, std::fabs(static_cast<double>(a)));
}

void check_pairwise(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev) {
  Check ck("pairwise", label_of(c));
  const int64_t m = in.m ? in.m : in.n;
  std::vector<float> ref(static_cast<size_t>(in.n * m));
  Outcome oc = outcome(irk_pairwise(env.cpu, &c.dist, in.x.data(), in.n, in.m ? in.y.data() : nullptr, m, in.d, ref.data()));
  Dev<float> out(ref.size());
  out.poison();
  Outcome og = outcome(irk_pairwise(env.gpu, &c.dist, dev.x.ptr(), in.n, in.m ? dev.y.ptr() : nullptr, m, in.d, out.ptr()));
  if (same_outcome(ck, oc, og)) compare_floats(ck, "out", ref, out.get(), forward_exact(c));
}

void check_knn(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev, int64_t k) {
  const int64_t m = in.m ? in.m : in.n, avail = in.m ? in.m : in.n - 1;
  k = std::min(k, avail);
  Check ck("knn", label_of(c, ("k=" + std::to_string(k)).c_str()));
  std::vector<int64_t> ci(static_cast<size_t>(in.n * k));
  std::vector<float> cv(ci.size());
  Outcome oc = outcome(irk_knn(env.cpu, &c.dist, in.x.data(), in.n, in.m ? in.y.data() : nullptr, m, in.d, k,
                               ci.data(), cv.data()));
  Dev<int64_t> gi_d(ci.size());
  Dev<float> gv_d(ci.size());
  gi_d.poison();
  gv_d.poison();
  Outcome og = outcome(irk_knn(env.gpu, &c.dist, dev.x.ptr(), in.n, in.m ? dev.y.ptr() : nullptr, m, in.d, k,
                               gi_d.ptr(), gv_d.ptr()));
  if (!same_outcome(ck, oc, og)) return;
  std::vector<int64_t> gi = gi_d.get();
  std::vector<float> gv = gv_d.get();
  // The CPU kNN takes its products in double, the CUDA kNN (= irk_pairwise) in float32. For L2 in
  // cdist's matmul form (|x|^2 + |y|^2 - 2 x.y) float32 leaves an error of order
  // eps * (|x|^2 + |y|^2) in the squared distance, a large relative error in a small distance: L2
  // values are compared as squared distances, against that scale (`near_value` too).
  const bool l2 = c.dist.kind == IRK_DIST_L2 || c.dist.kind == IRK_DIST_SQUARED_L2;
  double sq_scale = 0.0;
  if (l2) {
    auto max_sq = [&](const std::vector<float>& v) {
      double best = 0.0;
      for (size_t r = 0; r < v.size(); r += static_cast<size_t>(in.d)) {
        double s = 0.0;
        for (int64_t t = 0; t < in.d; ++t) s += static_cast<double>(v[r + static_cast<size_t>(t)]) * v[r + static_cast<size_t>(t)];
        best = std::max(best, s);
      }
      return best;
    };
    sq_scale = c.dist.normalize ? 2.0 : max_sq(in.x) + max_sq(in.m ? in.y : in.x);
  }
  auto squared = [&](float v) {
    const double base = std::pow(static_cast<double>(v), 1.0 / c.dist.power);
    return c.dist.kind == IRK_DIST_L2 ? base * base : base;
  };
  auto near_value = [&](float a, float b) {
    if (!l2) return near(ck, a, b);
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    const double sa = squared(a), sb = squared(b);
    return std::fabs(sa - sb) <= ck.tol().atol * sq_scale + ck.tol().rtol * std::fabs(sa);
  };
  if (!l2) {
    compare_floats(ck, "values", cv, gv, false);
  } else {
    for (size_t at = 0; at < cv.size(); ++at)
      if (!near_value(cv[at], gv[at]))
        ck.fail("values[%zu]: cpu %.9g, cuda %.9g (squared %.9g, %.9g)", at, cv[at], gv[at], squared(cv[at]),
                squared(gv[at]));
  }
  // The CUDA values must be CUDA irk_pairwise's for the same pairs, bit for bit, in rank order.
  Dev<float> pw_d(static_cast<size_t>(in.n * m));
  if (irk_pairwise(env.gpu, &c.dist, dev.x.ptr(), in.n, in.m ? dev.y.ptr() : nullptr, m, in.d, pw_d.ptr()) != IRK_OK)
    return ck.fail("CUDA irk_pairwise failed: %s", irk_last_error());
  const std::vector<float> pw = pw_d.get();
  const bool inv = inverted(c.dist);
  for (int64_t q = 0; q < in.n; ++q)
    for (int64_t r = 0; r < k; ++r) {
      const size_t at = static_cast<size_t>(q * k + r);
      const int64_t j = gi[at];
      if (j < 0 || j >= m) continue;  // reported below
      const float want = pw[static_cast<size_t>(q * m + j)];
      if (std::memcmp(&want, &gv[at], sizeof want) != 0)
        ck.fail("values[%lld][%lld] = %.9g but irk_pairwise gives %.9g for (%lld, %lld)", static_cast<long long>(q),
                static_cast<long long>(r), gv[at], want, static_cast<long long>(q), static_cast<long long>(j));
      if (r > 0) {
        const float ka = inv ? -gv[at - 1] : gv[at - 1], kb = inv ? -gv[at] : gv[at];
        const bool ordered = ka < kb || (ka == kb && gi[at - 1] < j) || (ka == ka && kb != kb) ||
                             (ka != ka && kb != kb && gi[at - 1] < j);
        if (!ordered) ck.fail("query %lld: entries %lld and %lld out of rank order", static_cast<long long>(q),
                              static_cast<long long>(r - 1), static_cast<long long>(r));
      }
    }
  for (int64_t q = 0; q < in.n; ++q) {
    std::vector<int64_t> row(gi.begin() + q * k, gi.begin() + (q + 1) * k);
    for (int64_t r = 0; r < k; ++r) {
      const size_t at = static_cast<size_t>(q * k + r);
      if (row[static_cast<size_t>(r)] < 0 || row[static_cast<size_t>(r)] >= m || (!in.m && row[static_cast<size_t>(r)] == q))
        ck.fail("indices[%lld][%lld] = %lld is not a valid neighbour", static_cast<long long>(q),
                static_cast<long long>(r), static_cast<long long>(row[static_cast<size_t>(r)]));
      else if (gi[at] != ci[at] && !near_value(cv[at], gv[at]))
        ck.fail("indices[%lld][%lld]: cpu %lld (%.9g), cuda %lld (%.9g)", static_cast<long long>(q),
                static_cast<long long>(r), static_cast<long long>(ci[at]), cv[at], static_cast<long long>(gi[at]), gv[at]);
    }
    std::sort(row.begin(), row.end());
    if (std::adjacent_find(row.begin(), row.end()) != row.end())
      ck.fail("query %lld lists a neighbour twice", static_cast<long long>(q));
  }
}

struct Mined {
  irk_mined* h = nullptr;
  Mined() { irk_mined_create(&h); }
  ~Mined() { irk_mined_destroy(h); }
  irk_tuples view() const {
    irk_tuples t;
    irk_mined_view(h, &t);
    return t;
  }
};

// Runs the MS miner on both; returns the CPU pairs in `keep` for the losses.
void check_ms_miner(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev, Mined& keep) {
  Check ck("ms_miner", label_of(c, "eps=0.1"));
  const double eps = 0.1;
  irk_batch hb = host_batch(in), db = device_batch(in, dev);
  Mined g;
  Outcome oc = outcome(irk_ms_miner(env.cpu, &hb, &c.dist, eps, keep.h));
  Outcome og = outcome(irk_ms_miner(env.gpu, &db, &c.dist, eps, g.h));
  if (!same_outcome(ck, oc, og)) return;
  irk_tuples tc = keep.view(), tg = g.view();
  CpuMatrix S{env, c, in, {}};
  const bool inv = inverted(c.dist);
  const int64_t m = in.m ? in.m : in.n;
  const int64_t* yl = in.m ? in.yl.data() : in.xl.data();
  auto pos_ok = [&](int64_t i, int64_t j) { return in.xl[static_cast<size_t>(i)] == yl[j] && !(in.m == 0 && i == j); };
  auto neg_ok = [&](int64_t i, int64_t j) { return in.xl[static_cast<size_t>(i)] != yl[j]; };
  // A kept/dropped difference is a near tie when s -+ eps sits within atol of the row's extreme.
  auto explain = [&](bool pos) {
    return [&, pos](const Row& r, bool) {
      if (forward_exact(c)) return false;
      const int64_t i = r[0], j = r[1];
      if (pos ? !pos_ok(i, j) : !neg_ok(i, j)) return false;
      float extreme = 0.f;
      bool any = false;
      for (int64_t t = 0; t < m; ++t) {
        if (pos ? !neg_ok(i, t) : !pos_ok(i, t)) continue;
        const float v = S.at(i, t);
        // pos: the closest negative; neg: the farthest positive
        const bool take = !any || (pos ? (inv ? v > extreme : v < extreme) : (inv ? v < extreme : v > extreme));
        if (take) extreme = v, any = true;
      }
      const float s = S.at(i, j);
      const float lhs = pos ? (inv ? s - static_cast<float>(eps) : s + static_cast<float>(eps))
                            : (inv ? s + static_cast<float>(eps) : s - static_cast<float>(eps));
      return any && near(ck, lhs, extreme);
    };
  };
  compare_tuples(ck, "pos", rows_of(tc.pos, tc.n_pos, 2), rows_of(tg.pos, tg.n_pos, 2), explain(true));
  compare_tuples(ck, "neg", rows_of(tc.neg, tc.n_neg, 2), rows_of(tg.neg, tg.n_neg, 2), explain(false));
}

void check_batch_hard(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev, Mined& keep) {
  Check ck("batch_hard_miner", label_of(c));
  irk_batch hb = host_batch(in), db = device_batch(in, dev);
  Mined g;
  Outcome oc = outcome(irk_batch_hard_miner(env.cpu, &hb, &c.dist, keep.h));
  Outcome og = outcome(irk_batch_hard_miner(env.gpu, &db, &c.dist, g.h));
  if (!same_outcome(ck, oc, og)) return;
  irk_tuples tc = keep.view(), tg = g.view();
  std::vector<Row> rc = rows_of(tc.triplets, tc.n_triplets, 3), rg = rows_of(tg.triplets, tg.n_triplets, 3);
  CpuMatrix S{env, c, in, {}};
  if (rc.size() != rg.size()) ck.fail("%zu triplets on cpu, %zu on cuda", rc.size(), rg.size());
  for (size_t t = 0; t < std::min(rc.size(), rg.size()); ++t) {
    const Row &a = rc[t], &b = rg[t];
    if (a == b) continue;
    const bool tie = !forward_exact(c) && a[0] == b[0] && (a[1] == b[1] || near(ck, S.at(a[0], a[1]), S.at(b[0], b[1]))) &&
                     (a[2] == b[2] || near(ck, S.at(a[0], a[2]), S.at(b[0], b[2])));
    if (!tie)
      ck.fail("triplet %zu: cpu (%lld, %lld, %lld), cuda (%lld, %lld, %lld)", t, static_cast<long long>(a[0]),
              static_cast<long long>(a[1]), static_cast<long long>(a[2]), static_cast<long long>(b[0]),
              static_cast<long long>(b[1]), static_cast<long long>(b[2]));
  }
  ck.note(" triplets " + std::to_string(rc.size()));
}

// Host tuples copied to the device.
struct DevTuples {
  Dev<int64_t> a, b;
  irk_tuples t{};
  explicit DevTuples(const irk_tuples& h)
      : a(std::vector<int64_t>(h.kind == IRK_TUPLES_PAIRS ? h.pos : h.triplets,
                               (h.kind == IRK_TUPLES_PAIRS ? h.pos : h.triplets) +
                                   (h.kind == IRK_TUPLES_PAIRS ? 2 * h.n_pos : 3 * h.n_triplets))),
        b(std::vector<int64_t>(h.neg, h.neg + (h.kind == IRK_TUPLES_PAIRS ? 2 * h.n_neg : 0))) {
    t = h;
    if (h.kind == IRK_TUPLES_PAIRS) {
      t.pos = a.ptr();
      t.neg = b.ptr();
    } else {
      t.triplets = a.ptr();
    }
  }
};

// Pair k listed 1 + k % 3 times, all in reverse order (host memory): multiplicities that differ
// between pairs, which the kernels must count, in an order they must sort themselves.
struct Repeated {
  std::vector<int64_t> pos, neg;
  irk_tuples t{};
  explicit Repeated(const irk_tuples& p) : pos(repeat(p.pos, p.n_pos)), neg(repeat(p.neg, p.n_neg)) {
    t.kind = IRK_TUPLES_PAIRS;
    t.pos = pos.data();
    t.n_pos = static_cast<int64_t>(pos.size() / 2);
    t.neg = neg.data();
    t.n_neg = static_cast<int64_t>(neg.size() / 2);
  }
  static std::vector<int64_t> repeat(const int64_t* rows, int64_t count) {
    std::vector<int64_t> v;
    for (int64_t k = count - 1; k >= 0; --k)
      for (int64_t r = 0; r <= k % 3; ++r) v.insert(v.end(), {rows[2 * k], rows[2 * k + 1]});
    return v;
  }
};

using LossFn = std::function<irk_status(const irk_context*, const irk_batch*, const irk_tuples*, irk_loss_out*)>;

// Runs a loss on both (CUDA twice when `repeat`: sums must be deterministic) and compares.
void check_loss(const Env& env, const char* kernel, const Case& c, const Inputs& in, const DevInputs& dev,
                const irk_tuples* tuples, const char* variant, bool repeat, const LossFn& fn) {
  Check ck(kernel, label_of(c, variant));
  irk_batch hb = host_batch(in), db = device_batch(in, dev);
  const size_t gn = static_cast<size_t>(in.n * in.d), gm = static_cast<size_t>(in.m * in.d);
  std::vector<float> loss(1), grad(gn), grad_ref(gm);
  irk_loss_out ho{loss.data(), grad.data(), in.m ? grad_ref.data() : nullptr, nullptr};
  Outcome oc = outcome(fn(env.cpu, &hb, tuples, &ho));
  std::unique_ptr<DevTuples> dt(tuples ? new DevTuples(*tuples) : nullptr);
  Dev<float> dl(1), dg(gn), dgr(gm);
  auto run = [&] {
    dl.poison();
    dg.poison();
    dgr.poison();
    irk_loss_out go{dl.ptr(), dg.ptr(), in.m ? dgr.ptr() : nullptr, nullptr};
    return outcome(fn(env.gpu, &db, dt ? &dt->t : nullptr, &go));
  };
  Outcome og = run();
  if (!same_outcome(ck, oc, og)) return;
  std::vector<float> gl = dl.get(), gg = dg.get(), ggr = dgr.get();
  compare_floats(ck, "loss", loss, gl, false);
  compare_floats(ck, "grad", grad, gg, false);
  if (in.m) compare_floats(ck, "grad_ref", grad_ref, ggr, false);
  if (!repeat) return;
  run();
  auto same_bits = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
  };
  if (!same_bits(dl.get(), gl) || !same_bits(dg.get(), gg) || (in.m && !same_bits(dgr.get(), ggr)))
    ck.fail("a second CUDA run differs (not deterministic)");
}

// The fused miner + loss calls on CUDA equal the CUDA miner followed by the CUDA loss on its
// tuples, bit for bit, tuples included (the same kernels on one shared matrix), and succeed or fail
// as the CPU's fused call does. Without `mined` (MS: no pair list at all) they give the same bits.
void check_fused(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev) {
  using MineFn = std::function<irk_status(const irk_context*, const irk_batch*, irk_mined*)>;
  using FusedFn = std::function<irk_status(const irk_context*, const irk_batch*, irk_mined*, irk_loss_out*)>;
  const double alpha = c.exact ? 0.05 : 2.0, beta = c.exact ? 0.1 : 50.0, base = c.exact ? 0.0 : 0.5;
  const double margin = c.exact ? 1.0 : 0.05;
  struct Variant {
    const char* name;
    MineFn mine;
    LossFn loss;
    FusedFn fused;
  };
  const Variant variants[] = {
      {"ms_miner_loss",
       [&](const irk_context* x, const irk_batch* b, irk_mined* o) { return irk_ms_miner(x, b, &c.dist, 0.1, o); },
       [&](const irk_context* x, const irk_batch* b, const irk_tuples* t, irk_loss_out* o) {
         return irk_ms_loss(x, b, &c.dist, t, alpha, beta, base, o);
       },
       [&](const irk_context* x, const irk_batch* b, irk_mined* m, irk_loss_out* o) {
         return irk_ms_miner_loss(x, b, &c.dist, 0.1, alpha, beta, base, m, o);
       }},
      {"batch_hard_triplet_loss",
       [&](const irk_context* x, const irk_batch* b, irk_mined* o) { return irk_batch_hard_miner(x, b, &c.dist, o); },
       [&](const irk_context* x, const irk_batch* b, const irk_tuples* t, irk_loss_out* o) {
         return irk_triplet_margin_loss(x, b, &c.dist, t, margin, 0, 0, o);
       },
       [&](const irk_context* x, const irk_batch* b, irk_mined* m, irk_loss_out* o) {
         return irk_batch_hard_triplet_loss(x, b, &c.dist, margin, 0, 0, m, o);
       }},
  };
  irk_batch hb = host_batch(in), db = device_batch(in, dev);
  const size_t gn = static_cast<size_t>(in.n * in.d), gm = static_cast<size_t>(in.m * in.d);
  auto no_tie = [](const Row&, bool) { return false; };
  for (const Variant& v : variants) {
    Check ck("fused", label_of(c, v.name));
    std::vector<float> hl(1), hg(gn), hgr(gm);
    irk_loss_out ho{hl.data(), hg.data(), in.m ? hgr.data() : nullptr, nullptr};
    Mined cpu_mined, sep_mined, fused_mined;
    const Outcome cpu = outcome(v.fused(env.cpu, &hb, cpu_mined.h, &ho));
    Dev<float> l1(1), g1(gn), gr1(gm), l2(1), g2(gn), gr2(gm);
    for (Dev<float>* p : {&l1, &g1, &gr1, &l2, &g2, &gr2}) p->poison();
    irk_loss_out o1{l1.ptr(), g1.ptr(), in.m ? gr1.ptr() : nullptr, nullptr};
    irk_loss_out o2{l2.ptr(), g2.ptr(), in.m ? gr2.ptr() : nullptr, nullptr};
    Outcome separate = outcome(v.mine(env.gpu, &db, sep_mined.h));
    if (separate.st == IRK_OK) {
      DevTuples dt(sep_mined.view());
      separate = outcome(v.loss(env.gpu, &db, &dt.t, &o1));
    }
    const Outcome fused = outcome(v.fused(env.gpu, &db, fused_mined.h, &o2));
    Dev<float> l3(1), g3(gn), gr3(gm);
    for (Dev<float>* p : {&l3, &g3, &gr3}) p->poison();
    irk_loss_out o3{l3.ptr(), g3.ptr(), in.m ? gr3.ptr() : nullptr, nullptr};
    const Outcome unlisted = outcome(v.fused(env.gpu, &db, nullptr, &o3));
    if (!same_outcome(ck, cpu, fused) || !same_outcome(ck, separate, fused) || !same_outcome(ck, fused, unlisted))
      continue;
    compare_floats(ck, "loss without mined", l2.get(), l3.get(), true);
    compare_floats(ck, "grad without mined", g2.get(), g3.get(), true);
    if (in.m) compare_floats(ck, "grad_ref without mined", gr2.get(), gr3.get(), true);
    const irk_tuples ts = sep_mined.view(), tf = fused_mined.view();
    if (ts.kind == IRK_TUPLES_PAIRS) {
      compare_tuples(ck, "pos", rows_of(ts.pos, ts.n_pos, 2), rows_of(tf.pos, tf.n_pos, 2), no_tie);
      compare_tuples(ck, "neg", rows_of(ts.neg, ts.n_neg, 2), rows_of(tf.neg, tf.n_neg, 2), no_tie);
    } else {
      compare_tuples(ck, "triplets", rows_of(ts.triplets, ts.n_triplets, 3), rows_of(tf.triplets, tf.n_triplets, 3),
                     no_tie);
    }
    compare_floats(ck, "loss", l1.get(), l2.get(), true);
    compare_floats(ck, "grad", g1.get(), g2.get(), true);
    if (in.m) compare_floats(ck, "grad_ref", gr1.get(), gr2.get(), true);
  }
}

// A pair miner on both: the same pairs, or (pow) differences whose value sits within atol of the
// bound `edge(i, j)` returns.
using PairMinerFn = std::function<irk_status(const irk_context*, const irk_batch*, irk_mined*)>;
void check_pair_miner(const Env& env, const char* kernel, const Case& c, const Inputs& in, const DevInputs& dev,
                      const char* variant, const PairMinerFn& fn, const std::function<bool(int64_t, int64_t, bool)>& near_edge) {
  Check ck(kernel, label_of(c, variant));
  irk_batch hb = host_batch(in), db = device_batch(in, dev);
  Mined h, g;
  Outcome oc = outcome(fn(env.cpu, &hb, h.h)), og = outcome(fn(env.gpu, &db, g.h));
  if (!same_outcome(ck, oc, og)) return;
  irk_tuples tc = h.view(), tg = g.view();
  auto explain = [&](bool pos) {
    return [&, pos](const Row& r, bool) { return !forward_exact(c) && near_edge(r[0], r[1], pos); };
  };
  compare_tuples(ck, "pos", rows_of(tc.pos, tc.n_pos, 2), rows_of(tg.pos, tg.n_pos, 2), explain(true));
  compare_tuples(ck, "neg", rows_of(tc.neg, tc.n_neg, 2), rows_of(tg.neg, tg.n_neg, 2), explain(false));
}

void check_new_miners(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev) {
  CpuMatrix S{env, c, in, {}};
  const bool inv = inverted(c.dist);
  const float pm = inv ? 0.8f : 0.5f, nm = inv ? 0.2f : 1.2f;
  check_pair_miner(env, "pair_margin_miner", c, in, dev, "margins", [&](const irk_context* x, const irk_batch* b, irk_mined* o) {
    return irk_pair_margin_miner(x, b, &c.dist, pm, nm, o);
  }, [&](int64_t i, int64_t j, bool pos) { return std::fabs(S.at(i, j) - (pos ? pm : nm)) <= 1e-4f; });
  const irk_strategy beh[][2] = {{IRK_STRATEGY_EASY, IRK_STRATEGY_SEMIHARD}, {IRK_STRATEGY_HARD, IRK_STRATEGY_HARD},
                                 {IRK_STRATEGY_ALL, IRK_STRATEGY_HARD}, {IRK_STRATEGY_SEMIHARD, IRK_STRATEGY_EASY}};
  for (const auto& st : beh) {
    if (in.n > 2048 && st[0] != IRK_STRATEGY_EASY) break;  // run time (CPU twins)
    const std::string v = "pos " + std::to_string(st[0]) + " neg " + std::to_string(st[1]);
    check_pair_miner(env, "batch_easy_hard_miner", c, in, dev, v.c_str(),
                     [&](const irk_context* x, const irk_batch* b, irk_mined* o) {
                       return irk_batch_easy_hard_miner(x, b, &c.dist, st[0], st[1], nullptr, nullptr, o);
                     },
                     [&](int64_t, int64_t, bool) { return true; });  // pow: a pick may move to a near tie
  }
  if (in.n > 300) return;  // the output grows as n * m^2
  const float margin = c.exact ? 1.f : 0.1f;
  for (irk_triplet_type type : {IRK_TRIPLETS_ALL, IRK_TRIPLETS_SEMIHARD, IRK_TRIPLETS_HARD}) {
    Check ck("triplet_margin_miner", label_of(c, ("type " + std::to_string(type)).c_str()));
    irk_batch hb = host_batch(in), db = device_batch(in, dev);
    Mined h, g;
    Outcome oc = outcome(irk_triplet_margin_miner(env.cpu, &hb, &c.dist, margin, type, h.h));
    Outcome og = outcome(irk_triplet_margin_miner(env.gpu, &db, &c.dist, margin, type, g.h));
    if (!same_outcome(ck, oc, og)) continue;
    irk_tuples tc = h.view(), tg = g.view();
    compare_tuples(ck, "triplets", rows_of(tc.triplets, tc.n_triplets, 3), rows_of(tg.triplets, tg.n_triplets, 3),
                   [&](const Row& r, bool) {
                     if (forward_exact(c)) return false;
                     const float mu = inv ? S.at(r[0], r[1]) - S.at(r[0], r[2]) : S.at(r[0], r[2]) - S.at(r[0], r[1]);
                     return std::fabs(mu) <= 1e-4f || std::fabs(mu - margin) <= 1e-4f;
                   });
  }
}

LossFn contrastive_fn(const Case& c) {
  const bool inv = inverted(c.dist);
  return [&c, inv](const irk_context* x, const irk_batch* b, const irk_tuples* t, irk_loss_out* o) {
    return irk_contrastive_loss(x, b, &c.dist, t, inv ? 1.0 : 0.0, inv ? 0.0 : 1.0, o);
  };
}

void check_new_losses(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev, const irk_tuples& tp) {
  const bool cosine = c.dist.kind == IRK_DIST_COSINE;
  const LossFn contrastive = contrastive_fn(c);
  LossFn ntxent = [&](const irk_context* x, const irk_batch* b, const irk_tuples* t, irk_loss_out* o) {
    return irk_ntxent_loss(x, b, &c.dist, t, c.exact ? 2.0 : 0.07, o);
  };
  LossFn supcon = [&](const irk_context* x, const irk_batch* b, const irk_tuples* t, irk_loss_out* o) {
    return irk_supcon_loss(x, b, &c.dist, t, c.exact ? 2.0 : 0.1, o);
  };
  for (const irk_tuples* t : {static_cast<const irk_tuples*>(nullptr), &tp}) {
    if (t && in.n > 2048) break;  // keeps bench/gpu/run.sh within its time: the CPU twins dominate
    const char* v = t ? "ms-mined pairs" : "labels";
    check_loss(env, "contrastive_loss", c, in, dev, t, v, true, contrastive);
    check_loss(env, "ntxent_loss", c, in, dev, t, v, true, ntxent);
    check_loss(env, "supcon_loss", c, in, dev, t, v, true, supcon);
    if (!cosine) continue;
    check_loss(env, "circle_loss", c, in, dev, t, v, true, [&](const irk_context* x, const irk_batch* b, const irk_tuples* tt, irk_loss_out* o) {
      return irk_circle_loss(x, b, &c.dist, tt, 0.4, 80, o);
    });
    check_loss(env, "tcm_loss", c, in, dev, t, v, true, [&](const irk_context* x, const irk_batch* b, const irk_tuples* tt, irk_loss_out* o) {
      return irk_tcm_loss(x, b, &c.dist, tt, 1, 1, 0.9, 0.5, o);
    });
  }
}

// Classifier and proxy losses: W [d x C*k] (or proxies [C x d]) drawn here, C from the labels.
// ArcFace's gradient is singular where a target cosine is +-1 (d acos / d cos; PML's is inf there
// too), so near it float32 and double land on either side: a finite gradient on one twin, a
// refused call on the other. Nudges the weight columns that some row's target comes within 1e-4
// of, under both layouts the checks read W in: [d x C] (cosface, arcface, normsoftmax) and
// [d x C k] (subcenter).
void keep_targets_off_unit_cosines(const Inputs& in, std::vector<float>& W, int64_t C, int64_t k,
                                   std::mt19937_64& rng) {
  std::normal_distribution<float> nudge(0.f, 0.05f);
  for (int round = 0; round < 100; ++round) {
    bool moved = false;
    for (const int64_t cols : {C, C * k}) {
      const int64_t per_class = cols / C;
      for (int64_t i = 0; i < in.n; ++i) {
        for (int64_t j = 0; j < per_class; ++j) {
          const int64_t c = in.xl[static_cast<size_t>(i)] * per_class + j;
          double xy = 0.0, xx = 0.0, ww = 0.0;
          for (int64_t t = 0; t < in.d; ++t) {
            const double x = in.x[static_cast<size_t>(i * in.d + t)], w = W[static_cast<size_t>(t * cols + c)];
            xy += x * w, xx += x * x, ww += w * w;
          }
          if (xx == 0.0 || ww == 0.0 || std::fabs(xy) / std::sqrt(xx * ww) < 1.0 - 1e-4) continue;
          for (int64_t t = 0; t < in.d; ++t) W[static_cast<size_t>(t * cols + c)] += nudge(rng);
          moved = true;
        }
      }
    }
    if (!moved) return;
  }
}

void check_classifiers(const Env& env, const Case& c, const Inputs& in, const DevInputs& dev, const irk_tuples& tp,
                       std::mt19937_64& rng) {
  if (in.n > 2048) return;  // the CPU twin's cost grows as n * C * d
  int64_t C = 1;
  for (int64_t l : in.xl) C = std::max(C, l + 1);
  std::normal_distribution<float> normal(0.f, 1.f);
  const int64_t k = 3;
  std::vector<float> W(static_cast<size_t>(in.d * C * k));
  for (float& v : W) v = normal(rng);
  keep_targets_off_unit_cosines(in, W, C, k, rng);
  Dev<float> dW(W);
  DevTuples dt(tp);
  const size_t gn = static_cast<size_t>(in.n * in.d);
  auto run = [&](const char* kernel, const char* variant, int64_t wsize, bool mined,
                 const std::function<irk_status(const irk_context*, bool, irk_loss_out*)>& fn) {
    Check ck(kernel, label_of(c, (std::string(variant) + (mined ? " mined" : "")).c_str()));
    std::vector<float> loss(1), grad(gn), gw(static_cast<size_t>(wsize));
    irk_loss_out ho{loss.data(), grad.data(), nullptr, gw.data()};
    Outcome oc = outcome(fn(env.cpu, false, &ho));
    Dev<float> dl(1), dg(gn), dgw(gw.size());
    dl.poison(), dg.poison(), dgw.poison();
    irk_loss_out go{dl.ptr(), dg.ptr(), nullptr, dgw.ptr()};
    Outcome og = outcome(fn(env.gpu, true, &go));
    if (!same_outcome(ck, oc, og)) return;
    compare_floats(ck, "loss", loss, dl.get(), false);
    compare_floats(ck, "grad", grad, dg.get(), false);
    compare_floats(ck, "grad_weights", gw, dgw.get(), false);
  };
  for (bool mined : {false, true}) {
    const irk_tuples* ht = mined ? &tp : nullptr;
    const irk_tuples* gt = mined ? &dt.t : nullptr;
    auto X = [&](bool g) { return g ? dev.x.ptr() : in.x.data(); };
    auto L = [&](bool g) { return g ? dev.xl.ptr() : in.xl.data(); };
    auto Wp = [&](bool g) { return g ? dW.ptr() : W.data(); };
    run("classifier_loss", "cosface", in.d * C, mined, [&](const irk_context* x, bool g, irk_loss_out* o) {
      return irk_cosface_loss(x, X(g), L(g), in.n, in.d, Wp(g), C, g ? gt : ht, 0.35, 64, o);
    });
    run("classifier_loss", "arcface", in.d * C, mined, [&](const irk_context* x, bool g, irk_loss_out* o) {
      return irk_arcface_loss(x, X(g), L(g), in.n, in.d, Wp(g), C, g ? gt : ht, 28.6, 64, o);
    });
    run("classifier_loss", "subcenter k=3", in.d * C * k, mined, [&](const irk_context* x, bool g, irk_loss_out* o) {
      return irk_subcenter_arcface_loss(x, X(g), L(g), in.n, in.d, Wp(g), C, k, g ? gt : ht, 28.6, 64, o);
    });
    run("classifier_loss", "normsoftmax", in.d * C, mined, [&](const irk_context* x, bool g, irk_loss_out* o) {
      return irk_normalized_softmax_loss(x, X(g), L(g), in.n, in.d, Wp(g), C, g ? gt : ht, 0.05, o);
    });
    run("proxy_anchor_loss", "proxies", C * in.d, mined, [&](const irk_context* x, bool g, irk_loss_out* o) {
      return irk_proxy_anchor_loss(x, X(g), L(g), in.n, in.d, Wp(g), C, g ? gt : ht, 0.1, 32, o);
    });
  }
}

// The same batch as bf16 (upper halves of the floats) on CUDA equals the float32 CUDA call on the
// truncated values, bit for bit: the dtype path must only widen.
void check_half_batches(const Env& env, const Case& c, const Inputs& in) {
  Inputs t = in;
  std::vector<uint16_t> x16(t.x.size()), y16(t.y.size());
  auto trunc = [](std::vector<float>& v, std::vector<uint16_t>& h) {
    for (size_t i = 0; i < v.size(); ++i) {
      uint32_t u;
      std::memcpy(&u, &v[i], 4);
      h[i] = static_cast<uint16_t>(u >> 16);
      u &= 0xffff0000u;
      std::memcpy(&v[i], &u, 4);
    }
  };
  trunc(t.x, x16);
  trunc(t.y, y16);
  DevInputs dev(t);
  Dev<uint16_t> dx(x16), dy(y16);
  Check ck("bf16_f16", label_of(c, "ms_loss bf16"));
  irk_batch b32 = device_batch(t, dev), b16 = b32;
  b16.emb = reinterpret_cast<const float*>(dx.ptr());
  if (t.m) b16.ref_emb = reinterpret_cast<const float*>(dy.ptr());
  b16.dtype = IRK_DTYPE_BF16;
  const size_t gn = static_cast<size_t>(t.n * t.d);
  Dev<float> l1(1), g1(gn), l2(1), g2(gn);
  irk_loss_out o1{l1.ptr(), g1.ptr(), nullptr, nullptr}, o2{l2.ptr(), g2.ptr(), nullptr, nullptr};
  // Both may fail alike (e.g. pow 0.5 of a negative dot product makes the loss NaN).
  const Outcome f32 = outcome(irk_ms_loss(env.gpu, &b32, &c.dist, nullptr, 2, 50, 0.5, &o1));
  const Outcome f16 = outcome(irk_ms_loss(env.gpu, &b16, &c.dist, nullptr, 2, 50, 0.5, &o2));
  if (!same_outcome(ck, f32, f16)) return;
  compare_floats(ck, "loss", l1.get(), l2.get(), true);
  compare_floats(ck, "grad", g1.get(), g2.get(), true);
}

void run_case(const Env& env, const Case& c, std::mt19937_64& rng) {
  const auto t0 = std::chrono::steady_clock::now();
  // Large float batches cluster around class centres, so the miners keep a few pairs (as on
  // embeddings in training) rather than nearly all of n * m.
  Inputs in = make_inputs(c.n, c.d, c.mpc, c.m, c.exact, rng, c.n >= 2048 && !c.exact);
  DevInputs dev(in);
  if (!g_streamed) {
    check_pairwise(env, c, in, dev);
    check_knn(env, c, in, dev, 5);
    if (c.n <= 300) check_knn(env, c, in, dev, c.m ? c.m : c.n - 1);
  }
  Mined pairs, triplets;
  check_ms_miner(env, c, in, dev, pairs);
  check_batch_hard(env, c, in, dev, triplets);
  const irk_tuples tp = pairs.view(), tt = triplets.view();
  check_fused(env, c, in, dev);

  const double alpha = c.exact ? 0.05 : 2.0, beta = c.exact ? 0.1 : 50.0, base = c.exact ? 0.0 : 0.5;
  LossFn ms = [&](const irk_context* x, const irk_batch* b, const irk_tuples* t, irk_loss_out* o) {
    return irk_ms_loss(x, b, &c.dist, t, alpha, beta, base, o);
  };
  check_loss(env, "ms_loss", c, in, dev, nullptr, "labels", true, ms);
  check_loss(env, "ms_loss", c, in, dev, &tp, "ms-mined pairs", true, ms);
  check_loss(env, "ms_loss", c, in, dev, &tt, "batch-hard triplets", true, ms);
  const Repeated repeated(tp);
  check_loss(env, "ms_loss", c, in, dev, &repeated.t, "ms-mined pairs repeated, reversed", true, ms);
  if (g_streamed) {  // the other kernel with a streaming path
    const LossFn contrastive = contrastive_fn(c);
    check_loss(env, "contrastive_loss", c, in, dev, nullptr, "labels", true, contrastive);
    check_loss(env, "contrastive_loss", c, in, dev, &tp, "ms-mined pairs", true, contrastive);
    check_loss(env, "contrastive_loss", c, in, dev, &tt, "batch-hard triplets", true, contrastive);
    check_loss(env, "contrastive_loss", c, in, dev, &repeated.t, "ms-mined pairs repeated, reversed", true,
               contrastive);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("# %s streamed: %.1f s\n", label_of(c).c_str(), secs);
    return;
  }

  const double margin = c.exact ? 1.0 : 0.05;
  auto triplet = [&](int swap, int smooth) {
    return LossFn([&c, margin, swap, smooth](const irk_context* x, const irk_batch* b, const irk_tuples* t,
                                             irk_loss_out* o) {
      return irk_triplet_margin_loss(x, b, &c.dist, t, margin, swap, smooth, o);
    });
  };
  check_loss(env, "triplet_margin_loss", c, in, dev, nullptr, "labels", true, triplet(0, 0));
  check_loss(env, "triplet_margin_loss", c, in, dev, &tp, "ms-mined pairs", true, triplet(0, 0));
  check_loss(env, "triplet_margin_loss", c, in, dev, &tt, "batch-hard triplets", true, triplet(0, 0));
  check_loss(env, "triplet_margin_loss", c, in, dev, nullptr, "labels swap", true, triplet(1, 0));
  check_loss(env, "triplet_margin_loss", c, in, dev, &tp, "pairs swap smooth", true, triplet(1, 1));
  if (c.n <= 1024) {  // every triplet of the batch: many share an element of dLoss/dS (run-to-run bits)
    Mined all;
    irk_batch hb = host_batch(in);
    if (irk_triplet_margin_miner(env.cpu, &hb, &c.dist, c.exact ? 100.0 : 10.0, IRK_TRIPLETS_ALL, all.h) == IRK_OK) {
      const irk_tuples ta = all.view();
      check_loss(env, "triplet_margin_loss", c, in, dev, &ta, "all triplets", true, triplet(0, 0));
      check_loss(env, "triplet_margin_loss", c, in, dev, &ta, "all triplets swap smooth", true, triplet(1, 1));
    }
  }
  check_new_miners(env, c, in, dev);
  check_new_losses(env, c, in, dev, tp);
  check_classifiers(env, c, in, dev, tp, rng);
  if (c.n <= 2048) check_half_batches(env, c, in);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("# %s: %.1f s\n", label_of(c).c_str(), secs);
}

// NaN rows and out-of-range tuples must fail on CUDA exactly as on the CPU.
void check_bad_inputs(const Env& env, std::mt19937_64& rng) {
  const Case c{40, 6, 4, 0, false, irk_distance{IRK_DIST_COSINE, 1, 1.0}};
  Inputs in = make_inputs(c.n, c.d, c.mpc, c.m, c.exact, rng);
  in.x[static_cast<size_t>(17 * c.d + 3)] = NAN;
  in.x[static_cast<size_t>(29 * c.d + 1)] = INFINITY;
  DevInputs dev(in);
  irk_batch hb = host_batch(in), db = device_batch(in, dev);
  auto both = [&](const char* what, const std::function<irk_status(const irk_context*, bool)>& fn) {
    Check ck("bad_input", what);
    Outcome oc = outcome(fn(env.cpu, false)), og = outcome(fn(env.gpu, true));
    if (oc.st == IRK_OK) ck.fail("the CPU accepted it");
    same_outcome(ck, oc, og);
  };
  Dev<float> dout(static_cast<size_t>(c.n * c.n));
  std::vector<float> hout(static_cast<size_t>(c.n * c.n));
  both("pairwise NaN row", [&](const irk_context* x, bool g) {
    return irk_pairwise(x, &c.dist, g ? dev.x.ptr() : in.x.data(), c.n, nullptr, c.n, c.d, g ? dout.ptr() : hout.data());
  });
  Dev<int64_t> didx(static_cast<size_t>(c.n * 3));
  std::vector<int64_t> hidx(didx.size());
  both("knn NaN row", [&](const irk_context* x, bool g) {
    return irk_knn(x, &c.dist, g ? dev.x.ptr() : in.x.data(), c.n, nullptr, c.n, c.d, 3, g ? didx.ptr() : hidx.data(),
                   g ? dout.ptr() : hout.data());
  });
  Mined mined;
  both("ms_miner NaN row", [&](const irk_context* x, bool g) { return irk_ms_miner(x, g ? &db : &hb, &c.dist, 0.1, mined.h); });
  both("batch_hard_miner NaN row", [&](const irk_context* x, bool g) { return irk_batch_hard_miner(x, g ? &db : &hb, &c.dist, mined.h); });
  Dev<float> dloss(1), dgrad(static_cast<size_t>(c.n * c.d));
  std::vector<float> hloss(1), hgrad(dgrad.size());
  auto out = [&](bool g) { return irk_loss_out{g ? dloss.ptr() : hloss.data(), g ? dgrad.ptr() : hgrad.data(), nullptr, nullptr}; };
  both("ms_loss NaN row", [&](const irk_context* x, bool g) {
    irk_loss_out o = out(g);
    return irk_ms_loss(x, g ? &db : &hb, &c.dist, nullptr, 2, 50, 0.5, &o);
  });
  both("triplet_margin_loss NaN row", [&](const irk_context* x, bool g) {
    irk_loss_out o = out(g);
    return irk_triplet_margin_loss(x, g ? &db : &hb, &c.dist, nullptr, 0.05, 0, 0, &o);
  });
  both("ms_miner_loss NaN row", [&](const irk_context* x, bool g) {
    irk_loss_out o = out(g);
    return irk_ms_miner_loss(x, g ? &db : &hb, &c.dist, 0.1, 2, 50, 0.5, mined.h, &o);
  });
  both("ms_miner_loss NaN row, no list", [&](const irk_context* x, bool g) {
    irk_loss_out o = out(g);
    return irk_ms_miner_loss(x, g ? &db : &hb, &c.dist, 0.1, 2, 50, 0.5, nullptr, &o);
  });
  both("batch_hard_triplet_loss NaN row", [&](const irk_context* x, bool g) {
    irk_loss_out o = out(g);
    return irk_batch_hard_triplet_loss(x, g ? &db : &hb, &c.dist, 0.05, 0, 0, mined.h, &o);
  });
  // The losses whose CUDA twins defer the input check to their one sync.
  using PairLoss = std::function<irk_status(const irk_context*, const irk_batch*, irk_loss_out*)>;
  const std::pair<const char*, PairLoss> deferred[] = {
      {"contrastive_loss NaN row", [&](const irk_context* x, const irk_batch* b, irk_loss_out* o) {
         return irk_contrastive_loss(x, b, &c.dist, nullptr, 1, 0, o);
       }},
      {"ntxent_loss NaN row", [&](const irk_context* x, const irk_batch* b, irk_loss_out* o) {
         return irk_ntxent_loss(x, b, &c.dist, nullptr, 0.07, o);
       }},
      {"supcon_loss NaN row", [&](const irk_context* x, const irk_batch* b, irk_loss_out* o) {
         return irk_supcon_loss(x, b, &c.dist, nullptr, 0.1, o);
       }},
      {"circle_loss NaN row", [&](const irk_context* x, const irk_batch* b, irk_loss_out* o) {
         return irk_circle_loss(x, b, &c.dist, nullptr, 0.4, 80, o);
       }},
      {"tcm_loss NaN row", [&](const irk_context* x, const irk_batch* b, irk_loss_out* o) {
         return irk_tcm_loss(x, b, &c.dist, nullptr, 1, 1, 0.9, 0.5, o);
       }},
  };
  for (const auto& [what, fn] : deferred) {
    both(what, [&](const irk_context* x, bool g) {
      irk_loss_out o = out(g);
      return fn(x, g ? &db : &hb, &o);
    });
  }
  // Clean embeddings, a bad tuple index.
  Inputs ok = make_inputs(c.n, c.d, c.mpc, c.m, c.exact, rng);
  DevInputs dok(ok);
  irk_batch hok = host_batch(ok), dbok = device_batch(ok, dok);
  std::vector<int64_t> pairs = {0, 1, 2, 3, 5, c.n + 7}, trip = {0, 1, 2, 4, -1, 5};
  Dev<int64_t> dpairs(pairs), dtrip(trip);
  both("ms_loss pair index out of range", [&](const irk_context* x, bool g) {
    irk_tuples t{IRK_TUPLES_PAIRS, g ? dpairs.ptr() : pairs.data(), 3, nullptr, 0, nullptr, 0};
    irk_loss_out o = out(g);
    return irk_ms_loss(x, g ? &dbok : &hok, &c.dist, &t, 2, 50, 0.5, &o);
  });
  both("classifier label out of range", [&](const irk_context* x, bool g) {
    std::vector<float> W(static_cast<size_t>(c.d * 3), 0.5f);
    static Dev<float> dW;
    dW = Dev<float>(W);
    std::vector<int64_t> lab(ok.xl);
    lab[7] = 3;
    static Dev<int64_t> dlab;
    dlab = Dev<int64_t>(lab);
    irk_loss_out o = out(g);
    return irk_cosface_loss(x, g ? dok.x.ptr() : ok.x.data(), g ? dlab.ptr() : lab.data(), c.n, c.d,
                            g ? dW.ptr() : W.data(), 3, nullptr, 0.35, 64, &o);
  });
  // Labels far out of range: the CUDA twins read labels as indices before their deferred check
  // reports them, so they must keep those reads in range (the emulator stops a stray write).
  for (const int64_t bad : {int64_t{-5}, int64_t{1} << 40}) {
    const std::string what = "proxy_anchor_loss label " + std::to_string(bad);
    both(what.c_str(), [&](const irk_context* x, bool g) {
      std::vector<float> P(static_cast<size_t>(3 * c.d), 0.5f);
      static Dev<float> dP;
      dP = Dev<float>(P);
      std::vector<int64_t> lab(ok.xl);
      for (int64_t& l : lab) l %= 3;
      lab[11] = bad;
      static Dev<int64_t> dlab;
      dlab = Dev<int64_t>(lab);
      irk_loss_out o = out(g);
      return irk_proxy_anchor_loss(x, g ? dok.x.ptr() : ok.x.data(), g ? dlab.ptr() : lab.data(), c.n, c.d,
                                   g ? dP.ptr() : P.data(), 3, nullptr, 0.1, 32, &o);
    });
  }
  both("triplet_margin_loss triplet index out of range", [&](const irk_context* x, bool g) {
    irk_tuples t{IRK_TUPLES_TRIPLETS, nullptr, 0, nullptr, 0, g ? dtrip.ptr() : trip.data(), 2};
    irk_loss_out o = out(g);
    return irk_triplet_margin_loss(x, g ? &dbok : &hok, &c.dist, &t, 0.05, 0, 0, &o);
  });
}

std::vector<Case> all_cases() {
  const irk_distance cos{IRK_DIST_COSINE, 1, 1.0}, cos2{IRK_DIST_COSINE, 1, 2.0}, l2n{IRK_DIST_L2, 1, 1.0},
      dot{IRK_DIST_DOT, 0, 1.0}, dot_half{IRK_DIST_DOT, 1, 0.5}, sql2{IRK_DIST_SQUARED_L2, 0, 1.0},
      l2{IRK_DIST_L2, 0, 1.0}, l2n_pow{IRK_DIST_L2, 1, 1.5};
  // B from 2 to 8192 (odd sizes too), d from 1 to 1024, 1 to 8 members per class, one-class and
  // all-distinct batches, reference sets on both sides of cdist's 25-row switch.
  return {
      {2, 1, 1, 0, false, cos},         {3, 2, 2, 0, true, sql2},         {5, 3, 2, 0, false, dot_half},
      {7, 5, 3, 0, false, l2n},         {16, 1, 8, 0, true, dot},         {20, 4, 3, 24, false, l2n},
      {24, 3, 2, 0, true, sql2},        {33, 64, 1, 0, false, cos},       {64, 17, 0, 0, false, cos},
      {100, 128, 4, 77, true, l2},      {129, 9, 2, 0, false, cos2},      {200, 12, 4, 0, false, l2n_pow},
      {255, 1024, 5, 0, false, cos},    {300, 40, 3, 0, true, sql2},      {511, 31, 7, 600, true, sql2},
      {1000, 256, 2, 0, false, cos},    {1023, 3, 6, 0, false, l2n},      {1030, 2, 3, 0, true, sql2},
      {2048, 64, 8, 0, true, dot},
      {4097, 100, 3, 0, false, cos},    {8192, 128, 8, 0, false, cos},    {8192, 16, 1, 0, false, cos},
  };
}

// Shapes for --streamed: those of all_cases up to B = 2048 (one and many 64-row strips, partial
// tiles on both sides, reference sets, every distance form and power), one row past a strip with
// d spanning three 64-wide feature chunks, and one row past 2048.
std::vector<Case> streamed_cases() {
  std::vector<Case> out;
  for (const Case& c : all_cases())
    if (c.n <= 2048) out.push_back(c);
  out.push_back({65, 130, 4, 0, false, irk_distance{IRK_DIST_DOT, 1, 0.5}});
  out.push_back({2049, 128, 4, 0, false, irk_distance{IRK_DIST_COSINE, 1, 1.0}});
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = std::random_device{}();
  int64_t min_b = 0, max_b = 8192;
  bool require_device = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--max-b" && i + 1 < argc) max_b = std::strtoll(argv[++i], nullptr, 10);
    else if (a == "--min-b" && i + 1 < argc) min_b = std::strtoll(argv[++i], nullptr, 10);
    else if (a == "--quick") max_b = 300;
    else if (a == "--streamed") g_streamed = true;
    else if (a == "--require-device") require_device = true;
    else {
      std::fprintf(stderr, "usage: irkit-check [--seed N] [--min-b N] [--max-b N] [--quick] [--streamed] "
                           "[--require-device]\n");
      return 3;
    }
  }
  // Before any irkit call: the library reads IRKIT_CUDA_STREAM once.
  if (g_streamed && setenv("IRKIT_CUDA_STREAM", "1", 1) != 0) {
    std::printf("irkit-check: cannot set IRKIT_CUDA_STREAM\n");
    return 3;
  }
  const char* fma = std::getenv("IRKIT_CUDA_FMA");
  g_fused_products = fma != nullptr && std::strcmp(fma, "1") == 0;
  std::printf("irkit-check %s, seed %llu, B up to %lld%s%s\n", irk_version(), static_cast<unsigned long long>(seed),
              static_cast<long long>(max_b), g_streamed ? ", streamed kernels only (IRKIT_CUDA_STREAM=1)" : "",
              g_fused_products ? ", fused products (IRKIT_CUDA_FMA=1): distances within tolerance" : "");
  int devices = 0;
  if (irk_cuda_device_count(&devices) != IRK_OK) {
    std::printf("irkit-check: no CUDA device (%s); nothing checked\n", irk_last_error());
    return require_device ? 2 : 0;
  }
  std::printf("\n%-20s %8s %8s  compared\n", "kernel", "atol", "rtol");
  for (const Tol& t : kTols) std::printf("%-20s %8.0e %8.0e  %s\n", t.kernel, t.atol, t.rtol, t.what);
  std::printf("(|ref - x| <= atol * max|ref| + rtol * |ref| per output; exact cases: bit for bit)\n\n");

  Env env{};
  cudaStream_t stream = nullptr;
  CU(cudaStreamCreate(&stream));
  if (irk_context_create(IRK_DEVICE_CPU, 0, 0, &env.cpu) != IRK_OK ||
      irk_context_create(IRK_DEVICE_CUDA, 0, 0, &env.gpu) != IRK_OK ||
      irk_context_set_stream(env.gpu, stream) != IRK_OK) {
    std::printf("irkit-check: cannot set up contexts: %s\n", irk_last_error());
    return 3;
  }
  std::mt19937_64 rng(seed);
  check_bad_inputs(env, rng);
  for (const Case& c : g_streamed ? streamed_cases() : all_cases())
    if (c.n >= min_b && c.n <= max_b) run_case(env, c, rng);

  int passed = 0, failed = 0;
  std::printf("\n");
  for (int i = 0; i < kKernels; ++i) {
    std::printf("%-20s %d passed, %d failed\n", kTols[i].kernel, g_passed[i], g_failed[i]);
    passed += g_passed[i];
    failed += g_failed[i];
  }
  irk_context_destroy(env.gpu);
  irk_context_destroy(env.cpu);
  cudaStreamDestroy(stream);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
