"""Writes a module of lowbit.mpgemm ops whose weights, scales and zero points are random
constants (dense hex literals), for tests of the compile-time handling of constant operands.
The activations stay arguments. Usage: constant-mpgemm.py SEED OUT.mlir

Functions (weights [N, K] in groups along K; scales and zero points [N, G]):
  @decode_f16_si4      M = 1, si4 weights, f16 scales, si4 zero points (negative ones)
  @decode_16_columns   the same with blocks of 16 columns (two per lane; the last one partly
                       outside N)
  @int8_ui8            M = 3, si8 activations (per-token scales), ui8 weights, f32 scales, ui8
                       zero points (above 127)
  @fp4_e4m3            M = 2, f4E2M1FN weights in groups of 16, f8E4M3FN scales
  @panel_bf16_ui4      M = 37, ui4 weights, bf16 scales, ui4 zero points
  @splat_ui2           M = 1, ui2 weights, one scale value for all (a splat), ui2 zero points
"""
import sys

import numpy as np

rng = np.random.default_rng(int(sys.argv[1]))
N, K = 40, 160


def hex_literal(array):
    return '"0x' + np.ascontiguousarray(array).tobytes().hex().upper() + '"'


def codes(shape, bits, signed):
    low, high = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)
    values = rng.integers(low, high, size=shape)
    # One byte per element, the code in the low bits (two's complement for signed types).
    return (values & ((1 << bits) - 1)).astype(np.uint8)


def f32(shape):
    return rng.uniform(0.01, 0.1, size=shape).astype(np.float32)


def bf16(shape):
    return (f32(shape).view(np.uint32) >> 16).astype(np.uint16)


def e4m3(shape):
    # Positive normal values 2^-6 .. 2^-1 * (1 + m / 8): exponent codes 1..6, any mantissa.
    return (rng.integers(1, 7, size=shape) << 3 | rng.integers(0, 8, size=shape)).astype(np.uint8)


def function(name, m, k, act, weight, weight_bytes, group, scale, scale_bytes, zero=None,
             zero_bytes=None, act_scheme=False, schedule=None):
    g = (k + group - 1) // group
    zero_kind = ", zero = int" if zero else ""
    args = ["%%a: tensor<%dx%dx%s>" % (m, k, act)]
    if act_scheme:
        args.append("%%as: tensor<%dxf32>" % m)
    lines = ["func.func @%s(%s) -> tensor<%dx%dxf32> {" % (name, ", ".join(args), m, N)]
    lines.append("  %%w = arith.constant dense<%s> : tensor<%dx%dx%s>"
                 % (hex_literal(weight_bytes), N, k, weight))
    if isinstance(scale_bytes, str):
        lines.append("  %%s = arith.constant dense<%s> : tensor<%dx%dx%s>" % (scale_bytes, N, g, scale))
    else:
        lines.append("  %%s = arith.constant dense<%s> : tensor<%dx%dx%s>"
                     % (hex_literal(scale_bytes), N, g, scale))
    operands = "%a, %w scale(%s)"
    types = ["tensor<%dx%dx%s>" % (m, k, act), "tensor<%dx%dx%s>" % (N, k, weight),
             "tensor<%dx%dx%s>" % (N, g, scale)]
    if zero:
        lines.append("  %%z = arith.constant dense<%s> : tensor<%dx%dx%s>"
                     % (hex_literal(zero_bytes), N, g, zero))
        operands += " zero(%z)"
        types.append("tensor<%dx%dx%s>" % (N, g, zero))
    attributes = "weight_scheme = #lowbit.scheme<group(axis = 1, size = %d), scale = %s%s>" % (
        group, scale, zero_kind)
    if schedule:
        attributes = "schedule = #lowbit.schedule<%s>,\n          " % schedule + attributes
    if act_scheme:
        operands += " act_scale(%as)"
        types.append("tensor<%dxf32>" % m)
        attributes += ",\n          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>"
    lines.append("  %%y = lowbit.mpgemm %s\n         {%s}\n         : (%s) -> tensor<%dx%dxf32>"
                 % (operands, attributes, ", ".join(types), m, N))
    lines.append("  return %%y : tensor<%dx%dxf32>\n}\n" % (m, N))
    return "\n".join(lines)


G32, G16 = K // 32, K // 16
module = [
    function("decode_f16_si4", 1, K, "f32", "si4", codes((N, K), 4, True), 32, "f16",
             f32((N, G32)).astype(np.float16), "si4", codes((N, G32), 4, True)),
    function("decode_16_columns", 1, K, "f32", "si4", codes((N, K), 4, True), 32, "f16",
             f32((N, G32)).astype(np.float16), "si4", codes((N, G32), 4, True),
             schedule="fma, workers = 8, tile = [1, 16, 32], packing = prepacked, "
                      "scale_groups = 2"),
    function("int8_ui8", 3, K, "si8", "ui8", codes((N, K), 8, False), 32, "f32", f32((N, G32)),
             "ui8", rng.integers(100, 256, size=(N, G32)).astype(np.uint8), act_scheme=True),
    function("fp4_e4m3", 2, K, "f32", "f4E2M1FN", codes((N, K), 4, False), 16, "f8E4M3FN",
             e4m3((N, G16))),
    function("panel_bf16_ui4", 37, K, "f32", "ui4", codes((N, K), 4, False), 32, "bf16",
             bf16((N, G32)), "ui4", codes((N, G32), 4, False)),
    function("splat_ui2", 1, K, "f32", "ui2", codes((N, K), 2, False), 32, "f32", "0.125",
             "ui2", codes((N, G32), 2, False)),
]
with open(sys.argv[2], "w") as out:
    out.write("\n".join(module))
