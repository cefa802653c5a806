#!/usr/bin/env bash
# Same-run peer measurements for lowbit's CPU mixed-precision GEMM benchmark.
#
#   bench/peers/run.sh [--quick] [--threads=N] [--out=FILE] [--wait-quiet[=S]]
#
# Installs what is missing (Debian: python3-onnx python3-numpy libopenblas0-pthread, nodejs npm;
# npm: onnxruntime-node, pinned in package.json, into bench/peers/node_modules with
# --ignore-scripts), generates the MatMulNBits models into bench/peers/cache/models (only the
# missing ones), then runs both peers and writes their JSON lines to FILE (default: stdout).
# Progress goes to stderr.
#
#   --quick      smoke test: M in {1, 16}, K = N = 4096, bits 4 (sym + zero points),
#                accuracy levels 0 and 4; NumPy sgemm for M in {1, 16}.  ~1 minute.
#   (default)    M in {1, 16, 128, 512}, (K, N) in {(4096, 4096), (4096, 11008), (11008, 4096)},
#                bits 1..8 (onnxruntime 1.31 accepts 2, 4, 8; the others give one "error" line per
#                combination, found with a tiny probe model), with and without zero points,
#                accuracy levels 0 and 4; NumPy sgemm for M in {1, 16, 128, 512}.
#   --threads=N  intra-op / BLAS threads (default 2 = the cores of the benchmark machines).
#   --wait-quiet[=S]  the machine is shared: wait up to S seconds (default 600) before starting until
#                other processes use < 0.25 cores, and let the runners re-time (up to 3 times each, in
#                a further S seconds of waiting per runner) any measurement during which they used more. Every result
#                line carries "other_cores" (cores busy with other processes while it was timed):
#                treat lines with other_cores > ~0.25 as noise, with or without this option.
# Environment: PEERS_CACHE (model folder), PEERS_PYTHON (default /usr/bin/python3),
#   ORT_EXTRA / NUMPY_EXTRA (extra arguments for ort_bench.mjs / numpy_sgemm.py).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
quick=0 threads=2 out="" wait_quiet=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --threads=*) threads="${a#--threads=}" ;;
    --out=*) out="${a#--out=}" ;;
    --wait-quiet) wait_quiet=600 ;;
    --wait-quiet=*) wait_quiet="${a#--wait-quiet=}" ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done
py="${PEERS_PYTHON:-/usr/bin/python3}"
cache="${PEERS_CACHE:-$here/cache/models}"
log() { echo "[run.sh] $*" >&2; }

# ------------------------------------------------------------------ installs
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  log "need root to run: $*"; exit 1; fi; }
missing=()
for p in python3-onnx python3-numpy libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
# NumPy must see OpenBLAS, not the reference BLAS (numpy_sgemm.py double-checks at run time).
blas_link="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
case "$blas_link" in
  *openblas*) ;;
  *) log "libblas.so.3 -> $blas_link; selecting OpenBLAS"
     alt="$(update-alternatives --list libblas.so.3-x86_64-linux-gnu | grep openblas | head -1)"
     as_root update-alternatives --set libblas.so.3-x86_64-linux-gnu "$alt" >&2 ;;
esac
want="$(node -p "require('$here/package.json').dependencies['onnxruntime-node']")"
have="$(node -p "try{require('$here/node_modules/onnxruntime-node/package.json').version}catch(e){''}")"
if [ "$have" != "$want" ]; then
  log "npm install onnxruntime-node@$want (--ignore-scripts: the postinstall script would download)"
  (cd "$here" && npm install --ignore-scripts --no-audit --no-fund --no-package-lock >&2)
fi

# ------------------------------------------------------------------ runs
if [ "$quick" = 1 ]; then
  ort_args=(--shapes 4096x4096 --bits 4 --zp 0,1 --levels 0,4 --m 1,16)
  np_args=(--shapes 4096x4096 --m 1,16)
else
  ort_args=(--shapes 4096x4096,4096x11008,11008x4096 --bits 1,2,3,4,5,6,7,8 --zp 0,1 --levels 0,4 --m 1,16,128,512)
  np_args=(--shapes 4096x4096,4096x11008,11008x4096 --m 1,16,128,512)
fi

if [ -n "$out" ]; then mkdir -p "$(dirname "$out")"; : > "$out"; exec 3>>"$out"; else exec 3>&1; fi
host_line() {  # machine facts + load, so that a noisy run can be recognised afterwards
  "$py" - "$1" "$threads" <<'PY'
import json, os, sys
cpu = {}
for ln in open("/proc/cpuinfo"):
    if ":" in ln:
        k, v = (x.strip() for x in ln.split(":", 1))
        cpu.setdefault(k, v)
flags = set(cpu.get("flags", "").split())
print(json.dumps({"peer": "host", "when": sys.argv[1], "cpu": cpu.get("model name"),
    "cpu_family": int(cpu.get("cpu family", 0)), "cores": os.cpu_count(), "threads": int(sys.argv[2]),
    "avx2": "avx2" in flags, "avx512f": "avx512f" in flags, "avx512_vnni": "avx512_vnni" in flags,
    "avx_vnni": "avx_vnni" in flags, "loadavg": os.getloadavg()}))
PY
}
busy_cores() {  # cores busy over the next 2 s (nothing of ours runs meanwhile)
  "$py" -c '
import os, time
def snap():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    return sum(v), v[0] + v[1] + v[2] + v[5] + v[6]
a = snap(); time.sleep(2); b = snap()
print(f"{(b[1] - a[1]) / ((b[0] - a[0]) / os.cpu_count()):.2f}")'
}
busy="$(busy_cores)"
if [ "$wait_quiet" -gt 0 ]; then
  deadline=$((SECONDS + wait_quiet))
  while awk -v b="$busy" 'BEGIN { exit !(b > 0.25) }' && [ $SECONDS -lt $deadline ]; do
    log "machine busy ($busy cores used by others); waiting"; sleep 10; busy="$(busy_cores)"
  done
fi
awk -v b="$busy" 'BEGIN { exit !(b > 0.25) }' && log "WARNING: $busy cores busy with other processes; timings will be noisy (see other_cores)"
t0=$SECONDS
host_line start >&3
log "onnxruntime: ${ort_args[*]} --threads $threads"
# shellcheck disable=SC2086
node "$here/ort_bench.mjs" --models "$cache" --threads "$threads" --python "$py" --quiet-wait "$wait_quiet" \
  "${ort_args[@]}" ${ORT_EXTRA:-} >&3
log "numpy: ${np_args[*]} --threads $threads"
# shellcheck disable=SC2086
"$py" "$here/numpy_sgemm.py" --threads "$threads" --quiet-wait "$wait_quiet" "${np_args[@]}" ${NUMPY_EXTRA:-} >&3
host_line end >&3
log "done in $((SECONDS - t0)) s${out:+, results in $out}"
