#!/usr/bin/env bash
# On a bare GPU machine (nvcc, cmake, a C++ compiler; no Java, no network): builds libirkit with the
# CUDA twins for the local GPU only, runs irkit-check (every CUDA kernel against its CPU twin) and
# then irkit-bench (CUDA events, kernel / SGEMM table). Logs and the table go to $OUT when set,
# else to bench/gpu/out: build.log, check.log, check-streamed.log, bench.log, table.md, and
# table-wide-tiles-{0,1}.md (the dense products' two tile layouts at B = 1024 and 4096). Meant to
# finish within 8 minutes; exits non-zero if the build fails or any check fails.
#
# usage: bench/gpu/run.sh            (env: OUT, BUILD_DIR, SEED, CHECK_ARGS, BENCH_ARGS)
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-bench/gpu/out}"
build="${BUILD_DIR:-build/gpu}"
mkdir -p "$out"
[ -x /usr/local/cuda/bin/nvcc ] && export PATH="/usr/local/cuda/bin:$PATH"
start=$SECONDS

# Only the local GPU's architecture: the compute capability from nvidia-smi (e.g. 9.0 -> 90-real),
# else CMake's "native" (CMake >= 3.24), else the library's default list.
archs=""
cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d ' .')
if [[ "$cc" =~ ^[0-9]+$ ]]; then
  archs="${cc}-real"
elif cmake --version | awk 'NR==1 { split($3, v, "."); exit !(v[1] > 3 || (v[1] == 3 && v[2] >= 24)) }'; then
  archs="native"
fi
echo "irkit GPU run: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -n1)," \
  "archs ${archs:-default}, output in $out"

{
  cmake -S . -B "$build" -DIRKIT_CUDA=ON -DIRKIT_CUDA_EMULATION=OFF -DCMAKE_BUILD_TYPE=Release \
    ${archs:+-DIRKIT_CUDA_ARCHS="$archs"} &&
    cmake --build "$build" -j "$(nproc)" --target irkit-check
} 2>&1 | tee "$out/build.log"
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  echo "build failed (status $build_status), see $out/build.log"
  exit "$build_status"
fi
# Built on its own so that a bench problem (cuBLAS) cannot keep the check from running.
cmake --build "$build" -j "$(nproc)" --target irkit-bench 2>&1 | tee -a "$out/build.log"
bench_build_status=${PIPESTATUS[0]}
echo "built in $((SECONDS - start)) s"

tools="$build/native/tools"
timeout 240 "$tools/irkit-check" --require-device ${SEED:+--seed "$SEED"} ${CHECK_ARGS:-} 2>&1 | tee "$out/check.log"
check_status=${PIPESTATUS[0]}
echo "irkit-check finished with status $check_status after $((SECONDS - start)) s"
# The streaming path (no B x B matrix; on its own only past 8192 x 8192 pairs) forced at small sizes.
timeout 45 "$tools/irkit-check" --require-device --streamed ${SEED:+--seed "$SEED"} ${CHECK_ARGS:-} 2>&1 |
  tee "$out/check-streamed.log"
streamed_status=${PIPESTATUS[0]}
echo "irkit-check --streamed finished with status $streamed_status after $((SECONDS - start)) s"
[ "$check_status" -eq 0 ] && check_status=$streamed_status

bench_status=$bench_build_status
if [ "$bench_build_status" -eq 0 ]; then
  timeout 150 "$tools/irkit-bench" --require-device --out "$out/table.md" ${BENCH_ARGS:-} 2>&1 | tee "$out/bench.log"
  bench_status=${PIPESTATUS[0]}
  echo "irkit-bench finished with status $bench_status after $((SECONDS - start)) s"
  # The dense products' two tile layouts, each forced, at a shape on either side of the size
  # threshold that picks between them (cuda-kernels/distance.cu, kWideMinTiles).
  for wide in 0 1; do
    IRKIT_CUDA_WIDE_TILES=$wide timeout 40 "$tools/irkit-bench" --require-device --shapes 1024:512,4096:512 \
      --stream-shape 0:0 --knn-shape 0:0 --cpu-max-b 0 --out "$out/table-wide-tiles-$wide.md" \
      >"$out/bench-wide-tiles-$wide.log" 2>&1 || echo "layout comparison (IRKIT_CUDA_WIDE_TILES=$wide) failed"
  done
  echo "tile layout comparison finished after $((SECONDS - start)) s"
else
  echo "irkit-bench did not build (status $bench_build_status), see $out/build.log" | tee "$out/bench.log"
fi

[ "$check_status" -eq 0 ] && [ "$bench_status" -eq 0 ]
