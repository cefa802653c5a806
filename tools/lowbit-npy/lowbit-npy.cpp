//===- lowbit-npy.cpp - Make, compare and print .npy tensors of lowbit types ----===//
//
// A thin driver over lib/Support: `random` writes a reproducible random tensor of any element
// type, `compare` checks a result against an expected tensor with a tolerance, `print` shows
// the logical values. Errors are one line, "lowbit-npy: error: ...", and exit code 1.
//
//===----------------------------------------------------------------------===//

#include "lowbit/LowbitDialect.h"
#include "lowbit/Support/HostTensor.h"
#include "lowbit/Support/Npy.h"
#include "lowbit/Support/RandomTensor.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

using namespace mlir;
using namespace lowbit;
namespace cl = llvm::cl;

static const char kOverview[] = R"(make, compare and print .npy tensors of every lowbit element type

Commands:
  random   write a random tensor (deterministic for a given --seed)
             lowbit-npy random --type=4x7xui4 --seed=1 -o w.npy
             lowbit-npy random --type=32xf8E8M0FNU --min=0.0625 --max=16 -o scales.npy
  compare  check ACTUAL against EXPECTED: |actual - expected| <= atol + rtol * |expected|
             lowbit-npy compare expected.npy actual.npy --atol=1e-3 --rtol=1e-2
  print    print the type and the logical values (not the stored codes)
             lowbit-npy print w.npy

Low-bit types are stored packed as '|u1' bytes that NumPy can load, with the logical type and
shape in a comment of the header (see include/lowbit/Support/Npy.h).
)";

static cl::OptionCategory npyCategory("lowbit-npy options");

static cl::list<std::string> positionals(cl::Positional,
                                         cl::desc("<random|compare|print> [files...]"),
                                         cl::cat(npyCategory));
static cl::opt<std::string>
    typeOption("type",
               cl::desc("random: the tensor type as <shape>x<element type>, e.g. --type=4x7xui4, "
                        "--type=3xf32, --type=f32 (rank 0), --type=2x3x!lowbit.float<e3m4>"),
               cl::value_desc("type"), cl::cat(npyCategory));
static cl::opt<uint64_t> seedOption("seed",
                                    cl::desc("random: seed of the generator, e.g. --seed=42 "
                                             "(the same seed gives the same file)"),
                                    cl::init(0), cl::cat(npyCategory));
static cl::opt<std::string> outputOption("o", cl::desc("random: the output file, e.g. -o w.npy"),
                                         cl::value_desc("file"), cl::cat(npyCategory));
static cl::opt<double>
    minOption("min",
              cl::desc("random: smallest value, e.g. --min=-4 (default: -1 for f16/bf16/f32/f64, "
                       "the type's smallest value otherwise)"),
              cl::cat(npyCategory));
static cl::opt<double> maxOption("max",
                                 cl::desc("random: largest value, e.g. --max=16 (default: 1 for "
                                          "f16/bf16/f32/f64, the type's largest value otherwise)"),
                                 cl::cat(npyCategory));
static cl::opt<bool>
    allowNaNOption("allow-nan",
                   cl::desc("random: low-bit float types may also draw NaN and infinity codes, "
                            "e.g. --type=16xf8E5M2 --allow-nan"),
                   cl::cat(npyCategory));
static cl::opt<double> atolOption("atol", cl::desc("compare: absolute tolerance, e.g. --atol=1e-3"),
                                  cl::init(0.0), cl::cat(npyCategory));
static cl::opt<double> rtolOption("rtol", cl::desc("compare: relative tolerance, e.g. --rtol=1e-2"),
                                  cl::init(0.0), cl::cat(npyCategory));

namespace {

int fail(const llvm::Twine &message) {
  llvm::errs() << "lowbit-npy: error: " << message << "\n";
  return 1;
}

int fail(llvm::Error error) { return fail(llvm::toString(std::move(error))); }

int runRandom(MLIRContext &context) {
  if (typeOption.empty() || outputOption.empty())
    return fail("random: --type and -o are required, e.g. --type=4x7xui4 -o w.npy");
  llvm::Expected<Type> parsed = parseTypeText(&context, "tensor<" + typeOption + ">");
  if (!parsed)
    return fail("random: bad --type '" + typeOption + "': " + llvm::toString(parsed.takeError()));
  auto tensorType = dyn_cast<RankedTensorType>(*parsed);
  if (!tensorType || !tensorType.hasStaticShape())
    return fail("random: --type '" + typeOption +
                "' is not <static shape>x<element type>, e.g. 4x7xui4");
  Type type = tensorType.getElementType();
  ArrayRef<int64_t> shape = tensorType.getShape();
  llvm::Expected<int64_t> size = storageSize(type, shape);
  if (!size)
    return fail("random: " + llvm::toString(size.takeError()));
  if (*size > (int64_t(1) << 30))
    return fail("random: " + typeOption + " needs " + llvm::Twine(*size) +
                " bytes, more than 1 GiB");
  RandomTensorOptions options;
  options.seed = seedOption;
  if (minOption.getNumOccurrences())
    options.min = minOption;
  if (maxOption.getNumOccurrences())
    options.max = maxOption;
  options.allowNaN = allowNaNOption;
  llvm::Expected<HostTensor> tensor = randomTensor(type, shape, options);
  if (!tensor)
    return fail(tensor.takeError());
  if (llvm::Error error = writeNpyFile(outputOption, *tensor))
    return fail(std::move(error));
  return 0;
}

/// "[i, j]": the multi-index of a row-major linear index.
std::string formatIndex(ArrayRef<int64_t> shape, int64_t linear) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = linear % shape[d];
    linear /= shape[d];
  }
  std::string text = "[";
  for (size_t d = 0; d < index.size(); ++d)
    text += (d ? ", " : "") + std::to_string(index[d]);
  return text + "]";
}

/// |actual - expected|, 0 when NaN meets NaN or an infinity the same infinity, NaN when only
/// one side is NaN, so that such a mismatch ranks worst.
double absError(double expected, double actual) {
  if (std::isnan(expected) || std::isnan(actual))
    return std::isnan(expected) && std::isnan(actual) ? 0.0 : std::nan("");
  if (expected == actual)
    return 0.0;
  return std::fabs(actual - expected);
}

/// Whether `actual` passes: NaN matches NaN, an infinity only the same infinity, finite values
/// within atol + rtol * |expected|.
bool matches(double expected, double actual, double atol, double rtol) {
  if (std::isnan(expected) || std::isnan(actual))
    return std::isnan(expected) && std::isnan(actual);
  if (std::isinf(expected) || std::isinf(actual))
    return expected == actual;
  return std::fabs(actual - expected) <= atol + rtol * std::fabs(expected);
}

/// Whether error `a` is worse than `b` (NaN is worst).
bool isWorse(double a, double b) { return std::isnan(a) ? !std::isnan(b) : a > b; }

int runCompare(MLIRContext &context, StringRef expectedPath, StringRef actualPath) {
  double atol = atolOption, rtol = rtolOption;
  if (!(atol >= 0 && rtol >= 0))
    return fail("compare: --atol and --rtol must be non-negative");
  llvm::Expected<HostTensor> expected = readNpyFile(&context, expectedPath);
  if (!expected)
    return fail(expected.takeError());
  llvm::Expected<HostTensor> actual = readNpyFile(&context, actualPath);
  if (!actual)
    return fail(actual.takeError());
  if (expected->shape != actual->shape)
    return fail("compare: shapes differ: " + expectedPath + " has " +
                formatNumpyShape(expected->shape) + ", " + actualPath + " has " +
                formatNumpyShape(actual->shape));
  llvm::Expected<std::vector<double>> expectedValues = decodeValues(*expected);
  if (!expectedValues)
    return fail(expectedPath + ": " + llvm::toString(expectedValues.takeError()));
  llvm::Expected<std::vector<double>> actualValues = decodeValues(*actual);
  if (!actualValues)
    return fail(actualPath + ": " + llvm::toString(actualValues.takeError()));

  size_t count = expectedValues->size();
  std::vector<double> errors(count);
  std::vector<size_t> failures;
  size_t worst = 0;
  for (size_t i = 0; i < count; ++i) {
    double e = (*expectedValues)[i], a = (*actualValues)[i];
    errors[i] = absError(e, a);
    if (isWorse(errors[i], errors[worst]))
      worst = i;
    if (!matches(e, a, atol, rtol))
      failures.push_back(i);
  }
  Type f64 = Float64Type::get(&context);
  auto describe = [&](size_t i) {
    return formatIndex(expected->shape, int64_t(i)) + " (expected " +
           formatElementValue(expected->elementType, (*expectedValues)[i]) + ", actual " +
           formatElementValue(actual->elementType, (*actualValues)[i]) + ")";
  };
  llvm::outs() << "compare: " << count << " elements, max abs error "
               << (count ? formatElementValue(f64, errors[worst]) + " at " + describe(worst)
                         : std::string("0"))
               << "\n";
  if (failures.empty())
    return 0;
  llvm::outs() << "compare: FAILED: " << failures.size() << " of " << count
               << " elements differ by more than atol + rtol * |expected| (atol "
               << formatElementValue(f64, atol) << ", rtol " << formatElementValue(f64, rtol)
               << "); the worst:\n";
  size_t shown = std::min<size_t>(failures.size(), 10);
  std::partial_sort(failures.begin(), failures.begin() + shown, failures.end(),
                    [&](size_t a, size_t b) {
                      // Equal errors in index order, so that the output is reproducible.
                      if (isWorse(errors[a], errors[b]) || isWorse(errors[b], errors[a]))
                        return isWorse(errors[a], errors[b]);
                      return a < b;
                    });
  for (size_t k = 0; k < shown; ++k)
    llvm::outs() << "  " << describe(failures[k]) << ": abs error "
                 << formatElementValue(f64, errors[failures[k]]) << "\n";
  llvm::outs().flush();
  return 1;
}

/// Prints a tensor as NumPy does: nested brackets, one innermost row per line, columns aligned.
void printValues(llvm::raw_ostream &os, ArrayRef<int64_t> shape, ArrayRef<std::string> texts) {
  if (shape.empty()) {
    os << texts.front() << "\n";
    return;
  }
  if (texts.empty()) { // NumPy prints every empty array as []
    os << "[]\n";
    return;
  }
  size_t width = 0;
  for (const std::string &text : texts)
    width = std::max(width, text.size());
  size_t next = 0;
  std::function<void(size_t)> printAxis = [&](size_t axis) {
    os << "[";
    for (int64_t i = 0; i < shape[axis]; ++i) {
      if (axis + 1 == shape.size()) {
        os << (i ? " " : "") << std::string(width - texts[next].size(), ' ') << texts[next];
        ++next;
        continue;
      }
      if (i)
        os << std::string(shape.size() - axis - 1, '\n') << std::string(axis + 1, ' ');
      printAxis(axis + 1);
    }
    os << "]";
  };
  printAxis(0);
  os << "\n";
}

int runPrint(MLIRContext &context, StringRef path) {
  llvm::Expected<HostTensor> tensor = readNpyFile(&context, path);
  if (!tensor)
    return fail(tensor.takeError());
  llvm::Expected<std::vector<std::string>> texts = formatValues(*tensor);
  if (!texts)
    return fail(path + ": " + llvm::toString(texts.takeError()));
  llvm::outs() << RankedTensorType::get(tensor->shape, tensor->elementType) << "\n";
  printValues(llvm::outs(), tensor->shape, *texts);
  return 0;
}

/// Fails when an option of another command was given.
int checkOptions(StringRef command, ArrayRef<cl::Option *> foreign) {
  for (cl::Option *option : foreign)
    if (option->getNumOccurrences())
      return fail(command + ": option -" + option->ArgStr + " does not apply");
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  std::string clErrors;
  llvm::raw_string_ostream clErrorStream(clErrors);
  cl::HideUnrelatedOptions(npyCategory);
  if (!cl::ParseCommandLineOptions(argc, argv, kOverview, &clErrorStream)) {
    // Keep llvm::cl's first line, in our one-line format.
    StringRef message = StringRef(clErrors).take_until([](char c) { return c == '\n'; });
    if (message.empty()) // llvm::cl printed its message itself
      return 1;
    size_t colon = message.find(": ");
    return fail(colon == StringRef::npos ? message : message.drop_front(colon + 2).trim());
  }

  MLIRContext context;
  context.getOrLoadDialect<lowbit::LowbitDialect>();
  if (positionals.empty())
    return fail("expected a command: random, compare or print (see --help)");
  StringRef command = positionals.front();
  ArrayRef<std::string> files = ArrayRef<std::string>(positionals).drop_front();
  std::vector<cl::Option *> randomOptions = {&typeOption, &seedOption, &outputOption,
                                             &minOption,  &maxOption,  &allowNaNOption};
  std::vector<cl::Option *> compareOptions = {&atolOption, &rtolOption};
  if (command == "random") {
    if (!files.empty())
      return fail("random: unexpected argument '" + files.front() + "'");
    if (int rc = checkOptions(command, compareOptions))
      return rc;
    return runRandom(context);
  }
  if (command == "compare") {
    if (files.size() != 2)
      return fail("compare: expected two files, EXPECTED and ACTUAL");
    if (int rc = checkOptions(command, randomOptions))
      return rc;
    return runCompare(context, files[0], files[1]);
  }
  if (command == "print") {
    if (files.size() != 1)
      return fail("print: expected one file");
    std::vector<cl::Option *> others = randomOptions;
    others.insert(others.end(), compareOptions.begin(), compareOptions.end());
    if (int rc = checkOptions(command, others))
      return rc;
    return runPrint(context, files[0]);
  }
  return fail("unknown command '" + command + "' (expected random, compare or print)");
}
