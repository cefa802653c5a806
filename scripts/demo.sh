#!/usr/bin/env bash
# The main job on the bundled example: installs what is missing, builds, draws random inputs for
# examples/mpgemm.mlir (a W4A16 layer with group-wise scales and zero points), compiles and runs
# it with the JIT (the fast path: vectorized tile kernels on all cores), runs the scalar
# reference on the same inputs, and prints both results, their largest difference and the
# speed; then times the same kind of layer at LLM size with lowbit-bench, as fractions of this
# machine's read bandwidth and compute peaks measured in the same run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOWBIT_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" lowbit-run lowbit-npy lowbit-opt lowbit-bench

bin="$build/bin"
work="$build/demo"
mkdir -p "$work"
seed="${LOWBIT_DEMO_SEED:-$RANDOM}"
example="$root/examples/mpgemm.mlir"
echo "== inputs (seed $seed)"
"$bin/lowbit-npy" random --type=4x1024xf16 --seed="${seed}1" -o "$work/a.npy"
"$bin/lowbit-npy" random --type=256x1024xui4 --seed="${seed}2" -o "$work/w.npy"
"$bin/lowbit-npy" random --type=256x8xf16 --min=0.002 --max=0.02 --seed="${seed}3" -o "$work/s.npy"
"$bin/lowbit-npy" random --type=256x8xui4 --seed="${seed}4" -o "$work/z.npy"
"$bin/lowbit-npy" random --type=256xf32 --seed="${seed}5" -o "$work/b.npy"
inputs=(--input=@"$work/a.npy" --input=@"$work/w.npy" --input=@"$work/s.npy"
        --input=@"$work/z.npy" --input=@"$work/b.npy")
echo "   a: 4x1024 f16, w: 256x1024 ui4 (packed: $(stat -c %s "$work/w.npy") bytes with header),"
echo "   scales 256x8 f16, zero points 256x8 ui4, bias 256 f32"

echo "== lowered IR (first lines of lowbit-pipeline-linalg)"
"$bin/lowbit-opt" "$example" --lowbit-pipeline-linalg | sed -n '1,12p'

echo "== JIT (lowbit-pipeline-llvm, this CPU)"
"$bin/lowbit-run" "$example" "${inputs[@]}" --output=@"$work/y.jit.npy" --time --repeat=50 \
  2> "$work/time.txt"
cat "$work/time.txt"
"$bin/lowbit-run" "$example" --fast-path=false "${inputs[@]}" --output=@"$work/y.slow.npy" \
  --time --repeat=20 2> "$work/time-reference-lowering.txt"
echo "== reference (lib/Reference, scalar, double accumulation)"
"$bin/lowbit-run" "$example" --engine=reference "${inputs[@]}" --output=@"$work/y.ref.npy"

echo "== results: row 0, first 8 of 256 columns"
/usr/bin/python3 - "$work" <<'PY'
import sys, numpy as np
w = sys.argv[1]
jit, ref = np.load(w + "/y.jit.npy"), np.load(w + "/y.ref.npy")
np.set_printoptions(precision=5, suppress=True, linewidth=120)
print("jit      ", jit[0, :8])
print("reference", ref[0, :8])
PY
"$bin/lowbit-npy" compare "$work/y.ref.npy" "$work/y.jit.npy" --atol=1e-4 --rtol=1e-4

run_ms=$(sed -n 's/.*run \([0-9.]*\) ms.*/\1/p' "$work/time.txt")
slow_ms=$(sed -n 's/.*run \([0-9.]*\) ms.*/\1/p' "$work/time-reference-lowering.txt")
awk -v ms="$run_ms" -v slow="$slow_ms" 'BEGIN {
  flops = 2 * 4 * 256 * 1024;
  printf "== speed: %.4f ms per call = %.2f GFLOP/s (the reference lowering, --fast-path=false: %.3f ms)\n",
         ms, flops / ms / 1e6, slow;
}'

echo "== at LLM size: 4096 x 4096, 4-bit weights in groups of 128 with zero points, weights"
echo "   streamed from DRAM (lowbit-bench --quick; BW% is of the read bandwidth measured around"
echo "   each case (\"read\", GB/s), peak% of the compute peak measured at the start)"
"$bin/lowbit-bench" --quick 2> "$work/bench.log" || { cat "$work/bench.log"; exit 1; }
