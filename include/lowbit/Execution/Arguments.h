//===- Arguments.h - Inputs and outputs of lowbit-run -------------*- C++ -*-===//
//
// Inputs are given as iree-run-module does:
//   @path.npy                 a NumPy file (any lowbit element type, see Support/Npy.h)
//   4x7xui4=1 2 3 ...         a literal: shape x element type, '=', the logical values
//                             separated by spaces or commas ('4x7xui4=[1, 2, ...]' too)
//   f32=0.5                   a scalar or rank-0 tensor
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_EXECUTION_ARGUMENTS_H
#define LOWBIT_EXECUTION_ARGUMENTS_H

#include "lowbit/Support/HostTensor.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace lowbit {

/// Reads one --input value.
llvm::Expected<HostTensor> parseInput(mlir::MLIRContext *context, llvm::StringRef spec);

/// Makes `tensor` fit an argument of type `type`:
///   - same element type and shape: as it is;
///   - a signless integer argument (i8, i32) accepts si/ui tensors of the same width;
///   - a sub-byte integer argument (ui4, si3, ...) accepts a wider integer tensor (NumPy's
///     uint8/int8 too) of the logical shape holding one value per element (range-checked),
///     which is packed;
///   - a scalar argument accepts any one-element tensor.
/// Otherwise the error says what was expected and what was given.
llvm::Expected<HostTensor> bindArgument(mlir::Type type, HostTensor tensor);

/// The type of a host tensor as MLIR writes it: "tensor<4x7xui4>".
std::string describeTensor(const HostTensor &tensor);

/// Prints "tensor<2x3xf32>" and the logical values, nested by rows as NumPy prints them.
llvm::Error printHostTensor(llvm::raw_ostream &os, const HostTensor &tensor);

} // namespace lowbit

#endif // LOWBIT_EXECUTION_ARGUMENTS_H
