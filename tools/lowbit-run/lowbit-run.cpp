//===- lowbit-run.cpp - Compile an MLIR function and run it on host tensors --===//
//
//   lowbit-run model.mlir --function=f --input=@a.npy --input="4xf32=1 2 3 4" --output=@y.npy
//   lowbit-run model.onnx --input=@x.npy --output=@y.npy
//
// ONNX models (.onnx, .onnxtext) are imported first (lowbit/Import/OnnxImport.h): inputs in the
// graph's input order, outputs in its output order.
// Inputs are .npy files or literals (see lowbit/Execution/Arguments.h); outputs are printed ("-",
// the default) or written as .npy files, all or none, after every result was computed.
// --engine=jit compiles through lowbit-pipeline-llvm for this CPU (the fast path: generated
// tile kernels for the ops it takes; --fast-path=false for the reference lowering of every op);
// --engine=reference interprets the function with the scalar reference library. Arguments
// marked lowbit.prepack are passed through the generated @<function>_prepack once, before the
// runs.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Execution/Arguments.h"
#include "lowbit/Execution/ReferenceInterpreter.h"
#include "lowbit/Import/OnnxImport.h"
#include "lowbit/InitAll.h"
#include "lowbit/Support/Npy.h"
#include "lowbit/Target/Jit.h"
#include "lowbit/Target/Lowering.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
using namespace lowbit;

namespace cl = llvm::cl;

static cl::OptionCategory runCategory("lowbit-run options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"), cl::Required,
                                      cl::cat(runCategory));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("Function to run (default: @main, or the only function with a body)"),
                 cl::value_desc("name"), cl::cat(runCategory));
static cl::list<std::string> inputs("input",
                                    cl::desc("An argument: @file.npy, or SHAPExTYPE=VALUES such as "
                                             "--input=\"2x3xf32=1 2 3 4 5 6\" or --input=f32=0.5"),
                                    cl::value_desc("spec"), cl::cat(runCategory));
static cl::list<std::string> outputs("output",
                                     cl::desc("Where result #i goes: @file.npy, or - to print it "
                                              "(default: print every result)"),
                                     cl::value_desc("@file.npy|-"), cl::cat(runCategory));
enum class Engine { Jit, Reference };
static cl::opt<Engine> engineChoice(
    "engine", cl::desc("How to execute"), cl::init(Engine::Jit),
    cl::values(clEnumValN(Engine::Jit, "jit", "compile for this CPU (lowbit-pipeline-llvm)"),
               clEnumValN(Engine::Reference, "reference",
                          "interpret with the scalar reference (lib/Reference)")),
    cl::cat(runCategory));
static cl::opt<unsigned> repeat("repeat",
                                cl::desc("Run this many times and report the median time "
                                         "(with --time)"),
                                cl::init(1), cl::cat(runCategory));
static cl::opt<bool> printTime("time", cl::desc("Print compile and run times to stderr"),
                               cl::cat(runCategory));
static cl::opt<bool> fastPath(
    "fast-path",
    cl::desc("Compile the lowbit ops the fast path takes to generated tile kernels (vector code "
             "on all cores); --fast-path=false uses the reference lowering for every op"),
    cl::init(true), cl::cat(runCategory));
static cl::opt<std::string>
    simd("simd",
         cl::desc("How tile kernels are lowered: auto (vector code where the kernel allows, SIMT "
                  "emulation otherwise), never (always emulate), always"),
         cl::init("auto"), cl::cat(runCategory));
static cl::opt<unsigned> threadWorkUs(
    "thread-work-us",
    cl::desc("Estimated one-core microseconds of a call per thread it gets (default 20); 0 runs "
             "every call on all threads"),
    cl::init(20), cl::cat(runCategory));
static cl::opt<unsigned> optLevel("opt-level",
                                  cl::desc("LLVM optimization level of the JIT code (0-3)"),
                                  cl::init(3), cl::cat(runCategory));

static int fail(const llvm::Twine &message) {
  std::string text = message.str();
  // Diagnostics collected from the compiler are already "file:line:col: error: ...".
  if (llvm::StringRef(text).contains(": error: "))
    llvm::errs() << text << "\n";
  else
    llvm::WithColor::error(llvm::errs(), "lowbit-run") << text << "\n";
  return 1;
}

static std::string plural(size_t count, llvm::StringRef word) {
  return std::to_string(count) + " " + word.str() + (count == 1 ? "" : "s");
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(argc, argv, "lowbit-run: compile an MLIR function and run it\n");
  if (simd != "auto" && simd != "never" && simd != "always")
    return fail("--simd must be auto, never or always, not '" + simd + "'");

  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  lowbit::registerAllDialects(registry);
  initializeJit(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

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
  FunctionType type = func.getFunctionType();
  // Located at the function, without dumping it (mlir::emitError adds no op note).
  if (inputs.size() != type.getNumInputs()) {
    emitError(func.getLoc()) << "@" << func.getSymName() << " takes "
                             << plural(type.getNumInputs(), "argument") << ", " << inputs.size()
                             << " --input given";
    return 1;
  }
  if (!outputs.empty() && outputs.size() != type.getNumResults()) {
    emitError(func.getLoc()) << "@" << func.getSymName() << " has "
                             << plural(type.getNumResults(), "result") << ", " << outputs.size()
                             << " --output given";
    return 1;
  }
  for (const std::string &output : outputs)
    if (output != "-" && (output.size() < 2 || output[0] != '@'))
      return fail("--output=" + output + ": expected @file.npy or -");

  // Read and check every input against its argument.
  std::vector<HostTensor> arguments;
  for (auto [index, spec] : llvm::enumerate(inputs)) {
    llvm::Expected<HostTensor> tensor = parseInput(&context, spec);
    if (!tensor) {
      // File errors already name the file; literals are quoted.
      InFlightDiagnostic diag = emitError(func.getArgument(index).getLoc());
      diag << "argument #" << index;
      if (!llvm::StringRef(spec).starts_with("@"))
        diag << " (--input=" << spec << ")";
      diag << ": " << llvm::toString(tensor.takeError());
      return 1;
    }
    llvm::Expected<HostTensor> bound = bindArgument(type.getInput(index), std::move(*tensor));
    if (!bound) {
      emitError(func.getArgument(index).getLoc()) << "argument #" << index << " (--input=" << spec
                                                  << ") " << llvm::toString(bound.takeError());
      return 1;
    }
    arguments.push_back(std::move(*bound));
  }

  // Run.
  using Clock = std::chrono::steady_clock;
  std::vector<HostTensor> results;
  std::vector<double> runTimes;
  std::unique_ptr<JitFunction> jit;
  auto compileStart = Clock::now();
  if (engineChoice == Engine::Jit) {
    JitOptions options;
    options.optLevel = std::min(optLevel.getValue(), 3u);
    options.pipeline.fastPath = fastPath;
    options.pipeline.simd = simd;
    options.pipeline.threadWorkUs = threadWorkUs;
    llvm::Expected<std::unique_ptr<JitFunction>> compiled =
        JitFunction::compile(*module, func.getSymName(), options);
    if (!compiled)
      return fail(llvm::toString(compiled.takeError()));
    jit = std::move(*compiled);
  }
  double compileMs = std::chrono::duration<double, std::milli>(Clock::now() - compileStart).count();
  // Weights marked lowbit.prepack go through the generated entry point once, as a caller of
  // the compiled function would.
  double prepackMs = 0;
  if (JitFunction *prepack = jit ? jit->getPrepack() : nullptr) {
    std::vector<HostTensor> marked;
    for (unsigned index : jit->getPrepackedArguments())
      marked.push_back(arguments[index]);
    auto start = Clock::now();
    llvm::Expected<std::vector<HostTensor>> packed = prepack->run(marked);
    if (!packed)
      return fail(llvm::toString(packed.takeError()));
    prepackMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    for (auto [index, value] : llvm::zip_equal(jit->getPrepackedArguments(), *packed))
      arguments[index] = std::move(value);
  }
  for (unsigned i = 0; i < std::max(1u, repeat.getValue()); ++i) {
    auto start = Clock::now();
    llvm::Expected<std::vector<HostTensor>> produced =
        jit ? jit->run(arguments) : runReference(func, arguments);
    if (!produced)
      return fail(llvm::toString(produced.takeError()));
    runTimes.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    results = std::move(*produced);
  }
  if (printTime) {
    std::sort(runTimes.begin(), runTimes.end());
    llvm::errs() << llvm::format("time: compile %.2f ms, run %.4f ms (median of %zu)", compileMs,
                                 runTimes[runTimes.size() / 2], runTimes.size());
    if (jit && jit->getPrepack())
      llvm::errs() << llvm::format(", prepack %.4f ms (once)", prepackMs);
    llvm::errs() << "\n";
  }

  // Outputs: printed ones first; files all or none: each is written to a temporary file next
  // to its destination, and only when every one was written are they renamed into place.
  std::vector<std::pair<std::string, std::string>> files; // (temporary, destination)
  auto removeTemporaries = [&]() {
    for (auto &[temporary, destination] : files)
      llvm::sys::fs::remove(temporary);
  };
  for (auto [index, result] : llvm::enumerate(results)) {
    llvm::StringRef target = outputs.empty() ? "-" : llvm::StringRef(outputs[index]);
    if (target == "-") {
      llvm::outs() << "result[" << index << "]: ";
      if (llvm::Error error = printHostTensor(llvm::outs(), result))
        return fail(llvm::toString(std::move(error)));
      continue;
    }
    std::string destination = target.drop_front().str();
    std::string temporary =
        destination + ".tmp." + std::to_string(llvm::sys::Process::getProcessId());
    std::error_code ec;
    llvm::raw_fd_ostream os(temporary, ec);
    if (!ec) {
      os << serializeNpy(result);
      os.close();
      ec = os.error();
    }
    files.emplace_back(temporary, destination);
    if (ec) {
      removeTemporaries();
      return fail("cannot write " + destination + ": " + ec.message());
    }
  }
  for (auto &[temporary, destination] : files)
    if (std::error_code ec = llvm::sys::fs::rename(temporary, destination)) {
      removeTemporaries();
      return fail("cannot write " + destination + ": " + ec.message());
    }
  return 0;
}
