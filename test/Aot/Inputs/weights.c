/* NAME_create_from of a library with external weights (weights.test):
 *   weights PATH    creates a context from the weights file PATH, runs the model on zeros and
 *                   prints "created" and "ran", or the error of the failed call.
 */
#define CONCAT2(a, b) a##b
#define CONCAT(a, b) CONCAT2(a, b)
#define STRING2(a) #a
#define STRING(a) STRING2(a)
#define API(function) CONCAT(MODEL, CONCAT(_, function))
#include STRING(MODEL.h)

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  API(context) * context;
  if (API(create_from)(&context, argv[1]) != 0) {
    printf("create failed: %s\n", API(error)(NULL));
    return 1;
  }
  printf("created\n");
  int inputs = API(num_inputs)(), outputs = API(num_outputs)();
  const void **in = calloc((size_t)inputs, sizeof(void *));
  void **out = calloc((size_t)outputs, sizeof(void *));
  for (int i = 0; i < inputs; ++i)
    in[i] = calloc(1, API(input_size)(i));
  for (int i = 0; i < outputs; ++i)
    out[i] = calloc(1, API(output_size)(i));
  int status = API(run)(context, in, out);
  printf(status == 0 ? "ran\n" : "run failed: %s\n", API(error)(context));
  API(destroy)(context);
  for (int i = 0; i < inputs; ++i)
    free((void *)in[i]);
  for (int i = 0; i < outputs; ++i)
    free(out[i]);
  free(in);
  free(out);
  return status;
}
