//===- AttentionBench.cpp - Timing lowbit.attention against the machine's limits -===//
#include "lowbit/Bench/AttentionBench.h"

#include "lowbit/Execution/ReferenceInterpreter.h"
#include "lowbit/Runtime/Threads.h"
#include "lowbit/Support/RandomTensor.h"
#include "lowbit/Target/Jit.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::bench;

std::string AttentionCase::name() const {
  std::string text = "sq" + std::to_string(queries) + "_skv" + std::to_string(keys) + "_h" +
                     std::to_string(qHeads) + "x" + std::to_string(kvHeads) + "_d" +
                     std::to_string(headDim) + "_" + cache;
  if (batch != 1)
    text = "b" + std::to_string(batch) + "_" + text;
  return causal ? text + "_causal" : text;
}

/// Tokens (keys) and channels (values) per scale of a quantized cache.
constexpr int64_t kCacheGroup = 32;

bool AttentionCase::quantized() const {
  return cache != "f32" && cache != "f16" && cache != "bf16";
}

/// Whether the quantized cache's codes take integer zero points.
static bool hasZeroPoints(const std::string &cache) { return cache[0] == 's' || cache[0] == 'u'; }

std::string AttentionCase::mlirSource(int64_t sq) const {
  auto tensor = [](std::initializer_list<int64_t> shape, const std::string &element) {
    std::string text = "tensor<";
    for (int64_t extent : shape)
      text += std::to_string(extent) + "x";
    return text + element + ">";
  };
  bool lowBit = quantized();
  std::string q = tensor({batch, qHeads, sq, headDim}, lowBit ? "f16" : cache);
  std::string kv = tensor({batch, kvHeads, keys, headDim}, cache);
  std::string y = tensor({batch, qHeads, sq, headDim}, "f32");
  std::string attrs;
  if (causal)
    attrs = "causal";
  if (!schedule.empty())
    attrs += (attrs.empty() ? "schedule = " : ", schedule = ") + schedule;
  // Arguments after q, k and v: the scales and zero points of K, then of V (KIVI groups).
  std::string operands = "%q, %k, %v", types = q + ", " + kv + ", " + kv;
  std::string arguments = "%q: " + q + ", %k: " + kv + ", %v: " + kv;
  if (lowBit) {
    bool zero = hasZeroPoints(cache);
    std::string scheme = zero ? ", scale = f16, zero = int>" : ", scale = f16>";
    for (const char *side : {"k", "v"}) {
      bool keysSide = side[0] == 'k';
      std::string shape =
          keysSide ? tensor({batch, kvHeads, (keys + kCacheGroup - 1) / kCacheGroup, headDim}, "")
                   : tensor({batch, kvHeads, keys, (headDim + kCacheGroup - 1) / kCacheGroup}, "");
      shape.pop_back(); // the element type follows
      std::string name = std::string(side);
      operands += " " + name + "_scale(%" + name + "s)";
      arguments += ", %" + name + "s: " + shape + "f16>";
      types += ", " + shape + "f16>";
      if (zero) {
        operands += " " + name + "_zero(%" + name + "z)";
        arguments += ", %" + name + "z: " + shape + cache + ">";
        types += ", " + shape + cache + ">";
      }
      attrs += (attrs.empty() ? "" : ", ") + name +
               "_scheme = #lowbit.scheme<group(axis = " + (keysSide ? "2" : "3") +
               ", size = " + std::to_string(kCacheGroup) + ")" + scheme;
    }
  }
  return "func.func @main(" + arguments + ") -> " + y + " {\n" + "  %o = lowbit.attention " +
         operands + " {" + attrs + "} : (" + types + ") -> " + y + "\n  return %o : " + y + "\n}\n";
}

double AttentionCase::visiblePairs() const {
  double pairs = static_cast<double>(queries) * keys;
  if (causal) {
    // Query i sees keys 0 .. i + Skv - Sq (at most Skv of them).
    pairs = 0;
    for (int64_t i = 0; i < queries; ++i)
      pairs += static_cast<double>(std::clamp<int64_t>(i + keys - queries + 1, 0, keys));
  }
  return pairs;
}

std::vector<AttentionCase> lowbit::bench::defaultAttentionCases(bool quick) {
  std::vector<AttentionCase> cases;
  for (int64_t keys : {int64_t(4096), int64_t(32768)})
    for (const char *cache : {"f32", "f16", "bf16"}) {
      AttentionCase c;
      c.keys = keys;
      c.cache = cache;
      if (quick && (keys != 4096 || c.cache != "f16"))
        continue;
      cases.push_back(c);
    }
  if (!quick) {
    AttentionCase prefill;
    prefill.queries = 2048;
    prefill.keys = 2048;
    cases.push_back(prefill);
  }
  return cases;
}

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<AttentionResult> lowbit::bench::runAttentionCase(MLIRContext &context,
                                                                const AttentionCase &spec,
                                                                const Limits &limits,
                                                                const MpgemmBenchOptions &options) {
  AttentionResult result;
  result.spec = spec;
  result.threads = lowbit_num_threads();
  static const char *const caches[] = {"f32", "f16", "bf16", "si8",      "ui8",   "si4",
                                       "ui4", "si2", "ui2",  "f8E4M3FN", "f8E5M2"};
  if (!llvm::is_contained(caches, spec.cache))
    return makeError(spec.name() + ": the cache must be f32, f16, bf16, si8, ui8, si4, ui4, " +
                     "si2, ui2, f8E4M3FN or f8E5M2");
  std::string firstMessage;
  OwningOpRef<ModuleOp> module, referenceModule;
  {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (firstMessage.empty())
        firstMessage = diag.str();
      return success();
    });
    module = parseSourceString<ModuleOp>(spec.mlirSource(spec.queries), &context);
    referenceModule = parseSourceString<ModuleOp>(spec.mlirSource(1), &context);
  }
  if (!module || !referenceModule)
    return makeError(spec.name() + ": the benchmark function does not parse" +
                     (firstMessage.empty() ? "" : ": " + firstMessage));
  FunctionType type = module->lookupSymbol<func::FuncOp>("main").getFunctionType();
  std::vector<HostTensor> inputs;
  for (auto [index, argType] : llvm::enumerate(type.getInputs())) {
    auto tensor = cast<RankedTensorType>(argType);
    RandomTensorOptions range;
    range.seed = options.seed * 16 + index;
    // Scales (the f16 arguments after q) small and positive, as a quantizer's are; fp8 codes
    // within +-8, as values divided by such scales are.
    if (index > 0 && tensor.getElementType().isF16() && spec.quantized()) {
      range.min = 0.01;
      range.max = 0.1;
    } else if (index > 0 && isa<FloatType>(tensor.getElementType()) && spec.quantized()) {
      range.min = -8;
      range.max = 8;
    }
    llvm::Expected<HostTensor> random =
        randomTensor(tensor.getElementType(), tensor.getShape(), range);
    if (!random)
      return random.takeError();
    inputs.push_back(std::move(*random));
  }
  // The reference on the last query of every head.
  std::vector<HostTensor> referenceInputs = inputs;
  int64_t heads = spec.batch * spec.qHeads;
  int64_t elementBytes =
      static_cast<int64_t>(inputs[0].bytes.size()) / (heads * spec.queries * spec.headDim);
  int64_t rowBytes = spec.headDim * elementBytes;
  referenceInputs[0].shape[2] = 1;
  referenceInputs[0].bytes.assign(heads * rowBytes, 0);
  for (int64_t h = 0; h < heads; ++h)
    std::memcpy(referenceInputs[0].bytes.data() + h * rowBytes,
                inputs[0].bytes.data() + ((h + 1) * spec.queries - 1) * rowBytes, rowBytes);
  llvm::Expected<std::vector<HostTensor>> expected =
      runReference(referenceModule->lookupSymbol<func::FuncOp>("main"), referenceInputs);
  if (!expected)
    return expected.takeError();

  // The cache (K and V, their scales and zero points: every input but q) in rotated copies.
  result.cacheBytes = 0;
  for (size_t index = 1; index < inputs.size(); ++index)
    result.cacheBytes += static_cast<double>(inputs[index].bytes.size());
  int64_t rotate = options.rotateBytes > 0 ? options.rotateBytes : defaultRotateBytes();
  result.copies =
      options.copies > 0
          ? options.copies
          : std::max<int64_t>(1, static_cast<int64_t>(std::ceil(rotate / result.cacheBytes)));
  std::vector<std::vector<std::vector<uint8_t>>> cacheCopies(inputs.size());
  for (size_t index = 1; index < inputs.size(); ++index)
    cacheCopies[index].assign(result.copies, inputs[index].bytes);
  result.schedule = scheduleOf(*module, options.fastPath, options.threadWorkUs);

  auto compileStart = std::chrono::steady_clock::now();
  JitOptions jitOptions;
  jitOptions.pipeline.fastPath = options.fastPath;
  jitOptions.pipeline.threadWorkUs = options.threadWorkUs;
  llvm::Expected<std::unique_ptr<JitFunction>> jit =
      JitFunction::compile(*module, "main", jitOptions);
  if (!jit)
    return jit.takeError();
  result.compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - compileStart).count();

  std::vector<float> output(cast<RankedTensorType>(type.getResult(0)).getNumElements());
  auto callWith = [&](int64_t copy) -> llvm::Error {
    std::vector<void *> arguments = {inputs[0].bytes.data()};
    for (size_t index = 1; index < inputs.size(); ++index)
      arguments.push_back(cacheCopies[index][copy].data());
    return (*jit)->call(arguments, {output.data()});
  };
  if (llvm::Error error = callWith(0))
    return std::move(error);
  llvm::Expected<std::vector<double>> reference = decodeValues((*expected)[0]);
  if (!reference)
    return reference.takeError();
  double largest = 0, worst = 0;
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t d = 0; d < spec.headDim; ++d) {
      double want = (*reference)[h * spec.headDim + d];
      double got = output[((h + 1) * spec.queries - 1) * spec.headDim + d];
      largest = std::max(largest, std::fabs(want));
      double error = std::fabs(got - want);
      worst = std::max(worst, std::isnan(error) ? INFINITY : error);
    }
  result.maxRelErr = largest > 0 ? worst / largest : worst;
  if (!(result.maxRelErr <= options.tolerance))
    return makeError(spec.name() + ": the results differ from the reference: the largest error " +
                     "is " + llvm::formatv("{0:e2}", result.maxRelErr).str() +
                     " of the largest |y| (tolerance " +
                     llvm::formatv("{0:e2}", options.tolerance).str() + ")");

  llvm::Expected<TimedCalls> timed =
      timeRotatedCalls(callWith, result.copies, result.cacheBytes, limits, options);
  if (!timed)
    return timed.takeError();
  result.calls = timed->calls;
  result.timeMs = timed->medianSeconds * 1e3;
  result.gbps = result.cacheBytes / timed->medianSeconds / 1e9;
  result.readGbps = timed->readGbps;
  result.bwFraction = timed->bwFraction;
  result.gflops = 4.0 * spec.batch * spec.qHeads * spec.headDim * spec.visiblePairs() /
                  timed->medianSeconds / 1e9;
  result.peakFraction = limits.fmaPeak.value > 0 ? result.gflops / limits.fmaPeak.value : 0;
  return result;
}

std::string lowbit::bench::toJson(const AttentionResult &r, const Limits &limits) {
  const AttentionCase &c = r.spec;
  return llvm::formatv(
             "{{\"kernel\": \"attention_{0}\", \"batch\": {1}, \"q_heads\": {2}, "
             "\"kv_heads\": {3}, \"queries\": {4}, \"keys\": {5}, \"head_dim\": {6}, "
             "\"cache\": \"{7}\", \"causal\": {8}, \"schedule\": \"{9}\", \"threads\": {10}, "
             "\"isa\": \"{11}\", \"time_ms\": {12:f4}, \"cache_bytes\": {13:f0}, "
             "\"gbps\": {14:f2}, \"read_gbps\": {15:f2}, \"bw_fraction\": {16:f3}, "
             "\"gflops\": {17:f1}, \"fma_gflops\": {18:f1}, \"peak_fraction\": {19:f3}, "
             "\"max_rel_err\": {20:e2}, \"compile_s\": {21:f2}, \"calls\": {22}, "
             "\"copies\": {23}}",
             c.name(), c.batch, c.qHeads, c.kvHeads, c.queries, c.keys, c.headDim, c.cache,
             c.causal ? "true" : "false", r.schedule, r.threads, limits.isa.describe(), r.timeMs,
             r.cacheBytes, r.gbps, r.readGbps, r.bwFraction, r.gflops, limits.fmaPeak.value,
             r.peakFraction, r.maxRelErr, r.compileSeconds, r.calls, r.copies)
      .str();
}
