// Calls a compiled lowbit function of signature
//   (tensor<MxKxf32>, <weight bytes [N, RB]>, tensor<NxGxf32>) -> tensor<MxNxf32>
// through its C interface (`_mlir_ciface_gemv`, every tensor a rank-2 memref descriptor, the
// result an out-parameter after the inputs) on inputs read from .npy files, and writes the
// result as an .npy file. Built for AArch64 and run under qemu-user by aarch64-qemu.test.
//
//   harness a.npy w.npy s.npy M K N RB G out.npy
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Compiled code allocates its buffers through MLIR's generic allocation functions; libraries
// and the JIT get them from lowbit's runtime (lowbit/Runtime/BufferCache.h), this bare object
// from here.
void *_mlir_memref_to_llvm_alloc(size_t size) { return malloc(size); }
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  return aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}
void _mlir_memref_to_llvm_free(void *pointer) { free(pointer); }

typedef struct {
  void *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} Memref2;

extern void _mlir_ciface_gemv(Memref2 *a, Memref2 *w, Memref2 *s, Memref2 *out);

// The data of a version 1 .npy file (its header is not checked: the test writes the files).
static void *readNpy(const char *path, size_t expected) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  unsigned char prefix[10];
  if (fread(prefix, 1, 10, file) != 10 || memcmp(prefix, "\x93NUMPY", 6) != 0) {
    fprintf(stderr, "%s is not an .npy file\n", path);
    exit(1);
  }
  size_t header = prefix[8] | (prefix[9] << 8);
  fseek(file, (long)(10 + header), SEEK_SET);
  void *data = malloc(expected);
  if (fread(data, 1, expected, file) != expected) {
    fprintf(stderr, "%s holds fewer than %zu bytes of data\n", path, expected);
    exit(1);
  }
  fclose(file);
  return data;
}

static Memref2 describe(void *data, int64_t rows, int64_t cols) {
  Memref2 m = {data, data, 0, {rows, cols}, {cols, 1}};
  return m;
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: %s a.npy w.npy s.npy M K N RB G out.npy\n", argv[0]);
    return 2;
  }
  int64_t m = atoll(argv[4]), k = atoll(argv[5]), n = atoll(argv[6]), rb = atoll(argv[7]),
          g = atoll(argv[8]);
  Memref2 a = describe(readNpy(argv[1], (size_t)(m * k) * 4), m, k);
  Memref2 w = describe(readNpy(argv[2], (size_t)(n * rb)), n, rb);
  Memref2 s = describe(readNpy(argv[3], (size_t)(n * g) * 4), n, g);
  float *y = calloc((size_t)(m * n), sizeof(float));
  Memref2 out = describe(y, m, n);
  _mlir_ciface_gemv(&a, &w, &s, &out);

  char header[128];
  int length = snprintf(header, sizeof header,
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (%lld, %lld), }",
                        (long long)m, (long long)n);
  int total = 10 + length + 1;
  int padded = (total + 63) / 64 * 64;
  FILE *file = fopen(argv[9], "wb");
  if (!file)
    return 1;
  unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                              (unsigned char)((padded - 10) & 0xff),
                              (unsigned char)((padded - 10) >> 8)};
  fwrite(prefix, 1, 10, file);
  fwrite(header, 1, (size_t)length, file);
  for (int i = total - 1; i < padded - 1; ++i)
    fputc(' ', file);
  fputc('\n', file);
  fwrite(y, sizeof(float), (size_t)(m * n), file);
  return fclose(file) == 0 ? 0 : 1;
}
