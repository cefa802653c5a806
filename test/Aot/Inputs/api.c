/* The C API's checks and guarantees, on the library of MODEL (one f32 input, one f32
 * output): null pointers and destroyed contexts are errors; indexes out of range give
 * NULL / -1 / 0; a run writes exactly its outputs' bytes; contexts on several threads give the
 * same results as one. Prints one line per check; exit status 0 when all hold.
 */
#define _POSIX_C_SOURCE 200809L
#define CONCAT2(a, b) a##b
#define CONCAT(a, b) CONCAT2(a, b)
#define STRING2(a) #a
#define STRING(a) STRING2(a)
#define API(function) CONCAT(MODEL, CONCAT(_, function))
#include STRING(MODEL.h)

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(condition, ...)                                                                      \
  do {                                                                                             \
    if (condition) {                                                                               \
      printf("ok: " __VA_ARGS__);                                                                  \
    } else {                                                                                       \
      printf("FAILED: " __VA_ARGS__);                                                              \
      ++failures;                                                                                  \
    }                                                                                              \
    printf("\n");                                                                                  \
  } while (0)

enum { kGuard = 64 };
static float *input;
static unsigned char *expected;

static void *worker(void *argument) {
  (void)argument;
  API(context) * context;
  size_t size = API(output_size)(0);
  unsigned char *output = malloc(size);
  int same = API(create)(&context) == 0;
  for (int r = 0; r < 20 && same; ++r) {
    const void *in[] = {input};
    void *out[] = {output};
    same = API(run)(context, in, out) == 0 && memcmp(output, expected, size) == 0;
  }
  API(destroy)(context);
  free(output);
  return same ? argument : NULL;
}

int main(void) {
  CHECK(API(num_inputs)() == 1 && API(num_outputs)() == 1, "one input, one output");
  CHECK(API(create)(NULL) != 0, "create(NULL) fails: %s", API(error)(NULL));
  CHECK(API(input_name)(-1) == NULL && API(input_name)(1) == NULL && API(output_type)(1) == NULL &&
            API(input_rank)(5) == -1 && API(output_shape)(-3) == NULL && API(input_size)(1) == 0,
        "indexes out of range give NULL, -1, 0");
  CHECK(strcmp(API(input_type)(0), "f32") == 0 && strcmp(API(output_type)(0), "f32") == 0,
        "f32 in and out");

  size_t inSize = API(input_size)(0), outSize = API(output_size)(0);
  input = malloc(inSize);
  for (size_t i = 0; i < inSize / sizeof(float); ++i)
    input[i] = (float)((i * 7919) % 200) / 100.0f - 1.0f;
  expected = malloc(outSize);
  unsigned char *guarded = malloc(outSize + 2 * kGuard);
  memset(guarded, 0xA5, outSize + 2 * kGuard);
  unsigned char *output = guarded + kGuard;

  API(context) *context = NULL;
  CHECK(API(create)(&context) == 0 && context != NULL, "create");
  const void *in[] = {input};
  void *out[] = {output};
  const void *nullIn[] = {NULL};
  void *nullOut[] = {NULL};
  CHECK(API(run)(NULL, in, out) != 0, "run on NULL fails");
  CHECK(API(run)(context, NULL, out) != 0, "run(inputs = NULL) fails: %s", API(error)(context));
  CHECK(API(run)(context, in, NULL) != 0, "run(outputs = NULL) fails: %s", API(error)(context));
  CHECK(API(run)(context, nullIn, out) != 0, "run(inputs[0] = NULL) fails: %s",
        API(error)(context));
  CHECK(API(run)(context, in, nullOut) != 0, "run(outputs[0] = NULL) fails: %s",
        API(error)(context));
  int guardsIntact = 1;
  for (int i = 0; i < kGuard; ++i)
    guardsIntact &= guarded[i] == 0xA5 && guarded[kGuard + outSize + i] == 0xA5;
  int untouched = 1;
  for (size_t i = 0; i < outSize; ++i)
    untouched &= output[i] == 0xA5;
  CHECK(guardsIntact && untouched, "failed calls write nothing");
  CHECK(API(run)(context, in, out) == 0 && API(error)(context)[0] == '\0',
        "run succeeds and clears the error");
  guardsIntact = 1;
  for (int i = 0; i < kGuard; ++i)
    guardsIntact &= guarded[i] == 0xA5 && guarded[kGuard + outSize + i] == 0xA5;
  CHECK(guardsIntact, "run writes nothing outside the output");
  memcpy(expected, output, outSize);

  pthread_t threads[4];
  int started = 0;
  for (int t = 0; t < 4; ++t)
    started += pthread_create(&threads[t], NULL, worker, &threads[t]) == 0;
  int agreed = started == 4;
  for (int t = 0; t < started; ++t) {
    void *result = NULL;
    pthread_join(threads[t], &result);
    agreed &= result != NULL;
  }
  CHECK(agreed, "4 threads with a context each agree with one");

  API(destroy)(context);
  CHECK(API(run)(context, in, out) != 0, "run on a destroyed context fails");
  CHECK(strlen(API(error)(context)) > 0, "error of a destroyed context: %s", API(error)(context));
  API(destroy)(context);
  API(destroy)(NULL);
  printf("ok: destroying twice and destroying NULL are harmless\n");
  free(guarded);
  free(expected);
  free(input);
  printf("%d failed\n", failures);
  return failures != 0;
}
