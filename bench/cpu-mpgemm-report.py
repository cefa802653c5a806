#!/usr/bin/python3
"""Writes bench/results/cpu-mpgemm.md and its roofline plot from one run's JSON lines.

  cpu-mpgemm-report.py LOWBIT.jsonl PEERS.jsonl OUT.md OUT.png [--started=...] [--command=...]

LOWBIT.jsonl is `lowbit-bench --json` (the limits line first, then one line per case);
PEERS.jsonl is bench/peers/run.sh's output (onnxruntime MatMulNBits, NumPy sgemm, host lines).
Every ratio is to the limits lowbit-bench measured at the start of the same run.
"""
import argparse
import json
import platform

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_lines(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def short_schedule(text):
    if not text.startswith("#lowbit.schedule<"):
        return text
    body = text[len("#lowbit.schedule<"):-1]
    parts = [p.strip() for p in body.split(", ")]
    family = parts[0]
    tile = body[body.index("tile = [") + 8:body.index("]", body.index("tile = ["))]
    packing = "prepacked" if "packing = prepacked" in body else "interchange"
    extra = " byte-order" if "weight_layout" in body else ""
    return f"{family} {tile.replace(', ', 'x')} {packing}{extra}"


def fmt_ms(x):
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("lowbit")
    parser.add_argument("peers")
    parser.add_argument("out_md")
    parser.add_argument("out_png")
    parser.add_argument("--started", default="")
    parser.add_argument("--command", default="bash bench/cpu-mpgemm.sh")
    args = parser.parse_args()

    lowbit = read_lines(args.lowbit)
    limits = next(r for r in lowbit if r.get("limits"))
    cases = [r for r in lowbit if "kernel" in r]
    peers = read_lines(args.peers)
    ort = [r for r in peers if r.get("peer") == "onnxruntime" and r.get("op") == "MatMulNBits"
           and r.get("time_ms")]
    numpy = [r for r in peers if r.get("peer") == "numpy-openblas" and r.get("time_ms")]

    bw, fma, int8 = limits["read_gbps"], limits["fma_gflops"], limits["int8_gops"]
    out = []
    w = out.append
    w("# lowbit.mpgemm on the CPU: measured against this machine's limits\n")
    w(f"Status ({args.started[:10] or 'undated'}): one run of `{args.command}` on "
      f"{cpu_model()} ({limits['isa']}, {limits['threads']} threads), started {args.started}. "
      "Only this host's ISA ran; AVX-512/VNNI code is generated and assembled in the tests "
      "(`test/Target/cpu-mpgemm-isa.mlir`) but not measured here.\n")
    w("Limits measured by `lowbit-bench` at the start of the run (every ratio below is to "
      "these): "
      f"read bandwidth **{bw:.1f} GB/s**, FMA peak **{fma:.0f} GFLOP/s** ({limits['fma_how']}), "
      f"int8 dot peak **{int8:.0f} GOP/s** ({limits['int8_how']}). The machine is shared: the "
      "same host reads 30-45 GB/s from one hour to the next, so compare ratios, and peers only "
      "within this run.\n")
    w("GB/s counts the weight side (codes, scales, zero points) once per call; BW% is that over "
      "the read bandwidth. GOP/s is 2MNK per second; peak% is over the FMA peak for `fma` "
      "schedules and the reference lowering, over the int8 peak for `int8_dot`. `const`: the "
      "weights are a constant of the compiled function (prepacked at compile time); otherwise "
      "they arrive at run time in interchange packing. err: largest |y - reference| over the "
      "largest |reference| on the checked rows.\n")

    # Decode summary.
    w("## Decode (M = 1), weights from DRAM\n")
    shapes = sorted({(r["k"], r["n"]) for r in cases})
    w("| format | act | " + " | ".join(f"{k}x{n} ms (BW%)" for k, n in shapes) + " | schedule |")
    w("|---|---|" + "---|" * len(shapes) + "---|")
    keys = []
    for r in cases:
        key = (r["format"], r["activations"])
        if r["m"] == 1 and key not in keys:
            keys.append(key)
    for fmt, act in keys:
        cells, sched = [], ""
        for k, n in shapes:
            hit = [r for r in cases if r["m"] == 1 and r["format"] == fmt and
                   r["activations"] == act and (r["k"], r["n"]) == (k, n)]
            if hit:
                r = hit[0]
                cells.append(f"{fmt_ms(r['time_ms'])} ({100 * r['bw_fraction']:.0f}%)")
                sched = short_schedule(r["schedule"])
            else:
                cells.append("")
        w(f"| {fmt} | {act} | " + " | ".join(cells) + f" | {sched} |")
    w("")

    # Comparison with onnxruntime.
    if ort:
        w("## Against onnxruntime MatMulNBits (same run)\n")
        w(f"onnxruntime {ort[0].get('version', '')} (npm `onnxruntime-node`, CPU provider, "
          f"{ort[0].get('threads')} threads), 4-bit weights in groups of 128 with zero points, "
          "f32 scales (its weight bytes count 4.25 bits per weight). Accuracy level 0 computes "
          "in f32; level 4 quantizes the activations to int8 per block (a different, "
          "approximate computation). onnxruntime re-lays the weights out when a session is "
          "created, so its counterpart is lowbit's `const` row. Time ratio > 1: lowbit is "
          "faster.\n")
        w("| M | K x N | onnxruntime acc 0 (f32) | acc 4 (int8) | lowbit f32 act | lowbit si8 | "
          "lowbit si8 const | si8 const vs acc 4 | f32 vs acc 0 |")
        w("|---|---|---|---|---|---|---|---|---|")
        for m in sorted({r["m"] for r in cases}):
            for k, n in shapes:
                def ort_time(level):
                    hit = [r for r in ort if r["m"] == m and r["k"] == k and r["n"] == n and
                           r["bits"] == 4 and r["zero_points"] and r["accuracy_level"] == level]
                    return hit[0]["time_ms"] if hit else None

                def ours(act, const):
                    hit = [r for r in cases if r["m"] == m and r["k"] == k and r["n"] == n and
                           r["weights"] == "ui4" and r["zero_points"] and r["group"] == 128 and
                           r["activations"] == act and r["constant_weights"] == const]
                    return hit[0]["time_ms"] if hit else None
                a0, a4 = ort_time(0), ort_time(4)
                f32, si8, si8c = ours("f32", False), ours("si8", False), ours("si8", True)
                if a0 is None and a4 is None:
                    continue
                cell = lambda t: fmt_ms(t) if t else ""
                ratio = lambda ref, t: f"{ref / t:.2f}x" if ref and t else ""
                w(f"| {m} | {k}x{n} | {cell(a0)} | {cell(a4)} | {cell(f32)} | {cell(si8)} | "
                  f"{cell(si8c)} | {ratio(a4, si8c)} | {ratio(a0, f32)} |")
        w("")
    if numpy:
        w("## Against NumPy sgemm (Debian's OpenBLAS, dequantized f32 weights)\n")
        w("The \"dequantize once, run sgemm\" baseline: f32 weights (8x the bytes of 4-bit ones).\n")
        w("| M | K x N | NumPy ms (GFLOP/s) | lowbit W4 f32 act ms (GFLOP/s) |")
        w("|---|---|---|---|")
        for r in sorted(numpy, key=lambda r: (r["m"], r["k"], r["n"])):
            hit = [c for c in cases if c["m"] == r["m"] and c["k"] == r["k"] and c["n"] == r["n"]
                   and c["format"] == "ui4 g128 f16 zero" and c["activations"] == "f32"]
            ours = f"{fmt_ms(hit[0]['time_ms'])} ({hit[0]['gops']:.0f})" if hit else ""
            w(f"| {r['m']} | {r['k']}x{r['n']} | {fmt_ms(r['time_ms'])} ({r['gflops']:.0f}) | "
              f"{ours} |")
        w("")

    # Every case.
    w("## Every case\n")
    w("| M | K x N | weights | act | ms | GB/s | BW% | GOP/s | peak% | err | schedule |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in cases:
        w(f"| {r['m']} | {r['k']}x{r['n']} | {r['format']} | {r['activations']} | "
          f"{fmt_ms(r['time_ms'])} | {r['gbps']:.2f} | {100 * r['bw_fraction']:.1f}% | "
          f"{r['gops']:.1f} | {100 * r['peak_fraction']:.1f}% | {r['max_rel_err']:.1e} | "
          f"{short_schedule(r['schedule'])} |")
    w("")
    w(f"![roofline](cpu-mpgemm-roofline.png)\n")
    w("Raw lines: `cpu-mpgemm.jsonl` (lowbit-bench) and `cpu-mpgemm-peers.jsonl` (peers), next "
      "to this file.\n")
    with open(args.out_md, "w") as f:
        f.write("\n".join(out))

    # Roofline: operations per weight byte against GOP/s.
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=120)
    intensities = [2 ** (e / 16) for e in range(-16, 16 * 13)]
    ax.plot(intensities, [min(bw * x, int8) for x in intensities], color="tab:blue", lw=1.5,
            label=f"read {bw:.0f} GB/s, int8 peak {int8:.0f} GOP/s")
    ax.plot(intensities, [min(bw * x, fma) for x in intensities], color="tab:orange", lw=1.5,
            ls="--", label=f"FMA peak {fma:.0f} GFLOP/s")
    groups = {
        "lowbit int8_dot, run-time weights": lambda r: "int8_dot" in r["schedule"] and not r["constant_weights"],
        "lowbit int8_dot, constant weights": lambda r: "int8_dot" in r["schedule"] and r["constant_weights"],
        "lowbit fma": lambda r: "fma" in r["schedule"],
        "lowbit reference lowering": lambda r: r["schedule"] == "reference",
    }
    markers = ["o", "s", "^", "x"]
    for (label, pick), marker in zip(groups.items(), markers):
        pts = [(r["gops"] / r["gbps"], r["gops"]) for r in cases if pick(r) and r["gbps"] > 0]
        if pts:
            ax.scatter(*zip(*pts), s=14, marker=marker, label=label, alpha=0.8)
    if ort:
        pts = [(r["gops"] / r["weight_gbps"], r["gops"]) for r in ort if r.get("weight_gbps")]
        ax.scatter(*zip(*pts), s=14, marker="+", color="k", label="onnxruntime MatMulNBits")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("operations per weight byte (2MNK / weight bytes)")
    ax.set_ylabel("GOP/s")
    ax.set_title(f"lowbit.mpgemm, {limits['isa']}, {limits['threads']} threads")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(args.out_png)


if __name__ == "__main__":
    main()
