"""Writes a Llama-style decoder block as onnxruntime-genai exports it, and random inputs.

  decoder.py OUT_DIR --seed=S [--b=1 --s=1 --past=16 --hidden=64 --heads=4 --kv-heads=2
             --ffn=128 --bits=4 --block=32] [--accuracy-level=L]

  x = SimplifiedLayerNormalization(hidden, gamma1)
  q, k, v = MatMulNBits(x, Wq), MatMulNBits(x, Wk), MatMulNBits(x, Wv)
  a, present_key, present_value = GroupQueryAttention(q, k, v, past_key, past_value,
                                                      seqlens_k, total, cos, sin, do_rotary=1)
  y, _, _, h = SkipSimplifiedLayerNormalization(MatMulNBits(a, Wo), hidden, gamma2)
  g, u = MatMulNBits(y, Wgate), MatMulNBits(y, Wup)
  out = h + MatMulNBits(g * Sigmoid(g) * u, Wdown)            (SiLU-gated FFN)

MatMulNBits weights of --bits bits with zero points in blocks of --block; head size hidden /
heads; rotary over the whole head with caches of past + s + 16 positions. Inputs: hidden
[B, S, hidden], past_key and past_value [B, kv_heads, past, D], seqlens_k [B] INT32 (past + s -
1). Outputs: out, present_key, present_value. OUT_DIR gets model.onnx and in0.npy ... in3.npy;
onnxruntime is the oracle (there is no numpy reference here).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

from matmulnbits import pack  # the op's packing of codes, in this folder


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--b", type=int, default=1)
    p.add_argument("--s", type=int, default=1)
    p.add_argument("--past", type=int, default=16)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--ffn", type=int, default=128)
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--block", type=int, default=32)
    p.add_argument("--accuracy-level", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    B, S, P, H, Hq, Hkv, F = a.b, a.s, a.past, a.hidden, a.heads, a.kv_heads, a.ffn
    D = H // Hq
    inits, nodes = [], []

    def tensor(name, array, dtype=TensorProto.FLOAT):
        inits.append(helper.make_tensor(name, dtype, list(array.shape), array.tobytes(), raw=True))

    def matmul(name, x, k, n, out):
        blocks = -(-k // a.block)
        blob = a.block * a.bits // 8
        codes = rng.integers(0, 2**a.bits, size=(n, blocks * a.block))
        codes[:, k:] = 0
        packed = np.stack([pack(codes[:, i * a.block:(i + 1) * a.block], a.bits)
                           for i in range(blocks)], axis=1)
        # Scales that keep the activations near unit size through the block.
        scales = rng.uniform(0.5, 1.5, size=(n, blocks)) / (2**a.bits * np.sqrt(k))
        scales = scales.astype(np.float32)
        zeros = pack(rng.integers(0, 2**a.bits, size=(n, blocks)), a.bits)
        tensor(name + ".B", packed, TensorProto.UINT8)
        tensor(name + ".scales", scales)
        tensor(name + ".zp", zeros, TensorProto.UINT8)
        nodes.append(helper.make_node("MatMulNBits",
                                      [x, name + ".B", name + ".scales", name + ".zp"],
                                      [out], name=name, domain="com.microsoft", K=k, N=n,
                                      bits=a.bits, block_size=a.block,
                                      accuracy_level=a.accuracy_level))

    tensor("gamma1", rng.uniform(0.8, 1.2, size=H).astype(np.float32))
    tensor("gamma2", rng.uniform(0.8, 1.2, size=H).astype(np.float32))
    angles = rng.uniform(0, 2 * np.pi, size=(P + S + 16, D // 2))
    tensor("cos", np.cos(angles).astype(np.float32))
    tensor("sin", np.sin(angles).astype(np.float32))
    inits.append(helper.make_tensor("total", TensorProto.INT32, [], [P + S]))
    nodes.append(helper.make_node("SimplifiedLayerNormalization", ["hidden", "gamma1"], ["x"],
                                  name="norm1", axis=-1, epsilon=1e-5))
    matmul("q_proj", "x", H, Hq * D, "q")
    matmul("k_proj", "x", H, Hkv * D, "k")
    matmul("v_proj", "x", H, Hkv * D, "v")
    nodes.append(helper.make_node(
        "GroupQueryAttention",
        ["q", "k", "v", "past_key", "past_value", "seqlens_k", "total", "cos", "sin"],
        ["attn", "present_key", "present_value"], name="attention", domain="com.microsoft",
        num_heads=Hq, kv_num_heads=Hkv, do_rotary=1))
    matmul("o_proj", "attn", Hq * D, H, "o")
    nodes.append(helper.make_node("SkipSimplifiedLayerNormalization", ["o", "hidden", "gamma2"],
                                  ["y", "", "", "h"], name="norm2", domain="com.microsoft",
                                  epsilon=1e-5))
    matmul("gate_proj", "y", H, F, "g")
    matmul("up_proj", "y", H, F, "u")
    nodes += [helper.make_node("Sigmoid", ["g"], ["sg"], name="sigmoid"),
              helper.make_node("Mul", ["g", "sg"], ["silu"], name="silu"),
              helper.make_node("Mul", ["silu", "u"], ["gated"], name="gated")]
    matmul("down_proj", "gated", F, H, "down")
    nodes.append(helper.make_node("Add", ["h", "down"], ["out"], name="residual"))

    inputs = [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [B, S, H]),
              helper.make_tensor_value_info("past_key", TensorProto.FLOAT, [B, Hkv, P, D]),
              helper.make_tensor_value_info("past_value", TensorProto.FLOAT, [B, Hkv, P, D]),
              helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, [B])]
    outputs = [helper.make_tensor_value_info("out", TensorProto.FLOAT, [B, S, H]),
               helper.make_tensor_value_info("present_key", TensorProto.FLOAT, [B, Hkv, P + S, D]),
               helper.make_tensor_value_info("present_value", TensorProto.FLOAT,
                                             [B, Hkv, P + S, D])]
    graph = helper.make_graph(nodes, "decoder_block", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 10
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    feeds = [rng.standard_normal((B, S, H)).astype(np.float32),
             rng.standard_normal((B, Hkv, P, D)).astype(np.float32),
             rng.standard_normal((B, Hkv, P, D)).astype(np.float32),
             np.full(B, P + S - 1, np.int32)]
    for i, x in enumerate(feeds):
        np.save(os.path.join(a.out, "in%d.npy" % i), x)


if __name__ == "__main__":
    main()
