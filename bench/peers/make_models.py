#!/usr/bin/python3
"""Write ONNX models with one com.microsoft.MatMulNBits node, plus NumPy references.

Run with Debian's /usr/bin/python3 (python3-onnx 1.12, python3-numpy 1.24).

Each model computes Y[M, N] = A[M, K] @ dequant(W)[N, K]^T with
    W[n, k] = (q[n, k] - zp[n, k // block]) * scale[n, k // block]
where q holds `bits`-bit unsigned codes.  M is a symbolic dimension ("M"), so one
model serves every M.  Initializers (onnxruntime contrib-op spec):
    B            uint8 [N, k_blocks, block * bits / 8]   codes packed LSB-first along K
    scales       float32 [N, k_blocks]                   values are f16-representable
    zero_points  uint8 [N, ceil(k_blocks * bits / 8)]    (optional) packed LSB-first per row
Without zero_points onnxruntime uses zp = 2^(bits-1) (the reference does the same).
For bits in {2, 4, 8} the packing is exactly onnxruntime's; for other widths it is the
natural LSB-first bit stream (onnxruntime 1.31 rejects those widths anyway).

The weights of one copy live in an external-data file shared by one small graph file
per accuracy level (accuracy_level is a node attribute, not a session option):
    <base>.data                 B, scales, zero_points (4096-aligned offsets)
    <base>.acc<L>.onnx          graph with accuracy_level = L (a few hundred bytes)
    <base>.ref.json             metadata: shapes, seeds, tensor offsets, weight bytes
    <base>.ref_a.f32            reference input A, 3 x K float32 little endian
    <base>.ref_y.f32            expected output Y, 3 x N float32 (dequantize + matmul in float64)
with <base> = mnb_k<K>_n<N>_b<bits>_g<block>_<zp|sym>_c<copy>.
Row 0 of A alone is the M = 1 reference, rows 0..2 the M = 3 reference.  Rows are
independent, so a runner may tile these rows to any M and compare against tiled Y.
Copies differ in their weights (seed derived from shape, bits, zp and copy index);
the reference input depends on K only.

Usage:
    make_models.py --out DIR --k 4096 --n 4096 --bits 4 [--block 128] [--zero-points]
                   [--copies 8 | --copy 3] [--accuracy-levels 0,1,4] [--force]
Complete copies are not rewritten (only missing graph files are added) unless --force.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

REF_ROWS = 3
REF_SEED = 12345
ALIGN = 4096


def pack_lsb_first(codes, bits):
    """Pack unsigned codes (last axis) into bytes as an LSB-first bit stream."""
    codes = np.asarray(codes, dtype=np.uint8)
    *lead, L = codes.shape
    assert (L * bits) % 8 == 0, (L, bits)
    planes = (codes[..., None] >> np.arange(bits, dtype=np.uint8)) & 1
    return np.packbits(planes.reshape(*lead, L * bits), axis=-1, bitorder="little")


def base_name(k, n, bits, block, zp, copy):
    return f"mnb_k{k}_n{n}_b{bits}_g{block}_{'zp' if zp else 'sym'}_c{copy}"


def weight_bytes(k, n, bits, block, zp):
    """Bytes of B + f32 scales (+ packed zero points) that one matmul reads."""
    kb = (k + block - 1) // block
    z = n * ((kb * bits + 7) // 8) if zp else 0
    return n * kb * (block * bits // 8) + n * kb * 4 + z


def write_graph(out, meta, level):
    """Write <base>.acc<level>.onnx referring to the tensors in <base>.data."""
    k, n = meta["k"], meta["n"]
    inits, inputs = [], ["A"]
    for t in meta["tensors"]:
        tp = onnx.TensorProto()
        tp.name = t["name"]
        tp.data_type = TensorProto.UINT8 if t["dtype"] == "uint8" else TensorProto.FLOAT
        tp.dims.extend(t["dims"])
        tp.data_location = TensorProto.EXTERNAL
        for key, val in (("location", meta["data"]), ("offset", str(t["offset"])), ("length", str(t["length"]))):
            e = tp.external_data.add()
            e.key, e.value = key, val
        inits.append(tp)
        inputs.append(t["name"])
    node = helper.make_node(
        "MatMulNBits", inputs, ["Y"], domain="com.microsoft", name="mnb",
        K=k, N=n, bits=meta["bits"], block_size=meta["block"], accuracy_level=level)
    graph = helper.make_graph(
        [node], meta["base"],
        [helper.make_tensor_value_info("A", TensorProto.FLOAT, ["M", k])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["M", n])],
        initializer=inits)
    model = helper.make_model(
        graph, producer_name="lowbit-bench-peers",
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    path = os.path.join(out, f"{meta['base']}.acc{level}.onnx")
    with open(path + ".tmp", "wb") as f:
        f.write(model.SerializeToString())
    # Structural check (com.microsoft is not validated); by path so external data resolves.
    onnx.checker.check_model(path + ".tmp")
    os.replace(path + ".tmp", path)


def load_meta(out, base):
    try:
        with open(os.path.join(out, base + ".ref.json")) as f:
            meta = json.load(f)
        if meta.get("complete") and os.path.getsize(os.path.join(out, meta["data"])) == meta["data_bytes"]:
            return meta
    except (OSError, ValueError, KeyError):
        pass
    return None


def make_weights(out, k, n, bits, block, zp, copy):
    if k % block:
        raise SystemExit(f"K={k} must be a multiple of block={block}")
    if (block * bits) % 8:
        raise SystemExit(f"block*bits must be a multiple of 8 (block={block}, bits={bits})")
    base = base_name(k, n, bits, block, zp, copy)
    kb = k // block
    blob = block * bits // 8
    qmax = (1 << bits) - 1

    seed = int.from_bytes(hashlib.sha256(f"{k}/{n}/{bits}/{block}/{int(zp)}/{copy}".encode()).digest()[:4], "little")
    rng = np.random.default_rng(seed)
    q = rng.integers(0, qmax + 1, size=(n, k), dtype=np.uint8)
    # Positive f16-representable scales sized so that |Y| is O(1).
    unit = 2.0 / (qmax * np.sqrt(k))
    scales = (rng.uniform(0.5, 1.5, size=(n, kb)) * unit).astype(np.float16).astype(np.float32)
    if zp:
        zpv = rng.integers(0, qmax + 1, size=(n, kb), dtype=np.uint8)
    else:
        zpv = np.full((n, kb), 1 << (bits - 1), dtype=np.uint8)

    tensors = [("B", "uint8", [n, kb, blob], pack_lsb_first(q.reshape(n, kb, block), bits)),
               ("scales", "float32", [n, kb], scales)]
    if zp:
        zlen = (kb * bits + 7) // 8
        L = kb
        while (L * bits) % 8:
            L += 1
        zcodes = np.zeros((n, L), dtype=np.uint8)
        zcodes[:, :kb] = zpv
        tensors.append(("zero_points", "uint8", [n, zlen], pack_lsb_first(zcodes, bits)[:, :zlen]))

    os.makedirs(out, exist_ok=True)
    data_name = base + ".data"
    data_path = os.path.join(out, data_name)
    layout, off = [], 0
    with open(data_path + ".tmp", "wb") as f:
        for name, dtype, dims, arr in tensors:
            raw = np.ascontiguousarray(arr).astype("<f4" if dtype == "float32" else np.uint8).tobytes()
            assert len(raw) == int(np.prod(dims)) * (4 if dtype == "float32" else 1)
            if off % ALIGN:
                f.write(b"\0" * (ALIGN - off % ALIGN))
                off += ALIGN - off % ALIGN
            f.write(raw)
            layout.append({"name": name, "dtype": dtype, "dims": dims, "offset": off, "length": len(raw)})
            off += len(raw)
    os.replace(data_path + ".tmp", data_path)

    # Reference in float64 from exactly the stored codes/scales/zero points.
    W = (q.reshape(n, kb, block).astype(np.float64) - zpv[:, :, None]) * scales[:, :, None].astype(np.float64)
    W = W.reshape(n, k)
    A = np.random.default_rng(REF_SEED + k).uniform(-1.0, 1.0, size=(REF_ROWS, k)).astype(np.float32)
    Y = A.astype(np.float64) @ W.T
    A.astype("<f4").tofile(os.path.join(out, base + ".ref_a.f32"))
    Y.astype("<f4").tofile(os.path.join(out, base + ".ref_y.f32"))
    meta = {
        "base": base, "k": k, "n": n, "bits": bits, "block": block, "zero_points": bool(zp),
        "copy": copy, "weight_seed": seed, "input_seed": REF_SEED + k,
        "data": data_name, "data_bytes": off, "tensors": layout,
        "weight_bytes": weight_bytes(k, n, bits, block, zp),
        "ref_rows": REF_ROWS, "ref_a": base + ".ref_a.f32", "ref_y": base + ".ref_y.f32",
        "ref_y_absmax": float(np.abs(Y).max()), "complete": True,
    }
    with open(os.path.join(out, base + ".ref.json.tmp"), "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(os.path.join(out, base + ".ref.json.tmp"), os.path.join(out, base + ".ref.json"))
    return meta


def ensure(out, k, n, bits, block, zp, copy, levels, force=False):
    base = base_name(k, n, bits, block, zp, copy)
    meta = None if force else load_meta(out, base)
    wrote = meta is None
    if wrote:
        meta = make_weights(out, k, n, bits, block, zp, copy)
    for lv in levels:
        if wrote or not os.path.exists(os.path.join(out, f"{base}.acc{lv}.onnx")):
            write_graph(out, meta, lv)
    return base, wrote


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--bits", type=int, required=True)
    ap.add_argument("--block", type=int, default=128)
    ap.add_argument("--zero-points", action="store_true")
    ap.add_argument("--copies", type=int, default=1, help="write copies 0..C-1")
    ap.add_argument("--copy", type=int, default=None, help="write only this copy index")
    ap.add_argument("--accuracy-levels", default="0,1,4")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    if not 1 <= a.bits <= 8:
        raise SystemExit("bits must be 1..8")
    levels = [int(x) for x in a.accuracy_levels.split(",") if x != ""]
    for c in ([a.copy] if a.copy is not None else range(a.copies)):
        base, wrote = ensure(a.out, a.k, a.n, a.bits, a.block, a.zero_points, c, levels, a.force)
        print(("wrote " if wrote else "have  ") + base, file=sys.stderr)


if __name__ == "__main__":
    main()
