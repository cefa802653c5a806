"""Writes a model of the index, mask and shape ops exported models use, random inputs and the
expected outputs (numpy).

  tensorops.py OUT_DIR --seed=S --case=shape|gather|mask|expand|integer|splat

- shape: y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), Unsqueeze(Gather(Shape(x), 1)),
  Div(Gather(Shape(x), 2), 4), [-1])): every shape op folds at import time.
- gather: an embedding lookup (a constant table at int64 ids given at run time, negative ids
  counting from the end) and the last token of x (Gather along axis 1 at -1).
- mask: an attention mask from an int64 0/1 input: Where(Equal(mask, 0), -10000, 0), and a
  causal one from Range and Less (folded), applied to scores with Where.
- expand: Expand of x to a larger shape, Split of x into uneven parts.
- integer: Add, Sub, Mul, Div of int64 inputs (Div rounds toward zero; a zero divisor gives
  x), Greater, and Cast of the result to float and to bool.
- splat: ConstantOfShape of a shape too large to fold, times x.
OUT_DIR gets model.onnx, in0.npy, ..., expected0.npy, ...
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--case", required=True,
                   choices=["shape", "gather", "mask", "expand", "integer", "splat"])
    a = p.parse_args()
    rng = np.random.default_rng(a.seed % (2**32))
    nodes, inits, inputs, outputs, feeds, expected = [], [], [], [], [], []
    node = lambda *args, **kw: nodes.append(helper.make_node(*args, **kw))

    if a.case == "shape":
        x = rng.standard_normal((2, 3, 8)).astype(np.float32)
        feeds.append(x)
        inputs.append(helper.make_tensor_value_info("x", F, [2, 3, 8]))
        inits += [const("i0", np.int64(0)), const("i1", np.int64(1)), const("i2", np.int64(2)),
                  const("four", np.int64(4)), const("minus1", np.array([-1], np.int64)),
                  const("ax0", np.array([0], np.int64))]
        node("Shape", ["x"], ["s"], name="shape")
        node("Gather", ["s", "i0"], ["b"], name="g0")
        node("Gather", ["s", "i1"], ["t"], name="g1")
        node("Gather", ["s", "i2"], ["h"], name="g2")
        node("Div", ["h", "four"], ["h4"], name="div")
        for n in ["b", "t", "h4"]:
            node("Unsqueeze", [n, "ax0"], [n + "u"], name="u" + n)
        node("Concat", ["bu", "tu", "h4u", "minus1"], ["shape"], name="cat", axis=0)
        node("Reshape", ["x", "shape"], ["y"], name="reshape")
        outputs.append(helper.make_tensor_value_info("y", F, [2, 3, 2, 4]))
        expected.append(x.reshape(2, 3, 2, 4))
    elif a.case == "gather":
        table = rng.standard_normal((50, 16)).astype(np.float32)
        ids = rng.integers(-50, 50, size=(2, 5)).astype(np.int64)
        x = rng.standard_normal((2, 5, 16)).astype(np.float32)
        feeds += [ids, x]
        inputs += [helper.make_tensor_value_info("ids", I64, [2, 5]),
                   helper.make_tensor_value_info("x", F, [2, 5, 16])]
        inits += [const("table", table), const("last", np.int64(-1))]
        node("Gather", ["table", "ids"], ["emb"], name="embed", axis=0)
        node("Gather", ["x", "last"], ["tok"], name="last_token", axis=1)
        outputs += [helper.make_tensor_value_info("emb", F, [2, 5, 16]),
                    helper.make_tensor_value_info("tok", F, [2, 16])]
        expected += [table[ids], x[:, -1, :]]
    elif a.case == "mask":
        mask = (rng.random((2, 6)) < 0.7).astype(np.int64)
        scores = rng.standard_normal((2, 6, 6)).astype(np.float32)
        feeds += [mask, scores]
        inputs += [helper.make_tensor_value_info("mask", I64, [2, 6]),
                   helper.make_tensor_value_info("scores", F, [2, 6, 6])]
        inits += [const("zero", np.int64(0)), const("big", np.float32(-10000.0)),
                  const("fzero", np.float32(0.0)), const("start", np.int64(0)),
                  const("limit", np.int64(6)), const("delta", np.int64(1)),
                  const("cols", np.array([1, 6], np.int64)),
                  const("rows", np.array([6, 1], np.int64))]
        node("Equal", ["mask", "zero"], ["pad"], name="eq")
        node("Where", ["pad", "big", "fzero"], ["bias"], name="where_pad")
        node("Range", ["start", "limit", "delta"], ["pos"], name="range")
        node("Reshape", ["pos", "cols"], ["j"], name="rj")
        node("Reshape", ["pos", "rows"], ["i"], name="ri")
        node("Greater", ["j", "i"], ["future"], name="gt")
        node("Where", ["future", "big", "scores"], ["masked"], name="where_causal")
        outputs += [helper.make_tensor_value_info("bias", F, [2, 6]),
                    helper.make_tensor_value_info("masked", F, [2, 6, 6])]
        pos = np.arange(6)
        expected += [np.where(mask == 0, np.float32(-10000), np.float32(0)).astype(np.float32),
                     np.where(pos[None, :] > pos[:, None], np.float32(-10000),
                              scores).astype(np.float32)]
    elif a.case == "expand":
        x = rng.standard_normal((1, 4)).astype(np.float32)
        z = rng.standard_normal((3, 10)).astype(np.float32)
        feeds += [x, z]
        inputs += [helper.make_tensor_value_info("x", F, [1, 4]),
                   helper.make_tensor_value_info("z", F, [3, 10])]
        inits += [const("shape", np.array([2, 3, 1, 4], np.int64)),
                  const("split", np.array([3, 7], np.int64))]
        node("Expand", ["x", "shape"], ["e"], name="expand")
        node("Split", ["z", "split"], ["z0", "z1"], name="split", axis=1)
        outputs += [helper.make_tensor_value_info("e", F, [2, 3, 1, 4]),
                    helper.make_tensor_value_info("z0", F, [3, 3]),
                    helper.make_tensor_value_info("z1", F, [3, 7])]
        expected += [np.broadcast_to(x, (2, 3, 1, 4)).copy(), z[:, :3], z[:, 3:]]
    elif a.case == "integer":
        x = rng.integers(-1000, 1000, size=(3, 5)).astype(np.int64)
        y = rng.integers(-9, 10, size=(5,)).astype(np.int64)
        y[0] = 0
        feeds += [x, y]
        inputs += [helper.make_tensor_value_info("x", I64, [3, 5]),
                   helper.make_tensor_value_info("y", I64, [5])]
        node("Add", ["x", "y"], ["s"], name="add")
        node("Sub", ["s", "y"], ["d"], name="sub")
        node("Mul", ["d", "y"], ["m"], name="mul")
        node("Div", ["m", "y"], ["q"], name="div")
        node("Div", ["x", "y"], ["q2"], name="div2")
        node("Greater", ["q2", "y"], ["gt"], name="gt")
        node("Cast", ["q2", ], ["qf"], name="tofloat", to=F)
        node("Cast", ["gt"], ["gf"], name="booltofloat", to=F)
        outputs += [helper.make_tensor_value_info("q", I64, [3, 5]),
                    helper.make_tensor_value_info("qf", F, [3, 5]),
                    helper.make_tensor_value_info("gf", F, [3, 5])]
        safe = np.where(y == 0, 1, y)
        trunc = lambda u, v: np.where(v == 0, u, np.trunc(u / safe).astype(np.int64))
        m = x * y
        q2 = trunc(x, y)
        expected += [trunc(m, y), q2.astype(np.float32), (q2 > y).astype(np.float32)]
    else:
        x = rng.standard_normal((256, 257)).astype(np.float32)
        feeds.append(x)
        inputs.append(helper.make_tensor_value_info("x", F, [256, 257]))
        inits.append(const("shape", np.array([256, 257], np.int64)))
        node("ConstantOfShape", ["shape"], ["c"], name="splat",
             value=helper.make_tensor("v", F, [1], [1.5]))
        node("Mul", ["x", "c"], ["y"], name="mul")
        outputs.append(helper.make_tensor_value_info("y", F, [256, 257]))
        expected.append(x * np.float32(1.5))

    graph = helper.make_graph(nodes, a.case, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(a.out, exist_ok=True)
    onnx.save(model, os.path.join(a.out, "model.onnx"))
    for i, v in enumerate(feeds):
        np.save(os.path.join(a.out, "in%d.npy" % i), v)
    for i, v in enumerate(expected):
        np.save(os.path.join(a.out, "expected%d.npy" % i), np.ascontiguousarray(v))


if __name__ == "__main__":
    main()
