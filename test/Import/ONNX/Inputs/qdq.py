"""Writes a QDQ weight-quantized MatMul model, random activations and the expected output.

  qdq.py OUT_DIR --seed=S --m=M --k=K --n=N --codes=int4|uint4|int8|uint8
         --quant=tensor|axis0|axis1|block0|block1 [--block=B] [--zero] [--dtype=float32|float16]
         [--dequantized-output] [--gemm] [--activations=uint8|int8]

The graph: W = DequantizeLinear(codes [K, N], scale, zero point) of initializers, Y = MatMul(A,
W) (with --gemm: codes [N, K] and Gemm(A, W, transB = 1)); with --dequantized-output also W
itself as a second output (through Identity); with --activations, A first goes through
QuantizeLinear and DequantizeLinear (one scale and zero point of that type: static QDQ
activations). `quant`
gives the scale's form: one per tensor, one per index of axis 0 (K) or 1 (N), or one per
block of B along axis 0 or 1 (opset 21's blocked form). 4-bit codes are written by hand
(data types 21 and 22, packed two per byte, the first in the low bits; ir_version 10), which
Debian's onnx 1.12 cannot check. OUT_DIR gets model.onnx, a.npy, expected.npy (and w.npy),
computed in float64 from y = (x - zero) * scale.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

TYPES = {"int4": (22, -8, 7), "uint4": (21, 0, 15), "int8": (TensorProto.INT8, -128, 127),
         "uint8": (TensorProto.UINT8, 0, 255)}


def code_tensor(name, values, kind):
    dtype, _, _ = TYPES[kind]
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(values.shape)
    flat = values.reshape(-1).astype(np.int64)
    if kind.endswith("4"):
        nibbles = (flat & 0xF).astype(np.uint8)
        if nibbles.size % 2:
            nibbles = np.append(nibbles, 0)
        t.raw_data = (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8).tobytes()
    else:
        t.raw_data = flat.astype(np.int8 if kind == "int8" else np.uint8).tobytes()
    return t


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--m", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--codes", required=True, choices=sorted(TYPES))
    p.add_argument("--quant", required=True,
                   choices=["tensor", "axis0", "axis1", "block0", "block1"])
    p.add_argument("--block", type=int, default=32)
    p.add_argument("--zero", action="store_true")
    p.add_argument("--dtype", default="float32")
    p.add_argument("--dequantized-output", action="store_true")
    p.add_argument("--gemm", action="store_true")
    p.add_argument("--activations", choices=["", "uint8", "int8"], default="")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    dtype = np.dtype(a.dtype)
    ftype = TensorProto.FLOAT if dtype == np.float32 else TensorProto.FLOAT16
    _, low, high = TYPES[a.codes]
    # W is [K, N] for MatMul, [N, K] for Gemm with transB = 1.
    rows, cols = (a.n, a.k) if a.gemm else (a.k, a.n)
    codes = rng.integers(low, high + 1, size=(rows, cols))

    attrs = {}
    if a.quant == "tensor":
        shape = []
    elif a.quant in ("axis0", "axis1"):
        axis = int(a.quant[-1])
        shape = [(rows, cols)[axis]]
        attrs["axis"] = axis
    else:
        axis = int(a.quant[-1])
        shape = [rows, cols]
        shape[axis] = (shape[axis] + a.block - 1) // a.block
        attrs.update(axis=axis, block_size=a.block)
    scale = rng.uniform(0.01, 0.1, size=shape).astype(dtype)
    zero = rng.integers(low, high + 1, size=shape) if a.zero else None

    def expand(v):
        """v broadcast to W's shape as DequantizeLinear reads it."""
        v = np.asarray(v, dtype=np.float64)
        if a.quant == "tensor":
            return np.full((rows, cols), v)
        if a.quant in ("axis0", "axis1"):
            return v[:, None] * np.ones((1, cols)) if axis == 0 else np.ones((rows, 1)) * v[None]
        return np.repeat(v, a.block, axis=axis)[:rows, :cols]

    w = (codes - (expand(zero) if a.zero else 0)) * expand(scale)
    act = rng.standard_normal(size=(a.m, a.k)).astype(dtype)
    used = act.astype(np.float64)
    if a.activations:
        # Static QDQ activations: one scale and zero point for the tensor; the codes are
        # roundeven(x / s) + z saturated (computed in f32 as the op does), read back as
        # (q - z) * s.
        a_low, a_high = (0, 255) if a.activations == "uint8" else (-128, 127)
        a_scale = np.float32(rng.uniform(0.01, 0.03))
        a_zero = int(rng.integers(a_low // 2, a_high // 2 + 1))
        q = np.clip(np.rint(act.astype(np.float32) / a_scale) + a_zero, a_low, a_high)
        used = (q - a_zero) * np.float64(a_scale)
    expected = used @ (w.T if a.gemm else w)

    inits = [code_tensor("wq", codes, a.codes),
             helper.make_tensor("ws", ftype, scale.shape, scale.tobytes(), raw=True)]
    dq_inputs = ["wq", "ws"]
    if a.zero:
        inits.append(code_tensor("wz", zero.reshape(shape), a.codes))
        dq_inputs.append("wz")
    a_in = "a"
    nodes = []
    if a.activations:
        a_type = TensorProto.UINT8 if a.activations == "uint8" else TensorProto.INT8
        inits += [helper.make_tensor("as", ftype, [], np.array(a_scale, dtype).tobytes(),
                                     raw=True),
                  helper.make_tensor("az", a_type, [], [a_zero])]
        nodes += [helper.make_node("QuantizeLinear", ["a", "as", "az"], ["aq"], name="qa"),
                  helper.make_node("DequantizeLinear", ["aq", "as", "az"], ["ad"], name="dqa")]
        a_in = "ad"
    nodes += [helper.make_node("DequantizeLinear", dq_inputs, ["w"], name="dq", **attrs),
              helper.make_node("Gemm", [a_in, "w"], ["y"], name="mm", transB=1) if a.gemm else
              helper.make_node("MatMul", [a_in, "w"], ["y"], name="mm")]
    outputs = [helper.make_tensor_value_info("y", ftype, [a.m, a.n])]
    if a.dequantized_output:
        nodes.append(helper.make_node("Identity", ["w"], ["w_out"], name="id"))
        outputs.append(helper.make_tensor_value_info("w_out", ftype, [rows, cols]))
    graph = helper.make_graph(nodes, "qdq", [helper.make_tensor_value_info("a", ftype,
                                                                           [a.m, a.k])],
                              outputs, inits)
    new = a.codes.endswith("4") or a.quant.startswith("block")
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21 if new else 13)])
    model.ir_version = 10 if new else 8
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    np.save(os.path.join(a.out, "a.npy"), act)
    np.save(os.path.join(a.out, "expected.npy"), expected.astype(dtype))
    np.save(os.path.join(a.out, "w.npy"), w.astype(dtype))


if __name__ == "__main__":
    main()
