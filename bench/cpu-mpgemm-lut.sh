#!/usr/bin/env bash
# The lut family against the families the cost model takes otherwise, for 1- and 2-bit weights
# at decode (M = 1, 4096 x 4096, groups of 128, constant weights), each lowbit-bench call
# measuring the machine's limits first and running the cases three times (the machines are
# shared; compare within a round). Writes JSON lines to bench/results/cpu-mpgemm-lut.jsonl (the
# summary of a recorded run is in docs/cpu-backend.md, The lut family).
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bin/lowbit-bench
out=bench/results/cpu-mpgemm-lut.jsonl
: > "$out"
run() { "$B" --json --m=1 --k=4096 --n=4096 --group=128 --constant-weights "$@" | tee -a "$out" > /dev/null; }
LUT='#lowbit.schedule<lut, workers = 8, tile = [1, 32, 32], packing = prepacked, scale_groups = 1>'
FMA='#lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], packing = prepacked, scale_groups = 1>'
for round in 1 2 3; do
  for w in ui1 ui2 si2; do
    run --weights=$w --activations=si8                       # int8_dot (cost model)
    run --weights=$w --activations=si8 "--schedule=$LUT"
    run --weights=$w --activations=f32 "--schedule=$FMA"
    run --weights=$w --activations=f32 "--schedule=$LUT"
  done
done
