//===- ReferenceAdapters.h - HostTensors and schemes for lib/Reference -*- C++ -*-===//
//
// Private to lib/Execution: the glue between the IR world (HostTensor, #lowbit.scheme) and the
// scalar reference library (ref::FloatTensor, ref::CodeTensor, ref::QuantScheme/QuantParams).
// Every op of the reference engine goes through these helpers, so that each conversion exists
// once. Errors carry no location; the interpreter prefixes the op's.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_EXECUTION_REFERENCEADAPTERS_H
#define LOWBIT_LIB_EXECUTION_REFERENCEADAPTERS_H

#include "lowbit/LowbitDialect.h"
#include "lowbit/Reference/Quant.h"
#include "lowbit/Support/HostTensor.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace lowbit::exec {

/// A plain string error.
llvm::Error makeError(const llvm::Twine &message);

/// NumPy-style text of a shape, e.g. "(4, 7)".
std::string shapeText(llvm::ArrayRef<int64_t> shape);

/// The operands of a quantized tensor besides its codes; null when the op has none.
struct QuantOperands {
  const HostTensor *scale = nullptr;
  const HostTensor *zero = nullptr;
  const HostTensor *tensorScale = nullptr;
  const HostTensor *codebook = nullptr;
};

/// What lib/Reference needs to quantize or dequantize one tensor.
struct RefQuantization {
  ref::QuantScheme scheme;
  ref::QuantParams params;
};

/// Translates `scheme` and its operands for a quantized tensor of `storageType` elements and
/// shape `shape`: scales and float zero points decoded from their element types, integer zero
/// points as their integer values, tensor_scale as one float, the codebook from the scheme (nf4,
/// inline) or the codebook operand. Fails when an operand is missing or extra, or its shape does
/// not fit (the reference library would otherwise assert).
llvm::Expected<RefQuantization> adaptQuantization(SchemeAttr scheme, mlir::Type storageType,
                                                  const ref::Shape &shape,
                                                  const QuantOperands &operands);

/// Logical values of a tensor of any host element type, as f32.
llvm::Expected<ref::FloatTensor> decodeTensor(const HostTensor &tensor);

/// Encodes real values as a tensor of `elementType` (round to nearest even).
llvm::Expected<HostTensor> encodeTensor(mlir::Type elementType, const ref::FloatTensor &values);

/// ref::dequantize of a low-bit tensor with `scheme`.
llvm::Expected<ref::FloatTensor> dequantizeTensor(const HostTensor &codes, SchemeAttr scheme,
                                                  const QuantOperands &operands);

/// dequantizeTensor when `scheme` is given, otherwise decodeTensor (which then must have no
/// quantization operands).
llvm::Expected<ref::FloatTensor> realValuesOf(const HostTensor &tensor, SchemeAttr scheme,
                                              const QuantOperands &operands);

/// ref::quantize of real values `x` to `resultElementType` (codebook indices with a codebook).
llvm::Expected<HostTensor> quantizeTensor(const HostTensor &x, mlir::Type resultElementType,
                                          SchemeAttr scheme, const QuantOperands &operands);

/// The value of a dense integer or float constant of a host element type (sub-byte integers
/// and f4/f6/f8 floats included), read as raw bits.
llvm::Expected<HostTensor> constantTensor(mlir::DenseElementsAttr attr);

} // namespace lowbit::exec

#endif // LOWBIT_LIB_EXECUTION_REFERENCEADAPTERS_H
