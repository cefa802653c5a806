"""Writes a generated test case of one graph: OUT_DIR/model.onnx (opsets ai.onnx 21 and
com.microsoft 1, IR version 10), the inputs in0.npy, in1.npy ... and the expected outputs
expected0.npy, expected1.npy ..."""
import os

import numpy as np
import onnx
from onnx import helper


def write_case(out, graph, feeds, expected):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 10
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    for i, x in enumerate(feeds):
        np.save(os.path.join(out, "in%d.npy" % i), np.ascontiguousarray(x))
    for i, x in enumerate(expected):
        np.save(os.path.join(out, "expected%d.npy" % i), x)
