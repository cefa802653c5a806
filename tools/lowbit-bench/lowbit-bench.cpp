//===- lowbit-bench.cpp - Kernel speed as fractions of the machine's limits --===//
//
//   lowbit-bench                      the default set of lowbit.mpgemm cases (a table)
//   lowbit-bench --quick --json       a small set, one JSON object per case
//   lowbit-bench --m=1 --k=4096 --n=4096 --weights=ui4 --activations=si8 --zero
//   lowbit-bench --m=1 --weights=ui4 --activations=si8 --constant-weights
//   lowbit-bench attention            the default set of lowbit.attention cases
//   lowbit-bench attention --skv=4096,32768 --cache=f16 --sq=1
//
// Measures, in the same run, the read bandwidth, the FMA peak and the int8 dot peak of this
// machine (lib/Bench/MachineLimits.cpp), then compiles, checks and times every case
// (lib/Bench/MpgemmBench.cpp) with its weights streamed from DRAM.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Bench/AttentionBench.h"
#include "lowbit/Bench/MachineLimits.h"
#include "lowbit/Bench/MpgemmBench.h"
#include "lowbit/InitAll.h"
#include "lowbit/Runtime/Threads.h"
#include "lowbit/Target/Jit.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::bench;

namespace cl = llvm::cl;

static cl::OptionCategory benchCategory("lowbit-bench options");
static cl::opt<std::string> opName(cl::Positional, cl::desc("[mpgemm | attention]"),
                                   cl::init("mpgemm"), cl::cat(benchCategory));
static cl::list<int64_t> skvOption("skv",
                                   cl::desc("attention: cases of your own, cached tokens, e.g. "
                                            "--skv=4096,32768 (a case per value)"),
                                   cl::CommaSeparated, cl::cat(benchCategory));
static cl::opt<int64_t> sqOption("sq", cl::desc("attention, with --skv: queries per head"),
                                 cl::init(1), cl::cat(benchCategory));
static cl::opt<int64_t> hqOption("hq", cl::desc("attention, with --skv: query heads"),
                                 cl::init(32), cl::cat(benchCategory));
static cl::opt<int64_t> hkvOption("hkv", cl::desc("attention, with --skv: KV heads"),
                                  cl::init(8), cl::cat(benchCategory));
static cl::opt<int64_t> headDimOption("head-dim",
                                      cl::desc("attention, with --skv: head dimension"),
                                      cl::init(128), cl::cat(benchCategory));
static cl::list<std::string> cacheOption("cache",
                                         cl::desc("attention, with --skv: cache types, e.g. "
                                                  "f32,f16,bf16 (default f16), or quantized "
                                                  "as KIVI does: si8, ui8, si4, ui4, si2, "
                                                  "ui2, f8E4M3FN, f8E5M2"),
                                         cl::CommaSeparated, cl::cat(benchCategory));
static cl::opt<bool> causalOption("causal", cl::desc("attention, with --skv: a causal mask"),
                                  cl::init(true), cl::cat(benchCategory));
static cl::opt<bool> json("json", cl::desc("One JSON object per case on stdout (and the limits "
                                           "first)"),
                          cl::cat(benchCategory));
static cl::opt<bool> quick("quick", cl::desc("A small set: M in {1, 16}, 4096 x 4096, 4-bit"),
                           cl::cat(benchCategory));
static cl::list<int64_t> mOption("m",
                                 cl::desc("Cases of your own: rows of the activations, e.g. "
                                          "--m=1 or --m=1,7,64 (a case per value)"),
                                 cl::CommaSeparated, cl::cat(benchCategory));
static cl::opt<int64_t> kOption("k", cl::desc("With --m: K"), cl::init(4096), cl::cat(benchCategory));
static cl::opt<int64_t> nOption("n", cl::desc("With --m: N"), cl::init(4096), cl::cat(benchCategory));
static cl::opt<std::string> weightsOption("weights", cl::desc("With --m: weight type, e.g. ui4"),
                                          cl::init("ui4"), cl::cat(benchCategory));
static cl::list<std::string> actOption("activations",
                                       cl::desc("With --m: f32, f16, bf16 or si8 (per-token "
                                                "scales), or several, e.g. f32,si8 (default si8)"),
                                       cl::CommaSeparated, cl::cat(benchCategory));
static cl::opt<int64_t> groupOption("group", cl::desc("With --m: group size along K (0: per "
                                                      "channel)"),
                                    cl::init(128), cl::cat(benchCategory));
static cl::opt<std::string> scaleOption("scale", cl::desc("With --m: scale type"),
                                        cl::init("f16"), cl::cat(benchCategory));
static cl::opt<bool> zeroOption("zero", cl::desc("With --m: integer zero points"),
                                cl::cat(benchCategory));
static cl::opt<bool> tensorScaleOption("tensor-scale",
                                       cl::desc("With --m: a per-tensor f32 scale on top of the "
                                                "group scales (NVFP4)"),
                                       cl::cat(benchCategory));
static cl::opt<std::string> codebookOption("codebook",
                                           cl::desc("With --m: a codebook of the weight scheme, "
                                                    "e.g. nf4"),
                                           cl::init(""), cl::cat(benchCategory));
static cl::opt<int64_t> threadWorkUs(
    "thread-work-us",
    cl::desc("Estimated one-core microseconds of a call per thread it gets (default 20; 0: every "
             "call on all threads, e.g. to test small cases on several threads)"),
    cl::init(20), cl::cat(benchCategory));
static cl::opt<bool> constantOption("constant-weights",
                                    cl::desc("With --m: the weights, scales and zero points "
                                             "are constants of the function (as in a compiled "
                                             "model), re-laid-out at compile time"),
                                    cl::cat(benchCategory));
static cl::opt<bool> prepackOption(
    "prepack-weights",
    cl::desc("With --m: the weights argument is marked lowbit.prepack; each copy goes through "
             "the generated prepack entry point once before the timed calls"),
    cl::cat(benchCategory));
static cl::opt<bool> quantizeActivationsOption(
    "quantize-activations",
    cl::desc("With --m: float activations quantized per token to si8 by the op "
             "(quantize_activations), so that integer weights take the integer dot"),
    cl::cat(benchCategory));
static cl::opt<std::string> scheduleOption(
    "schedule",
    cl::desc("With --m: a #lowbit.schedule to use instead of the cost model's, e.g. "
             "--schedule='#lowbit.schedule<int8_dot, workers = 8, tile = [1, 32, 32]>'"),
    cl::cat(benchCategory));
static cl::opt<std::string> filter("filter",
                                   cl::desc("Only cases whose name contains this text, e.g. "
                                            "--filter=_ui4_"),
                                   cl::cat(benchCategory));
static cl::opt<bool> fastPath("fast-path", cl::desc("Use the fast path (false: the reference "
                                                    "lowering)"),
                              cl::init(true), cl::cat(benchCategory));
static cl::opt<double> seconds("seconds", cl::desc("Time per case in seconds"), cl::init(0.5),
                               cl::cat(benchCategory));
static cl::opt<int64_t> rotateMiB(
    "rotate-mib",
    cl::desc("MiB of weight copies the timed calls rotate over (default: 4x the last-level "
             "cache, at least 64); 1 keeps one copy (weights in cache, one function compiled "
             "with --constant-weights)"),
    cl::init(0), cl::cat(benchCategory));
static cl::opt<uint64_t> seedOption("seed",
                                    cl::desc("Seed of the random inputs (default: a fresh one, "
                                             "printed)"),
                                    cl::init(0), cl::cat(benchCategory));
static cl::opt<double> tolerance("tolerance",
                                 cl::desc("Largest accepted error against the reference, "
                                          "relative to the largest |result|"),
                                 cl::init(1e-3), cl::cat(benchCategory));
static cl::opt<bool> skipLimits("skip-limits",
                                cl::desc("Do not measure the limits (ratios are then 0); for "
                                         "tests"),
                                cl::cat(benchCategory));

/// Runs every case (progress on stderr) and prints a JSON line or a table row per result; the
/// number of failed cases.
template <typename Case, typename Result>
static int runCases(const std::vector<Case> &cases, const Limits &limits,
                    llvm::function_ref<llvm::Expected<Result>(const Case &)> run,
                    llvm::function_ref<void(const Case &, const Result &)> printRow) {
  int failures = 0;
  for (auto [index, c] : llvm::enumerate(cases)) {
    llvm::errs() << "\r[" << index + 1 << "/" << cases.size() << "] " << c.name()
                 << "                    ";
    llvm::Expected<Result> result = run(c);
    if (!result) {
      ++failures;
      llvm::errs() << "\n";
      llvm::WithColor::error(llvm::errs(), "lowbit-bench")
          << llvm::toString(result.takeError()) << "\n";
      continue;
    }
    if (json)
      llvm::outs() << toJson(*result, limits) << "\n";
    else
      printRow(c, *result);
    llvm::outs().flush();
  }
  llvm::errs() << "\n";
  return failures;
}

/// The attention cases: a table or JSON lines; the number of failed cases.
static int runAttention(MLIRContext &context, const Limits &limits,
                        const MpgemmBenchOptions &options) {
  std::vector<AttentionCase> cases;
  if (!skvOption.empty()) {
    std::vector<std::string> caches(cacheOption.begin(), cacheOption.end());
    if (caches.empty())
      caches.push_back("f16");
    for (const std::string &cache : caches)
      for (int64_t skv : skvOption) {
        AttentionCase c;
        c.keys = skv;
        c.queries = sqOption;
        c.qHeads = hqOption;
        c.kvHeads = hkvOption;
        c.headDim = headDimOption;
        c.cache = cache;
        c.causal = causalOption;
        c.schedule = scheduleOption;
        cases.push_back(c);
      }
  } else {
    for (AttentionCase &c : defaultAttentionCases(quick))
      if (filter.empty() || c.name().find(filter) != std::string::npos)
        cases.push_back(c);
  }
  if (!json)
    llvm::outs() << llvm::format("%-6s %-7s %-7s %-5s %10s %8s %6s %6s %9s %6s %9s  %s\n", "Sq",
                                 "Skv", "heads", "cache", "time(ms)", "GB/s", "read", "BW%",
                                 "GFLOP/s", "peak%", "rel.err", "schedule");
  return runCases<AttentionCase, AttentionResult>(
      cases, limits,
      [&](const AttentionCase &c) { return runAttentionCase(context, c, limits, options); },
      [](const AttentionCase &c, const AttentionResult &r) {
        std::string heads = std::to_string(c.qHeads) + "/" + std::to_string(c.kvHeads);
        llvm::outs() << llvm::format(
            "%-6lld %-7lld %-7s %-5s %10.4f %8.2f %6.1f %5.1f%% %9.1f %5.1f%% %9.2g  %s\n",
            (long long)c.queries, (long long)c.keys, heads.c_str(), c.cache.c_str(), r.timeMs,
            r.gbps, r.readGbps, 100 * r.bwFraction, r.gflops, 100 * r.peakFraction, r.maxRelErr,
            r.schedule.c_str());
      });
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(benchCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "lowbit-bench: kernel speed as fractions of this machine's "
                              "limits\n");
  auto reject = [](const llvm::Twine &message) {
    llvm::WithColor::error(llvm::errs(), "lowbit-bench") << message << "\n";
    return 1;
  };
  if (llvm::any_of(mOption, [](int64_t m) { return m < 0; }) || kOption <= 0 || nOption <= 0 ||
      groupOption < 0)
    return reject("--m must be at least 0 (0: the default set), --k and --n at least 1, "
                  "--group at least 0");
  if (opName != "mpgemm" && opName != "attention")
    return reject("the benchmark must be mpgemm (the default) or attention, not '" + opName +
                  "'");
  bool attention = opName == "attention";
  if (attention && (!mOption.empty() || !actOption.empty()))
    return reject("--m and --activations are options of the mpgemm cases");
  if (!attention && !skvOption.empty())
    return reject("--skv is an option of the attention cases (lowbit-bench attention)");
  if (llvm::any_of(skvOption, [](int64_t v) { return v < 1; }) || sqOption < 1 ||
      hqOption < 1 || hkvOption < 1 || hqOption % hkvOption || headDimOption < 1)
    return reject("--skv, --sq, --hq, --hkv and --head-dim must be at least 1, and --hq a "
                  "multiple of --hkv");
  bool ownCases = llvm::any_of(mOption, [](int64_t m) { return m > 0; });
  if (ownCases && llvm::is_contained(mOption, 0))
    return reject("--m=0 (the default set) cannot be listed with other values");
  if (!(seconds > 0) || rotateMiB < 0 || !(tolerance > 0) || threadWorkUs < 0)
    return reject("--seconds and --tolerance must be positive, --rotate-mib and "
                  "--thread-work-us at least 0");
  if (constantOption && prepackOption)
    return reject("--constant-weights and --prepack-weights exclude each other (constant weights "
                  "are prepacked at compile time)");
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  lowbit::registerAllDialects(registry);
  initializeJit(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  int threads = lowbit_num_threads();
  Limits limits;
  if (!skipLimits) {
    llvm::errs() << "lowbit-bench: measuring this machine's limits on " << threads
                 << " threads...\n";
    limits = measureLimits(threads);
  } else {
    limits.isa = detectIsa();
    limits.threads = threads;
  }
  if (json)
    llvm::outs() << "{\"limits\": true, \"isa\": \"" << limits.isa.describe()
                 << "\", \"threads\": " << threads << ", \"read_gbps\": "
                 << llvm::format("%.2f", limits.readBandwidth.value) << ", \"fma_gflops\": "
                 << llvm::format("%.1f", limits.fmaPeak.value) << ", \"int8_gops\": "
                 << llvm::format("%.1f", limits.int8DotPeak.value) << ", \"fma_how\": \""
                 << limits.fmaPeak.how << "\", \"int8_how\": \"" << limits.int8DotPeak.how
                 << "\"}\n";
  else
    llvm::outs() << "limits (" << limits.isa.describe() << ", " << threads << " threads): read "
                 << llvm::format("%.1f", limits.readBandwidth.value) << " GB/s, FMA "
                 << llvm::format("%.0f", limits.fmaPeak.value) << " GFLOP/s ("
                 << limits.fmaPeak.instruction << "), int8 dot "
                 << llvm::format("%.0f", limits.int8DotPeak.value) << " GOP/s ("
                 << limits.int8DotPeak.instruction << ")\n";

  MpgemmBenchOptions options;
  options.fastPath = fastPath;
  options.seconds = seconds;
  options.rotateBytes = rotateMiB << 20;
  if (rotateMiB == 1)
    options.copies = 1;
  options.tolerance = tolerance;
  options.threadWorkUs = threadWorkUs;
  // The bandwidth of the minutes a case runs: measured again between its rounds of calls, on
  // a buffer of the size its weights rotate over (at least 64 MiB, 4x the last-level cache).
  std::unique_ptr<ReadBandwidthProbe> probe;
  if (!skipLimits) {
    probe = std::make_unique<ReadBandwidthProbe>(threads, size_t(defaultRotateBytes()));
    options.probe = probe.get();
  }
  options.seed = seedOption ? seedOption.getValue()
                            : static_cast<uint64_t>(
                                  std::chrono::steady_clock::now().time_since_epoch().count()) %
                                  1000000007;
  llvm::errs() << "lowbit-bench: random inputs from --seed=" << options.seed << "\n";
  if (attention)
    return runAttention(context, limits, options) ? 1 : 0;

  std::vector<MpgemmCase> cases;
  if (ownCases) {
    // Every activation type with every M, in that order.
    std::vector<std::string> activations(actOption.begin(), actOption.end());
    if (activations.empty())
      activations.push_back("si8");
    for (const std::string &act : activations)
      for (int64_t m : mOption) {
        MpgemmCase c;
        c.m = m;
        c.k = kOption;
        c.n = nOption;
        c.weights = weightsOption;
        c.activations = act;
        c.group = groupOption;
        c.scale = scaleOption;
        c.zeroPoints = zeroOption;
        c.schedule = scheduleOption;
        c.constantWeights = constantOption;
        c.prepackWeights = prepackOption;
        c.quantizeActivations = quantizeActivationsOption;
        c.tensorScale = tensorScaleOption;
        c.codebook = codebookOption;
        cases.push_back(c);
      }
  } else {
    for (MpgemmCase &c : defaultMpgemmCases(quick))
      if (filter.empty() || c.name().find(filter) != std::string::npos)
        cases.push_back(c);
  }
  if (!json)
    llvm::outs() << llvm::format("%-5s %-13s %-26s %-5s %10s %8s %6s %6s %9s %6s %9s  %s\n",
                                 "M", "K x N", "weights", "act", "time(ms)", "GB/s", "read",
                                 "BW%", "GOP/s", "peak%", "rel.err", "schedule");
  int failures = runCases<MpgemmCase, MpgemmResult>(
      cases, limits,
      [&](const MpgemmCase &c) { return runMpgemmCase(context, c, limits, options); },
      [](const MpgemmCase &c, const MpgemmResult &r) {
        std::string shape = std::to_string(c.k) + "x" + std::to_string(c.n);
        llvm::outs() << llvm::format(
            "%-5lld %-13s %-26s %-5s %10.4f %8.2f %6.1f %5.1f%% %9.1f %5.1f%% %9.2g  %s\n",
            (long long)c.m, shape.c_str(), c.format().c_str(), c.activations.c_str(), r.timeMs,
            r.gbps, r.readGbps, 100 * r.bwFraction, r.gops, 100 * r.peakFraction, r.maxRelErr,
            r.schedule.c_str());
      });
  return failures ? 1 : 0;
}
