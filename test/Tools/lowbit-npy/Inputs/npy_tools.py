"""NumPy-only helpers for the lowbit-npy tests: pack and unpack lowbit .npy files.

  npy_tools.py unpack SRC DST                 packed file -> int64 codes or integer values
  npy_tools.py pack DST DTYPE SHAPE CODE...   codes (LSB first per row) -> packed file
SHAPE is comma-separated ("2,3", "" for rank 0). Packing is the interchange packing of
include/lowbit/Reference/Packing.h; the header carries "# lowbit: {'dtype': ..., 'shape': ...}".
"""
import ast
import re
import sys

import numpy as np

NAMED_BITS = {'f4E2M1FN': 4, 'f6E2M3FN': 6, 'f6E3M2FN': 6, 'f8E4M3FN': 8, 'f8E5M2': 8,
              'f8E8M0FNU': 8, '!lowbit.ternary': 2}


def bits_of(dtype):
    """(bits, signed integer?) of a low-bit type name."""
    m = re.fullmatch(r'(si|ui)(\d+)', dtype)
    if m:
        return int(m.group(2)), m.group(1) == 'si'
    m = re.fullmatch(r'!lowbit\.float<e(\d+)m(\d+).*>', dtype)
    if m:
        return 1 + int(m.group(1)) + int(m.group(2)), False
    return NAMED_BITS[dtype], False


def read_comment(path):
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x93NUMPY\x01\x00', data[:8]
    n = int.from_bytes(data[8:10], 'little')
    header = data[10:10 + n].decode('latin1')
    assert (10 + n) % 64 == 0 and header.endswith('\n'), header
    _, sep, comment = header.partition('# lowbit:')
    assert sep, header
    return ast.literal_eval(comment.strip())


def unpack(src, dst):
    meta = read_comment(src)
    shape = tuple(meta['shape'])
    bits, signed = bits_of(meta['dtype'])
    k = shape[-1] if shape else 1
    rows = shape[:-1]
    packed = np.load(src)
    assert packed.dtype == np.uint8, packed.dtype
    assert packed.shape == rows + ((k * bits + 7) // 8,), (packed.shape, shape)
    b = np.unpackbits(packed, axis=-1, bitorder='little')
    assert not b[..., k * bits:].any(), 'padding bits must be zero'
    b = b[..., :k * bits].reshape(rows + (k, bits)).astype(np.int64)
    v = (b << np.arange(bits)).sum(-1)
    if signed:
        v = np.where(v >= 1 << (bits - 1), v - (1 << bits), v)
    np.save(dst, v.reshape(shape))


def pack(dst, dtype, shape_text, codes):
    shape = tuple(int(d) for d in shape_text.split(',') if d)
    bits, _ = bits_of(dtype)
    k = shape[-1] if shape else 1
    c = np.array(codes, dtype=np.int64).reshape(shape[:-1] + (k,))
    b = ((c[..., None] >> np.arange(bits)) & 1).astype(np.uint8).reshape(shape[:-1] + (k * bits,))
    packed = np.packbits(b, axis=-1, bitorder='little')
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': %r, } # lowbit: " \
             "{'dtype': '%s', 'shape': %r}" % (packed.shape, dtype, shape)
    header += ' ' * (-(10 + len(header) + 1) % 64) + '\n'
    with open(dst, 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + len(header).to_bytes(2, 'little') + header.encode())
        f.write(packed.tobytes())


if __name__ == '__main__':
    if sys.argv[1] == 'unpack':
        unpack(sys.argv[2], sys.argv[3])
    else:
        pack(sys.argv[2], sys.argv[3], sys.argv[4], [int(x, 0) for x in sys.argv[5:]])
