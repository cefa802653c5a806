#!/usr/bin/python3
"""NumPy float32 matmul peer: y[M, N] = x[M, K] @ W[K, N] with Debian's OpenBLAS.

This is the "dequantize once, then run an f32 GEMM" baseline: W is a dense float32
matrix, so each call streams 4 bytes per weight.  Weight copies are rotated so that
their total exceeds --rotate-bytes (default 64 MiB > the 32 MB L3): every call reads
its weights from DRAM, as in lowbit's benchmark.

Run with Debian's /usr/bin/python3 (python3-numpy 1.24).  The BLAS numpy uses is the
one Debian's alternatives select for libblas.so.3; install libopenblas0-pthread (or
libopenblas0) to make it OpenBLAS.  The script checks which BLAS is actually mapped
into the process and refuses (exit 3) when it is not OpenBLAS, unless --any-blas.

Threads: OPENBLAS_NUM_THREADS is set before numpy is imported; the count is then
confirmed (and, if needed, set) through openblas_get/set_num_threads via ctypes.

Output: one JSON line per shape:
  {"peer":"numpy-openblas","m","k","n","threads","time_ms","gflops", ...}
Usage: numpy_sgemm.py [--threads 2] [--m 16,128,512] [--shapes 4096x4096,4096x11008,11008x4096]
                      [--min-calls 20] [--min-time 1] [--max-time 5] [--rotate-bytes 67108864]
                      [--quiet-wait S] [--noisy-cores 0.25]
Shapes are KxN (input features x output features), as in ort_bench.mjs.
"""
import argparse
import ctypes
import json
import os
import sys
import time


def parse():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--m", default="16,128,512")
    ap.add_argument("--shapes", default="4096x4096,4096x11008,11008x4096")
    ap.add_argument("--min-calls", type=int, default=20)
    ap.add_argument("--min-time", type=float, default=1.0)
    ap.add_argument("--max-time", type=float, default=5.0)
    ap.add_argument("--rotate-bytes", type=int, default=64 * 1024 * 1024)
    ap.add_argument("--quiet-wait", type=float, default=0.0,
                    help="budget (s) for re-timing measurements disturbed by other processes")
    ap.add_argument("--noisy-cores", type=float, default=0.25)
    ap.add_argument("--any-blas", action="store_true", help="run even if the BLAS is not OpenBLAS")
    return ap.parse_args()


args = parse()
# Must happen before numpy (and so OpenBLAS) is loaded.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402


def blas_info():
    """Which BLAS shared objects are mapped, and OpenBLAS's own config string."""
    with open("/proc/self/maps") as f:
        libs = sorted({ln.split()[-1] for ln in f if "blas" in ln.split()[-1]})
    info = {"libs": libs, "openblas": None, "threads": None, "handle": None}
    for p in libs:
        try:
            lib = ctypes.CDLL(p)
            cfg = lib.openblas_get_config
        except (OSError, AttributeError):
            continue
        cfg.restype = ctypes.c_char_p
        info.update(openblas=cfg().decode(), threads=lib.openblas_get_num_threads(), handle=lib)
        break
    return info


def cpu_snapshot():
    """(total, busy, steal, own) USER_HZ ticks: /proc/stat and this process's utime+stime."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        user, nice, system, idle, iowait, irq, softirq, steal = v
        with open("/proc/self/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return (sum(v), user + nice + system + irq + softirq, steal, int(rest[11]) + int(rest[12]))
    except (OSError, ValueError, IndexError):
        return None


def other_load(a, b):
    """Average cores busy with other processes (and hypervisor steal) between two snapshots."""
    if not a or not b or b[0] <= a[0]:
        return {}
    wall = (b[0] - a[0]) / os.cpu_count()
    return {"other_cores": round(max(0.0, (b[1] - a[1] - (b[3] - a[3])) / wall), 2),
            "steal_cores": round((b[2] - a[2]) / wall, 2)}


_quiet_budget = None


def wait_quiet():
    """Wait (within the --quiet-wait budget) until other processes use <= --noisy-cores cores."""
    global _quiet_budget
    if _quiet_budget is None:
        _quiet_budget = args.quiet_wait
    while _quiet_budget > 0:
        a = cpu_snapshot()
        time.sleep(2)
        _quiet_budget -= 2
        load = other_load(a, cpu_snapshot())
        if load.get("other_cores", 1e9) <= args.noisy_cores:
            return True
        print(f"[numpy_sgemm] machine busy ({load.get('other_cores')} cores used by others); waiting",
              file=sys.stderr)
    return False


def time_calls(x, ws, y):
    copies = len(ws)
    times = []
    snap0 = cpu_snapshot()
    t_start = time.perf_counter()
    i = 0
    while True:
        w = ws[i % copies]
        t0 = time.perf_counter()
        np.matmul(x, w, out=y)
        times.append(time.perf_counter() - t0)
        i += 1
        el = time.perf_counter() - t_start
        if len(times) >= args.min_calls and el >= args.min_time:
            break
        if el >= args.max_time and len(times) >= min(5, args.min_calls):
            break
    return times, other_load(snap0, cpu_snapshot())


def main():
    # Load BLAS by doing one tiny matmul, then inspect the process.
    np.ones((64, 64), np.float32) @ np.ones((64, 64), np.float32)
    info = blas_info()
    if info["openblas"] is None:
        print(f"[numpy_sgemm] BLAS is not OpenBLAS: {info['libs']}", file=sys.stderr)
        if not args.any_blas:
            sys.exit(3)
    else:
        if info["threads"] != args.threads:
            info["handle"].openblas_set_num_threads(args.threads)
            info["threads"] = info["handle"].openblas_get_num_threads()
        print(f"[numpy_sgemm] numpy {np.__version__}, {info['openblas']}, threads {info['threads']}",
              file=sys.stderr)
    blas = info["openblas"].split(" NO_")[0] if info["openblas"] else ",".join(info["libs"])

    ms = [int(x) for x in args.m.split(",") if x]
    shapes = [tuple(int(v) for v in s.split("x")) for s in args.shapes.split(",") if s]
    rng = np.random.default_rng(0)
    for k, n in shapes:
        wbytes = k * n * 4
        copies = max(2, -(-args.rotate_bytes // wbytes))
        ws = [rng.standard_normal((k, n), dtype=np.float32) * np.float32(1.0 / np.sqrt(k)) for _ in range(copies)]
        for m in ms:
            x = rng.standard_normal((m, k), dtype=np.float32)
            y = np.empty((m, n), np.float32)
            # Check against float64 on a few columns (guards against a broken BLAS setup).
            np.matmul(x, ws[0], out=y)
            cols = slice(0, min(n, 64))
            ref = x.astype(np.float64) @ ws[0][:, cols].astype(np.float64)
            err = float(np.abs(y[:, cols] - ref).max() / np.abs(ref).max())
            for w in ws:  # warm-up round
                np.matmul(x, w, out=y)
            retries = 0
            while True:
                times, load = time_calls(x, ws, y)
                if not load.get("other_cores", 0) > args.noisy_cores or retries >= 3 or not wait_quiet():
                    break
                retries += 1
            if retries:
                load["retries"] = retries
            t = float(np.median(times))
            print(json.dumps({
                "peer": "numpy-openblas", "version": np.__version__, "blas": blas, "op": "sgemm",
                "m": m, "k": k, "n": n, "threads": info["threads"] or args.threads,
                "time_ms": round(t * 1e3, 4), "gflops": round(2.0 * m * k * n / t / 1e9, 2),
                "weight_bytes": wbytes, "copies": copies, "rotate_bytes": copies * wbytes,
                "calls": len(times), "time_ms_min": round(min(times) * 1e3, 4),
                "weight_gbps": round(wbytes / t / 1e9, 2), "max_rel_err": float(f"{err:.3g}"),
                **load,
            }), flush=True)
        del ws


if __name__ == "__main__":
    main()
