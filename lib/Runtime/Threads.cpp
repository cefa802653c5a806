//===- Threads.cpp - How many threads compiled kernels use ------------------===//
#include "lowbit/Runtime/Threads.h"

#include <sched.h>
#include <stdlib.h>

extern "C" int lowbit_threads_from_environment(void) {
  if (const char *text = getenv("LOWBIT_NUM_THREADS")) {
    char *end = nullptr;
    long value = strtol(text, &end, 10);
    if (end != text && *end == '\0' && value > 0 && value <= 4096)
      return static_cast<int>(value);
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0)
      return count;
  }
  return 1;
}

extern "C" int lowbit_num_threads(void) {
  // A function-local static: initialized once, thread-safely.
  static const int numThreads = lowbit_threads_from_environment();
  return numThreads;
}
