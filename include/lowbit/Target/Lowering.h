//===- Lowering.h - Lower chosen functions of a module for the CPU ------*- C++ -*-===//
//
// What the JIT (Jit.h) and the ahead-of-time compiler (Aot.h) share: pick the function a tool
// runs, read the signatures callers see, and lower the module to the LLVM dialect with
// lowbit-pipeline-llvm (its two halves apart, to read the signatures of the generated prepack
// entry points between them).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_LOWERING_H
#define LOWBIT_TARGET_LOWERING_H

#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace lowbit {

/// The function a tool runs or compiles: `requested` when given, else @main, else the only
/// function with a body. Null with `error` set (naming `source` and listing the functions)
/// otherwise.
mlir::func::FuncOp findEntryFunction(mlir::ModuleOp module, llvm::StringRef requested,
                                     llvm::StringRef source, std::string &error);

/// A function as its callers see it once lowered.
struct LoweredFunction {
  std::string name;
  /// What each argument takes (as written, except that arguments marked lowbit.prepack take
  /// what the prepack entry point returns for them) and each result is.
  std::vector<mlir::Type> argumentTypes, resultTypes;
  /// The `onnx.name` of each argument and result, else "arg<i>" / "result<i>".
  std::vector<std::string> argumentNames, resultNames;
  /// The arguments marked lowbit.prepack. When there are any, @<name>_prepack takes them as
  /// written (prepackArgumentTypes) and returns what this function takes in their place
  /// (prepackResultTypes).
  std::vector<unsigned> prepackedArguments;
  std::vector<mlir::Type> prepackArgumentTypes, prepackResultTypes;

  std::string prepackName() const { return name + "_prepack"; }
};

/// The two halves of lowerFunctionsToLLVM: lowbit-pipeline-linalg (tile kernels, prepack
/// entry points), then the rest of lowbit-pipeline-llvm.
llvm::Expected<std::vector<LoweredFunction>>
lowerFunctionsToLinalg(mlir::ModuleOp module, llvm::ArrayRef<llvm::StringRef> names,
                       const PipelineOptions &options);
llvm::Error lowerLinalgToLLVM(mlir::ModuleOp module, llvm::ArrayRef<LoweredFunction> functions,
                              const PipelineOptions &options);

/// Lowers `module` in place to the LLVM dialect for `names` (and what they call or launch;
/// every other function is erased first, so that a sibling the pipeline cannot lower does
/// not stop them). Every argument and result must be a statically shaped tensor of a type
/// host tensors hold, or a scalar integer/float argument; after lowering, every result is an
/// out-parameter. Errors carry the locations of the pipeline's diagnostics.
llvm::Expected<std::vector<LoweredFunction>>
lowerFunctionsToLLVM(mlir::ModuleOp module, llvm::ArrayRef<llvm::StringRef> names,
                     const PipelineOptions &options);

/// "file:line:col" of a location (its printed form when it has no file).
std::string locationText(mlir::Location loc);

} // namespace lowbit

#endif // LOWBIT_TARGET_LOWERING_H
