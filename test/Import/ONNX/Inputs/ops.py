"""Writes an ONNX model applying many float ops to random inputs, and numpy's outputs.

  ops.py OUT_DIR --seed=S

Inputs x [2, 3, 4] (normal), p [2, 3, 4] (positive), e [4] (exponents); one output per op
(opset 20): Neg, Exp, Log, Tanh, Sqrt, Reciprocal, Relu, Sigmoid, Erf, Gelu (erf and tanh
forms), Pow (broadcast), Cast to FLOAT16, Reshape (with -1 and with 0), Unsqueeze and
Squeeze, Transpose, ReduceSum (keepdims), ReduceMean (two axes, no keepdims), ReduceMax (all
axes), Softmax (axis 1), LayerNormalization (last axis with a bias; two axes),
SimplifiedLayerNormalization, com.microsoft.SkipSimplifiedLayerNormalization (the norm and
the sum), Gemm (transB, alpha, beta, C), Concat, Slice (negative and clamped indices, a
step). OUT_DIR gets model.onnx, x.npy, p.npy, e.npy, outputs.txt (the
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
    scale = rng.uniform(0.5, 1.5, (4,)).astype(np.float32)
    bias = rng.standard_normal((4,)).astype(np.float32)
    scale2 = rng.uniform(0.5, 1.5, (3, 4)).astype(np.float32)
    gemm_w = rng.standard_normal((5, 6)).astype(np.float32)
    gemm_c = rng.standard_normal((5,)).astype(np.float32)
    S, B, S2, GW, GC = (v.astype(f) for v in (scale, bias, scale2, gemm_w, gemm_c))

    def layernorm(v, axes, eps=1e-5):
        mean = v.mean(axis=axes, keepdims=True)
        var = ((v - mean) ** 2).mean(axis=axes, keepdims=True)
        return (v - mean) / np.sqrt(var + eps)

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
        ("layernorm", "LayerNormalization", ["x", "ln_scale", "ln_bias"], {},
         layernorm(X, (2,)) * S + B),
        ("layernorm12", "LayerNormalization", ["x", "ln_scale2"], {"axis": 1, "epsilon": 1e-3},
         layernorm(X, (1, 2), 1e-3) * S2),
        ("rmsnorm", "SimplifiedLayerNormalization", ["x", "ln_scale"], {"epsilon": 1e-6},
         X / np.sqrt((X * X).mean(axis=-1, keepdims=True) + 1e-6) * S),
        ("gemm", "Gemm", ["reshape", "gemm_w", "gemm_c"],
         {"transB": 1, "alpha": 0.5, "beta": 2.0}, 0.5 * X.reshape(4, 6) @ GW.T + 2.0 * GC),
        ("concat", "Concat", ["x", "p"], {"axis": 1}, np.concatenate([X, P], axis=1)),
        ("slice", "Slice", ["x", "sl_starts", "sl_ends", "sl_axes", "sl_steps"], {},
         X[:, 0:3, 1:3:2]),
    ]
    skip_sum = X + P
    skip_norm = skip_sum / np.sqrt((skip_sum**2).mean(axis=-1, keepdims=True) + 1e-5) * S
    inits = [numpy_helper.from_array(np.array([4, -1], dtype=np.int64), "shape_a"),
             numpy_helper.from_array(np.array([0, 12], dtype=np.int64), "shape_b"),
             numpy_helper.from_array(np.array([1], dtype=np.int64), "axes_1"),
             numpy_helper.from_array(np.array([0, -1], dtype=np.int64), "axes_02"),
             numpy_helper.from_array(scale, "ln_scale"), numpy_helper.from_array(bias, "ln_bias"),
             numpy_helper.from_array(scale2, "ln_scale2"),
             numpy_helper.from_array(gemm_w, "gemm_w"), numpy_helper.from_array(gemm_c, "gemm_c"),
             numpy_helper.from_array(np.array([1, -3], dtype=np.int64), "sl_starts"),
             numpy_helper.from_array(np.array([3, 100], dtype=np.int64), "sl_ends"),
             numpy_helper.from_array(np.array([2, 1], dtype=np.int64), "sl_axes"),
             numpy_helper.from_array(np.array([2, 1], dtype=np.int64), "sl_steps")]
    nodes, outputs = [], []
    os.makedirs(a.out, exist_ok=True)
    for name, op, ins, attrs, expected in cases:
        nodes.append(helper.make_node(op, ins, [name], name=name, **attrs))
        dtype = np.float16 if op == "Cast" else np.float32
        t = TensorProto.FLOAT16 if op == "Cast" else TensorProto.FLOAT
        expected = np.asarray(expected).astype(dtype)
        outputs.append(helper.make_tensor_value_info(name, t, list(expected.shape)))
        np.save(os.path.join(a.out, "expected_%s.npy" % name), expected)
    # SkipSimplifiedLayerNormalization (com.microsoft): the norm and the sum (output 3).
    nodes.append(helper.make_node("SkipSimplifiedLayerNormalization", ["x", "p", "ln_scale"],
                                  ["skipnorm", "", "", "skipsum"], name="skipnorm",
                                  domain="com.microsoft"))
    for name, expected in (("skipnorm", skip_norm), ("skipsum", skip_sum)):
        expected = expected.astype(np.float32)
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [2, 3, 4]))
        np.save(os.path.join(a.out, "expected_%s.npy" % name), expected)
    graph = helper.make_graph(
        nodes, "ops",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4]),
         helper.make_tensor_value_info("p", TensorProto.FLOAT, [2, 3, 4]),
         helper.make_tensor_value_info("e", TensorProto.FLOAT, [4])],
        outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 9
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    for name, value in (("x", x), ("p", pos), ("e", e)):
        np.save(os.path.join(a.out, name + ".npy"), value)
    with open(os.path.join(a.out, "outputs.txt"), "w") as out:
        out.write(" ".join([c[0] for c in cases] + ["skipnorm", "skipsum"]) + "\n")


if __name__ == "__main__":
    main()
