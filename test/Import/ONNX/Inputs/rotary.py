"""Writes a RotaryEmbedding model (com.microsoft, or ai.onnx opset 23), random inputs and the
expected output (numpy, float64).

  rotary.py OUT_DIR --seed=S --domain=ms|onnx [--layout=3d|4d] [--interleaved]
            [--rotary=R] [--positions=ids|offset|none] [--b=2 --s=5 --heads=3 --head=16]
            [--dtype=float32|float16]

Pairs of a head's first R dimensions (R = the head size by default) turn by the angle of the
token's position: half-split pairs (d, d + R/2), or interleaved pairs (2d, 2d + 1). The caches
are [max positions, R / 2] of cos and sin of random angles, read at position_ids ([B, S]
int64, inside the caches), at offset + s (com.microsoft's [1] form), or, with
positions=none (ai.onnx only), caches of [B, S, R / 2]. OUT_DIR gets model.onnx, in0.npy ...,
expected.npy.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--domain", required=True, choices=["ms", "onnx"])
    p.add_argument("--layout", default="3d", choices=["3d", "4d"])
    p.add_argument("--interleaved", action="store_true")
    p.add_argument("--rotary", type=int, default=0)
    p.add_argument("--positions", default="ids", choices=["ids", "offset", "none"])
    p.add_argument("--b", type=int, default=2)
    p.add_argument("--s", type=int, default=5)
    p.add_argument("--heads", type=int, default=3)
    p.add_argument("--head", type=int, default=16)
    p.add_argument("--dtype", default="float32")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    dtype = np.dtype(a.dtype)
    ftype = TensorProto.FLOAT if dtype == np.float32 else TensorProto.FLOAT16
    B, S, N, H = a.b, a.s, a.heads, a.head
    R = a.rotary or H
    half, maxpos = R // 2, 32
    x4 = rng.standard_normal((B, S, N, H)).astype(dtype)  # [B, S, N, H]
    if a.positions == "none":
        angles = rng.uniform(0, 2 * np.pi, size=(B, S, half))
    else:
        angles = rng.uniform(0, 2 * np.pi, size=(maxpos, half))
        if a.positions == "ids":
            ids = rng.integers(0, maxpos, size=(B, S)).astype(np.int64)
        else:
            offset = int(rng.integers(0, maxpos - S))
            ids = np.tile(offset + np.arange(S, dtype=np.int64), (B, 1))
    cos = np.cos(angles).astype(dtype)
    sin = np.sin(angles).astype(dtype)
    # The caches' entries of each token, [B, S, 1, half], in float64.
    c = (cos if a.positions == "none" else cos[ids]).astype(np.float64)[:, :, None, :]
    s = (sin if a.positions == "none" else sin[ids]).astype(np.float64)[:, :, None, :]
    x = x4.astype(np.float64)
    y = x.copy()
    if a.interleaved:
        first, second = x[..., 0:R:2], x[..., 1:R:2]
        y[..., 0:R:2] = first * c - second * s
        y[..., 1:R:2] = second * c + first * s
    else:
        first, second = x[..., :half], x[..., half:R]
        y[..., :half] = first * c - second * s
        y[..., half:R] = second * c + first * s

    if a.layout == "3d":
        xin, yout, shape = x4.reshape(B, S, N * H), y.reshape(B, S, N * H), [B, S, N * H]
    else:
        xin, yout, shape = x4.transpose(0, 2, 1, 3), y.transpose(0, 2, 1, 3), [B, N, S, H]
    inits = [helper.make_tensor("cos", ftype, list(cos.shape), cos.tobytes(), raw=True),
             helper.make_tensor("sin", ftype, list(sin.shape), sin.tobytes(), raw=True)]
    inputs = [helper.make_tensor_value_info("x", ftype, shape)]
    feeds = [np.ascontiguousarray(xin)]
    attrs = {"interleaved": int(a.interleaved)}
    if a.rotary:
        attrs["rotary_embedding_dim"] = R
    if a.layout == "3d" and (a.rotary or a.domain == "onnx"):
        attrs["num_heads"] = N
    pos_name = ""
    if a.positions == "ids":
        inputs.append(helper.make_tensor_value_info("pos", TensorProto.INT64, [B, S]))
        feeds.append(ids)
        pos_name = "pos"
    elif a.positions == "offset":
        inits.append(helper.make_tensor("pos", TensorProto.INT64, [1], [offset]))
        pos_name = "pos"
    if a.domain == "ms":
        node = helper.make_node("RotaryEmbedding", ["x", pos_name, "cos", "sin"], ["y"],
                                name="rope", domain="com.microsoft", **attrs)
        opsets = [helper.make_opsetid("", 21), helper.make_opsetid("com.microsoft", 1)]
    else:
        node = helper.make_node("RotaryEmbedding",
                                ["x", "cos", "sin"] + ([pos_name] if pos_name else []),
                                ["y"], name="rope", **attrs)
        opsets = [helper.make_opsetid("", 23)]
    graph = helper.make_graph([node], "rope", inputs,
                              [helper.make_tensor_value_info("y", ftype, shape)], inits)
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 10
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    for i, v in enumerate(feeds):
        np.save(os.path.join(a.out, "in%d.npy" % i), v)
    np.save(os.path.join(a.out, "expected.npy"), yout.astype(dtype))


if __name__ == "__main__":
    main()
