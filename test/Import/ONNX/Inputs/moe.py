"""Writes a com.microsoft.MoE or QMoE model, a random input and the expected output (numpy,
float64, onnxruntime's semantics).

  moe.py OUT_DIR --seed=S [--op=moe|qmoe] [--t=5 | --b=2 --s=3] [--hidden=32 --inter=24]
         [--experts=4 --k=2] [--act=relu|gelu|silu|identity|swiglu] [--fusion=1|2] [--fc3]
         [--bias] [--normalize] [--alpha=A --beta=B --limit=L] [--bits=4] [--block=0]
         [--zero] [--f16]

Input [T, H] (or [B, S, H]), router logits [T, E]. Each token's top-k experts (by logit) get
the weight softmax(logits)[e] over all experts (MoE; renormalized over the selected with
--normalize) or softmax over the selected logits (QMoE). An expert computes
fc2 act(fc1 x + b1) + b2, act(fc1 x + b1) * (fc3 x + b3) with --fc3, or the SwiGLU of fc1's
gate and up rows (--fusion=1: rows 2i and 2i + 1; 2: halves): g = min(g, L),
u = clamp(u, -L, L), g sigmoid(A g) (u + B). gelu is onnxruntime's tanh form. QMoE weights
are --bits codes packed from the low bits into UINT8, one scale per row (--block=0) or per
block along it, zero points packed the same way (--zero) or 2^(bits - 1). OUT_DIR gets
model.onnx, in0.npy (input), in1.npy (logits) and expected0.npy.
"""
import argparse

import numpy as np
from onnx import TensorProto, helper

from casefiles import write_case  # this folder's


def pack(codes, bits):
    """[.., n] codes as [.., n * bits / 8] bytes, the first code in the low bits."""
    per = 8 // bits
    shape = codes.shape[:-1] + (codes.shape[-1] // per, per)
    c = codes.reshape(shape).astype(np.uint32)
    out = np.zeros(shape[:-1], np.uint32)
    for i in range(per):
        out |= c[..., i] << (i * bits)
    return out.astype(np.uint8)


def pack_padded(codes, bits):
    per = 8 // bits
    pad = (-codes.shape[-1]) % per
    if pad:
        codes = np.concatenate([codes, np.zeros(codes.shape[:-1] + (pad,), codes.dtype)], -1)
    return pack(codes, bits)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--op", choices=["moe", "qmoe"], default="moe")
    p.add_argument("--t", type=int, default=5)
    p.add_argument("--b", type=int, default=0)
    p.add_argument("--s", type=int, default=0)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--inter", type=int, default=24)
    p.add_argument("--experts", type=int, default=4)
    p.add_argument("--k", type=int, default=2)
    p.add_argument("--act", default="relu")
    p.add_argument("--fusion", type=int, default=0)
    p.add_argument("--fc3", action="store_true")
    p.add_argument("--bias", action="store_true")
    p.add_argument("--normalize", action="store_true")
    p.add_argument("--alpha", type=float, default=None)
    p.add_argument("--beta", type=float, default=None)
    p.add_argument("--limit", type=float, default=None)
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--block", type=int, default=0)
    p.add_argument("--zero", action="store_true")
    p.add_argument("--f16", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    T = a.b * a.s if a.b else a.t
    H, I, E = a.hidden, a.inter, a.experts
    N = 2 * I if a.fusion else I
    ftype = np.float16 if a.f16 else np.float32
    elem = TensorProto.FLOAT16 if a.f16 else TensorProto.FLOAT
    x = rng.standard_normal((T, H)).astype(ftype)
    logits = (rng.standard_normal((T, E)) * 2).astype(ftype)

    inits, names = [], []

    def init(name, t, dtype=elem):
        inits.append(helper.make_tensor(name, dtype, list(t.shape), t.tobytes(), raw=True))
        names.append(name)

    def skip():
        names.append("")

    def float_weight(rows, k):
        return (rng.standard_normal((E, rows, k)) / np.sqrt(k)).astype(ftype)

    def quant_weight(rows, k, tag):
        """Codes, scales and zero points; returns the dequantized weight."""
        bs = a.block if a.block else k
        blocks = (k + bs - 1) // bs
        codes = rng.integers(0, 2**a.bits, size=(E, rows, k)).astype(np.uint8)
        scale = rng.uniform(0.5, 1.5, size=(E, rows, blocks)) / (2**(a.bits - 1) * np.sqrt(k))
        scale = scale.astype(ftype)
        if a.zero:
            zero = rng.integers(0, 2**a.bits, size=(E, rows, blocks)).astype(np.uint8)
        else:
            zero = np.full((E, rows, blocks), 2**(a.bits - 1), np.uint8)
        col_block = np.arange(k) // bs
        w = (codes.astype(np.float64) - zero[:, :, col_block]) * \
            scale.astype(np.float64)[:, :, col_block]
        stored = dict(codes=pack(codes, a.bits),
                      scale=scale[:, :, 0] if not a.block else scale, zero=None)
        if a.zero:
            stored["zero"] = pack_padded(zero[:, :, 0], a.bits) if not a.block else \
                pack_padded(zero, a.bits)
        return w, stored

    fc1_store = fc2_store = fc3_store = None
    if a.op == "moe":
        w1, w2 = float_weight(N, H), float_weight(H, I)
        w3 = float_weight(I, H) if a.fc3 else None
        w1d, w2d = w1.astype(np.float64), w2.astype(np.float64)
        w3d = w3.astype(np.float64) if a.fc3 else None
    else:
        w1d, fc1_store = quant_weight(N, H, "fc1")
        w2d, fc2_store = quant_weight(H, I, "fc2")
        w3d, fc3_store = quant_weight(I, H, "fc3") if a.fc3 else (None, None)
    b1 = (rng.standard_normal((E, N)) * 0.5).astype(ftype) if a.bias else None
    b2 = (rng.standard_normal((E, H)) * 0.5).astype(ftype) if a.bias else None
    b3 = (rng.standard_normal((E, I)) * 0.5).astype(ftype) if a.bias and a.fc3 else None

    # The expected output.
    xd, ld = x.astype(np.float64), logits.astype(np.float64)
    alpha = 1.0 if a.alpha is None else a.alpha
    beta = 0.0 if a.beta is None else a.beta
    limit = np.inf if a.limit is None else a.limit

    def act(z):
        if a.act == "relu":
            return np.maximum(z, 0)
        if a.act == "gelu":
            return 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3)))
        if a.act in ("silu", "swiglu"):
            return z / (1 + np.exp(-alpha * z)) if a.act == "swiglu" else z / (1 + np.exp(-z))
        return z

    y = np.zeros((T, H))
    for t in range(T):
        order = sorted(range(E), key=lambda e: -ld[t, e])[:a.k]
        if a.op == "moe":
            p = np.exp(ld[t] - ld[t].max())
            p /= p.sum()
            w = p[order] / p[order].sum() if a.normalize else p[order]
        else:
            sel = ld[t, order]
            w = np.exp(sel - sel.max())
            w /= w.sum()
        for e, we in zip(order, w):
            z = w1d[e] @ xd[t] + (b1[e].astype(np.float64) if b1 is not None else 0)
            if a.act == "swiglu":
                if a.fusion == 1:
                    g, u = z[0::2], z[1::2]
                elif a.fusion == 2:
                    g, u = z[:I], z[I:]
                else:
                    g = z
                    u = w3d[e] @ xd[t] + (b3[e].astype(np.float64) if b3 is not None else 0)
                g = np.minimum(g, limit)
                u = np.clip(u, -limit, limit)
                h = act(g) * (u + beta)
            elif a.fc3:
                u = w3d[e] @ xd[t] + (b3[e].astype(np.float64) if b3 is not None else 0)
                h = act(z) * u
            else:
                h = act(z)
            out = w2d[e] @ h + (b2[e].astype(np.float64) if b2 is not None else 0)
            y[t] += we * out

    shape = [a.b, a.s, H] if a.b else [T, H]
    inputs = [helper.make_tensor_value_info("input", elem, shape),
              helper.make_tensor_value_info("router_probs", elem, [T, E])]
    names = ["input", "router_probs"]
    if a.op == "moe":
        init("fc1", w1)
        init("fc1_bias", b1) if b1 is not None else skip()
        init("fc2", w2)
        init("fc2_bias", b2) if b2 is not None else skip()
        if a.fc3:
            init("fc3", w3)
            init("fc3_bias", b3) if b3 is not None else skip()
    else:
        for i, (tag, st, bias) in enumerate((("fc1", fc1_store, b1), ("fc2", fc2_store, b2),
                                             ("fc3", fc3_store, b3))):
            if st is None:
                break
            init(tag, st["codes"], TensorProto.UINT8)
            init(tag + "_scales", st["scale"])
            init(tag + "_bias", bias) if bias is not None else skip()
        if a.zero:
            while len(names) < 11:
                skip()
            for tag, st in (("fc1", fc1_store), ("fc2", fc2_store), ("fc3", fc3_store)):
                if st is not None:
                    init(tag + "_zero_points", st["zero"], TensorProto.UINT8)
    while names and not names[-1]:
        names.pop()
    attrs = dict(k=a.k, activation_type=a.act)
    if a.normalize:
        attrs["normalize_routing_weights"] = 1
    if a.fusion:
        attrs["swiglu_fusion"] = a.fusion
    if a.alpha is not None:
        attrs["activation_alpha"] = a.alpha
    if a.beta is not None:
        attrs["activation_beta"] = a.beta
    if a.limit is not None:
        attrs["swiglu_limit"] = a.limit
    if a.op == "qmoe":
        attrs["expert_weight_bits"] = a.bits
        if a.block:
            attrs["block_size"] = a.block
    node = helper.make_node("MoE" if a.op == "moe" else "QMoE", names, ["output"], name="moe",
                            domain="com.microsoft", **attrs)
    graph = helper.make_graph([node], "moe", inputs,
                              [helper.make_tensor_value_info("output", elem, shape)], inits)
    write_case(a.out, graph, [x.reshape(shape), logits], [y.reshape(shape).astype(ftype)])


if __name__ == "__main__":
    main()
