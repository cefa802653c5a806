//===- Passes.h - lowbit transformation passes --------------------*- C++ -*-===//
#ifndef LOWBIT_TRANSFORMS_PASSES_H
#define LOWBIT_TRANSFORMS_PASSES_H

#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lowbit {

#define GEN_PASS_DECL
#include "lowbit/Transforms/Passes.h.inc"

/// The type a low-bit tensor has at a function boundary: i8 bytes of its interchange packing.
/// Other types are returned unchanged.
mlir::Type getInterchangeType(mlir::Type type);

#define GEN_PASS_REGISTRATION
#include "lowbit/Transforms/Passes.h.inc"

} // namespace lowbit

#endif // LOWBIT_TRANSFORMS_PASSES_H
