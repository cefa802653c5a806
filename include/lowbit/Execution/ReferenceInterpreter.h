//===- ReferenceInterpreter.h - Run lowbit IR on the scalar reference -*- C++ -*-===//
//
// Executes a function op by op with lib/Reference: the oracle engine of lowbit-run
// (`--engine=reference`). Supported ops: every lowbit op, arith.constant with dense elements,
// tensor.empty, func.return. Anything else is an error naming the op and its location.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_EXECUTION_REFERENCEINTERPRETER_H
#define LOWBIT_EXECUTION_REFERENCEINTERPRETER_H

#include "lowbit/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace lowbit {

/// Runs `func` on `inputs` (one per argument, already checked against the argument types:
/// logical element type and shape equal) and returns one tensor per result, with the results'
/// logical types. Failures (an unsupported op, a NaN where an index is needed, ...) are errors
/// whose text starts with the op's location.
llvm::Expected<std::vector<HostTensor>> runReference(mlir::func::FuncOp func,
                                                     llvm::ArrayRef<HostTensor> inputs);

} // namespace lowbit

#endif // LOWBIT_EXECUTION_REFERENCEINTERPRETER_H
