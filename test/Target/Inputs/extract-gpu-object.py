"""Writes the payloads of the #gpu.objects of an MLIR module (stdin) to a file, one after the
other (one object for format=bin; assembly texts concatenate).

usage: extract-gpu-object.py OUT < module.mlir

The payload is the object's string attribute (`assembly = "..."` for format=isa, the bare
string for format=bin), with MLIR's escapes decoded: \\XX (two hex digits), \\\\, \\", \\n, \\t.
"""
import re
import sys


def decode(text, start):
    out = bytearray()
    i = start
    while text[i] != '"':
        if text[i] == '\\':
            nxt = text[i + 1]
            if nxt in '\\"':
                out.append(ord(nxt))
                i += 2
            elif nxt == 'n':
                out.append(10)
                i += 2
            elif nxt == 't':
                out.append(9)
                i += 2
            else:
                out.append(int(text[i + 1:i + 3], 16))
                i += 3
        else:
            out += text[i].encode('utf-8')
            i += 1
    return bytes(out)


def main():
    text = sys.stdin.read()
    payloads = []
    start = text.find('#gpu.object<')
    while start >= 0:
        # Skip the target attribute (#rocdl.target<...>): the payload is the first string
        # after it.
        match = re.compile(r',\s*(?:assembly\s*=\s*|bin\s*=\s*|offload\s*=\s*)?"').search(
            text, text.find('>', start))
        if not match:
            sys.exit('no payload in the #gpu.object')
        payloads.append(decode(text, match.end()))
        start = text.find('#gpu.object<', match.end())
    if not payloads:
        sys.exit('no #gpu.object in the input')
    with open(sys.argv[1], 'wb') as f:
        f.write(b''.join(payloads))

main()
