/*===- BufferCache.h - The allocator of compiled code's buffers ---*- C -*-===*
 *
 * Compiled code allocates and frees its buffers through these functions (MLIR's generic
 * allocation functions map onto them): large freed buffers are kept for the next allocation
 * of the same size, so that a model called again reuses its buffers' pages instead of
 * faulting in fresh ones (lib/Runtime/BufferCache.c says how much is kept).
 *
 *   void *p = lowbit_buffer_alloc(bytes, alignment);   // alignment 0: 64 bytes
 *   lowbit_buffer_free(p);                             // null is allowed
 *
 * Thread-safe; returns null when memory runs out.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOWBIT_RUNTIME_BUFFERCACHE_H
#define LOWBIT_RUNTIME_BUFFERCACHE_H

#ifdef __cplusplus
extern "C" {
#endif

void *lowbit_buffer_alloc(unsigned long bytes, unsigned long alignment);
void lowbit_buffer_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif /* LOWBIT_RUNTIME_BUFFERCACHE_H */
