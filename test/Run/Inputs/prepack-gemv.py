"""Reorders interchange-packed ui4 weights [N, K] (a lowbit .npy: two codes per byte, K
innermost) into the words test/Run/tile-simd-gemv.mlir loads: word (nb, kt, r, w) holds the 8
codes of row nb*16 + r*8 + w for k = kt*8 .. kt*8 + 7, code k % 8 in bits [4p, 4p+4); rows and
k past the matrix are zero codes.
Usage: prepack-gemv.py N K in.npy out.npy"""
import sys

import numpy as np

n, k = int(sys.argv[1]), int(sys.argv[2])
packed = np.load(sys.argv[3])
codes = np.zeros((n, packed.shape[1] * 2), np.uint32)
codes[:, 0::2] = packed & 15
codes[:, 1::2] = packed >> 4
blocks, steps = (n + 15) // 16, (k + 7) // 8
padded = np.zeros((blocks * 16, steps * 8), np.uint32)
padded[:n, :k] = codes[:, :k]
words = np.zeros((blocks, steps, 2, 8), np.uint32)
for p in range(8):
    words |= padded.reshape(blocks, 2, 8, steps, 8)[:, :, :, :, p].transpose(0, 3, 1, 2) << (4 * p)
np.save(sys.argv[4], words.reshape(blocks * steps, 16).view(np.int32))
