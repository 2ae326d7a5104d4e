/* The sampler baseline: nanoseconds per draw of GSL's exponential, Weibull and lognormal
 * samplers called directly from C, with the generator cposim uses (taus2), the same seed and
 * the same parameters as `cposim-bench sampler`. Each kernel runs REPEATS times over N draws;
 * the median is printed with the sum of the last run's draws, which must equal the Swift
 * side's sum (the same numbers were drawn). A third argument runs one kernel only (for
 * counting instructions under callgrind).
 *   cc -O2 sampler.c $(pkg-config --cflags --libs gsl) -o sampler && ./sampler [N [KERNEL]] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

enum { REPEATS = 7 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#define KERNEL(NAME, DRAW)                                                     \
  if (!only || strcmp(only, NAME) == 0) do {                                   \
    double ns[REPEATS], sum = 0;                                               \
    for (int rep = 0; rep < REPEATS; rep++) {                                  \
      gsl_rng_set(r, 20261125);                                                \
      sum = 0;                                                                 \
      double start = now();                                                    \
      for (long i = 0; i < n; i++) sum += (DRAW);                              \
      ns[rep] = (now() - start) * 1e9 / n;                                     \
    }                                                                          \
    qsort(ns, REPEATS, sizeof ns[0], by_value);                                \
    printf("%-12s %8.2f ns/draw  sum %.17g\n", NAME, ns[REPEATS / 2], sum);    \
  } while (0)

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10000000;
  const char *only = argc > 2 ? argv[2] : NULL;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  KERNEL("exponential", gsl_ran_exponential(r, 10000.0));
  KERNEL("weibull", gsl_ran_weibull(r, 50000.0, 1.5));
  KERNEL("lognormal", gsl_ran_lognormal(r, log(20.0), 0.8));
  gsl_rng_free(r);
  return 0;
}
