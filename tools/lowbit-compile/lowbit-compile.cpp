//===- lowbit-compile.cpp - Compile a model ahead of time into a C library --===//
//
//   lowbit-compile model.onnx -o out/            out/libmodel.so, out/libmodel.a, out/model.h
//   lowbit-compile layer.mlir --function=f --name=layer --target-cpu=x86-64-v3 -o out/
//   lowbit-compile model.onnx --emit=tile -o out/      out/model.tile.mlir
//
// ONNX models (.onnx, .onnxtext) are imported first (lowbit/Import/OnnxImport.h); MLIR files
// name the function with --function (default @main, or the only function with a body).
// lowbit/Target/Aot.h does the rest: every file of the level, or none.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Import/OnnxImport.h"
#include "lowbit/InitAll.h"
#include "lowbit/Target/Aot.h"
#include "lowbit/Target/Lowering.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

using namespace mlir;
using namespace lowbit;

namespace cl = llvm::cl;

static cl::OptionCategory category("lowbit-compile options");
static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.onnx|model.onnxtext|file.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputDir("o", cl::desc("Output folder (created when missing)"),
                                      cl::value_desc("folder"), cl::Required, cl::cat(category));
static cl::opt<std::string>
    libraryName("name",
                cl::desc("Name of the library and prefix of its C functions (default: the input "
                         "file's stem, made a C identifier)"),
                cl::value_desc("name"), cl::cat(category));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("Function of an MLIR file to compile (default: @main, or the only "
                          "function with a body)"),
                 cl::value_desc("name"), cl::cat(category));
static cl::opt<std::string>
    targetCpu("target-cpu",
              cl::desc("CPU to compile for: host (default), x86-64-v3 (AVX2), x86-64-v4 "
                       "(AVX-512), aarch64, or an LLVM CPU name such as znver4"),
              cl::init("host"), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level (0-3, default 3)"),
                                  cl::Prefix, cl::init(3), cl::cat(category));
static cl::opt<AotEmit> emit(
    "emit", cl::desc("How far to compile"), cl::init(AotEmit::Lib),
    cl::values(clEnumValN(AotEmit::Mlir, "mlir", "NAME.mlir: the lowbit IR (an imported model)"),
               clEnumValN(AotEmit::Tile, "tile",
                          "NAME.tile.mlir: after lowbit-pipeline-linalg (tile kernels)"),
               clEnumValN(AotEmit::Llvm, "llvm", "NAME.ll: the optimized LLVM IR"),
               clEnumValN(AotEmit::Obj, "obj", "NAME.o and NAME.h"),
               clEnumValN(AotEmit::Lib, "lib", "libNAME.so, libNAME.a and NAME.h (default)")),
    cl::cat(category));
enum class Weights { Embed, External };
static cl::opt<Weights> weights(
    "weights", cl::desc("Where the weights go"), cl::init(Weights::Embed),
    cl::values(clEnumValN(Weights::Embed, "embed", "into the library (default)"),
               clEnumValN(Weights::External, "external",
                          "constants of 64 KiB or more into NAME.weights, mapped by the library "
                          "at its first create")),
    cl::cat(category));
static cl::opt<bool> fastPath("fast-path",
                              cl::desc("Generated tile kernels for the lowbit ops the fast path "
                                       "takes (default); false: the reference lowering"),
                              cl::init(true), cl::cat(category));
enum class Progress { Auto, Always, Never };
static cl::opt<Progress>
    progress("progress", cl::desc("Print each stage and its time to stderr"),
             cl::init(Progress::Auto),
             cl::values(clEnumValN(Progress::Auto, "auto", "when stderr is a terminal (default)"),
                        clEnumValN(Progress::Always, "always", "always"),
                        clEnumValN(Progress::Never, "never", "never")),
             cl::cat(category));

static int fail(const llvm::Twine &message) {
  std::string text = message.str();
  // Diagnostics collected from the compiler are already "file:line:col: error: ...".
  if (llvm::StringRef(text).contains(": error: "))
    llvm::errs() << text << "\n";
  else
    llvm::WithColor::error(llvm::errs(), "lowbit-compile") << text << "\n";
  return 1;
}

/// The default library name: the file's stem with every other character than [A-Za-z0-9_]
/// replaced by '_', and '_' first when it starts with a digit.
static std::string defaultName(llvm::StringRef path) {
  std::string name = llvm::sys::path::stem(path).str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (name.empty() || llvm::isDigit(name.front()))
    name = "_" + name;
  return name.substr(0, 64);
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "lowbit-compile: compile a model ahead of time into a C library\n");
  if (optLevel > 3)
    return fail("-O" + llvm::Twine(optLevel.getValue()) + ": the level must be 0 to 3");
  std::string name = libraryName.empty() ? defaultName(inputFile) : libraryName.getValue();
  if (!isLibraryName(name))
    return fail("--name=" + name +
                ": a library name must be a C identifier of at most 64 "
                "characters ([A-Za-z_][A-Za-z0-9_]*)");

  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  lowbit::registerAllDialects(registry);
  initializeAot(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  bool showProgress = progress == Progress::Always ||
                      (progress == Progress::Auto && llvm::sys::Process::StandardErrIsDisplayed());
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now(), stageStart = start;
  std::string currentStage;
  auto report = [&](llvm::StringRef next) {
    if (!showProgress)
      return;
    Clock::time_point now = Clock::now();
    if (!currentStage.empty())
      llvm::errs() << llvm::format("lowbit-compile: %-26s %7.2f s\n", currentStage.c_str(),
                                   std::chrono::duration<double>(now - stageStart).count());
    currentStage = next.str();
    stageStart = now;
  };

  report(lowbit::isOnnxPath(inputFile) ? "importing the model" : "parsing");
  std::string errorMessage;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  // ONNX models (.onnx, .onnxtext) through the importer; MLIR otherwise.
  OwningOpRef<ModuleOp> module = readProgramFile(inputFile, &context, sourceMgr, errorMessage);
  if (!module && !errorMessage.empty())
    return fail(errorMessage);
  if (!module)
    return 1;
  func::FuncOp func = findEntryFunction(*module, functionName, inputFile, errorMessage);
  if (!func)
    return fail(errorMessage);

  AotOptions options;
  options.name = name;
  options.emit = emit;
  options.externalWeights = weights == Weights::External;
  options.optLevel = optLevel;
  options.pipeline.targetCpu = targetCpu;
  options.pipeline.fastPath = fastPath;
  options.progress = report;
  llvm::Expected<std::vector<std::string>> written =
      compileLibrary(*module, func.getSymName().str(), options, outputDir);
  if (!written)
    return fail(llvm::toString(written.takeError()));
  report("");
  if (showProgress)
    llvm::errs() << llvm::format("lowbit-compile: done in %.2f s\n",
                                 std::chrono::duration<double>(Clock::now() - start).count());
  for (const std::string &path : *written)
    llvm::outs() << path << "\n";
  return 0;
}
