#!/usr/bin/env bash
# On a bare GPU machine (nvcc, cmake, a C++ compiler; no Java, no network): builds libirkit with the
# CUDA twins for the local GPU only, runs irkit-check (every CUDA kernel against its CPU twin), then
# irkit-bench (CUDA events, kernel / SGEMM table), then irkit-check's small shapes under
# compute-sanitizer memcheck, then the dense products' variants (two tile layouts, plain or fused
# multiply-adds) at B = 1024 and 4096.
#
# Output ($OUT when set, else bench/gpu/out; 6 files, since a device run brings back at most 8):
#   build.log, check.log (all shapes, then the streamed path), bench.log (all irkit-bench runs),
#   table.md (the main table), table-products.md (the variants' tables), sanitizer.log.
# Every step's time limit comes out of one budget (RUN_BUDGET seconds, 480 by default), so the whole
# run ends within it; a step with too little time left is skipped and says so. Exits non-zero if the
# build fails, a check fails or stops at its limit, the bench fails, or memcheck reports an error.
#
# usage: bench/gpu/run.sh            (env: OUT, BUILD_DIR, SEED, CHECK_ARGS, BENCH_ARGS, RUN_BUDGET)
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-bench/gpu/out}"
build="${BUILD_DIR:-build/gpu}"
budget="${RUN_BUDGET:-480}"
mkdir -p "$out"
[ -x /usr/local/cuda/bin/nvcc ] && export PATH="/usr/local/cuda/bin:$PATH"
start=$SECONDS
status=0

# limit CAP RESERVE: seconds for the next step, at most CAP, leaving RESERVE for the steps after it
# (0 when less than 10 would be left).
limit() {
  local left=$((budget - (SECONDS - start) - $2))
  local n=$(($1 < left ? $1 : left))
  echo $((n < 10 ? 0 : n))
}
# note STEP RC LIMIT: one line on how a step ended; a step stopped by its limit exits with 124.
note() {
  if [ "$2" -eq 124 ]; then echo "$1 stopped at its ${3} s limit after $((SECONDS - start)) s"
  else echo "$1 finished with status $2 after $((SECONDS - start)) s"; fi
}

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
  "archs ${archs:-default}, budget ${budget} s, output in $out"

t=$(limit 300 150)
[ "$t" -gt 0 ] || t=$(limit 300 0)
if [ "$t" -eq 0 ]; then
  echo "RUN_BUDGET=$budget leaves no time to build" | tee "$out/build.log"
  exit 2
fi
{
  cmake -S . -B "$build" -DIRKIT_CUDA=ON -DIRKIT_CUDA_EMULATION=OFF -DCMAKE_BUILD_TYPE=Release \
    ${archs:+-DIRKIT_CUDA_ARCHS="$archs"} &&
    timeout "$t" cmake --build "$build" -j "$(nproc)" --target irkit-check
} 2>&1 | tee "$out/build.log"
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  note "build" "$build_status" "$t" | tee -a "$out/build.log"
  echo "see $out/build.log"
  exit "$build_status"
fi
# Built on its own so that a bench problem (cuBLAS) cannot keep the check from running.
t=$(limit 120 150)
if [ "$t" -gt 0 ]; then
  timeout "$t" cmake --build "$build" -j "$(nproc)" --target irkit-bench 2>&1 | tee -a "$out/build.log"
  bench_build_status=${PIPESTATUS[0]}
else
  echo "irkit-bench not built: the budget is spent" | tee -a "$out/build.log"
  bench_build_status=1
fi
echo "built in $((SECONDS - start)) s"

tools="$build/native/tools"
seed_args=(${SEED:+--seed "$SEED"})

t=$(limit 240 90)
if [ "$t" -gt 0 ]; then
  timeout "$t" "$tools/irkit-check" --require-device "${seed_args[@]}" ${CHECK_ARGS:-} 2>&1 | tee "$out/check.log"
  rc=${PIPESTATUS[0]}
  note "irkit-check" "$rc" "$t" | tee -a "$out/check.log"
else
  echo "irkit-check skipped: the build spent the budget" | tee "$out/check.log"
  rc=1
fi
[ "$rc" -ne 0 ] && status=$rc

# The streaming path (no B x B matrix; on its own only past 8192 x 8192 pairs) forced at small sizes.
t=$(limit 45 60)
if [ "$t" -gt 0 ]; then
  timeout "$t" "$tools/irkit-check" --require-device --streamed "${seed_args[@]}" ${CHECK_ARGS:-} 2>&1 |
    tee -a "$out/check.log"
  rc=${PIPESTATUS[0]}
  note "irkit-check --streamed" "$rc" "$t" | tee -a "$out/check.log"
  [ "$rc" -ne 0 ] && [ "$status" -eq 0 ] && status=$rc
else
  echo "irkit-check --streamed skipped: the budget is spent" | tee -a "$out/check.log"
fi

t=$(limit 150 20)
if [ "$bench_build_status" -ne 0 ]; then
  echo "irkit-bench did not build (status $bench_build_status), see $out/build.log" | tee "$out/bench.log"
  [ "$status" -eq 0 ] && status=$bench_build_status
elif [ "$t" -gt 0 ]; then
  timeout "$t" "$tools/irkit-bench" --require-device --out "$out/table.md" ${BENCH_ARGS:-} 2>&1 | tee "$out/bench.log"
  rc=${PIPESTATUS[0]}
  note "irkit-bench" "$rc" "$t" | tee -a "$out/bench.log"
  [ "$rc" -ne 0 ] && [ "$status" -eq 0 ] && status=$rc
else
  echo "irkit-bench skipped: the budget is spent" | tee "$out/bench.log"
fi

# Out-of-bounds and misaligned device accesses, which a GPU does not always fault on, on the small
# shapes (the bad-input cases included). The emulator's audit covers shared-memory races.
sanitizer=$(command -v compute-sanitizer || true)
[ -z "$sanitizer" ] && [ -x /usr/local/cuda/compute-sanitizer/compute-sanitizer ] &&
  sanitizer=/usr/local/cuda/compute-sanitizer/compute-sanitizer
t=$(limit 60 20)
if [ -z "$sanitizer" ]; then
  echo "memcheck skipped: no compute-sanitizer" | tee "$out/sanitizer.log"
elif [ "$t" -gt 0 ]; then
  timeout "$t" "$sanitizer" --tool memcheck --error-exitcode 9 --print-limit 20 \
    "$tools/irkit-check" --require-device --max-b 70 "${seed_args[@]}" 2>&1 | tee "$out/sanitizer.log" | tail -n 3
  rc=${PIPESTATUS[0]}
  note "memcheck of irkit-check --max-b 70" "$rc" "$t" | tee -a "$out/sanitizer.log"
  # Only a finding fails the run (9: memcheck's errors, else the check's own status).
  [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$status" -eq 0 ] && status=$rc
else
  echo "memcheck skipped: the budget is spent" | tee "$out/sanitizer.log"
fi

# The dense products' two tile layouts, each forced, at a shape on either side of the size threshold
# that picks between them (cuda-kernels/distance.cu, kWideMinTiles), with plain and with fused
# multiply-adds (IRKIT_CUDA_FMA=1; the fused run also times the kNN). Informative only.
if [ "$bench_build_status" -eq 0 ]; then
  : >"$out/table-products.md"
  for variant in "0 0" "1 0" "0 1" "1 1"; do
    read -r wide fma <<<"$variant"
    name="IRKIT_CUDA_WIDE_TILES=$wide IRKIT_CUDA_FMA=$fma"
    t=$(limit 40 0)
    if [ "$t" -eq 0 ]; then
      echo "products with $name skipped: the budget is spent" | tee -a "$out/bench.log"
      continue
    fi
    knn="0:0"
    [ "$variant" = "1 1" ] && knn="100000:128"
    printf '\n## %s\n\n' "$name" >>"$out/table-products.md"
    echo "== $name" >>"$out/bench.log"
    IRKIT_CUDA_WIDE_TILES=$wide IRKIT_CUDA_FMA=$fma timeout "$t" "$tools/irkit-bench" --require-device \
      --shapes 1024:512,4096:512 --stream-shape 0:0 --knn-shape "$knn" --cpu-max-b 0 --out "$out/products.tmp" \
      >>"$out/bench.log" 2>&1
    note "products with $name" "$?" "$t" | tee -a "$out/bench.log"
    [ -f "$out/products.tmp" ] && cat "$out/products.tmp" >>"$out/table-products.md" && rm -f "$out/products.tmp"
  done
fi

echo "run.sh finished with status $status after $((SECONDS - start)) s"
exit "$status"
