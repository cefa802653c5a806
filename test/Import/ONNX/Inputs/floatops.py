"""Writes an ONNX model of float ops with random inputs and its expected outputs (numpy).

  floatops.py OUT_DIR --seed=S [--dtype=float32|float16]

The graph: broadcasting Add, Sub, Mul and Div ([2, 3, 5] with [5], [3, 1] and [1, 3, 5]), a
Constant node, Identity, and MatMul of a [2, 3, 5] operand by a [5, 4] initializer; two
outputs. OUT_DIR gets model.onnx, x.npy, y.npy, z.npy and expected0.npy, expected1.npy
(computed in float64, rounded to the dtype). Runs with Debian's /usr/bin/python3.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--dtype", default="float32")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    dtype = np.dtype(a.dtype)
    t = TensorProto.FLOAT if dtype == np.float32 else TensorProto.FLOAT16
    x = rng.standard_normal((2, 3, 5)).astype(dtype)
    y = rng.standard_normal((5,)).astype(dtype)
    z = rng.uniform(0.5, 2.0, (3, 1)).astype(dtype)
    c = rng.uniform(0.5, 2.0, (1, 3, 5)).astype(dtype)
    w = rng.standard_normal((5, 4)).astype(dtype)

    nodes = [
        helper.make_node("Constant", [], ["c"], name="const",
                         value=numpy_helper.from_array(c, "c")),
        helper.make_node("Add", ["x", "y"], ["s"], name="add"),
        helper.make_node("Mul", ["s", "z"], ["t"], name="mul"),
        helper.make_node("Sub", ["t", "c"], ["u"], name="sub"),
        helper.make_node("Div", ["u", "c"], ["v"], name="div"),
        helper.make_node("Identity", ["v"], ["out0"], name="identity"),
        helper.make_node("MatMul", ["v", "w"], ["out1"], name="matmul"),
    ]
    graph = helper.make_graph(
        nodes, "floatops",
        [helper.make_tensor_value_info("x", t, [2, 3, 5]),
         helper.make_tensor_value_info("y", t, [5]),
         helper.make_tensor_value_info("z", t, [3, 1])],
        [helper.make_tensor_value_info("out0", t, [2, 3, 5]),
         helper.make_tensor_value_info("out1", t, [2, 3, 4])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)

    f = np.float64
    v = ((x.astype(f) + y.astype(f)) * z.astype(f) - c.astype(f)) / c.astype(f)
    if dtype != np.float32:
        # Each elementwise op rounds to the dtype.
        s = (x + y).astype(dtype)
        tt = (s * z).astype(dtype)
        u = (tt - c).astype(dtype)
        v = (u / c).astype(dtype).astype(f)
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    for name, value in (("x", x), ("y", y), ("z", z)):
        np.save(os.path.join(a.out, name + ".npy"), value)
    np.save(os.path.join(a.out, "expected0.npy"), v.astype(dtype))
    np.save(os.path.join(a.out, "expected1.npy"), (v @ w.astype(f)).astype(dtype))


if __name__ == "__main__":
    main()
