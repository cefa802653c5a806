//===- Npy.h - NumPy .npy files of every lowbit element type ------*- C++ -*-===//
//
// Plain dtypes use NumPy's own descriptors ('<f4' f32, '<f8' f64, '<f2' f16, '|b1' i1, '|i1' si8,
// '|u1' ui8, '<i2'/'<i4'/'<i8', '<u2'/'<u4'/'<u8'). Types NumPy lacks are stored as bytes that
// NumPy can still load, with the logical type and shape in a trailing comment of the header
// dictionary (NumPy ignores it):
//   {'descr': '|u1', 'fortran_order': False, 'shape': (4, 4), } # lowbit: {'dtype': 'ui4', 'shape': (4, 7)}
//   - 1..8-bit low-bit types: '|u1', shape = the packed shape (interchange packing);
//   - bf16: '<u2' with the bit patterns.
// On reading, a comment, when present, must agree with descr and shape. Files written by
// ml_dtypes ('<V2' bf16, '|V1' fp8) are read when a comment names the type.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_SUPPORT_NPY_H
#define LOWBIT_SUPPORT_NPY_H

#include "lowbit/Support/HostTensor.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"

namespace lowbit {

/// Parses .npy bytes. `name` (a path) prefixes every error: "<name>: header: ...".
/// The context parses dtype names in comments (it needs the lowbit dialect loaded).
llvm::Expected<HostTensor> parseNpy(mlir::MLIRContext *context, llvm::StringRef name,
                                    llvm::StringRef contents);
/// Reads and parses a file.
llvm::Expected<HostTensor> readNpyFile(mlir::MLIRContext *context, llvm::StringRef path);

/// The .npy bytes of a tensor.
std::string serializeNpy(const HostTensor &tensor);
/// Writes `path` atomically: a temporary file in the same directory, renamed into place, so a
/// failure never leaves a partial file.
llvm::Error writeNpyFile(llvm::StringRef path, const HostTensor &tensor);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_NPY_H
