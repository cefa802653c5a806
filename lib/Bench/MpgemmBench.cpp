//===- MpgemmBench.cpp - Timing lowbit.mpgemm against the machine's limits -===//
#include "lowbit/Bench/MpgemmBench.h"

#include "ThreadTeam.h"

#include "lowbit/Execution/ReferenceInterpreter.h"
#include "lowbit/Runtime/Threads.h"
#include "lowbit/Support/RandomTensor.h"
#include "lowbit/Target/Jit.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <thread>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::bench;

std::string MpgemmCase::name() const {
  std::string text = "m" + std::to_string(m) + "_k" + std::to_string(k) + "_n" +
                     std::to_string(n) + "_" + weights;
  text += group ? "_g" + std::to_string(group) : "_pc";
  text += scale;
  if (zeroPoints)
    text += "_zero";
  if (tensorScale)
    text += "_ts";
  if (!codebook.empty())
    text += "_" + codebook;
  if (constantWeights)
    text += "_const";
  if (prepackWeights)
    text += "_prepack";
  if (quantizeActivations)
    text += "_qa";
  return text + "_" + activations;
}

std::string MpgemmCase::format() const {
  std::string text = codebook.empty() ? weights : codebook;
  text += group ? " g" + std::to_string(group) : " per-channel";
  text += " " + scale;
  if (zeroPoints)
    text += " zero";
  if (tensorScale)
    text += " +ts";
  if (constantWeights)
    text += " const";
  if (prepackWeights)
    text += " prepack";
  if (quantizeActivations)
    text += " quantized act";
  return text;
}

std::string MpgemmCase::mlirSource() const {
  std::string groups = group ? std::to_string((k + group - 1) / group) : "";
  std::string scaleShape = group ? std::to_string(n) + "x" + groups : std::to_string(n);
  std::string granularity = group ? "group(axis = 1, size = " + std::to_string(group) + ")"
                                  : "per_channel(axis = 0)";
  bool intActivations = activations == "si8";
  std::string a = "tensor<" + std::to_string(m) + "x" + std::to_string(k) + "x" + activations + ">";
  std::string w = "tensor<" + std::to_string(n) + "x" + std::to_string(k) + "x" + weights + ">";
  std::string s = "tensor<" + scaleShape + "x" + scale + ">";
  std::string z = "tensor<" + scaleShape + "x" + weights + ">";
  std::string as = "tensor<" + std::to_string(m) + "xf32>";
  std::string y = "tensor<" + std::to_string(m) + "x" + std::to_string(n) + "xf32>";
  std::string args = "%a: " + a + ", %w: " + w + (prepackWeights ? " {lowbit.prepack}" : "") +
                     ", %s: " + s;
  std::string operands = "%a, %w scale(%s)";
  std::string types = a + ", " + w + ", " + s;
  if (zeroPoints) {
    args += ", %z: " + z;
    operands += " zero(%z)";
    types += ", " + z;
  }
  if (tensorScale) {
    args += ", %ts: tensor<f32>";
    operands += " tensor_scale(%ts)";
    types += ", tensor<f32>";
  }
  if (intActivations) {
    args += ", %as: " + as;
    operands += " act_scale(%as)";
    types += ", " + as;
  }
  std::string scheme = "#lowbit.scheme<" + granularity + ", scale = " + scale;
  if (zeroPoints)
    scheme += ", zero = int";
  if (tensorScale)
    scheme += ", tensor_scale";
  if (!codebook.empty())
    scheme += ", codebook = " + codebook;
  scheme += ">";
  std::string attrs = "weight_scheme = " + scheme;
  if (quantizeActivations)
    attrs += ", quantize_activations";
  if (!schedule.empty())
    attrs += ", schedule = " + schedule;
  if (intActivations)
    attrs += ", act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>";
  return "func.func @main(" + args + ") -> " + y + " {\n  %y = lowbit.mpgemm " + operands +
         " {" + attrs + "} : (" + types + ") -> " + y + "\n  return %y : " + y + "\n}\n";
}

std::vector<MpgemmCase> lowbit::bench::defaultMpgemmCases(bool quick) {
  struct Format {
    std::string weights, activations;
    int64_t group;
    std::string scale;
    bool zero = false, tensorScale = false;
    std::string codebook;
    bool constantWeights = false, prepackWeights = false;
    /// The largest M of the format's cases (0: all).
    int64_t maxM = 0;
  };
  std::vector<Format> formats;
  enum class Weights { Runtime, Constant, Prepack };
  auto add = [&](std::string weights, std::string activations, int64_t group, std::string scale,
                 bool zero = false, bool tensorScale = false, std::string codebook = "",
                 Weights kind = Weights::Runtime, int64_t maxM = 0) {
    // Constant weights compile one function per copy: decode shapes only.
    if (kind == Weights::Constant)
      maxM = 16;
    formats.push_back({weights, activations, group, scale, zero, tensorScale, codebook,
                       kind == Weights::Constant, kind == Weights::Prepack, maxM});
  };
  if (quick) {
    add("ui4", "si8", 128, "f16", true);
    add("ui4", "si8", 128, "f16", true, false, "", Weights::Constant);
    add("ui4", "si8", 128, "f16", true, false, "", Weights::Prepack);
    add("ui4", "f32", 128, "f16", true);
  } else {
    for (int bits = 1; bits <= 8; ++bits)
      add("ui" + std::to_string(bits), "si8", 128, "f16", true);
    for (int bits : {2, 3, 4, 8})
      add("ui" + std::to_string(bits), "si8", 128, "f16", true, false, "", Weights::Constant);
    for (int bits = 2; bits <= 8; ++bits)
      add("ui" + std::to_string(bits), "si8", 128, "f16", true, false, "", Weights::Prepack,
          bits == 4 ? 0 : 16);
    for (std::string act : {"f32", "f16", "bf16"})
      add("ui4", act, 128, "f16", true);
    add("ui4", "f32", 128, "f16", true, false, "", Weights::Prepack);
    add("f4E2M1FN", "f32", 32, "f8E8M0FNU");              // MXFP4
    add("f4E2M1FN", "f32", 16, "f8E4M3FN", false, true);  // NVFP4
    add("f6E2M3FN", "f32", 32, "f8E8M0FNU");              // MXFP6
    add("f8E4M3FN", "f32", 0, "f32");                     // FP8 per channel
    add("ui4", "f32", 64, "bf16", false, false, "nf4");   // NF4
  }
  std::vector<std::array<int64_t, 2>> shapes =
      quick ? std::vector<std::array<int64_t, 2>>{{4096, 4096}}
            : std::vector<std::array<int64_t, 2>>{{4096, 4096}, {4096, 11008}, {11008, 4096}};
  std::vector<int64_t> ms = quick ? std::vector<int64_t>{1, 16} : std::vector<int64_t>{1, 16, 128, 512};
  std::vector<MpgemmCase> cases;
  for (const Format &format : formats)
    for (auto [k, n] : shapes)
      for (int64_t m : ms) {
        if (format.maxM && m > format.maxM)
          continue;
        MpgemmCase c;
        c.m = m;
        c.k = k;
        c.n = n;
        c.weights = format.weights;
        c.activations = format.activations;
        c.group = format.group;
        c.scale = format.scale;
        c.zeroPoints = format.zero;
        c.tensorScale = format.tensorScale;
        c.codebook = format.codebook;
        c.constantWeights = format.constantWeights;
        c.prepackWeights = format.prepackWeights;
        cases.push_back(c);
      }
  return cases;
}

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The value range random data is drawn from, per argument role.
RandomTensorOptions rangeFor(StringRef role, Type type, uint64_t seed) {
  RandomTensorOptions options;
  options.seed = seed;
  if (role == "s") {
    if (isa<Float8E8M0FNUType>(type)) {
      options.min = 0.0625;
      options.max = 1;
    } else {
      options.min = 0.01;
      options.max = 0.1;
    }
  } else if (role == "as") {
    options.min = 0.001;
    options.max = 0.01;
  } else if (role == "ts") {
    options.min = 0.5;
    options.max = 2;
  }
  return options;
}

/// The raw data of a dense elements attribute of `type` holding `values`: one byte per element
/// of 2 to 8 bits (its code), 1-bit elements packed 8 per byte (LSB first), wider ones as they
/// are stored.
std::vector<char> denseBytes(const HostTensor &values, RankedTensorType type) {
  unsigned bits = type.getElementTypeBitWidth();
  if (bits > 8)
    return std::vector<char>(values.bytes.begin(), values.bytes.end());
  std::vector<uint32_t> codes = unpackCodes(values);
  if (bits > 1)
    return std::vector<char>(codes.begin(), codes.end());
  std::vector<char> raw((codes.size() + 7) / 8, 0);
  for (size_t e = 0; e < codes.size(); ++e)
    raw[e / 8] = static_cast<char>(raw[e / 8] | ((codes[e] & 1) << (e % 8)));
  return raw;
}

} // namespace

llvm::Expected<MpgemmResult> lowbit::bench::runMpgemmCase(MLIRContext &context,
                                                          const MpgemmCase &spec,
                                                          const Limits &limits,
                                                          const MpgemmBenchOptions &options) {
  MpgemmResult result;
  result.spec = spec;
  result.threads = lowbit_num_threads();
  std::string source = spec.mlirSource();
  // The parser's and verifier's first message says what is wrong with the options.
  std::string firstMessage;
  OwningOpRef<ModuleOp> module;
  {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (firstMessage.empty())
        firstMessage = diag.str();
      return success();
    });
    module = parseSourceString<ModuleOp>(source, &context);
  }
  if (!module)
    return makeError(spec.name() + ": the benchmark function does not parse" +
                     (firstMessage.empty() ? "" : ": " + firstMessage));
  auto func = module->lookupSymbol<func::FuncOp>("main");
  FunctionType type = func.getFunctionType();
  std::vector<std::string> roles = {"a", "w", "s"};
  if (spec.zeroPoints)
    roles.push_back("z");
  if (spec.tensorScale)
    roles.push_back("ts");
  if (spec.activations == "si8")
    roles.push_back("as");

  // Inputs.
  std::vector<HostTensor> inputs;
  for (auto [index, argType] : llvm::enumerate(type.getInputs())) {
    auto tensor = cast<RankedTensorType>(argType);
    llvm::Expected<HostTensor> random = randomTensor(
        tensor.getElementType(), tensor.getShape(),
        rangeFor(roles[index], tensor.getElementType(), options.seed * 16 + index));
    if (!random)
      return random.takeError();
    inputs.push_back(std::move(*random));
  }
  // The reference on the first and last rows, before the module is lowered in place.
  std::vector<int64_t> rows = {0};
  if (spec.m > 1)
    rows.push_back(spec.m - 1);
  MpgemmCase sampled = spec;
  sampled.m = static_cast<int64_t>(rows.size());
  OwningOpRef<ModuleOp> referenceModule = parseSourceString<ModuleOp>(sampled.mlirSource(), &context);
  std::vector<HostTensor> referenceInputs = inputs;
  {
    const HostTensor &a = inputs[0];
    HostTensor &ra = referenceInputs[0];
    int64_t rowBytes = static_cast<int64_t>(a.bytes.size()) / spec.m;
    ra.shape[0] = sampled.m;
    ra.bytes.assign(rowBytes * sampled.m, 0);
    for (auto [i, row] : llvm::enumerate(rows))
      std::memcpy(ra.bytes.data() + i * rowBytes, a.bytes.data() + row * rowBytes, rowBytes);
    if (spec.activations == "si8") {
      const HostTensor &as = inputs.back();
      HostTensor &ras = referenceInputs.back();
      ras.shape[0] = sampled.m;
      ras.bytes.assign(4 * sampled.m, 0);
      for (auto [i, row] : llvm::enumerate(rows))
        std::memcpy(ras.bytes.data() + 4 * i, as.bytes.data() + 4 * row, 4);
    }
  }
  llvm::Expected<std::vector<HostTensor>> expected = runReference(
      referenceModule->lookupSymbol<func::FuncOp>("main"), referenceInputs);
  if (!expected)
    return expected.takeError();

  // The weight side (weights, scales, zero points, tensor scale) in rotated copies.
  int64_t weightBytes = 0;
  std::vector<size_t> weightSide;
  for (size_t i = 1; i < inputs.size(); ++i)
    if (roles[i] != "as") {
      weightSide.push_back(i);
      weightBytes += static_cast<int64_t>(inputs[i].bytes.size());
    }
  result.weightBytes = static_cast<double>(weightBytes);
  int64_t rotate = options.rotateBytes > 0 ? options.rotateBytes : defaultRotateBytes();
  result.copies = std::max<int64_t>(1, (rotate + weightBytes - 1) / weightBytes);
  if (options.copies > 0)
    result.copies = options.copies;
  // Constant weights compile one function per copy: at most 32 (enough to leave the cache for
  // weights of 2 MiB and more; smaller ones are timed partly from the cache).
  else if (spec.constantWeights)
    result.copies = std::min<int64_t>(result.copies, 32);
  std::vector<std::vector<std::vector<uint8_t>>> copies(result.copies);
  if (!spec.constantWeights)
    for (auto &copy : copies)
      for (size_t i : weightSide)
        copy.push_back(inputs[i].bytes);

  // Constant weights: one function per copy, main_<c>, with the weight side (weights, scales,
  // zero points, tensor scale) replaced by dense constants, as in a model compiled ahead of
  // time (copy 0's values are the checked ones; the others are drawn afresh, so that no two
  // constants are equal and merged).
  std::vector<std::string> names = {"main"};
  if (spec.constantWeights) {
    names.clear();
    auto main = module->lookupSymbol<func::FuncOp>("main");
    for (int64_t c = 0; c < result.copies; ++c) {
      auto copy = cast<func::FuncOp>(main->clone());
      names.push_back("main_" + std::to_string(c));
      copy.setName(names.back());
      module->push_back(copy);
      OpBuilder b = OpBuilder::atBlockBegin(&copy.getBody().front());
      llvm::BitVector constants(copy.getNumArguments());
      for (size_t i : weightSide) {
        auto type = cast<RankedTensorType>(main.getArgumentTypes()[i]);
        if (!type.getElementType().isIntOrFloat())
          return makeError(spec.name() + ": --constant-weights needs integer or float " +
                           "weights, scales and zero points (dense elements cannot hold " +
                           typeToString(type.getElementType()) + ")");
        HostTensor values = inputs[i];
        if (c > 0) {
          llvm::Expected<HostTensor> random = randomTensor(
              type.getElementType(), type.getShape(),
              rangeFor(roles[i], type.getElementType(), options.seed * 16 + i + 97 * c));
          if (!random)
            return random.takeError();
          values = std::move(*random);
        }
        Value constant = arith::ConstantOp::create(
            b, copy.getLoc(), DenseElementsAttr::getFromRawBuffer(type, denseBytes(values, type)));
        copy.getArgument(i).replaceAllUsesWith(constant);
        constants.set(i);
      }
      if (failed(copy.eraseArguments(constants)))
        return makeError(spec.name() + ": cannot make the weights a constant");
    }
    main.erase();
  }

  result.schedule = scheduleOf(*module, options.fastPath, options.threadWorkUs);

  // Compile.
  auto compileStart = std::chrono::steady_clock::now();
  JitOptions jitOptions;
  jitOptions.pipeline.fastPath = options.fastPath;
  jitOptions.pipeline.threadWorkUs = options.threadWorkUs;
  llvm::SmallVector<llvm::StringRef> nameRefs(names.begin(), names.end());
  llvm::Expected<std::vector<std::unique_ptr<JitFunction>>> jits =
      JitFunction::compileAll(*module, nameRefs, jitOptions);
  if (!jits)
    return jits.takeError();
  result.compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - compileStart).count();

  // Weights prepacked at run time: every copy through the generated entry point, once.
  if (spec.prepackWeights) {
    JitFunction *prepack = (*jits)[0]->getPrepack();
    if (!prepack)
      return makeError(spec.name() + ": no prepack entry point was generated");
    std::vector<double> times;
    for (auto &copy : copies) {
      HostTensor weights = inputs[1];
      weights.bytes = copy[0];
      auto start = std::chrono::steady_clock::now();
      llvm::Expected<std::vector<HostTensor>> packed = prepack->run({weights});
      if (!packed)
        return packed.takeError();
      times.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count());
      copy[0] = std::move((*packed)[0].bytes);
    }
    std::sort(times.begin(), times.end());
    result.prepackMs = times[times.size() / 2];
  }

  auto resultType = cast<RankedTensorType>(type.getResult(0));
  std::vector<float> output(resultType.getNumElements());
  auto callWith = [&](int64_t copyIndex) -> llvm::Error {
    std::vector<void *> arguments;
    size_t next = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (llvm::is_contained(weightSide, i) && spec.constantWeights)
        continue;
      if (llvm::is_contained(weightSide, i))
        arguments.push_back(copies[copyIndex][next++].data());
      else
        arguments.push_back(inputs[i].bytes.data());
    }
    void *out = output.data();
    JitFunction &function = *(*jits)[spec.constantWeights ? copyIndex : 0];
    return function.call(arguments, {out});
  };

  // Check.
  if (llvm::Error error = callWith(0))
    return std::move(error);
  llvm::Expected<std::vector<double>> reference = decodeValues((*expected)[0]);
  if (!reference)
    return reference.takeError();
  double largest = 0, worst = 0;
  for (auto [i, row] : llvm::enumerate(rows))
    for (int64_t j = 0; j < spec.n; ++j) {
      double want = (*reference)[i * spec.n + j];
      double got = output[row * spec.n + j];
      largest = std::max(largest, std::fabs(want));
      double error = std::fabs(got - want);
      if (std::isnan(error))
        error = INFINITY;
      worst = std::max(worst, error);
    }
  result.maxRelErr = largest > 0 ? worst / largest : worst;
  if (!(result.maxRelErr <= options.tolerance))
    return makeError(spec.name() + ": the results differ from the reference: the largest error " +
                     "is " + llvm::formatv("{0:e2}", result.maxRelErr).str() +
                     " of the largest |y| (tolerance " +
                     llvm::formatv("{0:e2}", options.tolerance).str() + ")");

  // Time.
  llvm::Expected<TimedCalls> timed = timeRotatedCalls(callWith, result.copies,
                                                      result.weightBytes, limits, options);
  if (!timed)
    return timed.takeError();
  result.calls = timed->calls;
  double median = timed->medianSeconds;
  result.timeMs = median * 1e3;
  result.gbps = result.weightBytes / median / 1e9;
  result.readGbps = timed->readGbps;
  result.bwFraction = timed->bwFraction;
  result.gops = 2.0 * spec.m * spec.n * spec.k / median / 1e9;
  bool int8 = result.schedule.find("int8_dot") != std::string::npos;
  result.peak = int8 ? "int8" : "fma";
  double peak = int8 ? limits.int8DotPeak.value : limits.fmaPeak.value;
  result.peakFraction = peak > 0 ? result.gops / peak : 0;
  return result;
}

llvm::Expected<TimedCalls>
lowbit::bench::timeRotatedCalls(llvm::function_ref<llvm::Error(int64_t copy)> call,
                                int64_t copies, double streamedBytes, const Limits &limits,
                                const MpgemmBenchOptions &options) {
  for (int warm = 0; warm < 2; ++warm)
    if (llvm::Error error = call((warm + 1) % copies))
      return std::move(error);
  // Rounds of timed calls, each after a measurement of the read bandwidth where a probe is
  // given. The runtime's threads spin for a while after a call (libomp's default blocktime,
  // 200 ms) and would compete with the probe's threads: each probe waits that out first.
  int rounds = options.probe ? std::max(options.rounds, 1) : 1;
  std::vector<double> times, roundFractions, roundBandwidths;
  for (int round = 0; round < rounds; ++round) {
    double bandwidth = 0;
    if (options.probe) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      bandwidth = options.probe->measure(/*repeats=*/2, /*warmUp=*/false).value;
    }
    std::vector<double> roundTimes;
    double elapsed = 0;
    int64_t minCalls = (options.minCalls + rounds - 1) / rounds;
    int64_t maxCalls = (options.maxCalls + rounds - 1) / rounds;
    for (int64_t index = 0; index < maxCalls; ++index) {
      auto start = std::chrono::steady_clock::now();
      if (llvm::Error error = call((times.size() + roundTimes.size()) % copies))
        return std::move(error);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      roundTimes.push_back(seconds);
      elapsed += seconds;
      if (elapsed >= options.seconds / rounds &&
          static_cast<int64_t>(roundTimes.size()) >= minCalls)
        break;
    }
    times.insert(times.end(), roundTimes.begin(), roundTimes.end());
    if (bandwidth > 0) {
      std::nth_element(roundTimes.begin(), roundTimes.begin() + roundTimes.size() / 2,
                       roundTimes.end());
      roundFractions.push_back(streamedBytes / roundTimes[roundTimes.size() / 2] / 1e9 /
                               bandwidth);
      roundBandwidths.push_back(bandwidth);
    }
  }
  TimedCalls timed;
  timed.calls = static_cast<int64_t>(times.size());
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  timed.medianSeconds = times[times.size() / 2];
  if (!roundFractions.empty()) {
    timed.readGbps = detail::median(roundBandwidths);
    timed.bwFraction = detail::median(roundFractions);
  } else {
    timed.readGbps = limits.readBandwidth.value;
    timed.bwFraction =
        timed.readGbps > 0 ? streamedBytes / timed.medianSeconds / 1e9 / timed.readGbps : 0;
  }
  return timed;
}

std::string lowbit::bench::scheduleOf(ModuleOp module, bool fastPath, int64_t threadWorkUs) {
  if (!fastPath)
    return "reference";
  OwningOpRef<ModuleOp> clone = module.clone();
  PassManager pm(module.getContext());
  pm.addPass(createLowbitInterchangeABI());
  pm.addNestedPass<func::FuncOp>(createLowbitQuantizeActivations());
  LowbitSelectSchedulesOptions schedules;
  schedules.threadWorkUs = threadWorkUs;
  pm.addPass(createLowbitSelectSchedules(schedules));
  if (failed(pm.run(*clone)))
    return "reference";
  std::string text = "reference";
  clone->walk([&](Operation *op) {
    if (auto schedule = op->getAttrOfType<ScheduleAttr>("schedule")) {
      llvm::raw_string_ostream os(text);
      text.clear();
      os << schedule;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return text;
}

/// The last-level cache in bytes (sysfs), or 32 MiB.
static int64_t lastLevelCacheBytes() {
  for (int index = 4; index >= 0; --index) {
    std::ifstream file("/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/size");
    std::string text;
    if (!(file >> text) || text.empty())
      continue;
    int64_t value = std::atoll(text.c_str());
    char unit = text.back();
    if (unit == 'K')
      value <<= 10;
    else if (unit == 'M')
      value <<= 20;
    if (value > 0)
      return value;
  }
  return int64_t(32) << 20;
}

int64_t lowbit::bench::defaultRotateBytes() {
  return std::max<int64_t>(int64_t(64) << 20, 4 * lastLevelCacheBytes());
}

std::string lowbit::bench::toJson(const MpgemmResult &r, const Limits &limits) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto quoted = [](const std::string &s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
    return out + "\"";
  };
  const MpgemmCase &c = r.spec;
  os << "{\"kernel\": " << quoted(c.name()) << ", \"m\": " << c.m << ", \"k\": " << c.k
     << ", \"n\": " << c.n << ", \"weights\": " << quoted(c.codebook.empty() ? c.weights : c.codebook)
     << ", \"activations\": " << quoted(c.activations) << ", \"group\": " << c.group
     << ", \"scale\": " << quoted(c.scale) << ", \"zero_points\": " << (c.zeroPoints ? "true" : "false")
     << ", \"tensor_scale\": " << (c.tensorScale ? "true" : "false")
     << ", \"constant_weights\": " << (c.constantWeights ? "true" : "false")
     << ", \"prepack_weights\": " << (c.prepackWeights ? "true" : "false")
     << ", \"quantize_activations\": " << (c.quantizeActivations ? "true" : "false")
     << ", \"format\": " << quoted(c.format())
     << ", \"time_ms\": " << llvm::format("%.4f", r.timeMs)
     << ", \"weight_bytes\": " << static_cast<int64_t>(r.weightBytes)
     << ", \"gbps\": " << llvm::format("%.2f", r.gbps)
     << ", \"bw_fraction\": " << llvm::format("%.3f", r.bwFraction)
     << ", \"gops\": " << llvm::format("%.1f", r.gops)
     << ", \"peak_fraction\": " << llvm::format("%.3f", r.peakFraction)
     << ", \"peak\": " << quoted(r.peak) << ", \"max_rel_err\": " << llvm::format("%.3g", r.maxRelErr)
     << ", \"schedule\": " << quoted(r.schedule) << ", \"threads\": " << r.threads
     << ", \"calls\": " << r.calls << ", \"copies\": " << r.copies
     << ", \"compile_s\": " << llvm::format("%.2f", r.compileSeconds)
     << ", \"prepack_ms\": " << llvm::format("%.3f", r.prepackMs)
     << ", \"isa\": " << quoted(limits.isa.describe())
     << ", \"read_gbps\": " << llvm::format("%.2f", r.readGbps)
     << ", \"run_read_gbps\": " << llvm::format("%.2f", limits.readBandwidth.value)
     << ", \"fma_gflops\": " << llvm::format("%.1f", limits.fmaPeak.value)
     << ", \"int8_gops\": " << llvm::format("%.1f", limits.int8DotPeak.value) << "}";
  return text;
}
