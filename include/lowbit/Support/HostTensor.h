//===- HostTensor.h - Tensors in host memory, as tools exchange them -*- C++ -*-===//
//
// A HostTensor is what lowbit-run reads and writes and what lowbit-npy generates and compares:
// a logical element type (an MLIR type, e.g. f32, ui4, f8E4M3FN, !lowbit.float<e3m4>), a logical
// shape, and the storage bytes:
//   - 1..8-bit low-bit types (lowbit::isLowbitElementType): interchange packing (Packing.h in
//     lib/Reference): rows of the innermost axis packed LSB first, padded to whole bytes;
//   - everything else (f32, f64, f16, bf16, i1, integers of 8..64 bits): native little-endian,
//     row-major, one element after the other (i1 takes one byte, 0 or 1).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_SUPPORT_HOSTTENSOR_H
#define LOWBIT_SUPPORT_HOSTTENSOR_H

#include "lowbit/Reference/Formats.h"

#include "mlir/IR/Types.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit {

struct HostTensor {
  mlir::Type elementType;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  int64_t numElements() const;
};

/// Bytes of storage for `shape` of `elementType` (packed for low-bit types). Fails for element
/// types that host tensors cannot hold (index, complex, vectors, ...).
llvm::Expected<int64_t> storageSize(mlir::Type elementType, llvm::ArrayRef<int64_t> shape);

/// The reference format of a scalar element type: integers of 1..64 bits (signless counts as
/// signed, i1 as unsigned), every lowbit element type, f16, bf16, f32. (f64 has no
/// ElementFormat: use the value helpers below.)
llvm::Expected<ref::ElementFormat> getReferenceFormat(mlir::Type elementType);

/// Logical values of every element, in row-major order (integers as their values, floats as
/// their values, NaN as NaN).
llvm::Expected<std::vector<double>> decodeValues(const HostTensor &tensor);

/// Encodes values (round to nearest even; saturating for low-bit types, IEEE overflow for
/// f16/bf16/f32/f64; integers must be in range or the call fails naming the first bad element).
llvm::Expected<HostTensor> encodeValues(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                                        llvm::ArrayRef<double> values);

/// Codes of every element of a low-bit tensor (unpacked), and the inverse.
std::vector<uint32_t> unpackCodes(const HostTensor &tensor);
HostTensor packCodes(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                     llvm::ArrayRef<uint32_t> codes);

/// Parses the text of an element type ("ui4", "f8E4M3FN", "!lowbit.float<e3m4>", ...), loading
/// the lowbit dialect into `context`; the error quotes the text and carries the parser's message.
llvm::Expected<mlir::Type> parseTypeText(mlir::MLIRContext *context, llvm::StringRef text);

/// The text of a type as MLIR prints it ("tensor<4x7xui4>", "f8E4M3FN").
std::string typeToString(mlir::Type type);

/// A shape as NumPy prints it: "(4, 7)", "(4,)", "()".
std::string formatNumpyShape(llvm::ArrayRef<int64_t> shape);

/// The text of an element's value: for f16, bf16 and f32 the shortest text that reads back to
/// the same element ("0.1" for the f32 nearest 0.1), for other types the shortest exact text
/// ("0.0078125" for f8E8M0FNU 2^-7); integral values below 1e16 in full; NaN and infinities as
/// "nan", "inf", "-inf".
std::string formatElementValue(mlir::Type elementType, double value);

/// formatElementValue of every element, in row-major order; exact for 64-bit integers too.
llvm::Expected<std::vector<std::string>> formatValues(const HostTensor &tensor);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_HOSTTENSOR_H
