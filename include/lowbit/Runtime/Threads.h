/*===- Threads.h - How many threads compiled kernels use ---------*- C -*-===*
 *
 * Compiled code runs the blocks of a kernel launch on a persistent pool of threads (the
 * OpenMP runtime's; no thread is started per call). This header says how many:
 *
 *   int n = lowbit_num_threads();
 *
 * returns the value of the environment variable LOWBIT_NUM_THREADS when it is a positive
 * integer (read once, at the first call), else the number of CPUs the process may run on
 * (its affinity mask), at least 1. A launch of B blocks uses min(B, lowbit_num_threads())
 * threads; a launch from inside another parallel region runs on the calling thread only
 * (the OpenMP runtime does not nest by default), so threads are never oversubscribed.
 *
 * lowbit_threads_from_environment() computes the same without caching (for tools that
 * read it again after changing the environment).
 *
 * Pure C; thread-safe; no allocation.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOWBIT_RUNTIME_THREADS_H
#define LOWBIT_RUNTIME_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

int lowbit_num_threads(void);
int lowbit_threads_from_environment(void);

#ifdef __cplusplus
}
#endif

#endif /* LOWBIT_RUNTIME_THREADS_H */
