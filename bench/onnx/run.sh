#!/usr/bin/env bash
# Compiled ONNX models against onnxruntime, in one run (bench/onnx/bench_onnx.py).
#
#   bench/onnx/run.sh [--quick] [--threads=N] [--only=layers|decoder]
#
# Installs what is missing (Debian: nodejs npm python3-onnx python3-numpy; npm: onnxruntime-node
# pinned by bench/peers/package.json, into bench/peers/node_modules with --ignore-scripts),
# builds lowbit when build/ lacks it, generates the models into bench/onnx/cache (once), and
# writes bench/results/onnx.{jsonl,md} (MatMulNBits layers, bench_onnx.py) and
# bench/results/onnx-decoder.{jsonl,md} (a decoder block, bench_decoder.py); --quick: smaller
# runs, written to bench/onnx/cache/; --only runs one of the two.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
quick=() threads=2 only=""
for a in "$@"; do
  case "$a" in
    --quick) quick=(--quick) ;;
    --threads=*) threads="${a#--threads=}" ;;
    --only=layers|--only=decoder) only="${a#--only=}" ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done
missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
for p in python3-onnx python3-numpy; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi
if [ ! -d "$root/bench/peers/node_modules/onnxruntime-node" ]; then
  (cd "$root/bench/peers" && npm install --ignore-scripts --no-audit --no-fund >&2)
fi
[ -x "$root/build/bin/lowbit-compile" ] || bash "$root/scripts/build.sh" >&2
if ((${#quick[@]})); then
  out="$here/cache/onnx-quick" decoder="$here/cache/onnx-decoder-quick"
else
  out="$root/bench/results/onnx" decoder="$root/bench/results/onnx-decoder"
fi
mkdir -p "$here/cache"
if [ "$only" != decoder ]; then
  /usr/bin/python3 "$here/bench_onnx.py" --build="$root/build" "${quick[@]}" --threads="$threads" \
    --out="$out.jsonl" --markdown="$out.md"
fi
if [ "$only" != layers ]; then
  /usr/bin/python3 "$here/bench_decoder.py" --build="$root/build" "${quick[@]}" \
    --threads="$threads" --out="$decoder.jsonl" --markdown="$decoder.md"
fi
