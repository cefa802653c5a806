//===- LowbitDialect.h - The lowbit dialect -----------------------*- C++ -*-===//
//
// Include this one header to use the lowbit dialect: dialect, types, attributes and ops, plus
// the predicates that say which element types lowbit accepts where.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBITDIALECT_H
#define LOWBIT_DIALECT_LOWBITDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lowbit/LowbitDialect.h.inc"
#include "lowbit/LowbitEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "lowbit/LowbitTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/LowbitAttrs.h.inc"

#define GET_OP_CLASSES
#include "lowbit/LowbitOps.h.inc"

namespace lowbit {

/// Low-bit storage element types: `si1`..`si8`, `ui1`..`ui8`, `f4E2M1FN`, `f6E2M3FN`,
/// `f6E3M2FN`, `f8E4M3FN`, `f8E5M2`, `f8E8M0FNU`, `!lowbit.float<...>`, `!lowbit.ternary`.
bool isLowbitElementType(mlir::Type type);

/// Bit width of a low-bit storage element type; 0 for anything else.
unsigned getLowbitWidth(mlir::Type type);

/// f32, f16 or bf16: the types of real-valued tensors (activations, results, biases).
bool isRealElementType(mlir::Type type);

/// f32, f16, bf16, f8E8M0FNU, f8E4M3FN: the types a scale can have.
bool isScaleElementType(mlir::Type type);

/// Why a type is not a low-bit storage type, for diagnostics (e.g. signless integers are
/// ambiguous). Empty when it is one.
std::string explainNotLowbit(mlir::Type type);

/// The 16 values of the NF4 codebook (QLoRA), for codes 0..15.
llvm::ArrayRef<float> getNF4Codebook();

} // namespace lowbit

#endif // LOWBIT_DIALECT_LOWBITDIALECT_H
