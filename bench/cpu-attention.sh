#!/usr/bin/env bash
# lowbit.attention on the CPU: the default set of `lowbit-bench attention` (decode over 4096 and
# 32768 cached tokens with f32, f16 and bf16 caches, a causal prefill of 2048 tokens; 32 query
# heads over 8 KV heads, head dimension 128) with the fused kernel, decode over KIVI-quantized
# caches (si8, ui4, ui2, f8E4M3FN), then the decode cases over 4096 tokens through the
# reference lowering (--fast-path=false) for comparison. Each
# lowbit-bench call measures the machine's limits first. Writes JSON lines to
# bench/results/attention.jsonl; bench/results/attention.md has the table of a recorded run.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bin/lowbit-bench
out=bench/results/attention.jsonl
"$B" attention --json | tee "$out"
"$B" attention --json --skv=4096,32768 --cache=si8,ui4,ui2,f8E4M3FN | tee -a "$out"
"$B" attention --json --fast-path=false --skv=4096 --cache=f32,f16,bf16,ui4 | tee -a "$out"
