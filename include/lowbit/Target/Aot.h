//===- Aot.h - Compile a function ahead of time into a C library -------*- C++ -*-===//
//
// compileLibrary lowers one function of a module with lowbit-pipeline-llvm for a target CPU,
// links the C API of lib/Runtime/AotLibrary.c around it and writes, into a folder, all of the
// files of the requested level or none of them:
//
//   mlir   NAME.mlir        the module as given (an imported ONNX model's lowbit IR)
//   tile   NAME.tile.mlir   after lowbit-pipeline-linalg: tile kernels, prepack entry points
//   llvm   NAME.ll          the optimized LLVM IR of the library (model and C API)
//   obj    NAME.o, NAME.h   one relocatable object (PIC) and its C header
//   lib    libNAME.so, libNAME.a, NAME.h
// and, at the last three with externalWeights, NAME.weights.
//
// Every symbol of the library but the NAME_* functions of the header is internal, so that
// several libraries link into one program. docs/aot.md describes the C API.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_AOT_H
#define LOWBIT_TARGET_AOT_H

#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace lowbit {

enum class AotEmit { Mlir, Tile, Llvm, Obj, Lib };

struct AotOptions {
  /// The lowering; pipeline.targetCpu is "host", an LLVM CPU name (x86-64-v3, znver4, ...) or
  /// "aarch64" (a generic AArch64 CPU with NEON), pipeline.targetTriple empty for the CPU's
  /// default.
  PipelineOptions pipeline;
  /// LLVM optimization level (0-3).
  unsigned optLevel = 3;
  /// The C identifier the library's functions start with.
  std::string name;
  AotEmit emit = AotEmit::Lib;
  /// Constants of at least 64 KiB (the weights, prepacked) go into NAME.weights, which the
  /// library maps at its first create, instead of into the library's read-only data.
  bool externalWeights = false;
  /// Called as each stage starts ("lowering to tile kernels", "generating code", ...).
  std::function<void(llvm::StringRef stage)> progress;
};

/// Compiles @`function` of `module` (lowered in place) into `directory` (created when
/// missing). Returns the paths of the files written; on an error nothing was written and a
/// directory this call created is removed.
llvm::Expected<std::vector<std::string>> compileLibrary(mlir::ModuleOp module,
                                                        llvm::StringRef function,
                                                        const AotOptions &options,
                                                        llvm::StringRef directory);

/// Whether `name` can start the library's C identifiers ([A-Za-z_][A-Za-z0-9_]*, not too
/// long).
bool isLibraryName(llvm::StringRef name);

/// Registers the LLVM translations and every target lowbit can compile for.
void initializeAot(mlir::DialectRegistry &registry);

} // namespace lowbit

#endif // LOWBIT_TARGET_AOT_H
