"""Writes a com.microsoft.GatherBlockQuantized model (a block-quantized embedding table read at
int64 ids given at run time), the ids and the expected rows.

  gatherblock.py OUT_DIR --seed=S --rows=N --k=K --block=B --data=uint8|int4|uint4 [--bits=4|8]
                 [--zero] [--ids=2x3] [--negative]

The table's codes are random; scales [N, ceil(K / B)]; with --zero, zero points of data's type
([N, ceil(K / B)], UINT8 ones packed like the data). Without them UINT8 codes are centred on
2^(bits - 1), INT4 and UINT4 ones on 0. rows = (codes - zero) * scale, in float64. UINT8 data
packs 8 / bits codes per byte along the row (the first in the low bits); INT4 / UINT4 tensors
two per byte over the whole tensor (data types 22 / 21, written by hand; ir_version 10).
--negative draws ids from [-N, N). OUT_DIR gets model.onnx, ids.npy, expected.npy.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper


def pack(codes, bits):
    """Codes (rows x cols) packed 8 / bits per byte along each row, the first in the low bits."""
    per = 8 // bits
    rows, cols = codes.shape
    padded = np.zeros((rows, -(-cols // per) * per), np.uint8)
    padded[:, :cols] = codes & ((1 << bits) - 1)
    out = np.zeros((rows, padded.shape[1] // per), np.uint8)
    for i in range(per):
        out |= (padded[:, i::per] << (bits * i)).astype(np.uint8)
    return out


def nibble_tensor(name, values, dtype):
    flat = (values.reshape(-1) & 0xF).astype(np.uint8)
    if flat.size % 2:
        flat = np.append(flat, 0)
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(values.shape)
    t.raw_data = (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8).tobytes()
    return t


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--block", type=int, required=True)
    p.add_argument("--data", required=True, choices=["uint8", "int4", "uint4"])
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--zero", action="store_true")
    p.add_argument("--ids", default="2x3")
    p.add_argument("--negative", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    n, k, bits = a.rows, a.k, a.bits
    blocks = -(-k // a.block)
    low, high = (-8, 7) if a.data == "int4" else (0, (1 << bits) - 1)
    codes = rng.integers(low, high + 1, size=(n, k))
    scale = rng.uniform(0.01, 0.1, size=(n, blocks)).astype(np.float32)
    if a.zero:
        zero = rng.integers(low, high + 1, size=(n, blocks))
    else:
        zero = np.full((n, blocks), 1 << (bits - 1) if a.data == "uint8" else 0)
    expand = lambda v: np.repeat(v, a.block, axis=1)[:, :k].astype(np.float64)
    table = (codes - expand(zero)) * expand(scale)
    ids_shape = [int(d) for d in a.ids.split("x")]
    ids = rng.integers(-n if a.negative else 0, n, size=ids_shape).astype(np.int64)

    inits = []
    if a.data == "uint8":
        inits.append(helper.make_tensor("data", TensorProto.UINT8, [n, k * bits // 8],
                                        pack(codes, bits).tobytes(), raw=True))
    else:
        inits.append(nibble_tensor("data", codes, 22 if a.data == "int4" else 21))
    inits.append(helper.make_tensor("scales", TensorProto.FLOAT, [n, blocks], scale.tobytes(),
                                    raw=True))
    ins = ["data", "ids", "scales"]
    if a.zero:
        if a.data == "uint8":
            packed = pack(zero, bits)
            inits.append(helper.make_tensor("zeros", TensorProto.UINT8, list(packed.shape),
                                            packed.tobytes(), raw=True))
        else:
            inits.append(nibble_tensor("zeros", zero, 22 if a.data == "int4" else 21))
        ins.append("zeros")
    node = helper.make_node("GatherBlockQuantized", ins, ["y"], name="embed",
                            domain="com.microsoft", bits=bits, block_size=a.block,
                            gather_axis=0, quantize_axis=1)
    graph = helper.make_graph([node], "gbq",
                              [helper.make_tensor_value_info("ids", TensorProto.INT64, ids_shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                             ids_shape + [k])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 10
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    np.save(os.path.join(a.out, "ids.npy"), ids)
    np.save(os.path.join(a.out, "expected.npy"), table[ids].astype(np.float32))


if __name__ == "__main__":
    main()
