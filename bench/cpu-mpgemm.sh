#!/usr/bin/env bash
# The CPU lowbit.mpgemm benchmark and its peers, in one run, and the report.
#
#   bash bench/cpu-mpgemm.sh [OUT_DIR]          (default: bench/results)
#
# 1. lowbit-bench (the default set: M in {1, 16, 128, 512} x three LLM shapes x formats),
#    which measures the machine's limits first, as JSON lines -> OUT_DIR/cpu-mpgemm.jsonl;
# 2. the peers (bench/peers/run.sh: onnxruntime MatMulNBits, NumPy/OpenBLAS sgemm) on the same
#    shapes -> OUT_DIR/cpu-mpgemm-peers.jsonl;
# 3. bench/cpu-mpgemm-report.py -> OUT_DIR/cpu-mpgemm.md and OUT_DIR/cpu-mpgemm-roofline.png.
# Environment: LOWBIT_BENCH_ARGS (extra lowbit-bench options, e.g. --quick), PEERS_ARGS
# (extra run.sh options, e.g. --quick), LOWBIT_BUILD_DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOWBIT_BUILD_DIR:-$root/build}"
out="${1:-$root/bench/results}"
mkdir -p "$out"
if ! /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  apt-get install -y -q python3-matplotlib >/dev/null || {
    echo "cpu-mpgemm.sh: python3-matplotlib is needed for the plot" >&2; exit 1; }
fi
bash "$root/scripts/build.sh" lowbit-bench

started="$(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== lowbit-bench (progress on stderr)" >&2
# shellcheck disable=SC2086
"$build/bin/lowbit-bench" --json ${LOWBIT_BENCH_ARGS:-} > "$out/cpu-mpgemm.jsonl"
echo "== peers" >&2
# shellcheck disable=SC2086
bash "$root/bench/peers/run.sh" --out="$out/cpu-mpgemm-peers.jsonl" ${PEERS_ARGS:-}
echo "== report" >&2
/usr/bin/python3 "$root/bench/cpu-mpgemm-report.py" "$out/cpu-mpgemm.jsonl" \
  "$out/cpu-mpgemm-peers.jsonl" "$out/cpu-mpgemm.md" "$out/cpu-mpgemm-roofline.png" \
  --started="$started" \
  --command="bash bench/cpu-mpgemm.sh${LOWBIT_BENCH_ARGS:+ (LOWBIT_BENCH_ARGS=$LOWBIT_BENCH_ARGS)}${PEERS_ARGS:+ (PEERS_ARGS=$PEERS_ARGS)}"
echo "wrote $out/cpu-mpgemm.md and $out/cpu-mpgemm-roofline.png" >&2
