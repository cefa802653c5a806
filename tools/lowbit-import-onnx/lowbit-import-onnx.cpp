//===- lowbit-import-onnx.cpp - Print an ONNX model as MLIR ---------------===//
//
//   lowbit-import-onnx model.onnx [-o model.mlir]
//   lowbit-import-onnx --list-ops            the ops it takes: domain, op, opsets
//
// Imports a model (.onnx, or the .onnxtext syntax) with lowbit/Import/OnnxImport.h and prints
// the module, which lowbit-opt and lowbit-run take. Errors name the node, op, domain and opset;
// nothing is written after one.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Import/OnnxImport.h"
#include "lowbit/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("lowbit-import-onnx options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx|model.onnxtext>"),
                                      cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                       cl::value_desc("file"), cl::init("-"), cl::cat(category));
static cl::opt<bool> listOps("list-ops",
                             cl::desc("Print the ops the importer takes, one per line: domain "
                                      "(ai.onnx for the default one), op, first and last opset"),
                             cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "lowbit-import-onnx: print an ONNX model as MLIR\n");
  if (listOps) {
    for (const lowbit::OnnxOpSupport &op : lowbit::getSupportedOnnxOps())
      llvm::outs() << (op.domain.empty() ? "ai.onnx" : op.domain) << " " << op.opType << " "
                   << op.minOpset << " " << op.maxOpset << "\n";
    return 0;
  }
  if (inputFile.empty()) {
    llvm::errs() << "lowbit-import-onnx: no model given (see --help)\n";
    return 1;
  }
  if (!lowbit::isOnnxPath(inputFile)) {
    llvm::errs() << "lowbit-import-onnx: " << inputFile
                 << ": expected a .onnx or .onnxtext model\n";
    return 1;
  }
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  lowbit::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = lowbit::importOnnxFile(inputFile, &context);
  if (!module)
    return 1;
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "lowbit-import-onnx: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
