//===- TileProgram.h - Run tile programs through the JIT in tests -*- C++ -*-===//
//
// Helpers for numeric tests of tile kernels: the host function that hands tensors to a kernel
// as flat memrefs, running a module through the JIT (tile-to-cpu inside lowbit-pipeline-llvm),
// random data, and a comparison that prints the worst element.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TEST_ENDTOEND_TILEPROGRAM_H
#define LOWBIT_TEST_ENDTOEND_TILEPROGRAM_H

#include "lowbit/Support/HostTensor.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace lowbit::tiletest {

/// A tensor argument or result of a host function: its name and type.
struct TensorSpec {
  std::string name; // "a" -> %a
  std::vector<int64_t> shape;
  std::string element;      // "f16"
  std::string type() const; // "tensor<32x48xf16>"
};

/// `func.func @host(inputs) -> output` that passes every input, then the output, as a flat
/// `memref<?xT>` to `tile.launch @kernel(..., scalars)`. `scalars` are extra launch arguments:
/// (value, type) pairs such as ("32", "index"), materialized as arith.constant.
std::string buildHostFunction(const std::vector<TensorSpec> &inputs, const TensorSpec &output,
                              const std::string &kernel,
                              const std::vector<std::pair<std::string, std::string>> &scalars);

/// Replaces every key of `values` in `text` ("@GM@" -> "3").
std::string substitute(std::string text, const std::map<std::string, std::string> &values);

/// Parses `source`, JIT-compiles `@host` and runs it; the values of its single result (an
/// empty vector after a gtest failure).
std::vector<double> runHost(const std::string &source, const std::vector<HostTensor> &inputs);

/// A random generator seeded from the process seed and `name`.
std::mt19937_64 makeRng(const std::string &name);

/// "seed N (repeat with LOWBIT_TEST_SEED=N)", for SCOPED_TRACE.
std::string seedNote();

/// `count` values uniform in [low, high], rounded to `element` ("f16", "f32"); returns the host
/// tensor and fills `values` with the exact stored values.
HostTensor randomReals(const std::string &element, const std::vector<int64_t> &shape, double low,
                       double high, std::mt19937_64 &rng, std::vector<float> &values);

/// A host tensor of the given element type holding `values` exactly.
HostTensor makeTensor(const std::string &element, const std::vector<int64_t> &shape,
                      const std::vector<double> &values);

/// Expects |got[i] - want[i]| <= tolerance[i] for every i of an M x N result, reporting the
/// number of failures and the worst element (its position, both values, its tolerance).
void expectClose(const std::vector<double> &got, const std::vector<float> &want,
                 const std::vector<double> &tolerance, int64_t n);

} // namespace lowbit::tiletest

#endif // LOWBIT_TEST_ENDTOEND_TILEPROGRAM_H
