//===- TileProgram.cpp - Run tile programs through the JIT in tests --------===//
#include "TileProgram.h"

#include "SweepHarness.h"

#include "lowbit/Target/Jit.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;

namespace lowbit::tiletest {

static std::string join(const std::vector<int64_t> &shape, const std::string &separator) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? separator : "") + std::to_string(shape[i]);
  return text;
}

static int64_t product(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  return count;
}

std::string TensorSpec::type() const { return "tensor<" + join(shape, "x") + "x" + element + ">"; }

/// Lines turning tensor %name (or, for the output, a new allocation %name_buffer) into the flat
/// memref %name_flat.
static std::string flatten(const TensorSpec &spec, bool isOutput) {
  std::string memref = "memref<" + join(spec.shape, "x") + "x" + spec.element + ">";
  std::string flat = "memref<" + std::to_string(product(spec.shape)) + "x" + spec.element + ">";
  std::string dims = "[[" + [&] {
    std::string list;
    for (size_t i = 0; i < spec.shape.size(); ++i)
      list += (i ? ", " : "") + std::to_string(i);
    return list;
  }() + "]]";
  std::string n = "%" + spec.name;
  std::string text = isOutput ? "  " + n + "_buffer = memref.alloc() : " + memref + "\n"
                              : "  " + n + "_buffer = bufferization.to_buffer " + n +
                                    " read_only : " + spec.type() + " to " + memref + "\n";
  text += "  " + n + "_collapsed = memref.collapse_shape " + n + "_buffer " + dims + " : " +
          memref + " into " + flat + "\n";
  text += "  " + n + "_flat = memref.cast " + n + "_collapsed : " + flat + " to memref<?x" +
          spec.element + ">\n";
  return text;
}

std::string buildHostFunction(const std::vector<TensorSpec> &inputs, const TensorSpec &output,
                              const std::string &kernel,
                              const std::vector<std::pair<std::string, std::string>> &scalars) {
  std::string text = "func.func @host(";
  for (size_t i = 0; i < inputs.size(); ++i)
    text += (i ? ", %" : "%") + inputs[i].name + ": " + inputs[i].type();
  text += ") -> " + output.type() + " {\n";
  std::vector<std::string> operands, types;
  for (const TensorSpec &spec : inputs) {
    text += flatten(spec, /*isOutput=*/false);
    operands.push_back("%" + spec.name + "_flat");
    types.push_back("memref<?x" + spec.element + ">");
  }
  text += flatten(output, /*isOutput=*/true);
  operands.push_back("%" + output.name + "_flat");
  types.push_back("memref<?x" + output.element + ">");
  for (size_t i = 0; i < scalars.size(); ++i) {
    text += "  %s" + std::to_string(i) + " = arith.constant " + scalars[i].first + " : " +
            scalars[i].second + "\n";
    operands.push_back("%s" + std::to_string(i));
    types.push_back(scalars[i].second);
  }
  text += "  tile.launch @" + kernel + "(" + llvm::join(operands, ", ") + ") : (" +
          llvm::join(types, ", ") + ") -> ()\n";
  std::string memref = "memref<" + join(output.shape, "x") + "x" + output.element + ">";
  text += "  %result = bufferization.to_tensor %" + output.name + "_buffer restrict : " + memref +
          " to " + output.type() + "\n";
  text += "  return %result : " + output.type() + "\n}\n";
  return text;
}

std::string substitute(std::string text, const std::map<std::string, std::string> &values) {
  for (const auto &[key, value] : values)
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at))
      text.replace(at, key.size(), value);
  return text;
}

std::vector<double> runHost(const std::string &source, const std::vector<HostTensor> &inputs) {
  MLIRContext &context = sweep::sharedContext();
  SCOPED_TRACE(source);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  if (!module) {
    ADD_FAILURE() << "the program does not parse";
    return {};
  }
  llvm::Expected<std::unique_ptr<JitFunction>> jit = JitFunction::compile(*module, "host");
  if (!jit) {
    ADD_FAILURE() << llvm::toString(jit.takeError());
    return {};
  }
  llvm::Expected<std::vector<HostTensor>> results = (*jit)->run(inputs);
  if (!results) {
    ADD_FAILURE() << llvm::toString(results.takeError());
    return {};
  }
  llvm::Expected<std::vector<double>> values = decodeValues(results->front());
  if (!values) {
    ADD_FAILURE() << llvm::toString(values.takeError());
    return {};
  }
  return *values;
}

std::mt19937_64 makeRng(const std::string &name) {
  return std::mt19937_64(sweep::processSeed() ^ std::hash<std::string>{}(name));
}

std::string seedNote() {
  std::string seed = std::to_string(sweep::processSeed());
  return "seed " + seed + " (repeat with LOWBIT_TEST_SEED=" + seed + ")";
}

static Type elementType(const std::string &element) {
  llvm::Expected<Type> type = parseTypeText(&sweep::sharedContext(), element);
  if (!type) {
    ADD_FAILURE() << llvm::toString(type.takeError());
    return {};
  }
  return *type;
}

HostTensor makeTensor(const std::string &element, const std::vector<int64_t> &shape,
                      const std::vector<double> &values) {
  llvm::Expected<HostTensor> tensor = encodeValues(elementType(element), shape, values);
  if (!tensor) {
    ADD_FAILURE() << llvm::toString(tensor.takeError());
    return {};
  }
  return std::move(*tensor);
}

HostTensor randomReals(const std::string &element, const std::vector<int64_t> &shape, double low,
                       double high, std::mt19937_64 &rng, std::vector<float> &values) {
  std::uniform_real_distribution<double> distribution(low, high);
  std::vector<double> drawn(product(shape));
  for (double &value : drawn)
    value = distribution(rng);
  HostTensor tensor = makeTensor(element, shape, drawn);
  llvm::Expected<std::vector<double>> stored = decodeValues(tensor);
  if (!stored) {
    ADD_FAILURE() << llvm::toString(stored.takeError());
    return tensor;
  }
  values.assign(stored->begin(), stored->end());
  return tensor;
}

void expectClose(const std::vector<double> &got, const std::vector<float> &want,
                 const std::vector<double> &tolerance, int64_t n) {
  ASSERT_EQ(got.size(), want.size());
  size_t failures = 0, worst = 0;
  double worstRatio = -1;
  for (size_t i = 0; i < got.size(); ++i) {
    double error = std::fabs(got[i] - want[i]);
    if (!(error <= tolerance[i]))
      ++failures;
    // How far past its tolerance each element is; NaN counts as infinitely far.
    double ratio = error == 0 ? 0 : tolerance[i] > 0 ? error / tolerance[i] : INFINITY;
    if (std::isnan(ratio))
      ratio = INFINITY;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  EXPECT_EQ(failures, 0u) << failures << " of " << got.size() << " elements differ; worst at ["
                          << worst / n << ", " << worst % n << "]: reference " << want[worst]
                          << ", jit " << got[worst] << ", error "
                          << std::fabs(got[worst] - want[worst]) << " > tolerance "
                          << tolerance[worst];
}

} // namespace lowbit::tiletest
