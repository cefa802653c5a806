//===- ThreadTeam.h - Pinned threads timed from a common start (private) -*- C++ -*-===//
//
// runTeam starts `threads` std::threads, pins thread i to allowedCpus()[i % n], and lets each
// run `setup(i)` (untimed: first touch of its memory). Then, `runs` times, thread 0 waits until
// every other thread spins at the barrier, notes the time and releases them all; every thread
// calls `work(i, run)` and notes when it finished. A run's time is from the release to the
// last thread's finish. The calling thread only joins, so it does not compete for the CPUs.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_BENCH_THREADTEAM_H
#define LOWBIT_LIB_BENCH_THREADTEAM_H

#include <functional>
#include <vector>

namespace lowbit::bench::detail {

/// Seconds of each run.
std::vector<double> runTeam(int threads, int runs, const std::function<void(int thread)> &setup,
                            const std::function<void(int thread, int run)> &work);

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

} // namespace lowbit::bench::detail

#endif // LOWBIT_LIB_BENCH_THREADTEAM_H
