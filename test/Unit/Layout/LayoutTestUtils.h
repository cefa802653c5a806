//===- LayoutTestUtils.h - Random layouts and brute-force maps -*- C++ -*-===//
//
// The law tests draw layouts from a generator seeded once per run from std::random_device (or
// LOWBIT_TEST_SEED, to repeat a failure); the seed is printed. Expected results are computed by
// brute force on the full (worker, local) -> index tables.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TEST_UNIT_LAYOUT_LAYOUTTESTUTILS_H
#define LOWBIT_TEST_UNIT_LAYOUT_LAYOUTTESTUTILS_H

#include "lowbit/Layout/Layout.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace lowbit::layout::test {

using Index = std::vector<int64_t>;
/// table[worker * localSize + local] = logical index.
using Table = std::vector<Index>;

/// The run's seed (printed the first time it is asked for).
uint64_t testSeed();
/// A generator for one test: the run's seed mixed with the test's own salt.
std::mt19937_64 makeRng(uint64_t salt);

struct RandomLayoutOptions {
  unsigned minRank = 0, maxRank = 3;
  unsigned maxModesPerDim = 3;
  /// Bound on numWorkers * localSize.
  int64_t maxSize = 512;
  /// Probability of adding a replication digit.
  double replicationChance = 0.3;
};

/// A random layout built through the explicit form (random modes, roles and orders).
RegisterLayout randomLayout(std::mt19937_64 &rng, const RandomLayoutOptions &options = {});
/// A random layout of the given rank.
RegisterLayout randomLayoutOfRank(std::mt19937_64 &rng, unsigned rank,
                                  RandomLayoutOptions options = {});

/// The explicit-form arguments of a layout, with its modes split into random factors, extent-1
/// modes and 1-way replications inserted: the same map, a different representation.
struct ExplicitForm {
  std::vector<int64_t> shape, modes, spatial, local;
  /// The dimension of each mode (what the greedy grouping of tryCreate must find).
  std::vector<unsigned> modeDims;
  std::string str() const;
};
/// A random explicit form (modes may have extent 1; replication entries are spatial).
ExplicitForm randomExplicitForm(std::mt19937_64 &rng, const RandomLayoutOptions &options = {});
ExplicitForm randomEquivalentForm(const RegisterLayout &layout, std::mt19937_64 &rng);

Table mapTable(const RegisterLayout &layout);
std::string tableKey(const RegisterLayout &layout);

/// The brute-force map of a layout given as a raw explicit form (no library code involved).
Table explicitFormTable(const ExplicitForm &form);

} // namespace lowbit::layout::test

#endif // LOWBIT_TEST_UNIT_LAYOUT_LAYOUTTESTUTILS_H
