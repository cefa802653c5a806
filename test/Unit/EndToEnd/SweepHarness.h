//===- SweepHarness.h - JIT vs reference on random data -----------*- C++ -*-===//
//
// A sweep case is one MLIR function (text), a distribution per argument and a tolerance. The
// harness draws fresh random inputs, runs the function through the JIT (lowbit-pipeline-llvm)
// and through the reference interpreter (lib/Reference), and compares every result element:
// |jit - ref| <= atol + rtol * |ref|, NaN matching NaN.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TEST_ENDTOEND_SWEEPHARNESS_H
#define LOWBIT_TEST_ENDTOEND_SWEEPHARNESS_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit::sweep {

/// How to draw an argument.
struct Distribution {
  enum Kind {
    Real,     // uniform in [low, high], rounded to the element type
    Codes,    // a uniformly random code among the finite values of a low-bit type
    Positive, // scales: uniform in [low, high], or for f8E8M0FNU a code whose value lies there
  } kind = Real;
  double low = -1, high = 1;
};

inline Distribution real(double low = -1, double high = 1) { return {Distribution::Real, low, high}; }
inline Distribution codes() { return {Distribution::Codes, 0, 0}; }
inline Distribution scales(double low = 0.25, double high = 2) {
  return {Distribution::Positive, low, high};
}

struct Argument {
  std::string type; // "tensor<4x7xui4>"
  Distribution distribution;
};

struct Case {
  std::string name;     // a gtest-safe name
  std::vector<Argument> arguments;
  std::string resultType;
  std::string body;     // uses %arg0.. and defines %r
  double atol = 0, rtol = 0;
};

/// The seed of this test process: fresh each run, or LOWBIT_TEST_SEED when set.
uint64_t processSeed();

/// One context with every dialect loaded and the JIT initialized, shared by the tests.
mlir::MLIRContext &sharedContext();

/// Runs one case; fails the current gtest with the worst mismatches on error.
void runCase(const Case &testCase);

/// "si4" -> "si4", "!lowbit.float<e3m4, nan>" -> "lfe3m4nan": a gtest-safe piece of a name.
std::string sanitize(const std::string &text);

} // namespace lowbit::sweep

#endif // LOWBIT_TEST_ENDTOEND_SWEEPHARNESS_H
