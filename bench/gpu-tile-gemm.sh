#!/usr/bin/env bash
# The tile-level f16 GEMM and int4-weight (W4A16) GEMM on an NVIDIA GPU: the same two programs
# that test/Target/ptx-gemm-{f16,w4a16}.mlir compile (and test/Run/tile-gemm.mlir runs on the
# CPU), built by lowbit-pipeline-ptx, loaded with the driver API (lib/Runtime), checked against
# lib/Reference and timed. Two stages, because the GPU machine has a C++ compiler and the
# driver but no LLVM 22:
#
#   bench/gpu-tile-gemm.sh prepare DIR   on the build machine: writes DIR/<program>-<chip>-MxNxK.ptx
#                                        for every configuration below, and DIR/configs.txt
#   bench/gpu-tile-gemm.sh run DIR [RESULT]
#                                        on the GPU machine: compiles the runner
#                                        (bench/gpu/TileGemmRunner.cpp) with c++, runs every
#                                        configuration and prints a markdown table (also written
#                                        to RESULT when given)
#
# Environment: LOWBIT_OPT (prepare; default build/bin/lowbit-opt), LOWBIT_BENCH_RUNNER (run: an
# already built runner instead of compiling one), LOWBIT_CUDA_DRIVER (run: driver library
# instead of libcuda.so.1), LOWBIT_BENCH_COPY_MIB (run: size of the bandwidth measurement's
# buffer), LOWBIT_BENCH_ONLY (both: only configurations whose MxNxK matches this pattern).
# Exits non-zero when a kernel fails its check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# program (test/Target/ptx-gemm-<program>.mlir) M N K: edge tiles on every side, a decode-like
# skinny W4A16, and large squares. `general` is the f16 GEMM in layouts that no mma takes (its
# dot goes through shared memory); it has the f16 GEMM's kernel ABI.
configs=(
  "f16 40 20 37"
  "f16 4096 4096 4096"
  "general 40 20 37"
  "general 4096 4096 4096"
  "w4a16 40 20 37"
  "w4a16 16 8192 8192"
  "w4a16 4096 4096 4096"
)
chips=(sm_80 sm_90)

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

selected() {
  [[ -z "${LOWBIT_BENCH_ONLY:-}" || "$1" == ${LOWBIT_BENCH_ONLY} ]]
}

prepare() {
  local dir="$1"
  local opt="${LOWBIT_OPT:-$root/build/bin/lowbit-opt}"
  command -v "$opt" > /dev/null || { echo "gpu-tile-gemm: no lowbit-opt at '$opt'" >&2; exit 1; }
  mkdir -p "$dir"
  : > "$dir/configs.txt"
  (cd "$root" && git describe --always --dirty 2>/dev/null || echo "unknown commit") > "$dir/commit.txt"
  local config program kernel m n k source grid chip name
  for config in "${configs[@]}"; do
    read -r program m n k <<< "$config"
    selected "${m}x${n}x${k}" || continue
    kernel="$program"
    [[ "$program" == general ]] && kernel=f16
    source="$root/test/Target/ptx-gemm-$program.mlir"
    # One 32-thread block per 16x8 tile of C; the kernel's grid is a compile-time attribute.
    grid="grid [$(((m + 15) / 16)), $(((n + 7) / 8))]"
    for chip in "${chips[@]}"; do
      name="$program-$chip-${m}x${n}x${k}.ptx"
      sed -E "s/grid \[[0-9]+, [0-9]+\]/$grid/" "$source" \
        | "$opt" --lowbit-pipeline-ptx=chip="$chip" \
        | /usr/bin/python3 "$root/test/Target/Inputs/extract-ptx.py" > "$dir/$name"
      echo "$program $kernel $chip $m $n $k $name" >> "$dir/configs.txt"
      echo "prepared $name"
    done
  done
}

run() {
  local dir="$1" result="${2:-}"
  [[ -f "$dir/configs.txt" ]] || { echo "gpu-tile-gemm: no $dir/configs.txt (run prepare)" >&2; exit 1; }
  local runner="${LOWBIT_BENCH_RUNNER:-}"
  if [[ -z "$runner" ]]; then
    runner="$(mktemp -d)/lowbit-bench-tile-gemm"
    "${CXX:-c++}" -O2 -std=c++17 -I"$root/include" "$root/bench/gpu/TileGemmRunner.cpp" \
      "$root/lib/Runtime/CudaDriver.cpp" "$root"/lib/Reference/*.cpp -ldl -o "$runner"
  fi
  local extra=()
  [[ -n "${LOWBIT_CUDA_DRIVER:-}" ]] && extra+=(--driver="$LOWBIT_CUDA_DRIVER")
  [[ -n "${LOWBIT_BENCH_COPY_MIB:-}" ]] && extra+=(--copy-mib="$LOWBIT_BENCH_COPY_MIB")
  local table header=--header failed=0 program kernel chip m n k name row
  table="$(mktemp)"
  {
    echo "# Tile GEMMs on $(hostname), $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Commands: \`bench/gpu-tile-gemm.sh prepare DIR\` on the build machine (lowbit" \
      "$(cat "$dir/commit.txt" 2>/dev/null || echo 'of an unknown commit')), then" \
      "\`bench/gpu-tile-gemm.sh run DIR\` on the GPU machine."
    echo
  } > "$table"
  while read -r program kernel chip m n k name; do
    selected "${m}x${n}x${k}" || continue
    if row="$("$runner" --kernel="$kernel" --ptx="$dir/$name" --label="$program, $chip PTX" \
                --m="$m" --n="$n" --k="$k" ${header} "${extra[@]}")"; then
      :
    else
      failed=1
    fi
    if [[ -n "$row" ]]; then
      echo "$row" >> "$table"
      header=
    fi
  done < "$dir/configs.txt"
  cat "$table"
  [[ -n "$result" ]] && cp "$table" "$result"
  return "$failed"
}

case "${1:-}" in
  prepare) [[ $# -eq 2 ]] || usage; prepare "$2" ;;
  run) [[ $# -ge 2 && $# -le 3 ]] || usage; run "$2" "${3:-}" ;;
  *) usage ;;
esac
