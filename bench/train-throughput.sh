#!/usr/bin/env bash
# Training throughput: irkit's trainer step (TrainStep) vs the same step in PyTorch Python, interleaved,
# then the data pipeline's decode + augment images/s. Prints two Markdown tables.
#
#   bash bench/train-throughput.sh [benchmarks.jar] [extra TrainThroughput options, e.g. --threads 1 --windows 9]
#
# Needs the bench jar (mvn -B -o -q -f bench/pom.xml package; irkit-trainer installed first:
# mvn -B -o -q -pl trainer -DskipTests install), the emoji set (bash scripts/fetch-emoji.sh) and PyTorch
# with torchvision for Python: apt-get install python3-torch python3-torchvision (Debian: torch 1.13,
# torchvision 0.14). PYTHON picks the interpreter (default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-bench/target/benchmarks.jar}
shift $(( $# > 0 ? 1 : 0 ))
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import torch, torchvision' 2>/dev/null \
  || { echo "PyTorch not found for $python: apt-get install python3-torch python3-torchvision" >&2; exit 1; }
java_opts=(-Dorg.bytedeco.javacpp.maxPhysicalBytes=0)
echo "# $(date -u +%F) $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
java "${java_opts[@]}" -cp "$jar" io.irkit.bench.train.TrainThroughput \
  --python "$python bench/python/train_throughput.py" "$@"
echo
java "${java_opts[@]}" -cp "$jar" io.irkit.bench.train.PipelineThroughput
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
