/* Two libraries written by lowbit-compile in one program: run_model.c compiled once per model
 * with its main renamed (-DMODEL=first -Dmain=run_first, -DMODEL=second -Dmain=run_second).
 *   two_models <first's arguments> + <second's arguments>
 */
#include <stdio.h>
#include <string.h>

int run_first(int argc, char **argv);
int run_second(int argc, char **argv);

int main(int argc, char **argv) {
  int split = 1;
  while (split < argc && strcmp(argv[split], "+") != 0)
    ++split;
  if (split == argc) {
    fprintf(stderr, "usage: two_models <first's arguments> + <second's arguments>\n");
    return 1;
  }
  argv[split] = argv[0];
  int first = run_first(split, argv);
  int second = run_second(argc - split, argv + split);
  return first || second;
}
