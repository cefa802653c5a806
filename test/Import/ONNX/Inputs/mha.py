"""Writes a com.microsoft.MultiHeadAttention model, random inputs and the expected outputs
(numpy, float64).

  mha.py OUT_DIR --seed=S [--b=2 --s=3 --l=3 --past=0 --heads=4 --head=8 --vhead=8]
         [--bias] [--padding=lengths|lengths3|2d|3d] [--attention-bias=full|broadcast]
         [--causal] [--bnsh] [--filter=F] [--scale=X]

Query [B, S, N * H], key and value [B, L, N * H] and [B, L, N * Hv] (or [B, N, L, H] and
[B, N, L, Hv] with --bnsh), a past of P tokens [B, N, P, H] / [B, N, P, Hv] (none with
--past=0); T = P + L. --bias adds a bias [2 N H + N Hv] to query, key and value before the
heads split. key_padding_mask: end positions [B] (--padding=lengths; [3B + 2] with lengths3,
only the first B read), keep (> 0) / hide [B, T] (2d) or [B, S, T] (3d; key 0 always kept);
a hidden key gets mask_filter_value (-10000 unless --filter) added to its score.
--attention-bias adds a [B, N, S, T] (full) or [1, 1, S, T] (broadcast) bias; --causal
(unidirectional, L = S) hides keys t > P + s. OUT_DIR gets model.onnx, the inputs in0.npy ...
and expected0.npy (output), expected1.npy, expected2.npy (present key and value).
"""
import argparse

import numpy as np
from onnx import TensorProto, helper

from casefiles import write_case  # this folder's


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--b", type=int, default=2)
    p.add_argument("--s", type=int, default=3)
    p.add_argument("--l", type=int, default=3)
    p.add_argument("--past", type=int, default=0)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--head", type=int, default=8)
    p.add_argument("--vhead", type=int, default=8)
    p.add_argument("--bias", action="store_true")
    p.add_argument("--padding", choices=["lengths", "lengths3", "2d", "3d"])
    p.add_argument("--attention-bias", choices=["full", "broadcast"])
    p.add_argument("--causal", action="store_true")
    p.add_argument("--bnsh", action="store_true")
    p.add_argument("--filter", type=float, default=None)
    p.add_argument("--scale", type=float, default=None)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    B, S, L, P, N, H, Hv = a.b, a.s, a.l, a.past, a.heads, a.head, a.vhead
    T = P + L
    f = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    q, k, v = f(B, S, N, H), f(B, L, N, H), f(B, L, N, Hv)
    bias = f(2 * N * H + N * Hv) if a.bias else None
    qd, kd, vd = (x.astype(np.float64) for x in (q, k, v))
    if bias is not None:
        b64 = bias.astype(np.float64)
        qd = qd + b64[:N * H].reshape(N, H)
        kd = kd + b64[N * H:2 * N * H].reshape(N, H)
        vd = vd + b64[2 * N * H:].reshape(N, Hv)
    past_k, past_v = f(B, N, P, H), f(B, N, P, Hv)
    present_k = np.concatenate([past_k.astype(np.float64), kd.transpose(0, 2, 1, 3)], axis=2)
    present_v = np.concatenate([past_v.astype(np.float64), vd.transpose(0, 2, 1, 3)], axis=2)

    filt = -10000.0 if a.filter is None else a.filter
    extra = np.zeros((B, N, S, T))
    if a.attention_bias:
        shape = (B, N, S, T) if a.attention_bias == "full" else (1, 1, S, T)
        attention_bias = f(*shape)
        extra = extra + attention_bias
    pad = None
    if a.padding in ("lengths", "lengths3"):
        ends = rng.integers(1, T + 1, size=B).astype(np.int32)
        hidden = np.arange(T)[None, :] >= ends[:, None]
        extra = extra + np.where(hidden, filt, 0.0)[:, None, None, :]
        pad = ends if a.padding == "lengths" else np.concatenate(
            [ends, rng.integers(0, T, size=2 * B + 2).astype(np.int32)])
    elif a.padding:
        shape = (B, T) if a.padding == "2d" else (B, S, T)
        pad = rng.integers(-1, 3, size=shape).astype(np.int32)
        pad[..., 0] = 1  # a visible key in every row: no row is -10000 + f32 rounding alone
        hidden = pad <= 0
        hidden = hidden[:, None, None, :] if a.padding == "2d" else hidden[:, None, :, :]
        extra = extra + np.where(hidden, filt, 0.0)
    if a.causal and S > 1:
        causal = np.arange(T)[None, :] > P + np.arange(S)[:, None]
        extra = np.where(causal[None, None], -np.inf, extra)
    scale = a.scale if a.scale else 1 / np.sqrt(H)
    scores = scale * np.einsum("bsnh,bnth->bnst", qd, present_k) + extra
    w = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w /= w.sum(axis=-1, keepdims=True)
    out = np.einsum("bnst,bntv->bsnv", w, present_v)

    feeds, inputs, names, inits = [], [], [], []

    def feed(name, x, elem=TensorProto.FLOAT):
        feeds.append(np.ascontiguousarray(x))
        inputs.append(helper.make_tensor_value_info(name, elem, list(x.shape)))
        names.append(name)

    feed("query", q.reshape(B, S, -1))
    if a.bnsh:
        feed("key", k.transpose(0, 2, 1, 3))
        feed("value", v.transpose(0, 2, 1, 3))
    else:
        feed("key", k.reshape(B, L, -1))
        feed("value", v.reshape(B, L, -1))
    if bias is not None:
        inits.append(helper.make_tensor("bias", TensorProto.FLOAT, list(bias.shape),
                                        bias.tobytes(), raw=True))
        names.append("bias")
    else:
        names.append("")
    if pad is not None:
        feed("key_padding_mask", pad, TensorProto.INT32)
    else:
        names.append("")
    if a.attention_bias:
        feed("attention_bias", attention_bias)
    else:
        names.append("")
    if P:
        feed("past_key", past_k)
        feed("past_value", past_v)
    while names and not names[-1]:
        names.pop()
    attrs = dict(num_heads=N)
    if a.filter is not None:
        attrs["mask_filter_value"] = a.filter
    if a.scale:
        attrs["scale"] = a.scale
    if a.causal:
        attrs["unidirectional"] = 1
    node = helper.make_node("MultiHeadAttention", names, ["out", "present_key", "present_value"],
                            name="mha", domain="com.microsoft", **attrs)
    outputs = [helper.make_tensor_value_info("out", TensorProto.FLOAT, [B, S, N * Hv]),
               helper.make_tensor_value_info("present_key", TensorProto.FLOAT, [B, N, T, H]),
               helper.make_tensor_value_info("present_value", TensorProto.FLOAT, [B, N, T, Hv])]
    graph = helper.make_graph([node], "mha", inputs, outputs, inits)
    write_case(a.out, graph, feeds, [x.astype(np.float32)
                                     for x in (out.reshape(B, S, -1), present_k, present_v)])


if __name__ == "__main__":
    main()
