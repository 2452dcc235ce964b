// irkit-bench: times each CUDA twin through the C API with CUDA events (median of >= 50 runs
// after warm-up, inputs rotating over several batches of the same shape) next to an SGEMM of the
// same B x d x B shape (X X^T) in the same run, and prints a markdown table with the ratio
// kernel / GEMM. The GEMM is cuBLAS when the build found it, else irkit's own tiled product
// (irk_pairwise, dot, no normalization), and the table says which.
//
// The streamed kernels (cuda-kernels/stream.cuh: no B x B matrix, taken automatically past
// 8192 x 8192 pairs) get their own rows at --stream-shape (default 16384:128; 0:0 skips them):
// MS miner, MS loss, the fused MS miner + loss, batch-hard miner and contrastive loss next to the
// GEMM of that shape. --knn-shape N:d (default 100000:128; 0:0 skips it) times irk_knn (k = 10) of
// N queries against themselves next to the GEMM floor of that product, computed in row chunks (no
// N x N buffer). Up to --cpu-max-b rows (default 1024, the "10x faster than its CPU twin"
// shape) each row also times its CPU twin: the same call on a CPU context with every hardware
// thread, host memory, wall-clock median of --cpu-reps runs (default 3, after one warm-up).
// Exits 1 when any timed call failed.
//
// usage: irkit-bench [--reps N] [--shapes B:d,B:d,...] [--stream-shape B:d] [--knn-shape N:d] [--out FILE]
//                    [--cpu-max-b B] [--cpu-reps N] [--require-device]
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "tool_util.h"

#if IRKIT_BENCH_CUBLAS
#include <cublas_v2.h>
#endif

using namespace tool;

namespace {

constexpr int kRotate = 4;  // input batches per shape, used in turn
constexpr int kWarmup = 5;
constexpr int64_t kPerClass = 4;  // members per class in the timed batches

struct Shape {
  int64_t b, d;
};

// Median milliseconds of `reps` runs of fn(batch index), each timed with events on `stream`.
double median_ms(cudaStream_t stream, int reps, const std::function<bool(int)>& fn) {
  for (int i = 0; i < kWarmup; ++i)
    if (!fn(i % kRotate)) return -1.0;
  cudaEvent_t start, stop;
  CU(cudaEventCreate(&start));
  CU(cudaEventCreate(&stop));
  std::vector<float> ms(static_cast<size_t>(reps));
  for (int i = 0; i < reps; ++i) {
    CU(cudaEventRecord(start, stream));
    if (!fn(i % kRotate)) return -1.0;
    CU(cudaEventRecord(stop, stream));
    CU(cudaEventSynchronize(stop));
    CU(cudaEventElapsedTime(&ms[static_cast<size_t>(i)], start, stop));
  }
  CU(cudaEventDestroy(start));
  CU(cudaEventDestroy(stop));
  std::sort(ms.begin(), ms.end());
  return reps % 2 ? ms[static_cast<size_t>(reps / 2)] : 0.5 * (ms[static_cast<size_t>(reps / 2 - 1)] + ms[static_cast<size_t>(reps / 2)]);
}

// Median wall-clock milliseconds of `reps` runs of fn(batch index) after one warm-up (CPU twins).
double cpu_median_ms(int reps, const std::function<bool(int)>& fn) {
  if (!fn(0)) return -1.0;
  std::vector<double> ms(static_cast<size_t>(reps));
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!fn(i % kRotate)) return -1.0;
    ms[static_cast<size_t>(i)] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  std::sort(ms.begin(), ms.end());
  return reps % 2 ? ms[static_cast<size_t>(reps / 2)] : 0.5 * (ms[static_cast<size_t>(reps / 2 - 1)] + ms[static_cast<size_t>(reps / 2)]);
}

// Where a row's call runs: the CUDA context on device buffers, or a CPU context (the CPU twin) on
// host buffers of the same sizes. Per rotating batch: the batch and its embeddings and labels.
struct Side {
  irk_context* ctx;
  std::vector<irk_batch> batches;
  float* out;  // B x B
  float* loss;
  float* grad;     // B x d
  int64_t* kidx;   // B x k
  const float* w;  // classifier weights, d x B / 4
  float* gw;
  irk_mined* mined;
  const float* x(int r) const { return batches[static_cast<size_t>(r)].emb; }
  const int64_t* labels(int r) const { return batches[static_cast<size_t>(r)].labels; }
};

bool ok(irk_status st, const char* what) {
  if (st == IRK_OK) return true;
  std::fprintf(stderr, "%s failed: %s\n", what, irk_last_error());
  return false;
}

std::vector<Shape> parse_shapes(const std::string& s) {
  std::vector<Shape> out;
  size_t at = 0;
  while (at < s.size()) {
    size_t end = s.find(',', at);
    if (end == std::string::npos) end = s.size();
    const std::string item = s.substr(at, end - at);
    const size_t colon = item.find(':');
    if (colon != std::string::npos)
      out.push_back(Shape{std::stoll(item.substr(0, colon)), std::stoll(item.substr(colon + 1))});
    at = end + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 50, cpu_reps = 3;
  int64_t cpu_max_b = 1024;
  std::string out_path;
  bool require_device = false;
  // 1024 x 512: the shape of the targets (MS miner + loss, batch-hard triplet within 3x of SGEMM).
  std::vector<Shape> shapes = {{1024, 512}, {1024, 128}, {4096, 128}, {8192, 128}, {4096, 512}, {8192, 1024}};
  Shape stream_shape{16384, 128}, knn_shape{100000, 128};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) reps = std::max(50, std::atoi(argv[++i]));
    else if (a == "--shapes" && i + 1 < argc) shapes = parse_shapes(argv[++i]);
    else if (a == "--stream-shape" && i + 1 < argc) {
      const std::vector<Shape> one = parse_shapes(argv[++i]);
      stream_shape = one.empty() ? Shape{0, 0} : one[0];
    } else if (a == "--knn-shape" && i + 1 < argc) {
      const std::vector<Shape> one = parse_shapes(argv[++i]);
      knn_shape = one.empty() ? Shape{0, 0} : one[0];
    } else if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "--cpu-max-b" && i + 1 < argc) cpu_max_b = std::atoll(argv[++i]);
    else if (a == "--cpu-reps" && i + 1 < argc) cpu_reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--require-device") require_device = true;
    else {
      std::fprintf(stderr, "usage: irkit-bench [--reps N] [--shapes B:d,...] [--stream-shape B:d] [--knn-shape N:d] "
                           "[--out FILE] [--cpu-max-b B] [--cpu-reps N] [--require-device]\n");
      return 3;
    }
  }
  int devices = 0;
  if (irk_cuda_device_count(&devices) != IRK_OK) {
    std::printf("irkit-bench: no CUDA device (%s); nothing timed\n", irk_last_error());
    return require_device ? 2 : 0;
  }
  cudaDeviceProp prop{};
  CU(cudaGetDeviceProperties(&prop, 0));
  cudaStream_t stream = nullptr;
  CU(cudaStreamCreate(&stream));
  irk_context* ctx = nullptr;
  irk_context* cpu = nullptr;
  if (!ok(irk_context_create(IRK_DEVICE_CUDA, 0, 0, &ctx), "irk_context_create") ||
      !ok(irk_context_set_stream(ctx, stream), "irk_context_set_stream") ||
      !ok(irk_context_create(IRK_DEVICE_CPU, 0, 0, &cpu), "irk_context_create (CPU)"))
    return 3;
#if IRKIT_BENCH_CUBLAS
  const char* gemm_name = "cuBLAS SGEMM";
  cublasHandle_t blas = nullptr;
  if (cublasCreate(&blas) != CUBLAS_STATUS_SUCCESS || cublasSetStream(blas, stream) != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "cuBLAS setup failed\n");
    return 3;
  }
#else
  const char* gemm_name = "irkit tiled GEMM (irk_pairwise dot; cuBLAS not found at build time)";
#endif

  std::string table, mining;  // mining: what the MS miner kept at each shape (under the table)
  bool any_failed = false;
  auto line = [&](const std::string& s) {
    std::printf("%s\n", s.c_str());
    std::fflush(stdout);
    table += s + "\n";
  };
  char buf[512];
  std::snprintf(buf, sizeof buf, "# irkit-bench on %s: median of %d runs (after %d warm-up), %d rotating batches",
                prop.name, reps, kWarmup, kRotate);
  line(buf);
  line(std::string("\nGEMM: ") + gemm_name + ", C = X X^T (B x d x B). Inputs: " + std::to_string(kPerClass) +
       " per class around class centres, with noise at which the MS miner keeps a few pairs (counts under the table)."
       " Times in ms.\n");
  std::snprintf(buf, sizeof buf, "CPU twin: the same call on a CPU context (%u hardware threads, host memory), wall-clock "
                "median of %d runs, for B <= %lld.\n", std::thread::hardware_concurrency(), cpu_reps,
                static_cast<long long>(cpu_max_b));
  line(buf);
  line("| kernel | B | d | kernel ms | GEMM ms | kernel / GEMM | CPU twin ms | CPU twin / kernel |");
  line("|---|---:|---:|---:|---:|---:|---:|---:|");

  const irk_distance cos{IRK_DIST_COSINE, 1, 1.0}, l2{IRK_DIST_L2, 1, 1.0};
#if !IRKIT_BENCH_CUBLAS
  const irk_distance dot{IRK_DIST_DOT, 0, 1.0};  // the stand-in GEMM
#endif
  std::mt19937_64 rng(12345);
  // streamed: only the kernels with a streaming path (and the GEMM), marked as such.
  // One SGEMM of X X^T (B x d x B) into `out` (cuBLAS, or irkit's tiled product); `rows` of the
  // left operand from row `row0` (the kNN floor's chunks).
  auto gemm_into = [&](const float* x, int64_t B, int64_t d, int64_t row0, int64_t rows, float* out) {
#if IRKIT_BENCH_CUBLAS
    const float one = 1.f, zero = 0.f;
    return cublasSgemm(blas, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(B), static_cast<int>(rows), static_cast<int>(d),
                       &one, x, static_cast<int>(d), x + row0 * d, static_cast<int>(d), &zero, out,
                       static_cast<int>(B)) == CUBLAS_STATUS_SUCCESS;
#else
    return ok(irk_pairwise(ctx, &dot, x + row0 * d, rows, x, B, d, out), "gemm");
#endif
  };
  auto bench_shape = [&](const Shape& sh, bool streamed) {
    const int64_t B = sh.b, d = sh.d, k = 10, C = B / kPerClass;  // C: classifier classes
    std::vector<Inputs> in;
    std::vector<std::unique_ptr<DevInputs>> dev;
    for (int r = 0; r < kRotate; ++r) {
      in.push_back(make_inputs(B, d, kPerClass, 0, false, rng, true));
      dev.emplace_back(new DevInputs(in.back()));
    }
    std::vector<float> w(static_cast<size_t>(d * C));
    std::normal_distribution<float> normal(0.f, 1.f);
    for (float& v : w) v = normal(rng);
    Dev<float> out(static_cast<size_t>(B * B)), loss(1), grad(static_cast<size_t>(B * d)), W(w), gw(w.size());
    Dev<int64_t> kidx(static_cast<size_t>(B * k));
    irk_mined* mined = nullptr;
    irk_mined_create(&mined);
    Side gpu{ctx, {}, out.ptr(), loss.ptr(), grad.ptr(), kidx.ptr(), W.ptr(), gw.ptr(), mined};
    for (int r = 0; r < kRotate; ++r) gpu.batches.push_back(device_batch(in[static_cast<size_t>(r)], *dev[static_cast<size_t>(r)]));
    // The CPU twin's host buffers, only where it is timed.
    const bool with_cpu = !streamed && B <= cpu_max_b;
    auto host_size = [&](int64_t count) { return with_cpu ? static_cast<size_t>(count) : size_t{0}; };
    std::vector<float> h_out(host_size(B * B)), h_loss(1), h_grad(host_size(B * d)), h_gw(host_size(d * C));
    std::vector<int64_t> h_kidx(host_size(B * k));
    irk_mined* h_mined = nullptr;
    if (with_cpu) irk_mined_create(&h_mined);
    Side host{cpu, {}, h_out.data(), h_loss.data(), h_grad.data(), h_kidx.data(), w.data(), h_gw.data(), h_mined};
    if (with_cpu)
      for (int r = 0; r < kRotate; ++r) host.batches.push_back(host_batch(in[static_cast<size_t>(r)]));

    double gemm = median_ms(stream, reps, [&](int r) { return gemm_into(dev[r]->x.ptr(), B, d, 0, B, out.ptr()); });
    using Call = std::function<bool(const Side&, int)>;
    auto row = [&](const std::string& plain, const Call& fn) {
      const std::string name = streamed ? plain + " [streamed]" : plain;
      const double t = median_ms(stream, reps, [&](int r) { return fn(gpu, r); });
      const double tc = with_cpu ? cpu_median_ms(cpu_reps, [&](int r) { return fn(host, r); }) : 0.0;
      if (t < 0 || tc < 0) any_failed = true;
      char gpu_cols[96], cpu_cols[64];
      if (t < 0) std::snprintf(gpu_cols, sizeof gpu_cols, "failed | %.4f | -", gemm);
      else std::snprintf(gpu_cols, sizeof gpu_cols, "%.4f | %.4f | %.2f", t, gemm, t / gemm);
      if (!with_cpu) std::snprintf(cpu_cols, sizeof cpu_cols, "- | -");
      else if (tc < 0) std::snprintf(cpu_cols, sizeof cpu_cols, "failed | -");
      else if (t < 0) std::snprintf(cpu_cols, sizeof cpu_cols, "%.3f | -", tc);
      else std::snprintf(cpu_cols, sizeof cpu_cols, "%.3f | %.1f", tc, tc / t);
      std::snprintf(buf, sizeof buf, "| %s | %lld | %lld | %s | %s |", name.c_str(), static_cast<long long>(B),
                    static_cast<long long>(d), gpu_cols, cpu_cols);
      line(buf);
    };
    auto pair_loss = [&](const char* name, const std::function<irk_status(const Side&, const irk_batch*, irk_loss_out*)>& fn) {
      row(name, [&, name](const Side& s, int r) {
        irk_loss_out o{s.loss, s.grad, nullptr, nullptr};
        return ok(fn(s, &s.batches[static_cast<size_t>(r)], &o), name);
      });
    };
    auto miner = [&](const char* name, const std::function<irk_status(const Side&, const irk_batch*)>& fn) {
      row(name, [&, name](const Side& s, int r) { return ok(fn(s, &s.batches[static_cast<size_t>(r)]), name); });
    };
    auto ms_fused = [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_ms_miner_loss(s.ctx, b, &cos, 0.1, 2, 50, 0.5, nullptr, o);
    };
    auto contrastive = [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_contrastive_loss(s.ctx, b, &cos, nullptr, 1.0, 0.0, o);
    };
    auto ms_miner = [&](const Side& s, const irk_batch* b) { return irk_ms_miner(s.ctx, b, &cos, 0.1, s.mined); };
    auto ms_loss = [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_ms_loss(s.ctx, b, &cos, nullptr, 2, 50, 0.5, o);
    };
    auto batch_hard = [&](const Side& s, const irk_batch* b) { return irk_batch_hard_miner(s.ctx, b, &cos, s.mined); };
    if (streamed) {
      miner("ms_miner cosine", ms_miner);
      pair_loss("ms_loss cosine (+grad)", ms_loss);
      pair_loss("ms_miner_loss cosine (fused, +grad)", ms_fused);
      miner("batch_hard_miner cosine", batch_hard);
      pair_loss("contrastive_loss cosine (+grad)", contrastive);
      irk_mined_destroy(mined);
      return;
    }
    // irkit's own tiled product alone (no normalization): how far it is from the GEMM column.
    const irk_distance plain_dot{IRK_DIST_DOT, 0, 1.0};
    auto pairwise = [&](const irk_distance& dist) {
      return [&dist, B, d](const Side& s, int r) {
        return ok(irk_pairwise(s.ctx, &dist, s.x(r), B, nullptr, B, d, s.out), "irk_pairwise");
      };
    };
    row("pairwise dot (irkit tiled GEMM)", pairwise(plain_dot));
    row("pairwise cosine", pairwise(cos));
    row("pairwise l2", pairwise(l2));
    row("knn cosine k=10", [&](const Side& s, int r) {
      return ok(irk_knn(s.ctx, &cos, s.x(r), B, nullptr, B, d, k, s.kidx, s.out), "irk_knn");
    });
    miner("ms_miner cosine", ms_miner);
    irk_tuples kept{};
    if (irk_mined_view(mined, &kept) == IRK_OK) {
      // Ordered (anchor, other) pairs of one batch; every rotation has the same class sizes.
      std::map<int64_t, int64_t> class_size;
      for (int64_t l : in[0].xl) ++class_size[l];
      int64_t positives = 0;
      for (const auto& [label, size] : class_size) positives += size * (size - 1);
      std::snprintf(buf, sizeof buf, "\nB = %lld, d = %lld: the MS miner kept %lld of %lld positive and %lld of %lld negative pairs.",
                    static_cast<long long>(B), static_cast<long long>(d), static_cast<long long>(kept.n_pos),
                    static_cast<long long>(positives), static_cast<long long>(kept.n_neg),
                    static_cast<long long>(B * (B - 1) - positives));
      mining += buf;
    }
    miner("batch_hard_miner cosine", batch_hard);
    pair_loss("ms_loss cosine (+grad)", ms_loss);
    pair_loss("ms_miner_loss cosine (fused, +grad)", ms_fused);
    pair_loss("batch_hard_triplet_loss cosine (fused, +grad)", [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_batch_hard_triplet_loss(s.ctx, b, &cos, 0.05, 0, 0, nullptr, o);
    });
    pair_loss("triplet_margin_loss cosine (+grad)", [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_triplet_margin_loss(s.ctx, b, &cos, nullptr, 0.05, 0, 0, o);
    });
    pair_loss("contrastive_loss cosine (+grad)", contrastive);
    pair_loss("ntxent_loss cosine (+grad)", [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_ntxent_loss(s.ctx, b, &cos, nullptr, 0.07, o);
    });
    pair_loss("supcon_loss cosine (+grad)", [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_supcon_loss(s.ctx, b, &cos, nullptr, 0.1, o);
    });
    pair_loss("circle_loss cosine (+grad)", [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_circle_loss(s.ctx, b, &cos, nullptr, 0.4, 80, o);
    });
    pair_loss("tcm_loss cosine (+grad)", [&](const Side& s, const irk_batch* b, irk_loss_out* o) {
      return irk_tcm_loss(s.ctx, b, &cos, nullptr, 1, 1, 0.9, 0.5, o);
    });
    miner("pair_margin_miner cosine", [&](const Side& s, const irk_batch* b) {
      return irk_pair_margin_miner(s.ctx, b, &cos, 0.8, 0.2, s.mined);
    });
    miner("batch_easy_hard_miner cosine", [&](const Side& s, const irk_batch* b) {
      return irk_batch_easy_hard_miner(s.ctx, b, &cos, IRK_STRATEGY_EASY, IRK_STRATEGY_SEMIHARD, nullptr, nullptr, s.mined);
    });
    miner("triplet_margin_miner cosine hard", [&](const Side& s, const irk_batch* b) {
      return irk_triplet_margin_miner(s.ctx, b, &cos, 0.05, IRK_TRIPLETS_HARD, s.mined);
    });
    // Classifier losses: B / 4 classes (4 per class), W [d x C].
    row("cosface_loss (+grad, +dW)", [&](const Side& s, int r) {
      irk_loss_out o{s.loss, s.grad, nullptr, s.gw};
      return ok(irk_cosface_loss(s.ctx, s.x(r), s.labels(r), B, d, s.w, C, nullptr, 0.35, 64, &o), "irk_cosface_loss");
    });
    row("arcface_loss (+grad, +dW)", [&](const Side& s, int r) {
      irk_loss_out o{s.loss, s.grad, nullptr, s.gw};
      return ok(irk_arcface_loss(s.ctx, s.x(r), s.labels(r), B, d, s.w, C, nullptr, 28.6, 64, &o), "irk_arcface_loss");
    });
    row("proxy_anchor_loss (+grad, +dP)", [&](const Side& s, int r) {
      irk_loss_out o{s.loss, s.grad, nullptr, s.gw};
      return ok(irk_proxy_anchor_loss(s.ctx, s.x(r), s.labels(r), B, d, s.w, C, nullptr, 0.1, 32, &o),
                "irk_proxy_anchor_loss");
    });
    irk_mined_destroy(mined);
    if (h_mined) irk_mined_destroy(h_mined);
  };
  for (const Shape& sh : shapes) bench_shape(sh, false);
  if (stream_shape.b > 0 && stream_shape.d > 0) bench_shape(stream_shape, true);
  if (knn_shape.b > 0 && knn_shape.d > 0) {
    // kNN of N queries against themselves next to its GEMM floor: X X^T in chunks of `chunk` rows.
    const int64_t N = knn_shape.b, d = knn_shape.d, k = 10, chunk = std::min<int64_t>(N, 8192);
    Inputs in = make_inputs(N, d, kPerClass, 0, false, rng, true);
    DevInputs dev(in);
    Dev<float> slab(static_cast<size_t>(chunk * N));
    Dev<int64_t> idx(static_cast<size_t>(N * k));
    Dev<float> val(static_cast<size_t>(N * k));
    const double floor_ms = median_ms(stream, reps, [&](int) {
      for (int64_t r0 = 0; r0 < N; r0 += chunk)
        if (!gemm_into(dev.x.ptr(), N, d, r0, std::min(chunk, N - r0), slab.ptr())) return false;
      return true;
    });
    const double knn_ms = median_ms(stream, reps, [&](int) {
      return ok(irk_knn(ctx, &cos, dev.x.ptr(), N, nullptr, N, d, k, idx.ptr(), val.ptr()), "irk_knn");
    });
    if (knn_ms < 0 || floor_ms < 0) any_failed = true;
    std::snprintf(buf, sizeof buf, "| knn cosine k=10 (N x N, GEMM floor in %lld-row chunks) | %lld | %lld | %.4f | %.4f | %.2f | - | - |",
                  static_cast<long long>(chunk), static_cast<long long>(N), static_cast<long long>(d), knn_ms, floor_ms,
                  knn_ms / floor_ms);
    line(buf);
  }
  if (!mining.empty()) line(mining);
  line("\nMiners include copying their tuples to the host; losses include the backward pass; fused: miner and loss\n"
       "in one call (tuples stay on the device). [streamed]: no B x B matrix (cuda-kernels/stream.cuh), the path\n"
       "these kernels take past 8192 x 8192 pairs.");
  if (!out_path.empty()) {
    FILE* f = std::fopen(out_path.c_str(), "w");
    if (f) {
      std::fputs(table.c_str(), f);
      std::fclose(f);
    }
  }
#if IRKIT_BENCH_CUBLAS
  cublasDestroy(blas);
#endif
  irk_context_destroy(ctx);
  irk_context_destroy(cpu);
  cudaStreamDestroy(stream);
  if (any_failed) std::printf("irkit-bench: some calls failed (\"failed\" rows above)\n");
  return any_failed ? 1 : 0;
}
