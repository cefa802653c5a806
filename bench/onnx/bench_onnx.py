#!/usr/bin/python3
"""Compiled ONNX models against onnxruntime, in one run on one machine.

  bench_onnx.py --build=DIR [--quick] [--threads=2] [--rounds=3] [--out=FILE.jsonl]
                [--markdown=FILE.md] [--cache=DIR]

For each com.microsoft.MatMulNBits model (test/Import/ONNX/Inputs/matmulnbits.py: zero points,
blocks of 128, f32 activations, static M; accuracy_level 0, and 4 for 4 bits), in (K, N) x
bits x M:
  1. lowbit-compile writes its library (compile time measured), examples/c/run_model.c links it;
  2. both the library and onnxruntime (bench/onnx/ort_time.mjs: onnxruntime-node, CPU EP, all
     graph optimizations, --threads intra-op threads) are checked against numpy's float64
     output (max |y - expected| / max |expected|);
  3. they are timed in --rounds alternating rounds (median time of a call per round; the
     result is the median over rounds), on the same model, so the weights stay wherever the
     machine's caches put them for both;
  4. lowbit-bench times the same shape as a kernel (--constant-weights --rotate-mib=1, weights
     in cache as well): a compiled library should be within 10% of it.
The machine's limits (DRAM read bandwidth, FMA and int8 peaks) are measured first, by
lowbit-bench, in the same run. Writes JSON lines (limits, then one per case) and a markdown
table. Runs with Debian's /usr/bin/python3 (numpy, onnx for the generator).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GENERATOR = os.path.join(ROOT, "test", "Import", "ONNX", "Inputs", "matmulnbits.py")
RUN_MODEL = os.path.join(ROOT, "examples", "c", "run_model.c")


def log(*args):
    print("[bench_onnx]", *args, file=sys.stderr, flush=True)


def run(args, env=None, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, env=env, **kwargs)
    if result.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), result.returncode,
                                                   result.stderr.strip()[-2000:]))
    return result


def measure_limits(tools, env, threads):
    """The machine's DRAM read bandwidth, FMA and int8 peaks, measured by lowbit-bench."""
    limits = json.loads(run([os.path.join(tools, "lowbit-bench"), "--m=1", "-k", "256", "-n",
                             "256", "--weights=ui4", "--group=128", "--json",
                             "--seconds=0.05"], env=env).stdout.splitlines()[0])
    limits["threads"] = threads
    return limits


def rel_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / max(np.max(np.abs(expected)), 1e-30))


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
    shapes = [(4096, 4096)] if a.quick else [(4096, 4096), (11008, 4096)]
    bits_list = [4] if a.quick else [2, 4, 8]
    ms = [1, 16] if a.quick else [1, 512]
    # accuracy_level 0 (f32 activations) for every width; 4 (int8 activations: lowbit quantizes
    # per token, onnxruntime per block) for 4 bits.
    variants = [(bits, 0) for bits in bits_list] + [(4, 4)]
    lines = []

    def emit(record):
        lines.append(record)
        print(json.dumps(record), flush=True)

    log("measuring the machine's limits (lowbit-bench)")
    limits = measure_limits(tools, env, a.threads)
    emit(limits)

    for k, n in shapes:
        for bits, level in variants:
            for m in ms:
                name = "mnb_k%d_n%d_b%d_m%d" % (k, n, bits, m) + ("_acc%d" % level if level else "")
                folder = os.path.join(a.cache, name)
                model = os.path.join(folder, "model.onnx")
                if not os.path.exists(os.path.join(folder, "expected.npy")):
                    log("generating", name)
                    run(["/usr/bin/python3", GENERATOR, folder, "--seed=%d" % (k + n + bits),
                         "--m=%d" % m, "--k=%d" % k, "--n=%d" % n, "--bits=%d" % bits,
                         "--block=128", "--zero", "--accuracy-level=%d" % level])
                lib = os.path.join(folder, "lib")
                start = time.monotonic()
                run([os.path.join(tools, "lowbit-compile"), model, "--name=mnb", "-o", lib,
                     "--progress=never"])
                compile_s = time.monotonic() - start
                binary = os.path.join(folder, "run_model")
                run(["/usr/lib/llvm-22/bin/clang", "-O2", "-std=c11", "-DMODEL=mnb", "-I" + lib,
                     RUN_MODEL, "-L" + lib, "-lmnb", "-Wl,-rpath," + lib, "-o", binary])
                a_npy = os.path.join(folder, "a.npy")
                expected = np.load(os.path.join(folder, "expected.npy"))
                y_npy = os.path.join(folder, "y.npy")
                run([binary, a_npy, "--", y_npy], env=env)
                lowbit_error = rel_error(np.load(y_npy), expected)
                repeat = 400 if m == 1 else 20
                lowbit_times, ort_times, ort_error = [], [], None
                for _ in range(a.rounds):
                    out = run([binary, "--repeat=%d" % repeat, a_npy, "--", y_npy], env=env)
                    median = out.stderr.split("median ")[1].split(" ms")[0]
                    lowbit_times.append(float(median))
                    ort = json.loads(run(["node", os.path.join(HERE, "ort_time.mjs"), model,
                                          "--input=" + a_npy,
                                          "--expected=" + os.path.join(folder, "expected.npy"),
                                          "--threads=%d" % a.threads, "--min-time=1"]).stdout)
                    ort_times.append(ort["median_ms"])
                    ort_error = ort["max_rel_error"]
                kernel = json.loads(run([os.path.join(tools, "lowbit-bench"), "--m=%d" % m,
                                         "-k", str(k), "-n", str(n), "--weights=ui%d" % bits,
                                         "--group=128", "--zero", "--scale=f32",
                                         "--activations=f32", "--constant-weights",
                                         "--rotate-mib=1", "--skip-limits", "--json"] +
                                        (["--quantize-activations"] if level == 4 else []),
                                        env=env).stdout.splitlines()[-1])
                lowbit_ms = float(np.median(lowbit_times))
                ort_ms = float(np.median(ort_times))
                weight_bytes = n * ((k + 127) // 128) * (128 * bits // 8)
                record = {
                    "case": name, "m": m, "k": k, "n": n, "bits": bits, "block": 128,
                    "zero_points": True, "activations": "f32", "accuracy_level": level,
                    "threads": a.threads,
                    "lowbit_ms": round(lowbit_ms, 4), "ort_ms": round(ort_ms, 4),
                    "speedup": round(ort_ms / lowbit_ms, 2),
                    "lowbit_rounds_ms": lowbit_times, "ort_rounds_ms": ort_times,
                    "kernel_ms": kernel["time_ms"],
                    "library_vs_kernel": round(lowbit_ms / kernel["time_ms"], 3),
                    "kernel_schedule": kernel["schedule"],
                    "weight_bytes": weight_bytes,
                    "lowbit_gbps": round(weight_bytes / lowbit_ms / 1e6, 2),
                    "bw_fraction": round(weight_bytes / lowbit_ms / 1e6 / limits["read_gbps"], 3),
                    "gops": round(2.0 * m * k * n / lowbit_ms / 1e6, 1),
                    # int8 activations (level 4) against the int8 dot peak, f32 against FMA.
                    "peak_fraction": round(2.0 * m * k * n / lowbit_ms / 1e6 /
                                           (limits["int8_gops"] if level == 4
                                            else limits["fma_gflops"]), 3),
                    "lowbit_max_rel_error": lowbit_error, "ort_max_rel_error": ort_error,
                    "compile_s": round(compile_s, 2), "ort_version": ort["ort_version"],
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
    rows = ["| M | K x N | bits | accuracy level | lowbit ms | onnxruntime ms | speedup | share of "
            "read bandwidth | share of peak | library / kernel | compile s | max rel error "
            "(lowbit, ort) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in cases:
        rows.append("| %d | %d x %d | %d | %d | %.3f | %.3f | %.2fx | %.2f | %.2f | %.2f | %.1f | "
                    "%.1e, %.1e |" % (
                        c["m"], c["k"], c["n"], c["bits"], c["accuracy_level"], c["lowbit_ms"],
                        c["ort_ms"],
                        c["speedup"], c["bw_fraction"], c["peak_fraction"],
                        c["library_vs_kernel"], c["compile_s"], c["lowbit_max_rel_error"],
                        c["ort_max_rel_error"]))
    text = """# ONNX models: compiled libraries against onnxruntime

`com.microsoft.MatMulNBits` models (zero points, blocks of 128, f32 activations, static M;
accuracy level 0, and 4 for 4 bits: int8 activations, which lowbit quantizes per token and
onnxruntime per block of K) compiled by `lowbit-compile` into a library and run through its
C API (`examples/c/run_model.c`), against onnxruntime %s (onnxruntime-node, CPU execution
provider, all graph optimizations) on the same `.onnx` file, both on %d threads, in one run
(`bench/onnx/run.sh`). Times are medians of a call, the median of alternating rounds; both
run the same model over and over, so the weights stay wherever the caches put them for both
(a 4096 x 4096 4-bit layer fits this machine's 32 MB last-level cache).
"library / kernel" compares with `lowbit-bench` timing the same shape as a kernel with
constant weights in cache. "share of peak" is against the FMA peak for f32 activations and
the int8 dot peak for int8 ones (accuracy level 4). Limits measured in the same run: DRAM
read %.1f GB/s, FMA %.1f GFLOP/s, int8 %.1f GOP/s (%s, %d threads).

%s
""" % (cases[0]["ort_version"] if cases else "?", limits["threads"],
       limits["read_gbps"], limits["fma_gflops"], limits["int8_gops"], limits["isa"],
       limits["threads"], "\n".join(rows))
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
