// See call_setup.cuh.
#include "call_setup.cuh"

namespace irk {
namespace cuda {

BatchCall::BatchCall(const irk_context& ctx, const Batch& batch, const irk_distance& dist, const irk_tuples* tuples,
                     CallKind kind, bool defer_checks)
    : device(ctx), s(stream_of(ctx)), wide(s, batch), b(wide.get()), checks(s), kind(kind), dist_kind(dist.kind) {
  checks.batch(b);
  checks.tuples(tuples, b.n, b.m);
  if (defer_checks && tuples == nullptr) checks.queue();
  else checks.report();
  if (kind == CallKind::kStreamed) T = prepare_tiles(s, dist, b);
  else D = compute_distances(s, dist, b.x, b.n, b.y, b.m, b.d, b.self, nullptr, kind == CallKind::kLoss);
}

}  // namespace cuda
}  // namespace irk
