//===- Tensor.h - Row-major host tensors for the scalar reference -*- C++ -*-===//
#ifndef LOWBIT_REFERENCE_TENSOR_H
#define LOWBIT_REFERENCE_TENSOR_H

#include <cstdint>
#include <vector>

namespace lowbit::ref {

using Shape = std::vector<int64_t>;

/// Number of elements of a shape (1 for rank 0).
int64_t numElements(const Shape &shape);
/// Row-major strides of a shape.
Shape stridesOf(const Shape &shape);

/// A dense row-major tensor of real numbers (the logical values).
struct FloatTensor {
  Shape shape;
  std::vector<float> data;
};

/// A dense row-major tensor of element codes (bit patterns in the low bits), one per element.
struct CodeTensor {
  Shape shape;
  std::vector<uint32_t> codes;
};

} // namespace lowbit::ref

#endif // LOWBIT_REFERENCE_TENSOR_H
