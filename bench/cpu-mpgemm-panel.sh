#!/usr/bin/env bash
# Panel blocks against the tiles the cost model takes without them, for f32 activations at
# prefill (M = 16 .. 512, 4096 x 4096, 4-bit weights in groups of 128 with zero points, weights
# passed at run time), two rounds; each lowbit-bench call measures the machine's limits first
# (the machines are shared; compare within a round). Writes JSON lines to
# bench/results/cpu-mpgemm-panel.jsonl and a table to bench/results/cpu-mpgemm-panel.md (the
# summary is in docs/cpu-backend.md, Panel blocks).
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bin/lowbit-bench
out=bench/results/cpu-mpgemm-panel.jsonl
: > "$out"
run() {
  "$B" --json --k=4096 --n=4096 --weights=ui4 --group=128 --zero --activations=f32 \
    --seconds=2 "$@" | grep -v '"limits"' | sed "s/^{/{\"round\": $round, \"variant\": \"$variant\", /" >> "$out"
}
# Without panels: 4 x 16 tiles, interchange weights below M = 64 and weights prepacked on every
# call from M = 64 on (the cost model's choice without panels).
for round in 1 2; do
  for m in 16 32 64 128 512; do
    variant=default; run --m=$m
    if [ "$m" -ge 64 ]; then
      plain='#lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = prepacked, scale_groups = 2, prefetch = 4>'
    else
      plain='#lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange, scale_groups = 2, prefetch = 8>'
    fi
    variant=no-panel; run --m=$m "--schedule=$plain"
    if [ "$m" -lt 32 ]; then
      variant=panel; run --m=$m "--schedule=#lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], packing = interchange, scale_groups = 2, prefetch = 8, panel = $(( (m + 5) / 6 * 6 ))>"
    fi
  done
done
/usr/bin/python3 - "$out" > bench/results/cpu-mpgemm-panel.md <<'PY'
import json, sys, collections
rows = [json.loads(line) for line in open(sys.argv[1])]
print("# Panel blocks against 4 x 16 tiles (f32 activations)\n")
print("`bash bench/cpu-mpgemm-panel.sh`: 4096 x 4096, 4-bit weights in groups of 128 with zero")
print("points, weights passed at run time, 2 threads; each call measures the limits first.")
print("Times in ms per round; `default` is the cost model's schedule (panel blocks from M = 32).\n")
print("| M | variant | schedule | ms (rounds) | share of FMA peak |")
print("|---|---|---|---|---|")
by = collections.OrderedDict()
for r in rows:
    by.setdefault((r["m"], r["variant"]), []).append(r)
for (m, variant), rs in by.items():
    times = " / ".join("%.1f" % r["time_ms"] for r in rs)
    peak = " / ".join("%.2f" % r["peak_fraction"] for r in rs)
    print("| %d | %s | `%s` | %s | %s |" % (m, variant, rs[0]["schedule"], times, peak))
PY
