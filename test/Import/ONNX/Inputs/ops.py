"""Writes an ONNX model applying many float ops to random inputs, and numpy's outputs.

  ops.py OUT_DIR --seed=S

Inputs x [2, 3, 4] (normal), p [2, 3, 4] (positive), e [4] (exponents); one output per op
(opset 20): Neg, Exp, Log, Tanh, Sqrt, Reciprocal, Relu, Sigmoid, Erf, Gelu (erf and tanh
forms), Pow (broadcast), Cast to FLOAT16, Reshape (with -1 and with 0), Unsqueeze and
Squeeze, Transpose, ReduceSum (keepdims), ReduceMean (two axes, no keepdims), ReduceMax (all
axes), Softmax (axis 1). OUT_DIR gets model.onnx, x.npy, p.npy, e.npy, outputs.txt (the
output names in order) and expected_<name>.npy, computed in float64 and rounded.
Debian's onnx 1.12 cannot check opset 20, so the model is not checked.
"""
import argparse
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    pos = rng.uniform(0.5, 2.0, (2, 3, 4)).astype(np.float32)
    e = rng.uniform(-2.0, 2.0, (4,)).astype(np.float32)
    f = np.float64
    X, P, E = x.astype(f), pos.astype(f), e.astype(f)
    erf = np.vectorize(math.erf)

    def softmax(v, axis):
        z = np.exp(v - v.max(axis=axis, keepdims=True))
        return z / z.sum(axis=axis, keepdims=True)

    cases = [  # name, op, inputs, attributes, expected, extra initializers
        ("neg", "Neg", ["x"], {}, -X),
        ("exp", "Exp", ["x"], {}, np.exp(X)),
        ("log", "Log", ["p"], {}, np.log(P)),
        ("tanh", "Tanh", ["x"], {}, np.tanh(X)),
        ("sqrt", "Sqrt", ["p"], {}, np.sqrt(P)),
        ("reciprocal", "Reciprocal", ["p"], {}, 1 / P),
        ("relu", "Relu", ["x"], {}, np.maximum(X, 0)),
        ("sigmoid", "Sigmoid", ["x"], {}, 1 / (1 + np.exp(-X))),
        ("erf", "Erf", ["x"], {}, erf(X)),
        ("gelu", "Gelu", ["x"], {}, 0.5 * X * (1 + erf(X / math.sqrt(2)))),
        ("gelu_tanh", "Gelu", ["x"], {"approximate": "tanh"},
         0.5 * X * (1 + np.tanh(math.sqrt(2 / math.pi) * (X + 0.044715 * X**3)))),
        ("pow", "Pow", ["p", "e"], {}, P ** E),
        ("cast", "Cast", ["x"], {"to": TensorProto.FLOAT16}, X),
        ("reshape", "Reshape", ["x", "shape_a"], {}, X.reshape(4, 6)),
        ("reshape0", "Reshape", ["x", "shape_b"], {}, X.reshape(2, 12)),
        ("unsqueeze", "Unsqueeze", ["x", "axes_1"], {}, X.reshape(2, 1, 3, 4)),
        ("squeeze", "Squeeze", ["unsqueeze", "axes_1"], {}, X),
        ("transpose", "Transpose", ["x"], {"perm": [2, 0, 1]}, X.transpose(2, 0, 1)),
        ("reducesum", "ReduceSum", ["x", "axes_1"], {}, X.sum(axis=1, keepdims=True)),
        ("reducemean", "ReduceMean", ["x", "axes_02"], {"keepdims": 0}, X.mean(axis=(0, 2))),
        ("reducemax", "ReduceMax", ["x"], {"keepdims": 0}, X.max()),
        ("softmax", "Softmax", ["x"], {"axis": 1}, softmax(X, 1)),
    ]
    inits = [numpy_helper.from_array(np.array([4, -1], dtype=np.int64), "shape_a"),
             numpy_helper.from_array(np.array([0, 12], dtype=np.int64), "shape_b"),
             numpy_helper.from_array(np.array([1], dtype=np.int64), "axes_1"),
             numpy_helper.from_array(np.array([0, -1], dtype=np.int64), "axes_02")]
    nodes, outputs = [], []
    os.makedirs(a.out, exist_ok=True)
    for name, op, ins, attrs, expected in cases:
        nodes.append(helper.make_node(op, ins, [name], name=name, **attrs))
        dtype = np.float16 if op == "Cast" else np.float32
        t = TensorProto.FLOAT16 if op == "Cast" else TensorProto.FLOAT
        expected = np.asarray(expected).astype(dtype)
        outputs.append(helper.make_tensor_value_info(name, t, list(expected.shape)))
        np.save(os.path.join(a.out, "expected_%s.npy" % name), expected)
    graph = helper.make_graph(
        nodes, "ops",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4]),
         helper.make_tensor_value_info("p", TensorProto.FLOAT, [2, 3, 4]),
         helper.make_tensor_value_info("e", TensorProto.FLOAT, [4])],
        outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    for name, value in (("x", x), ("p", pos), ("e", e)):
        np.save(os.path.join(a.out, name + ".npy"), value)
    with open(os.path.join(a.out, "outputs.txt"), "w") as out:
        out.write(" ".join(c[0] for c in cases) + "\n")


if __name__ == "__main__":
    main()
