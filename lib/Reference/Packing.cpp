//===- Packing.cpp - Interchange packing of sub-byte tensors --------------===//
//
// Every row is a little-endian bit string: bit j of the row is bit (j % 8) of byte j / 8, and
// element k occupies bits [k*b, (k+1)*b). The same loop serves every width in 1..32; for b = 8
// it is the identity and for b = 16, 32 it is little-endian whole bytes.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/Packing.h"

#include <cassert>
#include <cstddef>

namespace lowbit::ref {

namespace {

int64_t packedRowBytes(int64_t k, unsigned bits) { return (k * int64_t(bits) + 7) / 8; }

/// Rows and row length of a logical shape; rank 0 is one row of one element.
void rowsOf(const Shape &shape, int64_t &rows, int64_t &k) {
  if (shape.empty()) {
    rows = 1;
    k = 1;
    return;
  }
  k = shape.back();
  rows = numElements(Shape(shape.begin(), shape.end() - 1));
}

} // namespace

Shape packedShape(const Shape &logicalShape, unsigned bits) {
  assert(bits >= 1 && bits <= 32 && "bit width must be in 1..32");
  if (logicalShape.empty())
    return {packedRowBytes(1, bits)};
  Shape packed = logicalShape;
  packed.back() = packedRowBytes(logicalShape.back(), bits);
  return packed;
}

std::vector<uint8_t> pack(const CodeTensor &codes, unsigned bits) {
  assert(bits >= 1 && bits <= 32 && "bit width must be in 1..32");
  assert(int64_t(codes.codes.size()) == numElements(codes.shape) && "codes do not match shape");
  int64_t rows, k;
  rowsOf(codes.shape, rows, k);
  int64_t rowBytes = packedRowBytes(k, bits);
  std::vector<uint8_t> bytes(size_t(rows * rowBytes), 0);
  for (int64_t r = 0; r < rows; ++r) {
    uint8_t *row = bytes.data() + r * rowBytes;
    for (int64_t e = 0; e < k; ++e) {
      uint32_t code = codes.codes[size_t(r * k + e)];
      for (unsigned i = 0; i < bits; ++i) {
        int64_t bit = e * bits + i;
        row[bit / 8] |= uint8_t(((code >> i) & 1u) << (bit % 8));
      }
    }
  }
  return bytes;
}

CodeTensor unpack(const std::vector<uint8_t> &bytes, const Shape &logicalShape, unsigned bits) {
  assert(bits >= 1 && bits <= 32 && "bit width must be in 1..32");
  assert(int64_t(bytes.size()) == numElements(packedShape(logicalShape, bits)) &&
         "packed buffer does not match the logical shape");
  int64_t rows, k;
  rowsOf(logicalShape, rows, k);
  int64_t rowBytes = packedRowBytes(k, bits);
  CodeTensor result;
  result.shape = logicalShape;
  result.codes.assign(size_t(rows * k), 0);
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t *row = bytes.data() + r * rowBytes;
    for (int64_t e = 0; e < k; ++e) {
      uint32_t code = 0;
      for (unsigned i = 0; i < bits; ++i) {
        int64_t bit = e * bits + i;
        code |= uint32_t((row[bit / 8] >> (bit % 8)) & 1u) << i;
      }
      result.codes[size_t(r * k + e)] = code;
    }
  }
  return result;
}

} // namespace lowbit::ref
