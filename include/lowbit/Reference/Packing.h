//===- Packing.h - Interchange packing of sub-byte tensors --------*- C++ -*-===//
//
// Interchange packing (what users hand in; ONNX's int4 order within a byte, but with every row
// padded to whole bytes, so tensors with an odd innermost extent differ from ONNX's flat
// packing and importers repack them): the innermost axis of a tensor
// of b-bit codes is laid out little-endian, least-significant bits first, element k of a row
// occupying bits [k*b, (k+1)*b) of the row's byte string; each row is padded with zero bits to a
// whole number of bytes, so a [.., K] tensor packs to [.., ceil(K*b/8)] bytes. b = 8 is the
// identity; b in 9..32 is little-endian whole bytes when b is a multiple of 8.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_REFERENCE_PACKING_H
#define LOWBIT_REFERENCE_PACKING_H

#include "lowbit/Reference/Tensor.h"

#include <cstdint>
#include <vector>

namespace lowbit::ref {

/// Packed shape of a logical shape: the innermost extent K becomes ceil(K*bits/8).
/// Rank-0 tensors pack to one element of ceil(bits/8) bytes, shape [ceil(bits/8)].
Shape packedShape(const Shape &logicalShape, unsigned bits);

/// Packs codes (only the low `bits` bits of each are used).
std::vector<uint8_t> pack(const CodeTensor &codes, unsigned bits);

/// Unpacks; `bytes` must hold numElements(packedShape(shape, bits)) bytes. Padding bits are ignored.
CodeTensor unpack(const std::vector<uint8_t> &bytes, const Shape &logicalShape, unsigned bits);

} // namespace lowbit::ref

#endif // LOWBIT_REFERENCE_PACKING_H
