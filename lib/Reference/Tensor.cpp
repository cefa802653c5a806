//===- Tensor.cpp - Row-major host tensors for the scalar reference -------===//

#include "lowbit/Reference/Tensor.h"

#include <cassert>
#include <cstddef>

namespace lowbit::ref {

int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t extent : shape) {
    assert(extent >= 0 && "negative extent");
    n *= extent;
  }
  return n;
}

Shape stridesOf(const Shape &shape) {
  Shape strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

} // namespace lowbit::ref
