//===- Lowering.cpp - Lower chosen functions of a module for the CPU --------===//
#include "lowbit/Target/Lowering.h"

#include "lowbit/Support/HostTensor.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace lowbit;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string lowbit::locationText(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine() << ":"
       << fileLoc.getColumn();
  else
    os << loc;
  return text;
}

func::FuncOp lowbit::findEntryFunction(ModuleOp module, llvm::StringRef requested,
                                       llvm::StringRef source, std::string &error) {
  if (!requested.empty()) {
    if (auto func = module.lookupSymbol<func::FuncOp>(requested); func && !func.isExternal())
      return func;
    error = ("no function @" + requested + " with a body in " + source).str();
  } else {
    if (auto main = module.lookupSymbol<func::FuncOp>("main"); main && !main.isExternal())
      return main;
    SmallVector<func::FuncOp> candidates;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        candidates.push_back(func);
    if (candidates.size() == 1)
      return candidates.front();
    error = candidates.empty()
                ? ("no function with a body in " + source).str()
                : ("several functions in " + source + ": choose one with --function").str();
  }
  std::vector<std::string> names;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal())
      names.push_back("@" + func.getSymName().str());
  if (!names.empty())
    error += " (functions: " + llvm::join(names, ", ") + ")";
  return nullptr;
}

/// Checks that a signature type can cross the boundary of compiled code.
static llvm::Error checkBoundaryType(Type type, Location loc, const llvm::Twine &what) {
  if (auto tensor = dyn_cast<RankedTensorType>(type)) {
    if (!tensor.hasStaticShape())
      return makeError(locationText(loc) + ": error: " + what +
                       " has a dynamic shape; compiled functions need static shapes");
    if (auto size = storageSize(tensor.getElementType(), tensor.getShape()); !size)
      return makeError(locationText(loc) + ": error: " + what + ": " +
                       llvm::toString(size.takeError()));
    return llvm::Error::success();
  }
  if (isa<IntegerType, mlir::FloatType>(type) && !isa<UnrankedTensorType>(type))
    return llvm::Error::success();
  return makeError(locationText(loc) + ": error: " + what + " has type " + typeToString(type) +
                   "; only ranked tensors and integer/float scalars can be passed");
}

/// The signature of `func` as written, with its boundary names.
static llvm::Expected<LoweredFunction> readSignature(func::FuncOp func) {
  LoweredFunction result;
  result.name = func.getSymName().str();
  FunctionType type = func.getFunctionType();
  for (auto [index, argType] : llvm::enumerate(type.getInputs())) {
    if (llvm::Error error = checkBoundaryType(argType, func.getArgument(index).getLoc(),
                                              "argument #" + llvm::Twine(index)))
      return std::move(error);
    auto name = func.getArgAttrOfType<StringAttr>(index, "onnx.name");
    result.argumentNames.push_back(name ? name.str() : "arg" + std::to_string(index));
    if (func.getArgAttr(index, "lowbit.prepack"))
      result.prepackedArguments.push_back(index);
  }
  for (auto [index, resultType] : llvm::enumerate(type.getResults())) {
    if (!isa<RankedTensorType>(resultType))
      return makeError(locationText(func.getLoc()) + ": error: result #" + llvm::Twine(index) +
                       " must be a tensor");
    if (llvm::Error error =
            checkBoundaryType(resultType, func.getLoc(), "result #" + llvm::Twine(index)))
      return std::move(error);
    auto name = func.getResultAttrOfType<StringAttr>(index, "onnx.name");
    result.resultNames.push_back(name ? name.str() : "result" + std::to_string(index));
  }
  result.argumentTypes.assign(type.getInputs().begin(), type.getInputs().end());
  result.resultTypes.assign(type.getResults().begin(), type.getResults().end());
  return result;
}

namespace {
/// Collects the diagnostics of a pass pipeline into an error.
struct DiagnosticCollector {
  std::string text;
  llvm::raw_string_ostream os{text};
  ScopedDiagnosticHandler handler;

  explicit DiagnosticCollector(MLIRContext *context)
      : handler(context, [this](Diagnostic &diag) {
          os << locationText(diag.getLocation()) << ": error: " << diag << "\n";
          for (Diagnostic &note : diag.getNotes())
            os << locationText(note.getLocation()) << ": note: " << note << "\n";
          return success();
        }) {}
  llvm::Error error() const {
    return makeError(text.empty() ? "lowering failed" : llvm::StringRef(text).rtrim());
  }
};
} // namespace

llvm::Expected<std::vector<LoweredFunction>>
lowbit::lowerFunctionsToLinalg(ModuleOp module, llvm::ArrayRef<llvm::StringRef> names,
                               const PipelineOptions &options) {
  std::vector<LoweredFunction> results;
  SmallVector<Operation *> worklist;
  for (llvm::StringRef name : names) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func || func.isExternal())
      return makeError("no function @" + name + " with a body in the module");
    llvm::Expected<LoweredFunction> signature = readSignature(func);
    if (!signature)
      return signature.takeError();
    results.push_back(std::move(*signature));
    worklist.push_back(func);
  }
  // Only the functions and what they call or launch (tile kernels) are compiled.
  llvm::SmallPtrSet<Operation *, 8> reachable;
  while (!worklist.empty()) {
    Operation *current = worklist.pop_back_val();
    if (!reachable.insert(current).second)
      continue;
    if (auto uses = SymbolTable::getSymbolUses(current))
      for (const SymbolTable::SymbolUse &use : *uses)
        if (Operation *callee = module.lookupSymbol(use.getSymbolRef().getLeafReference());
            isa_and_nonnull<FunctionOpInterface>(callee))
          worklist.push_back(callee);
  }
  for (auto other : llvm::make_early_inc_range(module.getOps<FunctionOpInterface>()))
    if (!reachable.contains(other))
      other.erase();

  // The linalg half generates the prepack entry points and gives the functions their final
  // argument types.
  DiagnosticCollector diagnostics(module.getContext());
  PassManager front(module.getContext());
  buildLowbitToLinalgPipeline(front, options);
  if (failed(front.run(module)))
    return diagnostics.error();
  for (LoweredFunction &result : results) {
    if (result.prepackedArguments.empty())
      continue;
    auto func = module.lookupSymbol<func::FuncOp>(result.name);
    auto entry = module.lookupSymbol<func::FuncOp>(result.prepackName());
    if (!func || !entry)
      return makeError("@" + result.name + ": no generated @" + result.prepackName());
    for (unsigned index : result.prepackedArguments) {
      result.prepackArgumentTypes.push_back(result.argumentTypes[index]);
      result.argumentTypes[index] = func.getArgumentTypes()[index];
    }
    FunctionType entryType = entry.getFunctionType();
    result.prepackResultTypes.assign(entryType.getResults().begin(), entryType.getResults().end());
  }
  return results;
}

llvm::Error lowbit::lowerLinalgToLLVM(ModuleOp module, llvm::ArrayRef<LoweredFunction> results,
                                      const PipelineOptions &options) {
  DiagnosticCollector diagnostics(module.getContext());
  PassManager back(module.getContext());
  buildLinalgToLLVMPipeline(back, options);
  if (failed(back.run(module)))
    return diagnostics.error();

  // The calling convention relies on every result having become an out-parameter.
  for (const LoweredFunction &result : results) {
    SmallVector<std::string, 2> lowered = {result.name};
    if (!result.prepackedArguments.empty())
      lowered.push_back(result.prepackName());
    for (const std::string &name : lowered) {
      auto func = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
      if (!func || !isa<LLVM::LLVMVoidType>(func.getFunctionType().getReturnType()))
        return makeError("@" + name + ": lowering left results that are not out-parameters");
    }
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<LoweredFunction>>
lowbit::lowerFunctionsToLLVM(ModuleOp module, llvm::ArrayRef<llvm::StringRef> names,
                             const PipelineOptions &options) {
  llvm::Expected<std::vector<LoweredFunction>> results =
      lowerFunctionsToLinalg(module, names, options);
  if (!results)
    return results.takeError();
  if (llvm::Error error = lowerLinalgToLLVM(module, *results, options))
    return std::move(error);
  return results;
}
