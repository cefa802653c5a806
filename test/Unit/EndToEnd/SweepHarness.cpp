//===- SweepHarness.cpp - JIT vs reference on random data ------------------===//
#include "SweepHarness.h"

#include "lowbit/Execution/ReferenceInterpreter.h"
#include "lowbit/InitAll.h"
#include "lowbit/LowbitDialect.h"
#include "lowbit/Support/HostTensor.h"
#include "lowbit/Target/Jit.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir;

namespace lowbit::sweep {

std::string sanitize(const std::string &text) {
  std::string out;
  for (char c : text)
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += c;
  return out;
}

/// The seed of this process: fresh each run, printed on failure, or LOWBIT_TEST_SEED.
uint64_t processSeed() {
  static uint64_t seed = [] {
    if (const char *fixed = std::getenv("LOWBIT_TEST_SEED"))
      return static_cast<uint64_t>(std::strtoull(fixed, nullptr, 10));
    return static_cast<uint64_t>(std::random_device{}()) << 32 | std::random_device{}();
  }();
  return seed;
}

MLIRContext &sharedContext() {
  static MLIRContext *context = [] {
    DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    lowbit::registerAllDialects(registry);
    initializeJit(registry);
    auto *ctx = new MLIRContext(registry);
    ctx->loadAllAvailableDialects();
    return ctx;
  }();
  return *context;
}

namespace {

double uniform(std::mt19937_64 &rng, double low, double high) {
  return low + (high - low) * (static_cast<double>(rng() >> 11) * 0x1.0p-53);
}

HostTensor draw(RankedTensorType type, const Distribution &dist, std::mt19937_64 &rng) {
  Type element = type.getElementType();
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  int64_t count = type.getNumElements();
  llvm::Expected<ref::ElementFormat> format = getReferenceFormat(element);
  bool lowbit = isLowbitElementType(element);

  if (lowbit && (dist.kind == Distribution::Codes || dist.kind == Distribution::Positive)) {
    // Candidate codes: finite values, within [low, high] for scales.
    std::vector<uint32_t> candidates;
    unsigned bits = getLowbitWidth(element);
    for (uint32_t code = 0; code < (1u << bits); ++code) {
      double value = ref::decode(*format, code);
      if (!std::isfinite(value))
        continue;
      if (dist.kind == Distribution::Positive && (value < dist.low || value > dist.high))
        continue;
      candidates.push_back(code);
    }
    EXPECT_FALSE(candidates.empty()) << "no code of " << typeToString(element) << " in range";
    std::vector<uint32_t> codes(count);
    for (uint32_t &code : codes)
      code = candidates[rng() % candidates.size()];
    return packCodes(element, shape, codes);
  }
  std::vector<double> values(count);
  for (double &value : values) {
    value = uniform(rng, dist.low, dist.high);
    if (isa<IntegerType>(element))
      value = std::round(value);
  }
  llvm::Expected<HostTensor> tensor = encodeValues(element, shape, values);
  if (!tensor) {
    ADD_FAILURE() << llvm::toString(tensor.takeError());
    return {};
  }
  return std::move(*tensor);
}

} // namespace


void runCase(const Case &testCase) {
  MLIRContext &context = sharedContext();
  std::string source = "func.func @f(";
  for (size_t i = 0; i < testCase.arguments.size(); ++i)
    source += (i ? ", %arg" : "%arg") + std::to_string(i) + ": " + testCase.arguments[i].type;
  source += ") -> " + testCase.resultType + " {\n  " + testCase.body + "\n  return %r : " +
            testCase.resultType + "\n}\n";
  SCOPED_TRACE(source);
  uint64_t seed = processSeed() ^ std::hash<std::string>{}(testCase.name);
  SCOPED_TRACE("seed " + std::to_string(processSeed()) +
               " (repeat with LOWBIT_TEST_SEED=" + std::to_string(processSeed()) + ")");

  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(module) << "the case does not parse";
  auto func = module->lookupSymbol<func::FuncOp>("f");
  std::mt19937_64 rng(seed);
  std::vector<HostTensor> inputs;
  for (auto [index, argument] : llvm::enumerate(testCase.arguments))
    inputs.push_back(draw(cast<RankedTensorType>(func.getArgument(index).getType()),
                          argument.distribution, rng));

  llvm::Expected<std::vector<HostTensor>> expected = runReference(func, inputs);
  ASSERT_TRUE(static_cast<bool>(expected)) << llvm::toString(expected.takeError());

  OwningOpRef<ModuleOp> compiled = module->clone();
  llvm::Expected<std::unique_ptr<JitFunction>> jit = JitFunction::compile(*compiled, "f");
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  llvm::Expected<std::vector<HostTensor>> actual = (*jit)->run(inputs);
  ASSERT_TRUE(static_cast<bool>(actual)) << llvm::toString(actual.takeError());
  ASSERT_EQ(expected->size(), actual->size());

  for (size_t r = 0; r < expected->size(); ++r) {
    llvm::Expected<std::vector<double>> want = decodeValues((*expected)[r]);
    llvm::Expected<std::vector<double>> got = decodeValues((*actual)[r]);
    ASSERT_TRUE(want && got);
    ASSERT_EQ(want->size(), got->size());
    double worst = 0;
    size_t worstIndex = 0, failures = 0;
    for (size_t i = 0; i < want->size(); ++i) {
      double w = (*want)[i], g = (*got)[i];
      if ((std::isnan(w) && std::isnan(g)) || w == g) // equal infinities too
        continue;
      double error = std::fabs(w - g);
      bool ok = error <= testCase.atol + testCase.rtol * std::fabs(w);
      if (!ok)
        ++failures;
      if (!ok && (failures == 1 || error > worst)) {
        worst = error;
        worstIndex = i;
      }
    }
    EXPECT_EQ(failures, 0u) << failures << " of " << want->size()
                            << " elements differ; worst at flat index " << worstIndex
                            << ": reference " << (*want)[worstIndex] << ", jit "
                            << (*got)[worstIndex] << " (atol " << testCase.atol << ", rtol "
                            << testCase.rtol << ")";
  }
}

} // namespace lowbit::sweep
