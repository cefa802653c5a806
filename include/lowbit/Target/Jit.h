//===- Jit.h - Compile a lowbit function for the host CPU and call it -*- C++ -*-===//
//
// JitFunction lowers a module with lowbit-pipeline-llvm, JIT-compiles it for the host CPU
// (mlir::ExecutionEngine, LLVM -O3, host features) and calls one function with host tensors.
//
// Calling convention of compiled functions (what the pipeline produces):
//   - each tensor argument is a memref (allocated ptr, aligned ptr, offset, sizes, strides);
//     low-bit tensors arrive as their interchange-packed i8 bytes;
//   - each tensor result is an extra trailing memref argument that the caller allocates and the
//     callee fills (bufferization's results-to-out-params);
//   - scalar arguments (integers, f16/bf16/f32/f64) are passed by value;
//   - arguments marked `lowbit.prepack` take what the generated `@<name>_prepack` returns
//     for them (getPrepack): weights re-laid-out once for the kernels, or their interchange
//     bytes unchanged when no kernel reads them prepacked.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_JIT_H
#define LOWBIT_TARGET_JIT_H

#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Support/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace lowbit {

struct JitOptions {
  PipelineOptions pipeline;
  /// LLVM optimization level for the generated code (0-3).
  unsigned optLevel = 3;
};

class JitFunction {
public:
  /// Compiles `module` (lowered in place) and looks up `name`. The function's signature is read
  /// before lowering; every argument and result must be a statically shaped tensor of a type
  /// host tensors can hold, or a scalar integer/float argument. Errors carry the location of the
  /// offending argument or the pipeline's diagnostics.
  static llvm::Expected<std::unique_ptr<JitFunction>>
  compile(mlir::ModuleOp module, llvm::StringRef name, const JitOptions &options = {});
  /// Compiles `module` once and looks up every function of `names` (in that order); the
  /// functions share the compiled code.
  static llvm::Expected<std::vector<std::unique_ptr<JitFunction>>>
  compileAll(mlir::ModuleOp module, llvm::ArrayRef<llvm::StringRef> names,
             const JitOptions &options = {});

  ~JitFunction();

  /// Calls the function. `inputs` must match the argument types (logical element type and
  /// shape); returns one tensor per result.
  llvm::Expected<std::vector<HostTensor>> run(llvm::ArrayRef<HostTensor> inputs);

  /// Calls the function on caller-owned storage, without copies: argumentData[i] points to the
  /// bytes of tensor argument i (interchange-packed for low-bit tensors, as HostTensor holds
  /// them) or to the value of scalar argument i; resultData[j] to the storage result j is
  /// written to. Every buffer must have its type's size.
  llvm::Error call(llvm::ArrayRef<void *> argumentData, llvm::ArrayRef<void *> resultData);

  /// The types the function takes: as written, except that arguments marked lowbit.prepack
  /// take the result types of getPrepack().
  llvm::ArrayRef<mlir::Type> getArgumentTypes() const { return argumentTypes; }
  llvm::ArrayRef<mlir::Type> getResultTypes() const { return resultTypes; }

  /// The generated entry point that prepacks the arguments marked lowbit.prepack (null when
  /// there are none): it takes those arguments, as written and in order, and returns what this
  /// function takes in their place.
  JitFunction *getPrepack() const { return prepack.get(); }
  /// The indices of the arguments marked lowbit.prepack.
  llvm::ArrayRef<unsigned> getPrepackedArguments() const { return prepackedArguments; }

private:
  JitFunction() = default;
  std::unique_ptr<JitFunction> prepack;
  std::vector<unsigned> prepackedArguments;
  std::shared_ptr<mlir::ExecutionEngine> engine;
  /// The function's packed entry, looked up once (a lookup per call costs microseconds).
  void (*packed)(void **) = nullptr;
  std::string name;
  std::vector<mlir::Type> argumentTypes, resultTypes;
};

/// Registers the LLVM translations and the native target once per process.
void initializeJit(mlir::DialectRegistry &registry);

} // namespace lowbit

#endif // LOWBIT_TARGET_JIT_H
