//===- ThreadTeamTest.cpp - Pinning, run order and timing of the thread team -===//

#include "ThreadTeam.h"

#include "lowbit/Bench/MachineLimits.h"

#include "gtest/gtest.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

using namespace lowbit::bench;
using namespace lowbit::bench::detail;

namespace {

TEST(ThreadTeamTest, EveryThreadSetsUpOnceAndRunsEveryRunInOrder) {
  for (int threads : {1, 2, 3}) {
    constexpr int kRuns = 4;
    std::vector<std::atomic<int>> setups(threads), works(threads);
    std::atomic<int> finishedWorks{0};
    std::atomic<int> outOfOrder{0};
    std::vector<double> seconds = runTeam(
        threads, kRuns, [&](int thread) { ++setups[thread]; },
        [&](int thread, int run) {
          // The barrier lets no thread start run r before every thread has finished run r - 1,
          // and every thread sets up before run 0.
          if (finishedWorks.load() < run * threads || setups[thread].load() != 1)
            ++outOfOrder;
          if (works[thread].load() != run)
            ++outOfOrder;
          // One slow thread per run (the leader in run 0) gives the others time to run ahead.
          if (thread == run % threads)
            std::this_thread::sleep_for(std::chrono::milliseconds(3));
          ++works[thread];
          ++finishedWorks;
        });
    ASSERT_EQ(seconds.size(), size_t(kRuns));
    EXPECT_EQ(outOfOrder.load(), 0) << threads << " threads";
    for (int t = 0; t < threads; ++t) {
      EXPECT_EQ(setups[t].load(), 1);
      EXPECT_EQ(works[t].load(), kRuns);
    }
    for (double s : seconds)
      EXPECT_GE(s, 0);
  }
}

TEST(ThreadTeamTest, ARunLastsUntilTheSlowestThreadFinishes) {
  std::vector<double> seconds = runTeam(
      2, 2, [](int) {},
      [](int thread, int run) {
        if (thread == 1 && run == 1)
          std::this_thread::sleep_for(std::chrono::milliseconds(30));
      });
  ASSERT_EQ(seconds.size(), 2u);
  EXPECT_GE(seconds[1], 0.03);
}

#if defined(__linux__)
TEST(ThreadTeamTest, ThreadIRunsOnTheIthAllowedCpu) {
  std::vector<int> cpus = allowedCpus();
  ASSERT_FALSE(cpus.empty());
  int threads = static_cast<int>(cpus.size()) + 1; // one more than CPUs: wraps around
  std::vector<int> ranOn(threads, -1);
  runTeam(
      threads, 1, [](int) {}, [&](int thread, int) { ranOn[thread] = sched_getcpu(); });
  for (int t = 0; t < threads; ++t)
    EXPECT_EQ(ranOn[t], cpus[t % cpus.size()]) << "thread " << t;
}
#endif

TEST(ThreadTeamTest, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(median({}), 0);
  EXPECT_EQ(median({5}), 5);
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median({9, 1, 1, 1, 9}), 1);
}

} // namespace
