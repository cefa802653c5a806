"""Writes an integer-quantized model (the forms onnxruntime's quantizers write), random inputs
and the expected outputs.

  integer.py OUT_DIR --seed=S --op=qlinear|integer|dynamic|tofloat|dql --m=M --k=K --n=N
             [--a=uint8|int8] [--b=uint8|int8] [--per-column] [--zero] [--bias] [--batch=B]
             [--reduce-range]

- qlinear: y = QLinearMatMul(a, a_scale, a_zero, b, b_scale, b_zero, y_scale, y_zero), a uint8
  or int8 codes given at run time, y codes of a's type.
- integer: y = MatMulInteger(a, b, a_zero, b_zero), int32.
- dynamic: x (float) -> DynamicQuantizeLinear -> MatMulInteger(., b) -> Cast(FLOAT) -> Mul by
  x's scale times b's (quantize_dynamic's pattern).
- tofloat: x -> DynamicQuantizeLinear -> com.microsoft.MatMulIntegerToFloat(., b, ..., bias).
- dql: DynamicQuantizeLinear of x with its three outputs (uint8 codes, scale, zero point).
b is an initializer [K, N]; its scale (and zero point with --zero) per tensor, or per column
with --per-column. --batch puts a leading axis of B on a. --reduce-range draws int8 weights
from [-64, 63] (7 bits, as quantize_dynamic's reduce_range does): onnxruntime's AVX2 kernels
for uint8 x int8 add pairs of products in saturating 16-bit lanes, and are exact only then.
OUT_DIR gets model.onnx, the inputs
(in0.npy ...) and expected0.npy ... computed in float64 from the ops' definitions (codes
rounded half to even).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

CODES = {"uint8": (TensorProto.UINT8, np.uint8, 0, 255),
         "int8": (TensorProto.INT8, np.int8, -128, 127)}


def dynamic_quantize(x):
    """DynamicQuantizeLinear as the ONNX reference computes it (in f32)."""
    x = x.astype(np.float32)
    hi = np.float32(max(0.0, float(x.max())))
    lo = np.float32(min(0.0, float(x.min())))
    scale = np.float32(np.float32(1.0 if hi == lo else hi - lo) / np.float32(255))
    zero = np.float32(np.rint(np.clip(np.float32(0) - lo / scale, 0, 255)))
    q = np.clip(np.rint(x / scale) + zero, 0, 255)
    return q.astype(np.uint8), scale, np.uint8(zero)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--op", required=True,
                   choices=["qlinear", "integer", "dynamic", "tofloat", "dql"])
    p.add_argument("--m", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--a", default="uint8", choices=sorted(CODES))
    p.add_argument("--b", default="int8", choices=sorted(CODES))
    p.add_argument("--per-column", action="store_true")
    p.add_argument("--zero", action="store_true")
    p.add_argument("--bias", action="store_true")
    p.add_argument("--batch", type=int, default=0)
    p.add_argument("--reduce-range", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    lead = [a.batch] if a.batch else []
    a_type, a_np, a_low, a_high = CODES[a.a]
    b_type, b_np, b_low, b_high = CODES[a.b]
    if a.reduce_range and a.b == "int8":
        b_low, b_high = -64, 63

    b_codes = rng.integers(b_low, b_high + 1, size=(a.k, a.n))
    pshape = [a.n] if a.per_column else []
    b_scale = rng.uniform(0.002, 0.02, size=pshape).astype(np.float32)
    b_zero = rng.integers(b_low // 2, b_high // 2 + 1, size=pshape) if a.zero else \
        np.zeros(pshape, np.int64)
    b_real = (b_codes - b_zero) * b_scale.astype(np.float64)
    inits = [helper.make_tensor("b", b_type, [a.k, a.n], b_codes.astype(b_np).tobytes(), raw=True),
             helper.make_tensor("bs", TensorProto.FLOAT, pshape, b_scale.tobytes(), raw=True)]
    b_zero_name = ""
    if a.zero:
        inits.append(helper.make_tensor("bz", b_type, pshape, b_zero.astype(b_np).tobytes(),
                                        raw=True))
        b_zero_name = "bz"
    inputs, outputs, nodes, feeds, expected = [], [], [], [], []
    opsets = [helper.make_opsetid("", 13)]

    if a.op in ("qlinear", "integer"):
        codes = rng.integers(a_low, a_high + 1, size=lead + [a.m, a.k])
        feeds.append(codes.astype(a_np))
        inputs.append(helper.make_tensor_value_info("a", a_type, lead + [a.m, a.k]))
        a_zero = int(rng.integers(a_low // 2, a_high // 2 + 1)) if a.zero else 0
        acc = (codes - a_zero).astype(np.int64) @ (b_codes - b_zero).astype(np.int64)
        if a.op == "integer":
            inits.append(helper.make_tensor("az", a_type, [], [a_zero]))
            nodes.append(helper.make_node("MatMulInteger", ["a", "b", "az", b_zero_name], ["y"],
                                          name="mmi"))
            outputs.append(helper.make_tensor_value_info("y", TensorProto.INT32, lead + [a.m, a.n]))
            expected.append(acc.astype(np.int32))
        else:
            a_scale = np.float32(rng.uniform(0.01, 0.05))
            real = acc * np.float64(a_scale) * b_scale.astype(np.float64)
            # The output's range covers the products' (few saturate).
            y_scale = np.float32(np.abs(real).max() * 2.2 / (a_high - a_low))
            y_zero = (a_low + a_high) // 2 + int(rng.integers(-10, 11))
            if not a.zero:
                b_zero_name = "bz"
                inits.append(helper.make_tensor("bz", b_type, pshape, b_zero.astype(b_np).tobytes(),
                                                raw=True))
            inits += [helper.make_tensor("as", TensorProto.FLOAT, [], [a_scale]),
                      helper.make_tensor("az", a_type, [], [a_zero]),
                      helper.make_tensor("ys", TensorProto.FLOAT, [], [y_scale]),
                      helper.make_tensor("yz", a_type, [], [y_zero])]
            nodes.append(helper.make_node("QLinearMatMul",
                                          ["a", "as", "az", "b", "bs", b_zero_name, "ys", "yz"],
                                          ["y"], name="qmm"))
            outputs.append(helper.make_tensor_value_info("y", a_type, lead + [a.m, a.n]))
            expected.append(np.clip(np.rint(real / np.float64(y_scale)) + y_zero, a_low,
                                    a_high).astype(a_np))
    else:
        x = rng.standard_normal(size=lead + [a.m, a.k]).astype(np.float32)
        x[..., 0] += 0.5  # an asymmetric range, so the zero point is not 128
        feeds.append(x)
        inputs.append(helper.make_tensor_value_info("x", TensorProto.FLOAT, lead + [a.m, a.k]))
        q, x_scale, x_zero = dynamic_quantize(x)
        nodes.append(helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"],
                                      name="dql"))
        opsets = [helper.make_opsetid("", 13)]
        real = ((q.astype(np.int64) - int(x_zero)) * np.float64(x_scale)) @ b_real
        if a.op == "dql":
            outputs += [helper.make_tensor_value_info("xq", TensorProto.UINT8, lead + [a.m, a.k]),
                        helper.make_tensor_value_info("xs", TensorProto.FLOAT, []),
                        helper.make_tensor_value_info("xz", TensorProto.UINT8, [])]
            expected += [q, np.array(x_scale, np.float32), np.array(x_zero, np.uint8)]
        elif a.op == "dynamic":
            nodes += [helper.make_node("MatMulInteger", ["xq", "b", "xz", b_zero_name], ["acc"],
                                       name="mmi"),
                      helper.make_node("Cast", ["acc"], ["accf"], name="cast",
                                       to=TensorProto.FLOAT),
                      helper.make_node("Mul", ["xs", "bs"], ["s"], name="scales"),
                      helper.make_node("Mul", ["accf", "s"], ["y"], name="rescale")]
            outputs.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, lead + [a.m, a.n]))
            expected.append(real.astype(np.float32))
        else:
            ins = ["xq", "b", "xs", "bs", "xz", b_zero_name]
            if a.bias:
                bias = rng.standard_normal(size=[a.n]).astype(np.float32)
                inits.append(helper.make_tensor("bias", TensorProto.FLOAT, [a.n], bias.tobytes(),
                                                raw=True))
                ins.append("bias")
                real = real + bias
            nodes.append(helper.make_node("MatMulIntegerToFloat", ins, ["y"], name="mmf",
                                          domain="com.microsoft"))
            opsets.append(helper.make_opsetid("com.microsoft", 1))
            outputs.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, lead + [a.m, a.n]))
            expected.append(real.astype(np.float32))

    graph = helper.make_graph(nodes, "integer", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    for i, v in enumerate(feeds):
        np.save(os.path.join(a.out, "in%d.npy" % i), v)
    for i, v in enumerate(expected):
        np.save(os.path.join(a.out, "expected%d.npy" % i), v)


if __name__ == "__main__":
    main()
