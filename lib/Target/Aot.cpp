//===- Aot.cpp - Compile a function ahead of time into a C library ----------===//
#include "lowbit/Target/Aot.h"

#include "AotWeights.h"

#include "lowbit/Support/HostTensor.h"
#include "lowbit/Target/CpuTarget.h"
#include "lowbit/Target/Lowering.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace lowbit;

// The C API (lib/Runtime/AotLibrary.c) as LLVM bitcode, one per target architecture.
#include "AotRuntime.inc"

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

void lowbit::initializeAot(DialectRegistry &registry) {
  static bool targetsReady = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)targetsReady;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

bool lowbit::isLibraryName(llvm::StringRef name) {
  if (name.empty() || name.size() > 64 || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// The functions of the C API, renamed NAME_<api> in the library.
static constexpr llvm::StringLiteral kApi[] = {
    "create",      "destroy",      "run",        "error",       "num_inputs", "num_outputs",
    "input_name",  "output_name",  "input_type", "output_type", "input_rank", "output_rank",
    "input_shape", "output_shape", "input_size", "output_size"};

namespace {
/// One tensor or scalar crossing the library's boundary.
struct Boundary {
  std::string name;
  Type type;          // as the caller sees it
  int64_t input = -1; // prepacked buffers: the input they replace
};

/// The int64 table and the strings AotLibrary.c reads (its header comment has the layout).
struct Table {
  std::vector<int64_t> words = {/*version=*/1, 0, 0, 0};
  std::string strings;

  int64_t addString(llvm::StringRef text) {
    int64_t offset = strings.size();
    strings += text.str();
    strings.push_back('\0');
    return offset;
  }
  llvm::Error add(const Boundary &boundary) {
    auto tensor = dyn_cast<RankedTensorType>(boundary.type);
    Type element = tensor ? tensor.getElementType() : boundary.type;
    SmallVector<int64_t> shape(tensor ? tensor.getShape() : llvm::ArrayRef<int64_t>());
    llvm::Expected<int64_t> bytes = storageSize(element, shape);
    if (!bytes)
      return bytes.takeError();
    words.push_back(tensor ? 0 : 1);
    words.push_back(boundary.input);
    words.push_back(addString(boundary.name));
    words.push_back(addString(typeToString(element)));
    words.push_back(*bytes);
    words.push_back(shape.size());
    words.insert(words.end(), shape.begin(), shape.end());
    if (tensor) {
      auto packed = cast<RankedTensorType>(getInterchangeType(tensor));
      words.push_back(packed.getRank());
      words.insert(words.end(), packed.getShape().begin(), packed.getShape().end());
    } else {
      words.push_back(0);
    }
    return llvm::Error::success();
  }
};
} // namespace

/// Defines `name`(void **arguments) calling `target` with its parameters loaded from the
/// pointers in `arguments` (the packed convention of AotLibrary.c).
static void defineInvoker(llvm::Module &module, llvm::StringRef name, llvm::Function *target) {
  llvm::LLVMContext &context = module.getContext();
  auto *pointer = llvm::PointerType::getUnqual(context);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), {pointer}, false);
  llvm::Function *invoker =
      llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, name, module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", invoker));
  if (target) {
    SmallVector<llvm::Value *> arguments;
    for (llvm::Argument &parameter : target->args()) {
      llvm::Value *slot =
          builder.CreateConstGEP1_64(pointer, invoker->getArg(0), parameter.getArgNo());
      llvm::Value *address = builder.CreateLoad(pointer, slot);
      arguments.push_back(builder.CreateLoad(parameter.getType(), address));
    }
    builder.CreateCall(target, arguments);
  }
  builder.CreateRetVoid();
}

/// Adds the table, the strings and the invokers AotLibrary.c expects.
static llvm::Error addModelInterface(llvm::Module &module, const LoweredFunction &function,
                                     const std::vector<Boundary> &boundaries, size_t numInputs) {
  Table table;
  table.words[1] = numInputs;
  table.words[2] = function.resultTypes.size();
  table.words[3] = function.prepackedArguments.size();
  for (const Boundary &boundary : boundaries)
    if (llvm::Error error = table.add(boundary))
      return error;
  llvm::LLVMContext &context = module.getContext();
  auto *words = llvm::ConstantDataArray::get(
      context, llvm::ArrayRef<uint64_t>(reinterpret_cast<const uint64_t *>(table.words.data()),
                                        table.words.size()));
  new llvm::GlobalVariable(module, words->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, words, "lowbit_model_table");
  auto *strings = llvm::ConstantDataArray::getString(context, table.strings,
                                                     /*AddNull=*/false);
  new llvm::GlobalVariable(module, strings->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, strings, "lowbit_model_strings");
  llvm::Function *model = module.getFunction(function.name);
  if (!model)
    return makeError("@" + function.name + " is missing from the LLVM IR");
  defineInvoker(module, "lowbit_model_invoke", model);
  llvm::Function *prepack = nullptr;
  if (!function.prepackedArguments.empty() &&
      !(prepack = module.getFunction(function.prepackName())))
    return makeError("@" + function.prepackName() + " is missing from the LLVM IR");
  defineInvoker(module, "lowbit_model_prepack_invoke", prepack);
  return llvm::Error::success();
}

/// Links the C API for `triple` into `module`, renames its functions NAME_<api> (and
/// NAME_create_from when the weights are in a file) and makes every other definition internal.
static llvm::Error linkRuntime(llvm::Module &module, const llvm::Triple &triple,
                               llvm::StringRef name, bool externalWeights) {
  llvm::StringRef bitcode;
  if (triple.getArch() == llvm::Triple::x86_64)
    bitcode = llvm::StringRef(reinterpret_cast<const char *>(kAotRuntimeX86_64),
                              sizeof(kAotRuntimeX86_64));
  else if (triple.getArch() == llvm::Triple::aarch64)
    bitcode = llvm::StringRef(reinterpret_cast<const char *>(kAotRuntimeAArch64),
                              sizeof(kAotRuntimeAArch64));
  else
    return makeError("no library runtime for " + triple.str() +
                     " (libraries are built for x86_64 and aarch64)");
  llvm::Expected<std::unique_ptr<llvm::Module>> runtime =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "AotLibrary.bc"), module.getContext());
  if (!runtime)
    return makeError("cannot read the library runtime: " + llvm::toString(runtime.takeError()));
  (*runtime)->setTargetTriple(module.getTargetTriple());
  (*runtime)->setDataLayout(module.getDataLayout());
  // The runtime was compiled for a generic CPU of the architecture: its functions take the
  // target machine's CPU and features, as the model's do.
  for (llvm::Function &function : **runtime) {
    function.removeFnAttr("target-cpu");
    function.removeFnAttr("target-features");
    function.removeFnAttr("tune-cpu");
  }
  if (llvm::Linker::linkModules(module, std::move(*runtime)))
    return makeError("cannot link the library runtime into the model");
  llvm::StringSet<> exported;
  SmallVector<llvm::StringRef> apis(std::begin(kApi), std::end(kApi));
  if (externalWeights)
    apis.push_back("create_from");
  for (llvm::StringRef api : apis) {
    llvm::Function *function = module.getFunction(("lowbit_model_" + api).str());
    if (!function || function->isDeclaration())
      return makeError("the library runtime lacks lowbit_model_" + api);
    function->setName(name + "_" + api);
    function->setVisibility(llvm::GlobalValue::DefaultVisibility);
    exported.insert(function->getName());
  }
  for (llvm::GlobalValue &value : module.global_values())
    if (!value.isDeclaration() && !exported.contains(value.getName())) {
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
      value.setVisibility(llvm::GlobalValue::DefaultVisibility);
    }
  return llvm::Error::success();
}

/// "[2, 3]" of a shape, "scalar" for none.
static std::string shapeComment(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return "scalar " + typeToString(type);
  std::string text = typeToString(tensor.getElementType()) + " [";
  for (auto [i, size] : llvm::enumerate(tensor.getShape()))
    text += (i ? ", " : "") + std::to_string(size);
  return text + "]";
}

/// The C header of the library.
static std::string headerText(llvm::StringRef name, const std::vector<Boundary> &boundaries,
                              size_t numInputs, size_t numOutputs, bool externalWeights) {
  std::string upper = name.upper();
  std::string tensors;
  for (size_t i = 0; i < numInputs + numOutputs; ++i) {
    const Boundary &boundary = boundaries[i];
    bool output = i >= numInputs;
    tensors += " *   " + std::string(output ? "output " : "input  ") +
               std::to_string(output ? i - numInputs : i) + "  " + boundary.name + ": " +
               shapeComment(boundary.type) + "\n";
  }
  std::string text = R"(/* @NAME@.h - the C API of lib@NAME@, written by lowbit-compile.
 *
 * Link with lib@NAME@.so (it records its dependencies), or with lib@NAME@.a and the OpenMP
 * runtime and libm:  cc app.c lib@NAME@.a -L/usr/lib/llvm-22/lib -lomp -lm
 *
 * Inputs and outputs, in the model's order (element type, shape):
@TENSORS@ *
 * Buffers are the caller's: dense, row-major, in these element types. Low-bit integer and
 * float types (ui4, si2, f8E4M3FN, ...) are passed in lowbit's interchange packing: codes
 * packed along the last axis, the first in the low bits of a byte (*_size() gives the bytes).
 * The library reads the inputs, writes every byte of the outputs and nothing else, keeps no
 * pointer after a call returns, and allocates only inside create and, for temporaries, run.
 *
 * A context holds what one call at a time needs. Use one context per thread; contexts of one
 * or several models may run at once. Kernels run on the OpenMP runtime's threads; the
 * environment variable LOWBIT_NUM_THREADS caps how many (default: the CPUs the process may
 * use).
 *
 * Example:
 *
 *   #include "@NAME@.h"
 *   #include <stdio.h>
 *   #include <stdlib.h>
 *
 *   int main(void) {
 *     @NAME@_context *ctx;
 *     if (@NAME@_create(&ctx) != 0)
 *       return 1;
 *     const void *inputs[@NUM_INPUTS_OR_ONE@];
 *     void *outputs[@NUM_OUTPUTS_OR_ONE@];
 *     for (int i = 0; i < @NAME@_num_inputs(); ++i)
 *       inputs[i] = calloc(1, @NAME@_input_size(i));      // fill with the input's values
 *     for (int i = 0; i < @NAME@_num_outputs(); ++i)
 *       outputs[i] = malloc(@NAME@_output_size(i));
 *     if (@NAME@_run(ctx, inputs, outputs) != 0)
 *       fprintf(stderr, "@NAME@: %s\n", @NAME@_error(ctx));
 *     @NAME@_destroy(ctx);
 *     return 0;
 *   }
 */
#ifndef @UPPER@_H
#define @UPPER@_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define @UPPER@_NUM_INPUTS @NUM_INPUTS@
#define @UPPER@_NUM_OUTPUTS @NUM_OUTPUTS@

typedef struct @NAME@_context @NAME@_context;

/* Creates a context in *ctx. Returns 0 on success, nonzero (and *ctx = NULL) when ctx is
 * NULL or memory runs out@CREATE_WEIGHTS@; @NAME@_error(NULL) then says why. */
int @NAME@_create(@NAME@_context **ctx);

@WEIGHTS@
/* Destroys a context made by @NAME@_create; NULL and contexts already destroyed are
 * ignored. */
void @NAME@_destroy(@NAME@_context *ctx);

/* Runs the model: inputs[i] points to input i, outputs[i] to the storage output i is written
 * to (@NAME@_input_size(i) / @NAME@_output_size(i) bytes each). Returns 0 on success;
 * nonzero, with nothing written, when ctx is NULL or not a live context, inputs or outputs
 * or one of their pointers is NULL, or another call is running on ctx. */
int @NAME@_run(@NAME@_context *ctx, const void *const *inputs, void *const *outputs);

/* The message of the last failed call on ctx ("" after a success); owned by ctx, valid until
 * the next call on it. With ctx NULL: the message of the last failed create. Never NULL. */
const char *@NAME@_error(const @NAME@_context *ctx);

int @NAME@_num_inputs(void);
int @NAME@_num_outputs(void);

/* Input or output i: its name in the model, its element type as lowbit spells it ("f32",
 * "f16", "bf16", "si8", "ui4", ...), rank, shape (rank entries) and size in bytes. An index
 * out of range gives NULL, -1 or 0. Strings and shapes are static. */
const char *@NAME@_input_name(int i);
const char *@NAME@_input_type(int i);
int @NAME@_input_rank(int i);
const int64_t *@NAME@_input_shape(int i);
size_t @NAME@_input_size(int i);
const char *@NAME@_output_name(int i);
const char *@NAME@_output_type(int i);
int @NAME@_output_rank(int i);
const int64_t *@NAME@_output_shape(int i);
size_t @NAME@_output_size(int i);

#ifdef __cplusplus
}
#endif

#endif /* @UPPER@_H */
)";
  auto replaceAll = [&](llvm::StringRef from, const std::string &to) {
    for (size_t at = text.find(from.str()); at != std::string::npos;
         at = text.find(from.str(), at + to.size()))
      text.replace(at, from.size(), to);
  };
  replaceAll("@WEIGHTS@",
             externalWeights
                 ? "/* The weights are in @NAME@.weights (written next to the library): "
                   "@NAME@_create maps it from\n"
                   " * the folder of the shared library, or of the program a static one is "
                   "linked into; this\n"
                   " * names the file. The mapping is made once per process and shared by "
                   "every context. */\n"
                   "int @NAME@_create_from(@NAME@_context **ctx, const char *weights_path);\n"
                 : "");
  replaceAll("@CREATE_WEIGHTS@",
             externalWeights ? ", or the weights file is missing or does not match" : "");
  replaceAll("@TENSORS@", tensors);
  replaceAll("@NAME@", name.str());
  replaceAll("@UPPER@", upper);
  replaceAll("@NUM_INPUTS_OR_ONE@", std::to_string(std::max<size_t>(numInputs, 1)));
  replaceAll("@NUM_OUTPUTS_OR_ONE@", std::to_string(std::max<size_t>(numOutputs, 1)));
  replaceAll("@NUM_INPUTS@", std::to_string(numInputs));
  replaceAll("@NUM_OUTPUTS@", std::to_string(numOutputs));
  return text;
}

namespace {
/// The files of one compilation, written into a private folder inside the destination and
/// moved into place only when all of them exist.
class Staging {
public:
  ~Staging() { discard(); }

  llvm::Error open(llvm::StringRef directory, llvm::StringRef name) {
    destination = directory.str();
    bool existed = llvm::sys::fs::is_directory(directory);
    if (!existed && llvm::sys::fs::exists(directory))
      return makeError(directory + " exists and is not a directory");
    if (std::error_code ec = llvm::sys::fs::create_directories(directory))
      return makeError("cannot create " + directory + ": " + ec.message());
    createdDestination = !existed;
    // An absolute prefix: createUniqueDirectory puts relative ones in the temporary folder.
    llvm::SmallString<256> model(directory);
    if (std::error_code ec = llvm::sys::fs::make_absolute(model))
      return makeError("cannot write into " + directory + ": " + ec.message());
    llvm::sys::path::append(model, "." + name + ".partial");
    if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(model, folder))
      return makeError("cannot write into " + directory + ": " + ec.message());
    return llvm::Error::success();
  }
  std::string path(llvm::StringRef file) const {
    llvm::SmallString<256> result(folder);
    llvm::sys::path::append(result, file);
    return result.str().str();
  }
  /// Writes `file`; it is moved into the destination at the end when `keep`.
  llvm::Error write(llvm::StringRef file, llvm::StringRef bytes, bool keep = true) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path(file), ec);
    if (!ec) {
      os << bytes;
      os.close();
      ec = os.error();
    }
    if (ec)
      return makeError("cannot write " + path(file) + ": " + ec.message());
    if (keep)
      add(file);
    return llvm::Error::success();
  }
  /// Marks a file made in the folder by another program as part of the result.
  void add(llvm::StringRef file) { files.push_back(file.str()); }
  /// Moves every file into the destination; returns their paths.
  llvm::Expected<std::vector<std::string>> commit() {
    std::vector<std::string> written;
    for (const std::string &file : files) {
      llvm::SmallString<256> target(destination);
      llvm::sys::path::append(target, file);
      if (std::error_code ec = llvm::sys::fs::rename(path(file), target)) {
        for (const std::string &done : written)
          llvm::sys::fs::remove(done);
        return makeError("cannot write " + target + ": " + ec.message());
      }
      written.push_back(target.str().str());
    }
    committed = true;
    discard();
    return written;
  }

private:
  void discard() {
    if (!folder.empty()) {
      llvm::sys::fs::remove_directories(folder);
      folder.clear();
    }
    if (!committed && createdDestination)
      llvm::sys::fs::remove(destination);
    createdDestination = false;
  }

  std::string destination;
  llvm::SmallString<256> folder;
  std::vector<std::string> files;
  bool createdDestination = false, committed = false;
};
} // namespace

/// Runs `program` with `arguments`; its standard error becomes the error's text.
static llvm::Error runTool(llvm::StringRef program, llvm::ArrayRef<std::string> arguments,
                           const Staging &staging) {
  if (!llvm::sys::fs::can_execute(program))
    return makeError("cannot run " + program + " (install lld-22 and clang-22)");
  SmallVector<llvm::StringRef> argv = {program};
  for (const std::string &argument : arguments)
    argv.push_back(argument);
  std::string log = staging.path("link.log");
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, redirects, 0, 0, &message);
  if (status == 0)
    return llvm::Error::success();
  std::string output;
  if (auto buffer = llvm::MemoryBuffer::getFile(log))
    output = (*buffer)->getBuffer().rtrim().str();
  return makeError("linking failed (" + program + "): " + (output.empty() ? message : output));
}

/// An LLVM target machine for `target`, position-independent code.
static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CpuTarget &target, unsigned optLevel) {
  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *llvmTarget = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return makeError("no LLVM target for " + target.triple + ": " + error);
  llvm::CodeGenOptLevel level = optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                                : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(
      llvmTarget->createTargetMachine(triple, target.cpu, target.features, llvm::TargetOptions(),
                                      llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine)
    return makeError("cannot create a target machine for " + target.triple + " " + target.cpu);
  return machine;
}

llvm::Expected<std::vector<std::string>> lowbit::compileLibrary(ModuleOp module,
                                                                llvm::StringRef function,
                                                                const AotOptions &options,
                                                                llvm::StringRef directory) {
  const std::string &name = options.name;
  if (!isLibraryName(name))
    return makeError("'" + name +
                     "' cannot name a library: it must be a C identifier of at most 64 "
                     "characters ([A-Za-z_][A-Za-z0-9_]*)");
  auto stage = [&](llvm::StringRef text) {
    if (options.progress)
      options.progress(text);
  };
  PipelineOptions pipeline = options.pipeline;
  if (pipeline.targetCpu == "aarch64") {
    pipeline.targetCpu = "generic";
    if (pipeline.targetTriple.empty())
      pipeline.targetTriple = "aarch64-unknown-linux-gnu";
  }
  llvm::Expected<CpuTarget> target =
      resolveCpuTarget(pipeline.targetCpu, pipeline.targetTriple, pipeline.targetFeatures);
  if (!target)
    return target.takeError();
  // The lowering and the code generator see the same CPU (a resolved name, never "host").
  pipeline.targetCpu = target->cpu;
  pipeline.targetTriple = target->triple;

  Staging staging;
  if (llvm::Error error = staging.open(directory, name))
    return std::move(error);
  auto printModule = [&](llvm::StringRef file) -> llvm::Error {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    return staging.write(file, text);
  };
  if (options.emit == AotEmit::Mlir) {
    if (llvm::Error error = printModule(name + ".mlir"))
      return std::move(error);
    return staging.commit();
  }

  stage("lowering to tile kernels");
  llvm::Expected<std::vector<LoweredFunction>> lowered =
      lowerFunctionsToLinalg(module, {function}, pipeline);
  if (!lowered)
    return lowered.takeError();
  if (options.emit == AotEmit::Tile) {
    if (llvm::Error error = printModule(name + ".tile.mlir"))
      return std::move(error);
    return staging.commit();
  }
  stage("lowering to LLVM");
  if (llvm::Error error = lowerLinalgToLLVM(module, *lowered, pipeline))
    return std::move(error);
  const LoweredFunction &signature = lowered->front();

  // The boundary: inputs as the caller passes them, outputs, then the prepacked buffers.
  std::vector<Boundary> boundaries;
  for (auto [index, type] : llvm::enumerate(signature.argumentTypes))
    boundaries.push_back({signature.argumentNames[index], type});
  for (auto [k, index] : llvm::enumerate(signature.prepackedArguments))
    boundaries[index].type = signature.prepackArgumentTypes[k];
  for (auto [index, type] : llvm::enumerate(signature.resultTypes))
    boundaries.push_back({signature.resultNames[index], type});
  for (auto [k, index] : llvm::enumerate(signature.prepackedArguments))
    boundaries.push_back({boundaries[index].name + " (prepacked)", signature.prepackResultTypes[k],
                          static_cast<int64_t>(index)});
  size_t numInputs = signature.argumentTypes.size();
  size_t numOutputs = signature.resultTypes.size();

  stage("translating to LLVM IR");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(module, llvmContext, name);
  if (!llvmModule)
    return makeError("translation to LLVM IR failed");
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(*target, options.optLevel);
  if (!machine)
    return machine.takeError();
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  if (llvm::Error error = addModelInterface(*llvmModule, signature, boundaries, numInputs))
    return std::move(error);
  std::string weights = externalizeWeights(*llvmModule, options.externalWeights);
  std::string weightsName = name + ".weights";
  auto *weightsFile = llvm::ConstantDataArray::getString(llvmContext, weightsName);
  new llvm::GlobalVariable(*llvmModule, weightsFile->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, weightsFile,
                           "lowbit_model_weights_file");
  if (llvm::Error error =
          linkRuntime(*llvmModule, (*machine)->getTargetTriple(), name, !weights.empty()))
    return std::move(error);
  if (!weights.empty())
    if (llvm::Error error = staging.write(weightsName, weights))
      return std::move(error);

  stage("optimizing");
  if (llvm::Error error =
          makeOptimizingTransformer(options.optLevel, 0, machine->get())(llvmModule.get()))
    return std::move(error);
  if (options.emit == AotEmit::Llvm) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    if (llvm::Error error = staging.write(name + ".ll", text))
      return std::move(error);
    return staging.commit();
  }

  stage("generating code");
  llvm::SmallVector<char, 0> object;
  {
    llvm::raw_svector_ostream os(object);
    llvm::legacy::PassManager passes;
    if ((*machine)->addPassesToEmitFile(passes, os, nullptr, llvm::CodeGenFileType::ObjectFile))
      return makeError("the target cannot emit object files");
    passes.run(*llvmModule);
  }
  llvm::StringRef objectBytes(object.data(), object.size());
  std::string header = headerText(name, boundaries, numInputs, numOutputs, !weights.empty());
  if (llvm::Error error = staging.write(name + ".h", header))
    return std::move(error);
  if (options.emit == AotEmit::Obj) {
    if (llvm::Error error = staging.write(name + ".o", objectBytes))
      return std::move(error);
    return staging.commit();
  }

  stage("linking");
  // The static library: the object alone (users link the OpenMP runtime and libm).
  std::string objectName = name + ".o";
  llvm::NewArchiveMember members[] = {
      llvm::NewArchiveMember(llvm::MemoryBufferRef(objectBytes, objectName))};
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> archive = llvm::writeArchiveToBuffer(
      members, llvm::SymtabWritingMode::NormalSymtab, llvm::object::Archive::K_GNU,
      /*Deterministic=*/true, /*Thin=*/false);
  if (!archive)
    return makeError("cannot write lib" + name + ".a: " + llvm::toString(archive.takeError()));
  if (llvm::Error error = staging.write("lib" + name + ".a", (*archive)->getBuffer()))
    return std::move(error);
  // The shared library, linked by lld: for the host's architecture with the OpenMP runtime
  // and libm as dependencies; for another architecture with its symbols left for the program
  // to provide.
  std::string objectPath = staging.path(objectName);
  if (llvm::Error error = staging.write(objectName, objectBytes, /*keep=*/false))
    return std::move(error);
  std::string sharedName = "lib" + name + ".so";
  std::vector<std::string> arguments;
  llvm::Triple triple((*machine)->getTargetTriple());
  bool native = triple.getArch() == llvm::Triple(llvm::sys::getProcessTriple()).getArch();
  std::string program = native ? LOWBIT_CLANG_PATH : LOWBIT_LLD_PATH;
  if (native)
    arguments = {"-shared",
                 "-nostartfiles",
                 "-fuse-ld=lld",
                 "--ld-path=" LOWBIT_LLD_PATH,
                 "-o",
                 staging.path(sharedName),
                 objectPath,
                 LOWBIT_LIBOMP_PATH,
                 "-Wl,-rpath," LOWBIT_LIBOMP_DIR,
                 "-Wl,-soname," + sharedName,
                 "-Wl,--no-undefined",
                 "-lm"};
  else
    arguments = {"-shared", "-o", staging.path(sharedName), objectPath, "-soname", sharedName};
  if (llvm::Error error = runTool(program, arguments, staging))
    return std::move(error);
  staging.add(sharedName);
  return staging.commit();
}
