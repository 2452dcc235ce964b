#!/usr/bin/env bash
# README's main command: build, fetch the emoji set if missing, train the small CNN with MS loss +
# MS miner (m = 4) for a few minutes on CPU, print test P@1 / MAP@R before and after training.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
bash scripts/fetch-emoji.sh data/emoji
java -jar trainer/target/trainer.jar train --config configs/emoji-demo.yaml --name emoji-demo "$@"
