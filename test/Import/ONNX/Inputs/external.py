"""Writes broken variants of a model whose initializers live in external data (errors.test).

  external.py MODEL_DIR OUT_DIR

MODEL_DIR holds model.onnx and weights.bin (matmulnbits.py --external). OUT_DIR gets, each
with its own copy of weights.bin where it needs one:
  missing/model.onnx   weights.bin absent
  short/model.onnx     weights.bin cut short
  escape/model.onnx    the location is ../weights.bin
  length/model.onnx    the first tensor's length is one byte short
  offset/model.onnx    the first tensor's offset is not a number
Runs with Debian's /usr/bin/python3 (onnx 1.12).
"""
import os
import shutil
import sys

import onnx


def main():
    source, out = sys.argv[1], sys.argv[2]
    model = onnx.load(os.path.join(source, "model.onnx"), load_external_data=False)
    weights = open(os.path.join(source, "weights.bin"), "rb").read()

    def write(case, edit, data):
        variant = onnx.ModelProto()
        variant.CopyFrom(model)
        edit(variant.graph.initializer[0].external_data)
        os.makedirs(os.path.join(out, case), exist_ok=True)
        with open(os.path.join(out, case, "model.onnx"), "wb") as f:
            f.write(variant.SerializeToString())
        if data is not None:
            with open(os.path.join(out, case, "weights.bin"), "wb") as f:
                f.write(data)

    def set_entry(key, value):
        def edit(entries):
            for entry in entries:
                if entry.key == key:
                    entry.value = value
                    return
            entries.add(key=key, value=value)
        return edit

    write("missing", lambda entries: None, None)
    write("short", lambda entries: None, weights[:len(weights) // 2])
    write("escape", set_entry("location", "../weights.bin"), weights)
    lengths = {e.key: e.value for e in model.graph.initializer[0].external_data}
    write("length", set_entry("length", str(int(lengths["length"]) - 1)), weights)
    write("offset", set_entry("offset", "x12"), weights)


if __name__ == "__main__":
    main()
