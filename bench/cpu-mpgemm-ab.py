#!/usr/bin/env python3
"""Two builds of lowbit-bench on the same cases, alternating, so that both see the same
neighbours on a shared machine: each round runs every case set with the old build, then with
the new one (each call measuring the read bandwidth of its own seconds). Prints one line per
call and the per-case medians of time, read bandwidth and bandwidth fraction.

Usage:
  bench/cpu-mpgemm-ab.py --old OLD/lowbit-bench --new NEW/lowbit-bench [--rounds 3] \\
      --case '--m=1 --weights=f4E2M1FN --group=32 --scale=f8E8M0FNU --activations=f32' \\
      [--case '...'] [--json OUT.jsonl]
"""
import argparse
import collections
import json
import shlex
import statistics
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the baseline lowbit-bench binary")
    parser.add_argument("--new", required=True, help="the lowbit-bench binary to compare")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--case", action="append", required=True,
                        help="lowbit-bench arguments of one case set (quoted)")
    parser.add_argument("--json", help="write every measured line (JSON, with its build)")
    args = parser.parse_args()

    times = collections.defaultdict(list)
    out = open(args.json, "w") if args.json else None
    for _ in range(args.rounds):
        for case in args.case:
            for build, binary in (("old", args.old), ("new", args.new)):
                run = subprocess.run([binary, "--json"] + shlex.split(case),
                                     capture_output=True, text=True)
                if run.returncode != 0:
                    sys.exit(f"{binary} {case}: exit {run.returncode}\n{run.stderr}")
                for line in run.stdout.splitlines():
                    row = json.loads(line)
                    if "kernel" not in row:
                        continue
                    row["build"] = build
                    times[(row["kernel"], build)].append(row)
                    print(build, row["kernel"], row["time_ms"], row["read_gbps"],
                          row["bw_fraction"], flush=True)
                    if out:
                        out.write(json.dumps(row) + "\n")
    print("median over rounds: time_ms, read_gbps, bw_fraction")
    for (kernel, build), rows in sorted(times.items()):
        print(f"{kernel:58s} {build} {statistics.median(r['time_ms'] for r in rows):8.4f} "
              f"{statistics.median(r['read_gbps'] for r in rows):6.1f} "
              f"{statistics.median(r['bw_fraction'] for r in rows):6.3f}")


if __name__ == "__main__":
    main()
