"""Checks that docs/onnx.md's table of ops names every op the importer takes.

  docs_ops.py OPS_FILE DOCS_FILE

OPS_FILE is `lowbit-import-onnx --list-ops` (domain, op, first and last opset per line); an op
is documented when a table row of DOCS_FILE names it in its first column (`Op`, or one of
several `A`, `B`). Prints "MISSING: domain op" for each undocumented op, then the count.
"""
import re
import sys


def main():
    ops = [line.split() for line in open(sys.argv[1]) if line.strip()]
    documented = set()
    for line in open(sys.argv[2]):
        if line.startswith("| `"):
            documented.update(re.findall(r"`([A-Za-z]+)`", line.split("|")[1]))
    missing = [op for op in ops if op[1] not in documented]
    for op in missing:
        print("MISSING: %s %s" % (op[0], op[1]))
    print("docs: %d ops, %d documented" % (len(ops), len(ops) - len(missing)))


if __name__ == "__main__":
    main()
