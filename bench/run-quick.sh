#!/usr/bin/env bash
# Quick preset: the headline kernels (MS miner + loss, batch-hard triplet, pairwise) at B in {256, 1024},
# d = 512, and kNN + P@1 + MAP@R at N = 20000, d = 128; one fork, 1 warmup + 3 measured 1 s iterations.
# Writes the JMH JSON files, the logs and table.md into OUT_DIR and prints the table.
#   bench/run-quick.sh [path/to/benchmarks.jar] [OUT_DIR] [extra JMH options, e.g. -p threads=1]
set -euo pipefail
JAR=${1:-bench/target/benchmarks.jar}
OUT=${2:-${TMPDIR:-/tmp}/irkit-bench-quick-$(date +%Y%m%d-%H%M%S)}
shift $(( $# < 2 ? $# : 2 ))
QUICK=(-f 1 -wi 1 -i 3 -w 1s -r 1s "$@")
mkdir -p "$OUT"
java -jar "$JAR" 'io.irkit.bench.(MsMinerLoss|BatchHardTriplet|Pairwise)Bench' "${QUICK[@]}" \
  -p B=256,1024 -p d=512 -rf json -rff "$OUT/headline.json" | tee "$OUT/headline.log"
java -jar "$JAR" 'io.irkit.bench.KnnMetricsBench' "${QUICK[@]}" \
  -p N=20000 -p d=128 -rf json -rff "$OUT/knn.json" | tee "$OUT/knn.log"
java -cp "$JAR" io.irkit.bench.JmhTable "$OUT/headline.json" "$OUT/knn.json" | tee "$OUT/table.md"
