"""Writes a com.microsoft.MatMulNBits model, random activations and the expected output.

  matmulnbits.py OUT_DIR --seed=S --m=M --k=K --n=N --bits=B --block=BS [--zero | --float-zero]
                 [--bias]
                 [--batch=D] [--dtype=float32|float16] [--legacy-scales] [--accuracy-level=L]
                 [--external]

OUT_DIR gets model.onnx, a.npy (A: [M, K], or [D, M, K] with --batch) and expected.npy, the
product computed in float64 from onnxruntime's definition of the op: W[n, k] = (q[n, k] -
zp[n, k / BS]) * scale[n, k / BS] (zp = 2^(B - 1) without --zero), Y = A @ W^T (+ bias).
Codes are packed as the op's spec says: per row and block of BS codes, the first in the low
bits; zero points per row likewise, rows padded to whole bytes (--float-zero: real zero points
[N, blocks] of A's type instead). --accuracy-level sets the
node's attribute; --external keeps every initializer in OUT_DIR/weights.bin (onnx's external
data). Runs with Debian's /usr/bin/python3 (onnx 1.12, numpy).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper


def pack(codes, bits):
    """Packs the rows of a 2-D array of codes, the first in the low bits, rows padded to bytes."""
    rows, count = codes.shape
    out = np.zeros((rows, (count * bits + 7) // 8), dtype=np.uint8)
    for j in range(count):
        bit = j * bits
        value = codes[:, j].astype(np.uint32) << (bit % 8)
        out[:, bit // 8] |= (value & 0xFF).astype(np.uint8)
        if bit // 8 + 1 < out.shape[1]:
            out[:, bit // 8 + 1] |= ((value >> 8) & 0xFF).astype(np.uint8)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--m", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--block", type=int, default=32)
    p.add_argument("--zero", action="store_true")
    p.add_argument("--float-zero", action="store_true")
    p.add_argument("--bias", action="store_true")
    p.add_argument("--batch", type=int, default=0)
    p.add_argument("--dtype", default="float32")
    p.add_argument("--legacy-scales", action="store_true")
    p.add_argument("--accuracy-level", type=int, default=0)
    p.add_argument("--external", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    dtype = np.dtype(a.dtype)
    onnx_type = TensorProto.FLOAT if dtype == np.float32 else TensorProto.FLOAT16
    blocks = (a.k + a.block - 1) // a.block
    blob = a.block * a.bits // 8

    codes = rng.integers(0, 2**a.bits, size=(a.n, blocks * a.block), dtype=np.int64)
    codes[:, a.k:] = 0  # the padding of a partial last block
    packed = np.stack([pack(codes[:, b * a.block:(b + 1) * a.block], a.bits)
                       for b in range(blocks)], axis=1)  # [N, blocks, blob]
    assert packed.shape == (a.n, blocks, blob)
    scales = rng.uniform(0.01, 0.1, size=(a.n, blocks)).astype(dtype)
    zeros = rng.integers(0, 2**a.bits, size=(a.n, blocks)) if a.zero else \
        np.full((a.n, blocks), 2**(a.bits - 1))
    if a.float_zero:
        zeros = rng.uniform(0, 2**a.bits - 1, size=(a.n, blocks)).astype(dtype)
    bias = rng.uniform(-1, 1, size=(a.n,)).astype(dtype) if a.bias else None
    shape = [a.batch, a.m, a.k] if a.batch else [a.m, a.k]
    act = rng.standard_normal(size=shape).astype(dtype)

    w = (codes[:, :a.k] - np.repeat(zeros.astype(np.float64), a.block, axis=1)[:, :a.k]) * \
        np.repeat(scales.astype(np.float64), a.block, axis=1)[:, :a.k]
    expected = act.astype(np.float64) @ w.T
    if bias is not None:
        expected = expected + bias.astype(np.float64)

    inits = [helper.make_tensor("B", TensorProto.UINT8, packed.shape, packed.tobytes(), raw=True)]
    scale_shape = [a.n * blocks] if a.legacy_scales else [a.n, blocks]
    inits.append(helper.make_tensor("scales", onnx_type, scale_shape, scales.tobytes(), raw=True))
    inputs = ["A", "B", "scales"]
    if a.zero:
        zp = pack(zeros, a.bits)
        inits.append(helper.make_tensor("zp", TensorProto.UINT8, zp.shape, zp.tobytes(),
                                        raw=True))
        inputs.append("zp")
    elif a.float_zero:
        inits.append(helper.make_tensor("zp", onnx_type, [a.n, blocks], zeros.tobytes(), raw=True))
        inputs.append("zp")
    if bias is not None:
        inputs += [""] * (5 - len(inputs)) + ["bias"]
        inits.append(helper.make_tensor("bias", onnx_type, bias.shape, bias.tobytes(), raw=True))
    node = helper.make_node("MatMulNBits", inputs, ["Y"], name="proj", domain="com.microsoft",
                            K=a.k, N=a.n, bits=a.bits, block_size=a.block,
                            accuracy_level=a.accuracy_level)
    out_shape = shape[:-1] + [a.n]
    graph = helper.make_graph([node], "matmulnbits",
                              [helper.make_tensor_value_info("A", onnx_type, shape)],
                              [helper.make_tensor_value_info("Y", onnx_type, out_shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    os.makedirs(a.out, exist_ok=True)
    if a.external:
        # Every initializer in weights.bin next to the model (onnx's external data).
        onnx.save(model, os.path.join(a.out, "model.onnx"), save_as_external_data=True,
                  all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
    else:
        onnx.save(model, os.path.join(a.out, "model.onnx"))
    np.save(os.path.join(a.out, "a.npy"), act)
    np.save(os.path.join(a.out, "expected.npy"), expected.astype(dtype))


if __name__ == "__main__":
    main()
