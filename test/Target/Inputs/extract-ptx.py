#!/usr/bin/env python3
"""Prints the PTX held by the #gpu.object of a gpu.binary (lowbit-pipeline-ptx output, on stdin
or in the file given): the `assembly = "..."` string, or the object's string, with MLIR's
escapes (\\XX hex, \\\\, \\n, \\t, \\") decoded. Several objects are printed one after another.
Exits 1 when there is none."""
import re
import sys

text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
STRING = r'"((?:[^"\\]|\\.)*)"'
found = re.findall(r'assembly\s*=\s*' + STRING, text)
if not found:
    found = re.findall(r'#gpu\.object<#nvvm\.target<[^>]*>\s*,\s*' + STRING, text)
if not found:
    sys.exit("extract-ptx: no #gpu.object with PTX in the input")


def decode(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = s[i + 1]
        if re.match(r"[0-9A-Fa-f]{2}", s[i + 1:i + 3]):
            out.append(chr(int(s[i + 1:i + 3], 16)))
            i += 3
        else:
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
    return "".join(out)


for ptx in found:
    sys.stdout.write(decode(ptx))
    if not ptx.endswith("\\0A"):
        sys.stdout.write("\n")
