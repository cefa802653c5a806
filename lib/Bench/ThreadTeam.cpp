//===- ThreadTeam.cpp - Pinned threads timed from a common start -----------===//

#include "ThreadTeam.h"

#include "lowbit/Bench/MachineLimits.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace lowbit::bench;
using namespace lowbit::bench::detail;

namespace {
using Clock = std::chrono::steady_clock;

void pinToCpu(int cpu) {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  // Failure (a CPU taken away meanwhile) only costs stability; the run is still valid.
  (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
#else
  (void)cpu;
#endif
}

/// Spins until `done()`; yields after a while, in case there are more threads than CPUs.
template <typename Done> void spinUntil(Done done) {
  for (long spins = 0; !done(); ++spins) {
    if (spins < (1 << 16)) {
#if defined(__x86_64__)
      _mm_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }
}

struct Team {
  int threads;
  int runs;
  std::atomic<long> arrivals{0}; // threads 1..n-1 arrive once per run
  std::atomic<int> released{-1}; // the last run thread 0 released
  std::vector<Clock::time_point> starts;
  std::vector<Clock::time_point> finishes; // [run * threads + thread]
};

void member(Team &team, int thread, const std::vector<int> &cpus,
            const std::function<void(int)> &setup, const std::function<void(int, int)> &work) {
  if (!cpus.empty())
    pinToCpu(cpus[thread % cpus.size()]);
  setup(thread);
  for (int run = 0; run < team.runs; ++run) {
    if (thread == 0) {
      long expected = static_cast<long>(team.threads - 1) * (run + 1);
      spinUntil([&] { return team.arrivals.load(std::memory_order_acquire) == expected; });
      team.starts[run] = Clock::now();
      team.released.store(run, std::memory_order_release);
    } else {
      team.arrivals.fetch_add(1, std::memory_order_acq_rel);
      spinUntil([&] { return team.released.load(std::memory_order_acquire) >= run; });
    }
    work(thread, run);
    team.finishes[static_cast<size_t>(run) * team.threads + thread] = Clock::now();
  }
}
} // namespace

std::vector<double> lowbit::bench::detail::runTeam(int threads, int runs,
                                                   const std::function<void(int)> &setup,
                                                   const std::function<void(int, int)> &work) {
  threads = std::max(threads, 1);
  runs = std::max(runs, 0);
  Team team;
  team.threads = threads;
  team.runs = runs;
  team.starts.resize(runs);
  team.finishes.resize(static_cast<size_t>(runs) * threads);
  std::vector<int> cpus = allowedCpus();
  std::vector<std::thread> members;
  members.reserve(threads);
  for (int t = 0; t < threads; ++t)
    members.emplace_back(member, std::ref(team), t, std::cref(cpus), std::cref(setup),
                         std::cref(work));
  for (std::thread &m : members)
    m.join();

  std::vector<double> seconds(runs);
  for (int run = 0; run < runs; ++run) {
    auto first = team.finishes.begin() + static_cast<long>(run) * threads;
    Clock::time_point last = *std::max_element(first, first + threads);
    seconds[run] = std::chrono::duration<double>(last - team.starts[run]).count();
  }
  return seconds;
}

double lowbit::bench::detail::median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}
