// See stream.cuh.
#include "stream.cuh"

namespace irk {
namespace cuda {
namespace {

// IRKIT_CUDA_STREAM: 1 always, 0 never, -1 (unset or anything else) by size.
int stream_mode() {
  static const int mode = env_switch("IRKIT_CUDA_STREAM");
  return mode;
}

}  // namespace

bool use_streaming(int64_t n, int64_t m) {
  const int mode = stream_mode();
  if (mode >= 0) return mode == 1;
  return n * m > kStreamAbovePairs;
}

unsigned strips(int64_t count) { return row_blocks((count + kTile - 1) / kTile); }

StreamDist prepare_tiles(cudaStream_t s, const irk_distance& dist, const Batch& b) {
  StreamDist T;
  T.n = b.n;
  T.m = b.m;
  T.d = b.d;
  T.self = b.self;
  T.inverted = !is_l2(dist.kind);
  // As compute_distances: the same operands and finish, so the same values.
  const int form = value_form(dist, b.n, b.m);
  T.p = prepare(s, dist, b.x, b.n, b.y, b.m, b.d, b.self, form == kCdistMmForm);
  const TileOperands op{tile_left(T.p, form), b.d, 1, T.p.y, 1, b.d, b.n, b.m, b.d};
  T.view = TileView{op, value_args(dist, T.p, form, b.d), b.n, b.m};
  return T;
}

}  // namespace cuda
}  // namespace irk
