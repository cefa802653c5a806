#!/usr/bin/python3
"""A compiled decoder block against onnxruntime, in one run on one machine.

  bench_decoder.py --build=DIR [--quick] [--threads=2] [--rounds=3] [--out=FILE.jsonl]
                   [--markdown=FILE.md] [--cache=DIR]

The block is test/Import/ONNX/Inputs/decoder.py's (RMS norms, MatMulNBits projections with
zero points in blocks of 32, GroupQueryAttention with rotary embedding over a past, a
SiLU-gated FFN) at TinyLlama's sizes (hidden 2048, 32 query and 8 KV heads of 64, FFN 5632;
--quick: a quarter of them), 4-bit weights, accuracy level 0 and 4, decode (one token over a
past of 256) and prefill (128 tokens). For each case:
  1. lowbit-compile writes the library (its compile time is recorded: the goal is under 10 s),
     examples/c/run_model.c links it;
  2. onnxruntime (bench/onnx/ort_time.mjs: onnxruntime-node, CPU EP, all graph optimizations,
     --threads intra-op threads) writes its outputs, and the library's are compared with them
     (max |y - ort| / max |ort| over the three outputs);
  3. both are timed in --rounds alternating rounds (the median of a call per round, then the
     median over rounds).
The machine's limits (DRAM read bandwidth, FMA and int8 peaks) are measured first, by
lowbit-bench, in the same run. Writes JSON lines (limits, then one per case) and a markdown
table.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

from bench_onnx import measure_limits, run  # this folder's layer benchmark

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GENERATOR = os.path.join(ROOT, "test", "Import", "ONNX", "Inputs", "decoder.py")
RUN_MODEL = os.path.join(ROOT, "examples", "c", "run_model.c")


def log(*args):
    print("[bench_decoder]", *args, file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--out", default="")
    p.add_argument("--markdown", default="")
    p.add_argument("--cache", default=os.path.join(HERE, "cache"))
    a = p.parse_args()
    tools = os.path.join(os.path.abspath(a.build), "bin")
    env = dict(os.environ, LOWBIT_NUM_THREADS=str(a.threads))
    size = dict(hidden=512, heads=8, kv_heads=2, ffn=1408) if a.quick else \
        dict(hidden=2048, heads=32, kv_heads=8, ffn=5632)
    cases = [(1, 256, 0), (128, 0, 0), (1, 256, 4), (128, 0, 4)]
    lines = []

    def emit(record):
        lines.append(record)
        print(json.dumps(record), flush=True)

    log("measuring the machine's limits (lowbit-bench)")
    limits = measure_limits(tools, env, a.threads)
    emit(limits)
    H, F, Hq, Hkv = size["hidden"], size["ffn"], size["heads"], size["kv_heads"]
    D = H // Hq
    params = H * (Hq * D + 2 * Hkv * D) + Hq * D * H + 3 * H * F
    weight_bytes = params // 2 + params // 32 * 4 + params // 64  # codes, f32 scales, zeros
    for s, past, level in cases:
        name = "decoder_h%d_s%d_p%d" % (H, s, past) + ("_acc%d" % level if level else "")
        folder = os.path.join(a.cache, name)
        model = os.path.join(folder, "model.onnx")
        if not os.path.exists(model):
            log("generating", name)
            run(["/usr/bin/python3", GENERATOR, folder, "--seed=%d" % (s + past + H),
                 "--s=%d" % s, "--past=%d" % past, "--hidden=%d" % H, "--heads=%d" % Hq,
                 "--kv-heads=%d" % Hkv, "--ffn=%d" % F, "--accuracy-level=%d" % level])
        inputs = [os.path.join(folder, "in%d.npy" % i) for i in range(4)]
        ort_out = [os.path.join(folder, "ort%d.npy" % i) for i in range(3)]
        lib_out = [os.path.join(folder, "lib%d.npy" % i) for i in range(3)]
        lib = os.path.join(folder, "lib")
        log("compiling", name)
        start = time.monotonic()
        run([os.path.join(tools, "lowbit-compile"), model, "--name=block", "-o", lib,
             "--progress=never"])
        compile_s = time.monotonic() - start
        binary = os.path.join(folder, "run_model")
        run(["/usr/lib/llvm-22/bin/clang", "-O2", "-std=c11", "-DMODEL=block", "-I" + lib,
             RUN_MODEL, "-L" + lib, "-lblock", "-Wl,-rpath," + lib, "-o", binary])
        ort_cmd = ["node", os.path.join(HERE, "ort_time.mjs"), model, "--input=" + ",".join(inputs),
                   "--threads=%d" % a.threads]
        ort = json.loads(run(ort_cmd + ["--runs=1", "--write=" + ",".join(ort_out)]).stdout)
        run([binary] + inputs + ["--"] + lib_out, env=env)
        error = 0.0
        for mine, theirs in zip(lib_out, ort_out):
            x, y = np.load(mine), np.load(theirs)
            error = max(error, float(np.max(np.abs(x - y)) / max(np.max(np.abs(y)), 1e-30)))
        repeat = 100 if s == 1 else 5
        lowbit_times, ort_times = [], []
        for _ in range(a.rounds):
            out = run([binary, "--repeat=%d" % repeat] + inputs + ["--"] + lib_out, env=env)
            lowbit_times.append(float(out.stderr.split("median ")[1].split(" ms")[0]))
            ort_times.append(json.loads(run(ort_cmd + ["--min-time=1"]).stdout)["median_ms"])
        lowbit_ms = float(np.median(lowbit_times))
        ort_ms = float(np.median(ort_times))
        flops = 2.0 * s * params
        record = {
            "case": name, "tokens": s, "past": past, "hidden": H, "heads": Hq, "kv_heads": Hkv,
            "ffn": F, "bits": 4, "block": 32, "accuracy_level": level, "threads": a.threads,
            "lowbit_ms": round(lowbit_ms, 4), "ort_ms": round(ort_ms, 4),
            "speedup": round(ort_ms / lowbit_ms, 2), "lowbit_rounds_ms": lowbit_times,
            "ort_rounds_ms": ort_times, "weight_bytes": weight_bytes,
            "bw_fraction": round(weight_bytes / lowbit_ms / 1e6 / limits["read_gbps"], 3),
            "peak_fraction": round(flops / lowbit_ms / 1e6 /
                                   (limits["int8_gops"] if level == 4 else limits["fma_gflops"]),
                                   3),
            "max_rel_error_vs_ort": error, "compile_s": round(compile_s, 2),
            "ort_version": ort["ort_version"],
        }
        emit(record)
    if a.out:
        with open(a.out, "w") as f:
            for record in lines:
                f.write(json.dumps(record) + "\n")
    if a.markdown:
        write_markdown(a.markdown, lines)


def write_markdown(path, lines):
    limits, cases = lines[0], lines[1:]
    rows = ["| tokens | past | accuracy level | lowbit ms | onnxruntime ms | speedup | share of "
            "read bandwidth | share of peak | compile s | max rel error vs onnxruntime |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for c in cases:
        rows.append("| %d | %d | %d | %.3f | %.3f | %.2fx | %.2f | %.2f | %.1f | %.1e |" % (
            c["tokens"], c["past"], c["accuracy_level"], c["lowbit_ms"], c["ort_ms"],
            c["speedup"], c["bw_fraction"], c["peak_fraction"], c["compile_s"],
            c["max_rel_error_vs_ort"]))
    c0 = cases[0] if cases else {}
    text = """# A decoder block: compiled library against onnxruntime

A Llama-style decoder block (`test/Import/ONNX/Inputs/decoder.py`: RMS norms, `MatMulNBits`
projections of 4-bit weights with zero points in blocks of 32, `GroupQueryAttention` with
rotary embedding over a past, a SiLU-gated FFN) at hidden %s, %s query and %s KV heads, FFN %s
(%.1f MB of weights, scales and zero points), compiled by `lowbit-compile` and run through
its C API (`examples/c/run_model.c`), against onnxruntime %s (onnxruntime-node, CPU execution
provider, all graph optimizations) on the same `.onnx` file, both on %d threads, in one run
(`bash bench/onnx/run.sh --only=decoder`, which runs `bench/onnx/bench_decoder.py`).
Accuracy level 4 lets both quantize the activations of the projections to int8 (lowbit per
token, onnxruntime per block). Times are
medians of a call, the median of alternating rounds. "share of read bandwidth" is the weight
bytes over the time against DRAM read bandwidth (the weights may sit in the last-level cache
between calls); "share of peak" the projections' FLOPs against the FMA peak (int8 dot peak at
level 4). Limits measured in the same run: DRAM read %.1f GB/s, FMA %.1f GFLOP/s, int8 %.1f
GOP/s (%s, %d threads).

%s
""" % (c0.get("hidden"), c0.get("heads"), c0.get("kv_heads"), c0.get("ffn"),
       c0.get("weight_bytes", 0) / 1e6, c0.get("ort_version", "?"), limits["threads"],
       limits["read_gbps"], limits["fma_gflops"], limits["int8_gops"], limits["isa"],
       limits["threads"], "\n".join(rows))
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
