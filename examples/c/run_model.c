/* run_model.c - run a library written by lowbit-compile on .npy files.
 *
 *   lowbit-compile model.onnx -o out/
 *   cc -O2 -DMODEL=model -Iout examples/c/run_model.c -Lout -lmodel -Wl,-rpath,out -o run_model
 *   ./run_model x.npy -- y.npy          (inputs, then "--", then where the outputs go)
 *   ./run_model                         (prints the model's inputs and outputs)
 *
 * MODEL is the library's name (lowbit-compile --name, default the model file's stem). The
 * program checks each .npy against the input's size, runs the model --repeat times (printing
 * the median and best time of a call to stderr when more than once) and writes each output
 * as .npy (NumPy's dtype for f32, f16, f64 and 8/16/32/64-bit integers, else the raw bytes
 * as uint8). Exit status 0 on success, 1 with a message otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#define CONCAT2(a, b) a##b
#define CONCAT(a, b) CONCAT2(a, b)
#define STRING2(a) #a
#define STRING(a) STRING2(a)
#define API(function) CONCAT(MODEL, CONCAT(_, function))

#include STRING(MODEL.h)

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_shape(FILE *out, int rank, const int64_t *shape) {
  fputc('[', out);
  for (int d = 0; d < rank; ++d)
    fprintf(out, d ? ", %lld" : "%lld", (long long)shape[d]);
  fputc(']', out);
}

static void describe(void) {
  printf("%s: %d inputs, %d outputs\n", STRING(MODEL), API(num_inputs)(), API(num_outputs)());
  for (int i = 0; i < API(num_inputs)(); ++i) {
    printf("  input  %d %s: %s ", i, API(input_name)(i), API(input_type)(i));
    print_shape(stdout, API(input_rank)(i), API(input_shape)(i));
    printf(", %zu bytes\n", API(input_size)(i));
  }
  for (int i = 0; i < API(num_outputs)(); ++i) {
    printf("  output %d %s: %s ", i, API(output_name)(i), API(output_type)(i));
    print_shape(stdout, API(output_rank)(i), API(output_shape)(i));
    printf(", %zu bytes\n", API(output_size)(i));
  }
}

/* Reads the data of a .npy file of exactly `size` bytes into a new buffer. */
static void *read_npy(const char *path, size_t size) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "run_model: cannot open %s\n", path);
    return NULL;
  }
  unsigned char magic[10];
  void *data = NULL;
  if (fread(magic, 1, 10, file) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0) {
    fprintf(stderr, "run_model: %s is not a .npy file\n", path);
  } else {
    long header = magic[6] == 1 ? magic[8] | magic[9] << 8 : -1;
    if (magic[6] != 1) {
      unsigned char more[2];
      if (fread(more, 1, 2, file) == 2)
        header = magic[8] | magic[9] << 8 | (long)more[0] << 16 | (long)more[1] << 24;
    }
    long start = (magic[6] == 1 ? 10 : 12) + header;
    long end = -1;
    if (header >= 0 && fseek(file, 0, SEEK_END) == 0)
      end = ftell(file);
    if (end < start || (size_t)(end - start) != size) {
      fprintf(stderr, "run_model: %s holds %ld data bytes, the input takes %zu\n", path,
              end - start, size);
    } else if ((data = malloc(size ? size : 1)) && fseek(file, start, SEEK_SET) == 0 &&
               fread(data, 1, size, file) == size) {
      fclose(file);
      return data;
    } else {
      fprintf(stderr, "run_model: cannot read %s\n", path);
    }
  }
  free(data);
  fclose(file);
  return NULL;
}

/* NumPy's descriptor of a lowbit element type, or NULL when NumPy has none. */
static const char *numpy_descr(const char *type) {
  static const char *const table[][2] = {
      {"f32", "<f4"},  {"f16", "<f2"},  {"f64", "<f8"},  {"si8", "|i1"},  {"i8", "|i1"},
      {"ui8", "|u1"},  {"si16", "<i2"}, {"i16", "<i2"},  {"si32", "<i4"}, {"i32", "<i4"},
      {"si64", "<i8"}, {"i64", "<i8"},  {"ui16", "<u2"}, {"ui32", "<u4"}, {"ui64", "<u8"}};
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); ++i)
    if (strcmp(type, table[i][0]) == 0)
      return table[i][1];
  return NULL;
}

static int write_npy(const char *path, int output, const void *data) {
  const char *descr = numpy_descr(API(output_type)(output));
  size_t size = API(output_size)(output);
  char dict[512];
  int length;
  if (descr) {
    length =
        snprintf(dict, sizeof(dict), "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    int rank = API(output_rank)(output);
    for (int d = 0; d < rank && length < (int)sizeof(dict) - 64; ++d)
      length += snprintf(dict + length, sizeof(dict) - length, "%lld,%s",
                         (long long)API(output_shape)(output)[d], d + 1 < rank ? " " : "");
    length += snprintf(dict + length, sizeof(dict) - length, "), }");
  } else {
    length = snprintf(dict, sizeof(dict),
                      "{'descr': '|u1', 'fortran_order': False, 'shape': (%zu,), }", size);
  }
  /* Pad with spaces so that the data starts at a multiple of 64 bytes. */
  int total = (10 + length + 1 + 63) / 64 * 64;
  FILE *file = fopen(path, "wb");
  if (!file) {
    fprintf(stderr, "run_model: cannot write %s\n", path);
    return 1;
  }
  unsigned header = (unsigned)(total - 10);
  fwrite("\x93NUMPY\x01\x00", 1, 8, file);
  fputc(header & 0xff, file);
  fputc(header >> 8, file);
  fwrite(dict, 1, (size_t)length, file);
  for (int i = 10 + length; i < total - 1; ++i)
    fputc(' ', file);
  fputc('\n', file);
  size_t written = fwrite(data, 1, size, file);
  if (fclose(file) != 0 || written != size) {
    fprintf(stderr, "run_model: cannot write %s\n", path);
    return 1;
  }
  return 0;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int inputs = API(num_inputs)(), outputs = API(num_outputs)();
  int repeat = 1, first = 1;
  if (argc > 1 && strncmp(argv[1], "--repeat=", 9) == 0) {
    repeat = atoi(argv[1] + 9);
    first = 2;
  }
  if (argc <= first) {
    describe();
    return 0;
  }
  int separator = first;
  while (separator < argc && strcmp(argv[separator], "--") != 0)
    ++separator;
  if (separator - first != inputs || argc - separator - 1 != outputs || repeat < 1) {
    fprintf(stderr, "usage: %s [--repeat=N] <%d input .npy> -- <%d output .npy>\n", argv[0], inputs,
            outputs);
    return 1;
  }
  const void **in = calloc((size_t)inputs + 1, sizeof(void *));
  void **out = calloc((size_t)outputs + 1, sizeof(void *));
  int status = 1;
  API(context) *context = NULL;
  for (int i = 0; i < inputs; ++i)
    if (!(in[i] = read_npy(argv[first + i], API(input_size)(i))))
      goto done;
  for (int i = 0; i < outputs; ++i)
    if (!(out[i] = malloc(API(output_size)(i) ? API(output_size)(i) : 1)))
      goto done;
  if (API(create)(&context) != 0) {
    fprintf(stderr, "run_model: cannot create a context: %s\n", API(error)(NULL));
    goto done;
  }
  double *times = calloc((size_t)repeat, sizeof(double));
  if (!times)
    goto done;
  for (int r = 0; r < repeat; ++r) {
    struct timespec start, stop;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (API(run)(context, in, out) != 0) {
      fprintf(stderr, "run_model: %s\n", API(error)(context));
      free(times);
      goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &stop);
    times[r] = (stop.tv_sec - start.tv_sec) * 1e3 + (stop.tv_nsec - start.tv_nsec) * 1e-6;
  }
  if (repeat > 1) {
    qsort(times, (size_t)repeat, sizeof(double), compare_doubles);
    fprintf(stderr, "run_model: %d runs: median %.4f ms, best %.4f ms\n", repeat, times[repeat / 2],
            times[0]);
  }
  free(times);
  status = 0;
  for (int i = 0; i < outputs && !status; ++i)
    status = write_npy(argv[separator + 1 + i], i, out[i]);
done:
  API(destroy)(context);
  for (int i = 0; i < inputs; ++i)
    free((void *)in[i]);
  for (int i = 0; i < outputs; ++i)
    free(out[i]);
  free(in);
  free(out);
  return status;
}
