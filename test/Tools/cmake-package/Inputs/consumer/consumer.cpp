// Uses the installed lowbit libraries: parses a lowbit function, runs it with the JIT and
// compiles it into a C library (cmake-package.test).
#include "lowbit/Execution/Arguments.h"
#include "lowbit/InitAll.h"
#include "lowbit/Target/Aot.h"
#include "lowbit/Target/Jit.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

static const char *kProgram = R"(
func.func @main(%x: tensor<2x4xf32>, %s: tensor<2xf32>) -> tensor<2x4xsi4> {
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x4xsi4>
  return %q : tensor<2x4xsi4>
}
)";

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  lowbit::registerAllDialects(registry);
  lowbit::initializeJit(registry);
  lowbit::initializeAot(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kProgram, &context);
  if (!module)
    return 1;
  llvm::Expected<lowbit::HostTensor> x =
      lowbit::parseInput(&context, "2x4xf32=0.3 -1.24 2.5 100 0.1 0.2 -0.3 0.45");
  llvm::Expected<lowbit::HostTensor> s = lowbit::parseInput(&context, "2xf32=0.5 0.1");
  if (!x || !s)
    return 1;
  auto jit = lowbit::JitFunction::compile(module->clone(), "main");
  if (!jit) {
    llvm::errs() << llvm::toString(jit.takeError()) << "\n";
    return 1;
  }
  auto results = (*jit)->run({*x, *s});
  if (!results || lowbit::printHostTensor(llvm::outs(), results->front()))
    return 1;
  if (argc > 1) {
    lowbit::AotOptions options;
    options.name = "quant";
    options.emit = lowbit::AotEmit::Obj;
    auto files = lowbit::compileLibrary(*module, "main", options, argv[1]);
    if (!files) {
      llvm::errs() << llvm::toString(files.takeError()) << "\n";
      return 1;
    }
    for (const std::string &file : *files)
      llvm::outs() << file << "\n";
  }
  return 0;
}
