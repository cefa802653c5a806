"""Runs the ONNX project's node tests (Debian's libonnx-testdata) of every op lowbit claims.

  conformance.py --data=DIR --work=DIR --known=FILE [--tools=DIR]

A test (DIR/<test>/model.onnx, test_data_set_*/input_*.pb, output_*.pb) is claimed when
every node of its graph is an op `lowbit-import-onnx --list-ops` lists at the model's
opset. Each claimed test runs with `lowbit-run` (JIT, fast path) on each data set; its
outputs must match within rtol = 1e-3, atol = 1e-5 (float16 and bfloat16 outputs: 1e-2,
1e-3), with equal shapes and dtypes. Integer graph inputs (INT64, INT32: shapes, axes,
starts, ends; INT8, UINT8: quantized weights) become initializers holding the data set's
values: lowbit compiles static shapes and takes quantized tensors as constants, so the
model is specialized to them, as a deployment of it would be.

FILE lists the claimed tests lowbit refuses, one per line, `test_name: why`: each must be
refused with a located error (never a crash or a wrong answer) and must not pass (a listed
test that passes is a stale entry, a failure). Every claimed op must have a passing test,
unless FILE exempts it with a line `op DOMAIN OP: why`.

Prints one line per claimed test (`PASS`, `REFUSED` (listed), `FAIL`), the ops with their
passing tests, and `conformance: P passed, R refused (listed), F failed`; exits 1 when F > 0.
Runs with Debian's /usr/bin/python3 (onnx 1.12, numpy).
"""
import argparse
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper


INTEGER_TYPES = (onnx.TensorProto.INT64, onnx.TensorProto.INT32, onnx.TensorProto.INT8,
                 onnx.TensorProto.UINT8)


def claimed_ops(tools):
    out = subprocess.run([os.path.join(tools, "lowbit-import-onnx"), "--list-ops"],
                         check=True, capture_output=True, text=True).stdout
    ops = {}
    for line in out.splitlines():
        domain, op, first, last = line.split()
        ops[(domain, op)] = (int(first), int(last))
    return ops


def opset_of(model, domain):
    for entry in model.opset_import:
        if (entry.domain or "ai.onnx") == domain:
            return entry.version
    return None


def graph_ops(model):
    return [((node.domain or "ai.onnx"), node.op_type) for node in model.graph.node]


def is_claimed(model, ops):
    nodes = graph_ops(model)
    if not nodes:
        return False
    # Sequences and optionals are not tensors: no claimed op takes them.
    for info in list(model.graph.input) + list(model.graph.output):
        if not info.type.HasField("tensor_type"):
            return False
    for key in nodes:
        if key not in ops:
            return False
        opset = opset_of(model, key[0])
        if opset is None or not ops[key][0] <= opset <= ops[key][1]:
            return False
    return True


def read_tensor(path, info):
    """The tensor of a .pb file for graph input or output `info`, and whether it is bfloat16
    (numpy holds its bits as uint16; onnx 1.12's test data stores them as UINT16 tensors)."""
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    bfloat16 = onnx.TensorProto.BFLOAT16 in (tensor.data_type, info.type.tensor_type.elem_type)
    return numpy_helper.to_array(tensor), bfloat16


def save_npy(path, array, bfloat16):
    """np.save, with bfloat16 bits as lowbit's .npy convention has them: '<u2' and a comment
    naming the type (include/lowbit/Support/Npy.h)."""
    if not bfloat16:
        np.save(path, array)
        return
    shape = "(" + "".join("%d, " % d for d in array.shape).rstrip(" ")
    shape = shape.rstrip(",") + ("," if len(array.shape) == 1 else "") + ")"
    header = "{'descr': '<u2', 'fortran_order': False, 'shape': %s, } # lowbit: " \
             "{'dtype': 'bf16', 'shape': %s}" % (shape, shape)
    total = (10 + len(header) + 1 + 63) // 64 * 64
    header = header + " " * (total - 10 - len(header) - 1) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little"))
        f.write(header.encode("latin1"))
        f.write(np.ascontiguousarray(array, dtype="<u2").tobytes())


def as_float64(array, bfloat16):
    if bfloat16:
        return (array.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return array.astype(np.float64)


def run_data_set(tools, test_dir, model, data_set, work):
    """Returns (status, message): status is 'pass', 'fail' or 'refused'."""
    inputs = sorted(glob.glob(os.path.join(data_set, "input_*.pb")),
                    key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    outputs = sorted(glob.glob(os.path.join(data_set, "output_*.pb")),
                     key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    os.makedirs(work, exist_ok=True)
    # Integer inputs (shapes, axes, starts and ends) become initializers of their data set's
    # values: lowbit compiles static shapes, which need them as constants.
    constant = [i for i, info in enumerate(model.graph.input)
                if info.type.tensor_type.elem_type in INTEGER_TYPES]
    model_path = os.path.join(test_dir, "model.onnx")
    if constant:
        specialized = onnx.ModelProto()
        specialized.CopyFrom(model)
        for i in reversed(constant):
            tensor = onnx.TensorProto()
            with open(inputs[i], "rb") as f:
                tensor.ParseFromString(f.read())
            tensor.name = model.graph.input[i].name
            specialized.graph.initializer.append(tensor)
            del specialized.graph.input[i]
        model_path = os.path.join(work, "model.onnx")
        onnx.save(specialized, model_path)
    args = [os.path.join(tools, "lowbit-run"), model_path]
    for i, path in enumerate(inputs):
        if i in constant:
            continue
        npy = os.path.join(work, "input_%d.npy" % i)
        save_npy(npy, *read_tensor(path, model.graph.input[i]))
        args.append("--input=@" + npy)
    for i in range(len(outputs)):
        args.append("--output=@" + os.path.join(work, "output_%d.npy" % i))
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "fail", "timed out"
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()
        first = message[0] if message else "(no message)"
        # A refusal is a located error and exit code 1; anything else (a signal) is a crash.
        if result.returncode == 1 and ": error: " in first:
            return "refused", first
        return "fail", "exit %d: %s" % (result.returncode, first)
    for i, path in enumerate(outputs):
        expected, bfloat16 = read_tensor(path, model.graph.output[i])
        actual = np.load(os.path.join(work, "output_%d.npy" % i))
        if actual.shape != expected.shape or actual.dtype != expected.dtype:
            return "fail", "output %d: %s %s, expected %s %s" % (
                i, actual.dtype, actual.shape, expected.dtype, expected.shape)
        rtol, atol = (1e-2, 1e-3) if expected.dtype == np.float16 else (1e-3, 1e-5)
        if bfloat16:
            rtol, atol = 1e-2, 1e-3
        actual, expected = as_float64(actual, bfloat16), as_float64(expected, bfloat16)
        if not np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
            error = np.max(np.abs(actual - expected))
            return "fail", "output %d differs: max abs error %g" % (i, error)
    return "pass", ""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--known", required=True)
    p.add_argument("--tools", default="")
    a = p.parse_args()
    tools = a.tools or os.path.dirname(
        subprocess.run(["which", "lowbit-run"], capture_output=True, text=True).stdout.strip())
    ops = claimed_ops(tools)
    known, exempt = {}, {}
    with open(a.known) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, why = line.partition(":")
                if name.startswith("op "):
                    exempt[tuple(name.split()[1:3])] = why.strip()
                else:
                    known[name.strip()] = why.strip()

    passing = {key: [] for key in ops}
    counts = {"pass": 0, "refused": 0, "fail": 0}
    seen = set()
    for test_dir in sorted(glob.glob(os.path.join(a.data, "test_*"))):
        name = os.path.basename(test_dir)
        model_path = os.path.join(test_dir, "model.onnx")
        if not os.path.exists(model_path):
            continue
        model = onnx.load(model_path)
        if not is_claimed(model, ops):
            continue
        seen.add(name)
        statuses = []
        for data_set in sorted(glob.glob(os.path.join(test_dir, "test_data_set_*"))):
            statuses.append(run_data_set(tools, test_dir, model, data_set,
                                         os.path.join(a.work, name,
                                                      os.path.basename(data_set))))
        worst = next((s for s in statuses if s[0] == "fail"),
                     next((s for s in statuses if s[0] == "refused"), ("pass", "")))
        status, message = worst
        if status == "refused" and name not in known:
            status, message = "fail", "refused but not listed: " + message
        elif status == "pass" and name in known:
            status, message = "fail", "passes but is listed as refused (remove it from the list)"
        counts[status] += 1
        label = {"pass": "PASS", "refused": "REFUSED", "fail": "FAIL"}[status]
        print("%s: %s%s" % (label, name, (" -- " + message) if message else ""))
        if status == "pass":
            for key in set(graph_ops(model)):
                passing[key].append(name)
    for name in sorted(set(known) - seen):
        print("FAIL: %s -- listed as refused, but no such claimed test" % name)
        counts["fail"] += 1
    print("ops and their passing tests:")
    for key in sorted(ops):
        tests = passing[key]
        if not tests and key in exempt:
            print("  %s %s: 0, exempt: %s" % (key[0], key[1], exempt[key]))
            continue
        print("  %s %s: %d%s" % (key[0], key[1], len(tests),
                                 (" (" + ", ".join(tests[:4]) + (", ..." if len(tests) > 4
                                                                 else "") + ")") if tests
                                 else ""))
    # Ops the node tests cannot cover are tested elsewhere: com.microsoft ops, onnxruntime's
    # SimplifiedLayerNormalization, and ops newer than the test data (Gelu, opset 20).
    newest = max(opset_of(onnx.load(path), "ai.onnx") or 0
                 for path in glob.glob(os.path.join(a.data, "test_*", "model.onnx")))
    uncovered = [key for key in ops if not passing[key] and key[0] == "ai.onnx" and
                 key[1] != "SimplifiedLayerNormalization" and ops[key][0] <= newest and
                 key not in exempt]
    for key in uncovered:
        print("FAIL: op %s %s has no passing node test" % key)
        counts["fail"] += 1
    print("conformance: %d passed, %d refused (listed), %d failed" % (
        counts["pass"], counts["refused"], counts["fail"]))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
