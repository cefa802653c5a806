//===- OnnxImport.h - ONNX models as lowbit and upstream IR -------*- C++ -*-===//
//
// Reads an ONNX model (a binary `.onnx` protobuf or the `.onnxtext` syntax) and builds a module
// with one function, @main_graph: its arguments are the graph's inputs (those that are not
// initializers), its results the graph's outputs, in order. Quantized ops become lowbit ops
// (com.microsoft.MatMulNBits, DequantizeLinear of weights feeding MatMul -> lowbit.mpgemm);
// float ops become upstream linalg, tensor and arith ops. docs/onnx.md lists every op taken,
// with its domain and opset range.
//
// Anything the importer does not take (an op, an attribute value, an element type, a dynamic
// dimension, a malformed file) is an error at the model's file naming the node, op, domain and
// opset where there is one; no partial module is returned.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_IMPORT_ONNXIMPORT_H
#define LOWBIT_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/ADT/StringRef.h"

#include <string>

#include <vector>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace lowbit {

/// Whether `path` names an ONNX model by its extension (.onnx or .onnxtext).
bool isOnnxPath(llvm::StringRef path);

/// The module of the model at `path`, or null after an error has been emitted to the context's
/// diagnostic handlers. The context must have the lowbit dialect and the upstream dialects the
/// importer builds (func, arith, tensor, linalg) loaded or registered.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path, mlir::MLIRContext *context);

/// The same for a model already in memory (`bytes`: a binary protobuf, or the text syntax when
/// `text` is set); `name` is the file name diagnostics are located at. Tensors kept in external
/// files (data_location = EXTERNAL) are read from `folder`, the model's folder; with none
/// they are an error.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(llvm::StringRef bytes, bool text,
                                                  llvm::StringRef name, mlir::MLIRContext *context,
                                                  llvm::StringRef folder = "");

/// The program of a tool's input file: an ONNX model (.onnx, .onnxtext) imported, anything
/// else parsed as MLIR into `sourceMgr` (which the caller's diagnostic handler reads). Null
/// with `openError` set when the file cannot be opened; null with it empty after an error has
/// been emitted to the context's diagnostic handlers.
mlir::OwningOpRef<mlir::ModuleOp> readProgramFile(llvm::StringRef path, mlir::MLIRContext *context,
                                                  llvm::SourceMgr &sourceMgr,
                                                  std::string &openError);

/// An op the importer takes: its domain ("" for ai.onnx), type and opset versions.
struct OnnxOpSupport {
  llvm::StringRef domain, opType;
  int64_t minOpset, maxOpset;
};
/// Every op the importer takes, sorted by domain and type (docs/onnx.md describes each).
std::vector<OnnxOpSupport> getSupportedOnnxOps();

} // namespace lowbit

#endif // LOWBIT_IMPORT_ONNXIMPORT_H
