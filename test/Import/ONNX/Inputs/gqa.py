"""Writes a com.microsoft.GroupQueryAttention model, random inputs and the expected outputs
(numpy, float64).

  gqa.py OUT_DIR --seed=S [--b=2 --s=1 --past=7 --heads=4 --kv-heads=2 --head=16]
         [--rotary=R] [--interleaved] [--window=W] [--packed] [--short=N] [--bias]
         [--softcap=C] [--smooth] [--sink]

Query, key and value [B, S, heads * D] (or one packed query with --packed), a past of P tokens
[B, Hkv, P, D] (none with --past=0), seqlens_k [B] INT32 (the index of each batch's last token:
P + S - 1, or N fewer for the last batch with --short), total_sequence_length P + S. Batch b
has past_b = seqlens_k[b] + 1 - S cached tokens; its present cache holds them then the new
tokens (zeros after); query s sees keys t <= past_b + s (and t > past_b + s - W with a
window). --rotary turns the first R dimensions of query and new keys by the positions
past_b + s (caches of 32 positions); --bias adds an attention_bias [1, 1, S, P + S].
--softcap caps the scaled scores (C tanh(x / C), before the bias); --sink gives each query
head a sink logit (head_sink [heads]) in the softmax's denominator, --smooth a zero one. OUT_DIR
gets model.onnx, the inputs in0.npy ... and expected0.npy (output), expected1.npy,
expected2.npy (present key and value).
"""
import argparse

import numpy as np
from onnx import TensorProto, helper

from casefiles import write_case  # this folder's


def rotate(x, pos, cos, sin, R, interleaved):
    """x [B, S, H, D] turned by pos [B, S]."""
    c = cos[pos][:, :, None, :].astype(np.float64)
    s = sin[pos][:, :, None, :].astype(np.float64)
    y = x.copy()
    if interleaved:
        a, b = x[..., 0:R:2], x[..., 1:R:2]
        y[..., 0:R:2], y[..., 1:R:2] = a * c - b * s, b * c + a * s
    else:
        a, b = x[..., :R // 2], x[..., R // 2:R]
        y[..., :R // 2], y[..., R // 2:R] = a * c - b * s, b * c + a * s
    return y


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--b", type=int, default=2)
    p.add_argument("--s", type=int, default=1)
    p.add_argument("--past", type=int, default=7)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--head", type=int, default=16)
    p.add_argument("--rotary", type=int, default=0)
    p.add_argument("--interleaved", action="store_true")
    p.add_argument("--window", type=int, default=-1)
    p.add_argument("--packed", action="store_true")
    p.add_argument("--short", type=int, default=0)
    p.add_argument("--bias", action="store_true")
    p.add_argument("--softcap", type=float, default=0.0)
    p.add_argument("--smooth", action="store_true")
    p.add_argument("--sink", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    B, S, P, Hq, Hkv, D = a.b, a.s, a.past, a.heads, a.kv_heads, a.head
    T = P + S
    f = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    q, k, v = f(B, S, Hq, D), f(B, S, Hkv, D), f(B, S, Hkv, D)
    past_k, past_v = f(B, Hkv, P, D), f(B, Hkv, P, D)
    seqlens = np.full(B, T - 1, np.int32)
    seqlens[-1] -= a.short
    past_len = np.clip(seqlens.astype(np.int64) + 1 - S, 0, P)
    pos = past_len[:, None] + np.arange(S)[None, :]
    qd, kd, vd = (x.astype(np.float64) for x in (q, k, v))
    inits, feeds, inputs = [], [], []
    if a.rotary:
        angles = rng.uniform(0, 2 * np.pi, size=(32, a.rotary // 2))
        cos, sin = np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)
        qd = rotate(qd, pos, cos, sin, a.rotary, a.interleaved)
        kd = rotate(kd, pos, cos, sin, a.rotary, a.interleaved)
        inits += [helper.make_tensor(n, TensorProto.FLOAT, list(t.shape), t.tobytes(), raw=True)
                  for n, t in (("cos", cos), ("sin", sin))]
    present_k = np.zeros((B, Hkv, T, D))
    present_v = np.zeros((B, Hkv, T, D))
    for b in range(B):
        n = past_len[b]
        present_k[b, :, :n], present_v[b, :, :n] = past_k[b, :, :n], past_v[b, :, :n]
        present_k[b, :, n:n + S] = kd[b].transpose(1, 0, 2)
        present_v[b, :, n:n + S] = vd[b].transpose(1, 0, 2)
    bias = rng.standard_normal((1, 1, S, T)).astype(np.float32) if a.bias else None
    sink = rng.standard_normal(Hq).astype(np.float32) * 2 if a.sink else None
    scale = 1 / np.sqrt(D)
    out = np.zeros((B, S, Hq, D))
    for b in range(B):
        for h in range(Hq):
            kv = h // (Hq // Hkv)
            for s in range(S):
                last = past_len[b] + s
                t = np.arange(T)
                visible = t <= last
                if a.window > 0:
                    visible &= t > last - a.window
                scores = scale * present_k[b, kv] @ qd[b, s, h]
                if a.softcap > 0:
                    scores = a.softcap * np.tanh(scores / a.softcap)
                if bias is not None:
                    scores = scores + bias[0, 0, s]
                scores = np.where(visible, scores, -np.inf)
                extra = None
                if sink is not None:
                    extra = float(sink[h])
                elif a.smooth:
                    extra = 0.0
                m = scores.max() if extra is None else max(scores.max(), extra)
                w = np.exp(scores - m)
                w /= w.sum() + (0.0 if extra is None else np.exp(extra - m))
                out[b, s, h] = w @ present_v[b, kv]

    if a.packed:
        feeds.append(np.concatenate([q.reshape(B, S, -1), k.reshape(B, S, -1),
                                     v.reshape(B, S, -1)], axis=2))
        inputs.append(helper.make_tensor_value_info("query", TensorProto.FLOAT,
                                                    [B, S, (Hq + 2 * Hkv) * D]))
        names = ["query", "", ""]
    else:
        feeds += [q.reshape(B, S, -1), k.reshape(B, S, -1), v.reshape(B, S, -1)]
        inputs += [helper.make_tensor_value_info(n, TensorProto.FLOAT, [B, S, h * D])
                   for n, h in (("query", Hq), ("key", Hkv), ("value", Hkv))]
        names = ["query", "key", "value"]
    if P:
        feeds += [past_k, past_v]
        inputs += [helper.make_tensor_value_info(n, TensorProto.FLOAT, [B, Hkv, P, D])
                   for n in ("past_key", "past_value")]
        names += ["past_key", "past_value"]
    else:
        names += ["", ""]
    feeds.append(seqlens)
    inputs.append(helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, [B]))
    inits.append(helper.make_tensor("total", TensorProto.INT32, [], [T]))
    names += ["seqlens_k", "total"]
    if a.rotary:
        names += ["cos", "sin"]
    if a.bias:
        inits.append(helper.make_tensor("bias", TensorProto.FLOAT, [1, 1, S, T], bias.tobytes(),
                                        raw=True))
        names += [""] * (9 - len(names)) + ["", "bias"]
    if a.sink:
        inits.append(helper.make_tensor("sink", TensorProto.FLOAT, [Hq], sink.tobytes(),
                                        raw=True))
        names += [""] * (11 - len(names)) + ["sink"]
    attrs = dict(num_heads=Hq, kv_num_heads=Hkv)
    if a.rotary:
        attrs.update(do_rotary=1, rotary_interleaved=int(a.interleaved))
    if a.window > 0:
        attrs["local_window_size"] = a.window
    if a.softcap:
        attrs["softcap"] = a.softcap
    if a.smooth:
        attrs["smooth_softmax"] = 1
    node = helper.make_node("GroupQueryAttention", names, ["out", "present_key", "present_value"],
                            name="gqa", domain="com.microsoft", **attrs)
    outputs = [helper.make_tensor_value_info("out", TensorProto.FLOAT, [B, S, Hq * D]),
               helper.make_tensor_value_info("present_key", TensorProto.FLOAT, [B, Hkv, T, D]),
               helper.make_tensor_value_info("present_value", TensorProto.FLOAT, [B, Hkv, T, D])]
    graph = helper.make_graph([node], "gqa", inputs, outputs, inits)
    write_case(a.out, graph, feeds, [x.astype(np.float32)
                                     for x in (out.reshape(B, S, -1), present_k, present_v)])


if __name__ == "__main__":
    main()
