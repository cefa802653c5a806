//===- lowbit-layout.cpp - Inspect register layouts ------------------------===//
//
// A thin driver over lib/Layout: parses a layout expression, optionally composes or divides it
// by a second one, and prints the canonical form, the sizes, the (worker, local) -> index table
// and, with --bits, the widest vector access. --json prints one object for scripts. Errors are
// one line, "lowbit-layout: error: ...", and exit code 1; a malformed expression is reported as
// "lowbit-layout: error: <column>: <what was expected>".
//
//===----------------------------------------------------------------------===//

#include "lowbit/Layout/InstructionLayouts.h"
#include "lowbit/Layout/Layout.h"
#include "lowbit/Layout/SharedLayout.h"
#include "lowbit/Layout/VectorWidth.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace lowbit::layout;
namespace cl = llvm::cl;

static const char kOverview[] = R"(inspect register layouts of the lowbit layout algebra

Prints the canonical form of a layout expression, its sizes, the table worker x local -> logical
index, and with --bits the widest vector access for loading it from memory.

Examples:
  lowbit-layout 'local(2,1).spatial(8,4).local(1,2)'
  lowbit-layout 'local(2,2)' --compose 'spatial(8,4)'
  lowbit-layout 'local(2,1).spatial(8,4).local(1,2)' --divide 'local(1,2)'
  lowbit-layout 'spatial(32).local(128)' --bits 3 --align 16 --max-bytes 16
  lowbit-layout 'spatial(8,4).local(1,8)' --bits 16 --strides 64,1
  lowbit-layout 'spatial(8,4).local(1,8)' --bits 16 \
      --memory 'shared<shape=[8,32], strides=[32,1], swizzle=[2,3,2]>'
  lowbit-layout --instruction mma.m16n8k16.f16.a --json
  lowbit-layout --list-instructions
)";

static cl::OptionCategory category("lowbit-layout options");
static cl::opt<std::string> expressionArg(cl::Positional, cl::desc("<layout expression>"),
                                          cl::init(""), cl::cat(category));
static cl::opt<std::string>
    instructionArg("instruction",
                   cl::desc("Use a catalogued instruction layout instead of an expression "
                            "(e.g. --instruction mma.m16n8k16.f16.a)"),
                   cl::value_desc("name"), cl::init(""), cl::cat(category));
static cl::opt<bool> listInstructions("list-instructions",
                                      cl::desc("List the catalogued instruction layouts"),
                                      cl::cat(category));
static cl::opt<std::string> composeArg("compose",
                                       cl::desc("Print EXPR * EXPR2 (e.g. --compose 'local(1,2)')"),
                                       cl::value_desc("EXPR2"), cl::init(""), cl::cat(category));
static cl::opt<std::string> divideArg("divide",
                                      cl::desc("Print EXPR / EXPR2, the R with R * EXPR2 == EXPR"),
                                      cl::value_desc("EXPR2"), cl::init(""), cl::cat(category));
static cl::opt<std::string>
    leftDivideArg("left-divide", cl::desc("Print EXPR2 \\ EXPR, the L with EXPR2 * L == EXPR"),
                  cl::value_desc("EXPR2"), cl::init(""), cl::cat(category));
static cl::opt<int64_t> bitsArg("bits",
                                cl::desc("Element width in bits (1..8, 16, 32): print the widest "
                                         "vector access for loading the layout (e.g. --bits 4)"),
                                cl::value_desc("N"), cl::init(0), cl::cat(category));
static cl::opt<int64_t> alignArg("align", cl::desc("Base address alignment in bytes (default 16)"),
                                 cl::value_desc("A"), cl::init(16), cl::cat(category));
static cl::opt<int64_t>
    maxBytesArg("max-bytes",
                cl::desc("Largest vector access in bytes: 16 for GPUs and NEON, 32 for AVX2, "
                         "64 for AVX-512 (default 16)"),
                cl::value_desc("M"), cl::init(16), cl::cat(category));
static cl::list<int64_t>
    stridesArg("strides",
               cl::desc("Global layout strides in elements, one per dimension (default: "
                        "row-major contiguous; e.g. --strides 1,16 for column-major 16x16)"),
               cl::CommaSeparated, cl::value_desc("s0,s1,..."), cl::cat(category));
static cl::opt<std::string>
    memoryArg("memory",
              cl::desc("Memory layout for --bits, as global<shape=[..], strides=[..]> or "
                       "shared<shape=[..], modes=[..], strides=[..], swizzle=[b,m,s]>"),
              cl::value_desc("layout"), cl::init(""), cl::cat(category));
static cl::opt<bool> jsonArg("json",
                             cl::desc("Print one JSON object: canonical, shape, num_workers, "
                                      "local_size, entries (and vector_width_bits with --bits)"),
                             cl::cat(category));

[[noreturn]] static void fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "lowbit-layout") << message << "\n";
  std::exit(1);
}

static RegisterLayout parseOrFail(llvm::StringRef text, llvm::StringRef option) {
  llvm::Expected<RegisterLayout> layout = parseRegisterLayout(text);
  if (!layout)
    fail((option.empty() ? "" : option + ": ") + llvm::toString(layout.takeError()));
  return std::move(*layout);
}

static RegisterLayout orFail(llvm::Expected<RegisterLayout> layout) {
  if (!layout)
    fail(llvm::toString(layout.takeError()));
  return std::move(*layout);
}

static std::string formatIndex(llvm::ArrayRef<int64_t> index) {
  std::string text = "(";
  llvm::raw_string_ostream os(text);
  llvm::interleave(index, os, ",");
  os << ")";
  return text;
}

static std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, ",");
  os << "]";
  return text;
}

/// The memory layout for --bits: --memory, --strides, or row-major.
static llvm::Expected<int64_t> computeWidth(const RegisterLayout &layout,
                                            const VectorWidthOptions &options,
                                            std::string &memoryText) {
  if (!memoryArg.empty()) {
    if (!stridesArg.empty())
      fail("--memory and --strides cannot be combined");
    if (llvm::StringRef(memoryArg).ltrim().starts_with("shared")) {
      llvm::Expected<SharedLayout> memory = parseSharedLayout(memoryArg);
      if (!memory)
        fail("--memory: " + llvm::toString(memory.takeError()));
      memoryText = memory->str();
      return computeVectorWidth(layout, *memory, options);
    }
    llvm::Expected<GlobalLayout> memory = parseGlobalLayout(memoryArg);
    if (!memory)
      fail("--memory: " + llvm::toString(memory.takeError()));
    memoryText = memory->str();
    return computeVectorWidth(layout, *memory, options);
  }
  llvm::Expected<GlobalLayout> memory =
      stridesArg.empty()
          ? GlobalLayout::rowMajor(layout.getShape())
          : GlobalLayout::tryCreate(layout.getShape(), llvm::SmallVector<int64_t>(
                                                           stridesArg.begin(), stridesArg.end()));
  if (!memory)
    fail("--strides: " + llvm::toString(memory.takeError()));
  memoryText = memory->str();
  return computeVectorWidth(layout, *memory, options);
}

/// The vector width for --bits, and the memory layout it assumed.
static std::pair<int64_t, std::string> vectorWidth(const RegisterLayout &layout) {
  VectorWidthOptions options;
  options.elementBits = bitsArg;
  options.baseAlignBytes = alignArg;
  options.maxVectorBytes = maxBytesArg;
  std::string memoryText;
  llvm::Expected<int64_t> width = computeWidth(layout, options, memoryText);
  if (!width)
    fail(llvm::toString(width.takeError()));
  return {*width, memoryText};
}

static void printJson(const RegisterLayout &layout, std::optional<int64_t> width) {
  llvm::json::OStream json(llvm::outs());
  json.object([&] {
    json.attribute("canonical", layout.str());
    json.attributeArray("shape", [&] {
      for (int64_t extent : layout.getShape())
        json.value(extent);
    });
    json.attribute("num_workers", layout.getNumWorkers());
    json.attribute("local_size", layout.getLocalSize());
    if (width)
      json.attribute("vector_width_bits", *width);
    json.attributeArray("entries", [&] {
      for (int64_t worker = 0; worker < layout.getNumWorkers(); ++worker)
        for (int64_t local = 0; local < layout.getLocalSize(); ++local)
          json.object([&] {
            json.attribute("worker", worker);
            json.attribute("local", local);
            json.attributeArray("index", [&] {
              for (int64_t value : layout.getLogicalIndex(worker, local))
                json.value(value);
            });
          });
    });
  });
  llvm::outs() << "\n";
}

static void printText(const RegisterLayout &layout,
                      const std::optional<std::pair<int64_t, std::string>> &width) {
  llvm::raw_ostream &os = llvm::outs();
  os << "canonical:   " << layout.str() << "\n";
  os << "explicit:    " << layout.strExplicit() << "\n";
  os << "shape:       " << formatShape(layout.getShape()) << "\n";
  os << "num_workers: " << layout.getNumWorkers() << "\n";
  os << "local_size:  " << layout.getLocalSize() << "\n";
  os << "replication: " << layout.getReplication() << "\n";
  if (width) {
    os << "vector_width: " << width->first << " bits";
    if (width->first)
      os << " (" << width->first / 8 << " bytes)";
    os << " for " << bitsArg << "-bit elements, base aligned to " << alignArg << " bytes, at most "
       << maxBytesArg << " bytes, memory " << width->second << "\n";
  }
  os << "worker x local -> index:\n";
  size_t digits = std::to_string(layout.getNumWorkers() - 1).size();
  for (int64_t worker = 0; worker < layout.getNumWorkers(); ++worker) {
    std::string label = std::to_string(worker);
    os << "  " << std::string(digits - label.size(), ' ') << label << ":";
    for (int64_t local = 0; local < layout.getLocalSize(); ++local)
      os << " " << formatIndex(layout.getLogicalIndex(worker, local));
    os << "\n";
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, kOverview);

  if (listInstructions) {
    for (const InstructionLayoutInfo &info : getInstructionLayouts())
      llvm::outs() << info.name << "  " << info.expression << "  [" << info.source << "]\n";
    return 0;
  }

  RegisterLayout layout;
  if (!instructionArg.empty()) {
    if (!expressionArg.empty())
      fail("give either a layout expression or --instruction, not both");
    auto table = getInstructionLayouts();
    auto it = llvm::find_if(
        table, [](const InstructionLayoutInfo &info) { return info.name == instructionArg; });
    if (it == table.end())
      fail("unknown instruction '" + instructionArg + "' (see --list-instructions)");
    layout = it->layout;
  } else {
    if (expressionArg.empty())
      fail("no layout expression given (see --help)");
    layout = parseOrFail(expressionArg, "");
  }

  unsigned operations = !composeArg.empty() + !divideArg.empty() + !leftDivideArg.empty();
  if (operations > 1)
    fail("--compose, --divide and --left-divide are exclusive");
  if (!composeArg.empty())
    layout = orFail(compose(layout, parseOrFail(composeArg, "--compose")));
  if (!divideArg.empty())
    layout = orFail(divideRight(layout, parseOrFail(divideArg, "--divide")));
  if (!leftDivideArg.empty())
    layout = orFail(divideLeft(layout, parseOrFail(leftDivideArg, "--left-divide")));

  std::optional<std::pair<int64_t, std::string>> width;
  if (bitsArg != 0)
    width = vectorWidth(layout);

  if (jsonArg)
    printJson(layout, width ? std::optional<int64_t>(width->first) : std::nullopt);
  else
    printText(layout, width);
  return 0;
}
