//===- TileGemmRunner.cpp - Run a tile GEMM's PTX on a GPU, check and time it ===//
//
// Loads the PTX that lowbit-pipeline-ptx made of one of the two tile-level GEMMs
// (test/Target/ptx-gemm-f16.mlir, test/Target/ptx-gemm-w4a16.mlir) through lib/Runtime (the
// driver API found with dlopen), runs it on random data, compares sampled rows of C with
// lib/Reference, and times it with CUDA events against the device-to-device copy bandwidth
// measured in the same run. Prints one markdown table row.
//
// Plain C++17 over lib/Runtime and lib/Reference (no LLVM), so that it builds with any C++
// compiler on the GPU machine: bench/gpu-tile-gemm.sh compiles it there. Hence the small
// hand-written option parser instead of llvm::cl.
//
// Kernel ABI (docs/tile-dialect.md): f16:   gemm(a: memref<?xf16> [M,K], b: memref<?xf16> [K,N],
//                                               c: memref<?xf32> [M,N], m, n, k)
//                                    w4a16: w4a16(a [M,K] f16, w: memref<?xi8> [N, ceil(K/2)]
//                                               (two si4 per byte, K innermost),
//                                               s: memref<?xf16> [N, ceil(K/16)], c, m, n, k)
// One 32-thread block computes one 16x8 tile of C: grid = [ceil(M/16), ceil(N/8)].
//
//===----------------------------------------------------------------------===//
#include "lowbit/Reference/Formats.h"
#include "lowbit/Reference/Ops.h"
#include "lowbit/Reference/Packing.h"
#include "lowbit/Reference/Quant.h"
#include "lowbit/Runtime/Cuda.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace lowbit;

namespace {

struct Options {
  std::string kernel;  // f16 | w4a16
  std::string ptx;     // file
  std::string label;   // what the table row calls the PTX (e.g. sm_90)
  std::string driver;  // empty: libcuda.so.1
  int64_t m = 0, n = 0, k = 0;
  int device = 0;
  int repeat = 20;
  int checkRows = 48;
  int64_t copyMiB = 1024; // buffer of the bandwidth measurement
  uint64_t seed = 0;
  bool header = false;
};

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "lowbit-bench-tile-gemm: error: %s\n", message.c_str());
  std::exit(1);
}

void check(lowbit_cuda_status status, const char *what) {
  if (status != LOWBIT_CUDA_SUCCESS)
    die(std::string(what) + ": " + lowbit_cuda_last_error());
}

int64_t parseInt(const std::string &name, const std::string &text, int64_t min) {
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < min)
    die("--" + name + " must be an integer >= " + std::to_string(min) + ", got '" + text + "'");
  return value;
}

const char *kUsage =
    "usage: lowbit-bench-tile-gemm --kernel=f16|w4a16 --ptx=FILE --m=M --n=N --k=K\n"
    "         [--label=TEXT] [--repeat=R] [--check-rows=R] [--seed=S] [--device=I]\n"
    "         [--driver=PATH] [--copy-mib=MIB] [--header]\n"
    "Runs the tile GEMM kernel of FILE (PTX from lowbit-pipeline-ptx, e.g.\n"
    "  lowbit-opt test/Target/ptx-gemm-f16.mlir --lowbit-pipeline-ptx=chip=sm_90)\n"
    "on random M x K and K x N data, compares R sampled rows of C with lib/Reference and\n"
    "prints a markdown row: time per launch, TFLOP/s, bandwidth against the device-to-device\n"
    "copy bandwidth measured in the same run (a MIB-MiB buffer copied ten times, default\n"
    "1024). --driver loads another driver library than libcuda.so.1. --header prints the\n"
    "table header first.\n";

Options parseOptions(int argc, char **argv) {
  Options options;
  options.seed = std::random_device{}();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--header") {
      options.header = true;
      continue;
    }
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos)
      die("unknown argument '" + arg + "'\n" + kUsage);
    std::string name = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    if (name == "kernel")
      options.kernel = value;
    else if (name == "ptx")
      options.ptx = value;
    else if (name == "label")
      options.label = value;
    else if (name == "driver")
      options.driver = value;
    else if (name == "m")
      options.m = parseInt(name, value, 1);
    else if (name == "n")
      options.n = parseInt(name, value, 1);
    else if (name == "k")
      options.k = parseInt(name, value, 1);
    else if (name == "device")
      options.device = parseInt(name, value, 0);
    else if (name == "repeat")
      options.repeat = parseInt(name, value, 1);
    else if (name == "check-rows")
      options.checkRows = parseInt(name, value, 1);
    else if (name == "copy-mib")
      options.copyMiB = parseInt(name, value, 1);
    else if (name == "seed")
      options.seed = parseInt(name, value, 0);
    else
      die("unknown option '--" + name + "'\n" + kUsage);
  }
  if (options.kernel != "f16" && options.kernel != "w4a16")
    die("--kernel must be f16 or w4a16, got '" + options.kernel + "'");
  if (options.ptx.empty() || !options.m || !options.n || !options.k)
    die(std::string("--ptx, --m, --n and --k are required\n") + kUsage);
  if (options.label.empty())
    options.label = options.ptx;
  return options;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    die("cannot read '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Random f16 values: the codes, and their real values.
void randomF16(std::mt19937_64 &rng, int64_t count, double lo, double hi,
               std::vector<uint16_t> &codes, std::vector<float> &values) {
  ref::ElementFormat f16 = ref::ElementFormat::f16();
  std::uniform_real_distribution<double> dist(lo, hi);
  codes.resize(count);
  values.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    codes[i] = uint16_t(ref::encode(f16, dist(rng)));
    values[i] = float(ref::decode(f16, codes[i]));
  }
}

/// A device buffer holding a copy of `host`.
template <typename T>
uint64_t upload(lowbit_cuda_device *device, const std::vector<T> &host) {
  uint64_t pointer;
  check(lowbit_cuda_alloc(device, host.size() * sizeof(T), &pointer), "cuMemAlloc");
  check(lowbit_cuda_copy_to_device(device, pointer, host.data(), host.size() * sizeof(T)),
        "copy to device");
  return pointer;
}

/// Device-to-device copy bandwidth (bytes read + written per second) of a buffer of `bytes`.
double measureCopyBandwidth(lowbit_cuda_device *device, lowbit_cuda_event *start,
                            lowbit_cuda_event *stop, size_t bytes) {
  uint64_t src, dst;
  check(lowbit_cuda_alloc(device, bytes, &src), "cuMemAlloc");
  check(lowbit_cuda_alloc(device, bytes, &dst), "cuMemAlloc");
  check(lowbit_cuda_fill_bytes(device, src, 1, bytes), "cuMemsetD8");
  check(lowbit_cuda_copy_on_device(device, dst, src, bytes), "warm-up copy");
  const int copies = 10;
  check(lowbit_cuda_event_record(start), "cuEventRecord");
  for (int i = 0; i < copies; ++i)
    check(lowbit_cuda_copy_on_device(device, dst, src, bytes), "cuMemcpyDtoD");
  check(lowbit_cuda_event_record(stop), "cuEventRecord");
  float ms = 0;
  check(lowbit_cuda_event_elapsed_ms(start, stop, &ms), "cuEventElapsedTime");
  check(lowbit_cuda_free(device, src), "cuMemFree");
  check(lowbit_cuda_free(device, dst), "cuMemFree");
  return 2.0 * double(bytes) * copies / (ms * 1e-3);
}

/// The rows of C that are compared: the first, the last and evenly spread ones between.
std::vector<int64_t> sampleRows(int64_t m, int count) {
  std::vector<int64_t> rows;
  for (int i = 0; i < count; ++i)
    rows.push_back(count == 1 ? 0 : int64_t(double(i) * double(m - 1) / double(count - 1)));
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

} // namespace

int main(int argc, char **argv) {
  Options o = parseOptions(argc, argv);
  std::string ptx = readFile(o.ptx);
  std::mt19937_64 rng(o.seed);
  const bool w4 = o.kernel == "w4a16";
  const int64_t M = o.m, N = o.n, K = o.k;

  // Host data and the reference operands (w as [N, K] real values).
  std::vector<uint16_t> aCodes, bCodes, sCodes;
  std::vector<float> aValues, bValues, sValues;
  randomF16(rng, M * K, -1.0, 1.0, aCodes, aValues);
  ref::FloatTensor w{{N, K}, {}};
  std::vector<uint8_t> wBytes;
  int64_t groups = (K + 15) / 16;
  if (w4) {
    ref::CodeTensor codes{{N, K}, std::vector<uint32_t>(size_t(N * K))};
    std::uniform_int_distribution<int> code(0, 15);
    for (uint32_t &c : codes.codes)
      c = uint32_t(code(rng));
    wBytes = ref::pack(codes, 4);
    randomF16(rng, N * groups, 0.01, 0.1, sCodes, sValues);
    ref::QuantScheme scheme;
    scheme.granularity = ref::Granularity::Group;
    scheme.axis = 1;
    scheme.groupSize = 16;
    ref::QuantParams params;
    params.scale = {{N, groups}, sValues};
    w = ref::dequantize(ref::ElementFormat::signedInt(4), scheme, codes, params);
  } else {
    randomF16(rng, K * N, -1.0, 1.0, bCodes, bValues); // b is [K, N]
    w.data.resize(size_t(N * K));
    for (int64_t kk = 0; kk < K; ++kk)
      for (int64_t nn = 0; nn < N; ++nn)
        w.data[nn * K + kk] = bValues[kk * N + nn];
  }

  // Device, module, buffers.
  lowbit_cuda_device *device = nullptr;
  check(lowbit_cuda_open(o.driver.empty() ? nullptr : o.driver.c_str(), o.device, &device),
        "opening the CUDA device");
  lowbit_cuda_device_properties props;
  check(lowbit_cuda_device_info(device, &props), "device info");
  lowbit_cuda_module *module = nullptr;
  check(lowbit_cuda_module_load_ptx(device, ptx.c_str(), &module), "loading the PTX");
  lowbit_cuda_function function;
  check(lowbit_cuda_module_function(module, w4 ? "w4a16" : "gemm", &function), "kernel lookup");

  uint64_t a = upload(device, aCodes);
  uint64_t b = w4 ? upload(device, wBytes) : upload(device, bCodes);
  uint64_t s = w4 ? upload(device, sCodes) : 0;
  uint64_t c;
  check(lowbit_cuda_alloc(device, size_t(M * N) * 4, &c), "cuMemAlloc");
  // NaN bytes: an element the kernel does not write fails the comparison.
  check(lowbit_cuda_fill_bytes(device, c, 0xFF, size_t(M * N) * 4), "cuMemsetD8");

  lowbit_cuda_args args;
  lowbit_cuda_args_init(&args);
  lowbit_cuda_args_add_buffer(&args, a, M * K);
  lowbit_cuda_args_add_buffer(&args, b, w4 ? int64_t(wBytes.size()) : K * N);
  if (w4)
    lowbit_cuda_args_add_buffer(&args, s, N * groups);
  lowbit_cuda_args_add_buffer(&args, c, M * N);
  lowbit_cuda_args_add_i64(&args, M);
  lowbit_cuda_args_add_i64(&args, N);
  lowbit_cuda_args_add_i64(&args, K);
  unsigned grid[3] = {unsigned((M + 15) / 16), unsigned((N + 7) / 8), 1};
  unsigned block[3] = {32, 1, 1};

  // One checked run.
  check(lowbit_cuda_launch(function, grid, block, 0, &args), "launch");
  check(lowbit_cuda_synchronize(device), "the kernel");
  std::vector<float> result(size_t(M * N));
  check(lowbit_cuda_copy_to_host(device, result.data(), c, result.size() * 4), "copy to host");

  // Sampled rows against the reference; the bound covers the f16 rounding of the dequantized
  // weight (w4a16) and f32 accumulation: 1e-3 of sum |a w|.
  std::vector<int64_t> rows = sampleRows(M, std::min<int64_t>(o.checkRows, M));
  ref::FloatTensor aRows{{int64_t(rows.size()), K}, {}};
  for (int64_t r : rows)
    aRows.data.insert(aRows.data.end(), aValues.begin() + r * K, aValues.begin() + (r + 1) * K);
  ref::FloatTensor expected = ref::mpgemm(aRows, w, nullptr);
  double worst = 0; // largest error / bound
  int64_t bad = 0;
  for (size_t i = 0; i < rows.size(); ++i)
    for (int64_t nn = 0; nn < N; ++nn) {
      double magnitude = 0;
      for (int64_t kk = 0; kk < K; ++kk)
        magnitude += std::fabs(double(aRows.data[i * K + kk]) * w.data[nn * K + kk]);
      double bound = 1e-3 * magnitude + 1e-6;
      double got = result[rows[i] * N + nn];
      double error = std::fabs(got - expected.data[i * N + nn]);
      if (!(error <= bound)) // NaN fails too
        ++bad;
      worst = std::max(worst, std::isnan(error) ? INFINITY : error / bound);
    }

  // Timing.
  lowbit_cuda_event *start, *stop;
  check(lowbit_cuda_event_create(device, &start), "cuEventCreate");
  check(lowbit_cuda_event_create(device, &stop), "cuEventCreate");
  double copyBandwidth = measureCopyBandwidth(device, start, stop, size_t(o.copyMiB) << 20);
  for (int i = 0; i < 3; ++i)
    check(lowbit_cuda_launch(function, grid, block, 0, &args), "launch");
  check(lowbit_cuda_event_record(start), "cuEventRecord");
  for (int i = 0; i < o.repeat; ++i)
    check(lowbit_cuda_launch(function, grid, block, 0, &args), "launch");
  check(lowbit_cuda_event_record(stop), "cuEventRecord");
  float ms = 0;
  check(lowbit_cuda_event_elapsed_ms(start, stop, &ms), "timing");
  double seconds = ms * 1e-3 / o.repeat;
  double flops = 2.0 * double(M) * double(N) * double(K);
  double bytes = double(M * K) * 2 + (w4 ? double(wBytes.size() + sCodes.size() * 2)
                                         : double(K * N) * 2) +
                 double(M * N) * 4;

  if (o.header) {
    std::printf("| kernel | PTX | device | M | N | K | us/launch | TFLOP/s | GB/s | of copy "
                "bandwidth | checked | max err/bound | result |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  }
  std::printf("| %s | %s | %s (sm_%d%d) | %lld | %lld | %lld | %.1f | %.2f | %.0f | %.1f%% "
              "(%.0f GB/s) | %zu rows | %.3g | %s |\n",
              o.kernel.c_str(), o.label.c_str(), props.name, props.compute_major,
              props.compute_minor, (long long)M, (long long)N, (long long)K, seconds * 1e6,
              flops / seconds * 1e-12, bytes / seconds * 1e-9,
              100.0 * (bytes / seconds) / copyBandwidth, copyBandwidth * 1e-9, rows.size(),
              worst, bad ? "FAIL" : "pass");

  lowbit_cuda_event_destroy(start);
  lowbit_cuda_event_destroy(stop);
  for (uint64_t buffer : {a, b, s, c})
    if (buffer)
      lowbit_cuda_free(device, buffer);
  lowbit_cuda_module_unload(module);
  lowbit_cuda_close(device);
  if (bad) {
    std::fprintf(stderr, "lowbit-bench-tile-gemm: %lld of %lld checked elements exceed the bound\n",
                 (long long)bad, (long long)(rows.size() * N));
    return 1;
  }
  return 0;
}
