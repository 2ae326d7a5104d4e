/* The peer model written by hand on GSL: 100 components in series, exponential failures
 * (MTTF 10,000 h), fixed 10 h repairs that run independently, 10-year horizon, 1,000 trials.
 * Each component alternates up (exponential) and down (10 h); the system is down whenever any
 * component is: sort every down interval and merge them. Prints the mean availability and its
 * 95% interval. This is the practical speed limit for the model.
 *   cc -O2 peer.c $(pkg-config --cflags --libs gsl) -o peer && ./peer */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>

typedef struct { double start, end; } interval;
static int by_start(const void *a, const void *b) {
  double x = ((const interval *)a)->start, y = ((const interval *)b)->start;
  return (x > y) - (x < y);
}

int main(void) {
  const int components = 100, trials = 1000;
  const double mttf = 10000, repair = 10, horizon = 10 * 8760;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  size_t capacity = 4096;
  interval *down = malloc(capacity * sizeof *down);
  double sum = 0, sum2 = 0;
  for (int trial = 0; trial < trials; trial++) {
    gsl_rng_set(r, 1 + trial);
    size_t n = 0;
    for (int c = 0; c < components; c++) {
      double t = 0;
      for (;;) {
        t += gsl_ran_exponential(r, mttf);
        if (t >= horizon) break;
        if (n == capacity) { capacity *= 2; down = realloc(down, capacity * sizeof *down); }
        down[n].start = t;
        down[n].end = fmin(t + repair, horizon);
        n++;
        t += repair;
      }
    }
    qsort(down, n, sizeof *down, by_start);
    double total = 0, s = -1, e = -1;
    for (size_t i = 0; i < n; i++) {
      if (down[i].start > e) { if (e > s) total += e - s; s = down[i].start; e = down[i].end; }
      else if (down[i].end > e) e = down[i].end;
    }
    if (e > s) total += e - s;
    double a = 1 - total / horizon;
    sum += a; sum2 += a * a;
  }
  double mean = sum / trials, sd = sqrt((sum2 - sum * sum / trials) / (trials - 1));
  double half = gsl_cdf_tdist_Pinv(0.975, trials - 1) * sd / sqrt(trials);
  printf("c-gsl availability %.6f 95%% CI %.6f .. %.6f\n", mean, mean - half, mean + half);
  free(down);
  gsl_rng_free(r);
  return 0;
}
