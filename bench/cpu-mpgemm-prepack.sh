#!/usr/bin/env bash
# Weights prepacked at run time (arguments marked lowbit.prepack, lowbit-bench --prepack-weights)
# against the same weights read in interchange packing, at decode (M = 1) and prefill (M = 512),
# with the table-lookup formats (MXFP4, NVFP4, NF4; 4-bit floats also with si8 activations)
# and f32 activations quantized per token
# by the op (quantize_activations), each lowbit-bench call measuring the machine's limits first. Writes JSON lines to
# bench/results/cpu-mpgemm-prepack.jsonl (the summary of a recorded run is in
# docs/cpu-backend.md, Measured).
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bin/lowbit-bench
out=bench/results/cpu-mpgemm-prepack.jsonl
: > "$out"
run() { "$B" --json "$@" | tee -a "$out" > /dev/null; }
for w in ui2 ui3 ui4 ui5 ui6 ui7 ui8; do
  run --m=1 --weights=$w --activations=si8 --zero --prepack-weights
done
run --m=1 --weights=ui4 --activations=si8,f32 --zero
run --m=1 --weights=ui4 --activations=f32,f16,bf16 --zero --prepack-weights
run --m=1,16 --weights=ui4 --activations=f32 --zero --prepack-weights --quantize-activations
for kn in "--k=4096 --n=11008" "--k=11008 --n=4096"; do
  run --m=1 $kn --weights=ui4 --activations=si8,f32 --zero --prepack-weights
done
run --m=1 --weights=f4E2M1FN --group=32 --scale=f8E8M0FNU --activations=f32,si8 --prepack-weights
run --m=1 --weights=f4E2M1FN --group=16 --scale=f8E4M3FN --tensor-scale --activations=f32,si8 --prepack-weights
run --m=1 --weights=ui4 --group=64 --scale=bf16 --codebook=nf4 --activations=f32
run --m=1 --weights=ui4 --group=64 --scale=bf16 --codebook=nf4 --activations=f32 --prepack-weights
run --m=512 --weights=ui4 --activations=si8,f32 --zero --prepack-weights
run --m=512 --weights=ui4 --activations=si8,f32 --zero
LOWBIT_NUM_THREADS=1 run --m=1 --weights=ui4 --activations=si8 --zero --prepack-weights
