//===- Jit.cpp - Compile a lowbit function for the host CPU and call it ----===//
#include "lowbit/Target/Jit.h"

#include "lowbit/Runtime/BufferCache.h"
#include "lowbit/Runtime/Threads.h"
#include "lowbit/Target/Lowering.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;
using namespace lowbit;

void lowbit::initializeJit(DialectRegistry &registry) {
  static bool targetsReady = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsReady;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<JitFunction>>
JitFunction::compile(ModuleOp module, llvm::StringRef name, const JitOptions &options) {
  llvm::Expected<std::vector<std::unique_ptr<JitFunction>>> all =
      compileAll(module, {name}, options);
  if (!all)
    return all.takeError();
  return std::move(all->front());
}

llvm::Expected<std::vector<std::unique_ptr<JitFunction>>>
JitFunction::compileAll(ModuleOp module, llvm::ArrayRef<llvm::StringRef> names,
                        const JitOptions &options) {
  llvm::Expected<std::vector<LoweredFunction>> lowered =
      lowerFunctionsToLLVM(module, names, options.pipeline);
  if (!lowered)
    return lowered.takeError();
  std::vector<std::unique_ptr<JitFunction>> results;
  for (LoweredFunction &function : *lowered) {
    std::unique_ptr<JitFunction> result(new JitFunction());
    result->name = function.name;
    result->argumentTypes = function.argumentTypes;
    result->resultTypes = function.resultTypes;
    result->prepackedArguments.assign(function.prepackedArguments.begin(),
                                      function.prepackedArguments.end());
    if (!function.prepackedArguments.empty()) {
      result->prepack.reset(new JitFunction());
      result->prepack->name = function.prepackName();
      result->prepack->argumentTypes = function.prepackArgumentTypes;
      result->prepack->resultTypes = function.prepackResultTypes;
    }
    results.push_back(std::move(result));
  }

  // The options hold a function_ref: the transformer must outlive the engine's creation.
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(options.optLevel, 0, nullptr);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = static_cast<llvm::CodeGenOptLevel>(options.optLevel);
  // Parallel launches call the OpenMP runtime; copies between strided views (slices,
  // concatenations) call MLIR's memrefCopy.
  llvm::SmallVector<llvm::StringRef, 2> libraries = {LOWBIT_LIBOMP_PATH,
                                                     LOWBIT_MLIR_C_RUNNER_UTILS_PATH};
  engineOptions.sharedLibPaths = libraries;
  auto created = ExecutionEngine::create(module, engineOptions);
  if (!created)
    return makeError("JIT compilation failed: " + llvm::toString(created.takeError()));
  std::shared_ptr<ExecutionEngine> engine = std::move(*created);
  // The runtime functions compiled code calls, from this process.
  // Buffers: MLIR's generic allocation functions, onto the runtime's buffer cache.
  static void *(*const alloc)(size_t) = [](size_t bytes) { return lowbit_buffer_alloc(bytes, 0); };
  static void *(*const alignedAlloc)(size_t, size_t) = [](size_t alignment, size_t bytes) {
    return lowbit_buffer_alloc(bytes, alignment);
  };
  engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto add = [&](llvm::StringRef name, auto *function) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                 llvm::JITSymbolFlags::Exported};
    };
    add("lowbit_num_threads", &lowbit_num_threads);
    add("_mlir_memref_to_llvm_alloc", alloc);
    add("_mlir_memref_to_llvm_aligned_alloc", alignedAlloc);
    add("_mlir_memref_to_llvm_free", &lowbit_buffer_free);
    return symbols;
  });
  for (std::unique_ptr<JitFunction> &result : results)
    for (JitFunction *function : {result.get(), result->prepack.get()}) {
      if (!function)
        continue;
      function->engine = engine;
      llvm::Expected<void (*)(void **)> packed = engine->lookupPacked(function->name);
      if (!packed)
        return makeError("@" + function->name + ": " + llvm::toString(packed.takeError()));
      function->packed = *packed;
    }
  return results;
}

JitFunction::~JitFunction() = default;

namespace {
/// A memref descriptor of any rank, laid out as the LLVM lowering expects.
struct Descriptor {
  void *allocated = nullptr;
  void *aligned = nullptr;
  int64_t offset = 0;
  std::vector<int64_t> sizes, strides;

  Descriptor(void *data, llvm::ArrayRef<int64_t> shape) : allocated(data), aligned(data) {
    sizes.assign(shape.begin(), shape.end());
    strides.assign(shape.size(), 1);
    for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * shape[i + 1];
  }
  void appendArguments(std::vector<void *> &arguments) {
    arguments.push_back(&allocated);
    arguments.push_back(&aligned);
    arguments.push_back(&offset);
    for (int64_t &size : sizes)
      arguments.push_back(&size);
    for (int64_t &stride : strides)
      arguments.push_back(&stride);
  }
};
} // namespace

/// The shape of a tensor at the boundary (packed for low-bit element types).
static SmallVector<int64_t> boundaryShape(RankedTensorType type) {
  return SmallVector<int64_t>(
      cast<RankedTensorType>(getInterchangeType(type)).getShape());
}

llvm::Error JitFunction::call(llvm::ArrayRef<void *> argumentData,
                              llvm::ArrayRef<void *> resultData) {
  if (argumentData.size() != argumentTypes.size() || resultData.size() != resultTypes.size())
    return makeError("@" + name + " takes " + llvm::Twine(argumentTypes.size()) +
                     " arguments and " + llvm::Twine(resultTypes.size()) + " results");
  std::vector<std::unique_ptr<Descriptor>> descriptors;
  std::vector<void *> arguments;
  auto addTensor = [&](void *data, Type type) {
    descriptors.push_back(
        std::make_unique<Descriptor>(data, boundaryShape(cast<RankedTensorType>(type))));
    descriptors.back()->appendArguments(arguments);
  };
  for (auto [data, type] : llvm::zip_equal(argumentData, argumentTypes)) {
    if (isa<RankedTensorType>(type))
      addTensor(data, type);
    else
      arguments.push_back(data);
  }
  for (auto [data, type] : llvm::zip_equal(resultData, resultTypes))
    addTensor(data, type);
  packed(arguments.data());
  return llvm::Error::success();
}

llvm::Expected<std::vector<HostTensor>> JitFunction::run(llvm::ArrayRef<HostTensor> inputs) {
  if (inputs.size() != argumentTypes.size())
    return makeError("@" + name + " takes " + llvm::Twine(argumentTypes.size()) +
                     " arguments, got " + llvm::Twine(inputs.size()));
  // Descriptors must stay at fixed addresses: the argument list points into them.
  std::vector<std::unique_ptr<Descriptor>> descriptors;
  std::vector<void *> arguments;
  std::vector<HostTensor> inputCopies(inputs.begin(), inputs.end());
  for (auto [index, type] : llvm::enumerate(argumentTypes)) {
    HostTensor &input = inputCopies[index];
    if (auto tensor = dyn_cast<RankedTensorType>(type)) {
      if (input.elementType != tensor.getElementType() ||
          llvm::ArrayRef<int64_t>(input.shape) != tensor.getShape())
        return makeError("argument #" + llvm::Twine(index) + " does not match its type");
      descriptors.push_back(std::make_unique<Descriptor>(input.bytes.data(), boundaryShape(tensor)));
      descriptors.back()->appendArguments(arguments);
    } else {
      if (input.elementType != type || !input.shape.empty())
        return makeError("argument #" + llvm::Twine(index) + " does not match its type");
      arguments.push_back(input.bytes.data());
    }
  }
  std::vector<HostTensor> outputs;
  outputs.reserve(resultTypes.size());
  for (Type type : resultTypes) {
    auto tensor = cast<RankedTensorType>(type);
    HostTensor output;
    output.elementType = tensor.getElementType();
    output.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    llvm::Expected<int64_t> size = storageSize(output.elementType, output.shape);
    if (!size)
      return size.takeError();
    output.bytes.assign(*size, 0);
    outputs.push_back(std::move(output));
  }
  for (auto [output, type] : llvm::zip_equal(outputs, resultTypes)) {
    descriptors.push_back(
        std::make_unique<Descriptor>(output.bytes.data(), boundaryShape(cast<RankedTensorType>(type))));
    descriptors.back()->appendArguments(arguments);
  }
  packed(arguments.data());
  return outputs;
}
