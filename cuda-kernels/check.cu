// Device-side input checks (see device_checks.cuh).
#include <climits>

#include "device_checks.cuh"

namespace irk {
namespace cuda {
namespace {

__global__ void first_nonfinite_kernel(const float* x, int64_t count, unsigned long long* slot) {
  for (int64_t i = global_thread(); i < count; i += global_stride())
    if (!finite_f(x[i])) atomicMin(slot, static_cast<unsigned long long>(i));
}

__global__ void first_out_of_range_kernel(const int64_t* v, int64_t count, int width, int64_t b0, int64_t b1,
                                          int64_t b2, unsigned long long* slot) {
  for (int64_t i = global_thread(); i < count; i += global_stride()) {
    const int c = static_cast<int>(i % width);
    const int64_t bound = c == 0 ? b0 : (c == 1 ? b1 : b2);
    const int64_t idx = v[i];
    if (idx < 0 || idx >= bound) atomicMin(slot, static_cast<unsigned long long>(i));
  }
}

}  // namespace

DeviceChecks::DeviceChecks(cudaStream_t s) : s_(s), slots_(s, kMax) {
  IRK_CUDA(cudaMemsetAsync(slots_.get(), 0xFF, sizeof(unsigned long long) * kMax, s));
}

void DeviceChecks::finite_rows(const float* x, int64_t rows, int64_t d, const char* name) {
  nonfinite(kRows, x, rows, d, name);
}

void DeviceChecks::gradient(const float* x, int64_t rows, int64_t cols, const char* name) {
  nonfinite(kGradient, x, rows, cols, name);
}

void DeviceChecks::nonfinite(Kind kind, const float* x, int64_t rows, int64_t d, const char* name) {
  if (count_ == kMax) fail(IRK_ERR_INTERNAL, "too many device checks");
  items_[count_] = Item{kind, x, d, {0, 0, 0}, name};
  const int64_t count = rows * d;
  first_nonfinite_kernel<<<grid_for(count), kThreads, 0, s_>>>(x, count, slots_.get() + count_);
  IRK_LAUNCHED("first_nonfinite_kernel");
  ++count_;
}

void DeviceChecks::batch(const Batch& b) {
  finite_rows(b.x, b.n, b.d, "batch.emb");
  if (!b.self) finite_rows(b.y, b.m, b.d, "batch.ref_emb");
}

void DeviceChecks::index_list(const int64_t* v, int64_t count, int width, const int64_t* bounds, const char* name) {
  if (count <= 0) return;
  if (count_ == kMax) fail(IRK_ERR_INTERNAL, "too many device checks");
  items_[count_] = Item{kIndexList, v, width, {bounds[0], bounds[1], width > 2 ? bounds[2] : 0}, name};
  const int64_t elems = count * width;
  first_out_of_range_kernel<<<grid_for(elems), kThreads, 0, s_>>>(v, elems, width, bounds[0], bounds[1],
                                                                    width > 2 ? bounds[2] : 0, slots_.get() + count_);
  IRK_LAUNCHED("first_out_of_range_kernel");
  ++count_;
}

void DeviceChecks::labels(const int64_t* v, int64_t n, int64_t num_classes) {
  if (n <= 0) return;
  if (count_ == kMax) fail(IRK_ERR_INTERNAL, "too many device checks");
  items_[count_] = Item{kLabels, v, 1, {num_classes, 0, 0}, "labels"};
  first_out_of_range_kernel<<<grid_for(n), kThreads, 0, s_>>>(v, n, 1, num_classes, 0, 0, slots_.get() + count_);
  IRK_LAUNCHED("first_out_of_range_kernel");
  ++count_;
}

void DeviceChecks::tuples(const irk_tuples* t, int64_t n, int64_t m) {
  if (t == nullptr) return;
  const int64_t pair_bounds[2] = {n, m};
  const int64_t triplet_bounds[3] = {n, m, m};
  if (t->kind == IRK_TUPLES_PAIRS) {
    index_list(t->pos, t->n_pos, 2, pair_bounds, "tuples.pos");
    index_list(t->neg, t->n_neg, 2, pair_bounds, "tuples.neg");
  } else {
    index_list(t->triplets, t->n_triplets, 3, triplet_bounds, "tuples.triplets");
  }
}

void DeviceChecks::report() {
  if (count_ == 0) return;
  queue();
  IRK_CUDA(cudaStreamSynchronize(s_));
  raise();
}

void DeviceChecks::queue() {
  if (count_ == 0) return;
  copy_to_host_async(s_, first_.get(), slots_.get(), count_);
  queued_ = true;
}

void DeviceChecks::raise() {
  if (!queued_) return;
  queued_ = false;
  const unsigned long long* first = first_.get();
  for (int c = 0; c < count_; ++c) {
    if (first[c] == ULLONG_MAX) continue;
    const Item& it = items_[c];
    const int64_t at = static_cast<int64_t>(first[c]);
    if (it.kind == kLabels) {
      int64_t label = 0;
      copy_to_host(s_, &label, static_cast<const int64_t*>(it.data) + at, 1);
      invalid("labels[%lld] = %lld is out of range [0, num_classes = %lld)", static_cast<long long>(at),
              static_cast<long long>(label), static_cast<long long>(it.bounds[0]));
    }
    if (it.kind == kIndexList) {
      int64_t idx = 0;
      copy_to_host(s_, &idx, static_cast<const int64_t*>(it.data) + at, 1);
      const int col = static_cast<int>(at % it.width);
      invalid("%s[%lld][%d] = %lld is out of range [0, %lld)", it.name, static_cast<long long>(at / it.width), col,
              static_cast<long long>(idx), static_cast<long long>(it.bounds[col]));
    }
    float v = 0.f;
    copy_to_host(s_, &v, static_cast<const float*>(it.data) + at, 1);
    if (it.kind == kGradient) nonfinite_gradient(it.name, at, it.width, v);
    invalid("%s row %lld column %lld is %s", it.name, static_cast<long long>(at / it.width),
            static_cast<long long>(at % it.width), v != v ? "NaN" : "Inf");
  }
}

}  // namespace cuda
}  // namespace irk
