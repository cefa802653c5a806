//===- RandomTensor.h - Reproducible random host tensors ---------*- C++ -*-===//
//
// Random tensors of any element type, the same for a given seed on every machine
// (std::mt19937_64 is specified bit for bit; the mappings to values are written here):
//   - f16/bf16/f32/f64: uniform in [min, max] (default [-1, 1]), rounded to the type;
//   - integers: uniform over the type's values within [min, max] (default: all of them);
//   - low-bit floats and ternary: a uniformly random code among those of finite values in
//     [min, max] (NaN and infinity codes too with allowNaN); reserved codes never.
// lowbit-npy random and lowbit-bench use it.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_SUPPORT_RANDOMTENSOR_H
#define LOWBIT_SUPPORT_RANDOMTENSOR_H

#include "lowbit/Support/HostTensor.h"

#include <optional>

namespace lowbit {

struct RandomTensorOptions {
  uint64_t seed = 0;
  std::optional<double> min, max;
  bool allowNaN = false;
};

/// A random tensor of `elementType` and `shape`; fails on an empty [min, max], allowNaN for a
/// type that is not a low-bit float, or an element type host tensors cannot hold.
llvm::Expected<HostTensor> randomTensor(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                                        const RandomTensorOptions &options);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_RANDOMTENSOR_H
