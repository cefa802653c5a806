/*===- BufferCache.c - The allocator of compiled code's buffers ------------===*
 *
 * Compiled code allocates its buffers (memref.alloc, lowered with MLIR's generic allocation
 * functions) through lowbit_buffer_alloc and frees them through lowbit_buffer_free. A model
 * allocates the same buffers in the same order on every call; large ones, freshly mapped by
 * malloc each time, cost a page fault and a page of zeros per 4 KiB on every call (a decoder
 * block's prefill on Zen3: 151 ms with plain malloc, 116 ms with freed buffers reused). So a
 * freed buffer of at least kCachedBytes waits in a small cache for the next allocation of
 * the same size and alignment; the cache holds at most kSlots buffers and kMaxCachedBytes
 * (freeing the oldest to make room), a lock guards it (allocations come from every thread
 * that calls a model), and smaller buffers go straight back to malloc.
 *
 * Each buffer starts kHeader bytes (or its alignment, if larger) into a block from
 * posix_memalign; the 16 bytes before it hold the block and the buffer's size.
 *
 * Freestanding C without system headers: lowbit-compile links it, compiled to bitcode with
 * AotLibrary.c (which includes this file), into every library, where the functions MLIR's
 * lowering calls are defined below; the JIT (lib/Target/Jit.cpp) maps them onto the copies
 * compiled into LowbitRuntime.
 *
 *===----------------------------------------------------------------------===*/

typedef unsigned long lowbit_size_t;

void free(void *pointer);
int posix_memalign(void **pointer, lowbit_size_t alignment, lowbit_size_t size);

enum { kSlots = 32, kHeader = 64 };
static const lowbit_size_t kCachedBytes = (lowbit_size_t)64 << 10;
static const lowbit_size_t kMaxCachedBytes = (lowbit_size_t)1 << 31;

struct LowbitCachedBuffer {
  char *buffer;
  lowbit_size_t bytes;
  unsigned long long age;
};

static struct LowbitCachedBuffer lowbitCache[kSlots];
static lowbit_size_t lowbitCachedTotal;
static unsigned long long lowbitCacheClock;
static int lowbitCacheLock;

static void lowbitLock(void) {
  while (__atomic_exchange_n(&lowbitCacheLock, 1, __ATOMIC_ACQUIRE))
    while (__atomic_load_n(&lowbitCacheLock, __ATOMIC_RELAXED)) {
#if defined(__x86_64__)
      __builtin_ia32_pause();
#elif defined(__aarch64__)
      __builtin_arm_yield();
#endif
    }
}

static void lowbitUnlock(void) { __atomic_store_n(&lowbitCacheLock, 0, __ATOMIC_RELEASE); }

/* The block and the size stored before a buffer. */
static void **lowbitHeader(char *buffer) { return (void **)(buffer - 16); }

static void lowbitRelease(char *buffer) { free(lowbitHeader(buffer)[0]); }

void *lowbit_buffer_alloc(lowbit_size_t bytes, lowbit_size_t alignment) {
  if (alignment < kHeader)
    alignment = kHeader;
  if (bytes >= kCachedBytes) {
    char *found = 0;
    lowbitLock();
    for (int i = 0; i < kSlots; ++i)
      if (lowbitCache[i].buffer && lowbitCache[i].bytes == bytes &&
          (unsigned long)lowbitCache[i].buffer % alignment == 0) {
        found = lowbitCache[i].buffer;
        lowbitCache[i].buffer = 0;
        lowbitCachedTotal -= bytes;
        break;
      }
    lowbitUnlock();
    if (found)
      return found;
  }
  void *block = 0;
  if (bytes + alignment < bytes || posix_memalign(&block, alignment, alignment + bytes) != 0)
    return 0;
  char *buffer = (char *)block + alignment;
  lowbitHeader(buffer)[0] = block;
  lowbitHeader(buffer)[1] = (void *)bytes;
  return buffer;
}

void lowbit_buffer_free(void *pointer) {
  if (!pointer)
    return;
  char *buffer = (char *)pointer;
  lowbit_size_t bytes = (lowbit_size_t)lowbitHeader(buffer)[1];
  if (bytes < kCachedBytes || bytes > kMaxCachedBytes) {
    lowbitRelease(buffer);
    return;
  }
  char *evicted[kSlots];
  int numEvicted = 0;
  lowbitLock();
  // Room: drop the oldest buffers until this one fits under the total and a slot is free.
  for (;;) {
    int open = -1, oldest = -1;
    for (int i = 0; i < kSlots; ++i) {
      if (!lowbitCache[i].buffer)
        open = open < 0 ? i : open;
      else if (oldest < 0 || lowbitCache[i].age < lowbitCache[oldest].age)
        oldest = i;
    }
    if (open >= 0 && lowbitCachedTotal + bytes <= kMaxCachedBytes) {
      lowbitCache[open].buffer = buffer;
      lowbitCache[open].bytes = bytes;
      lowbitCache[open].age = ++lowbitCacheClock;
      lowbitCachedTotal += bytes;
      break;
    }
    evicted[numEvicted++] = lowbitCache[oldest].buffer;
    lowbitCachedTotal -= lowbitCache[oldest].bytes;
    lowbitCache[oldest].buffer = 0;
  }
  lowbitUnlock();
  for (int i = 0; i < numEvicted; ++i)
    lowbitRelease(evicted[i]);
}
