/* Independent reference for the value-stability tests: calls GSL directly, with the
 * parameter order of GSL's own API, and prints the first draws at seed 12345.
 * Build: cc golden_draws.c $(pkg-config --cflags --libs gsl) && ./a.out
 * The numbers in Tests/ReliabilityKitTests/Sampling/ValueStabilityTests.swift come from here
 * (GSL 2.7.1); a GSL upgrade that changes an algorithm may change them. */
#include <stdio.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

static gsl_rng *fresh(void) { gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2); gsl_rng_set(r, 12345); return r; }

int main(void) {
  gsl_rng *r;
  r = fresh(); printf("uniform      "); for (int i = 0; i < 3; i++) printf(" %.17g", gsl_rng_uniform(r)); printf("\n"); gsl_rng_free(r);
  r = fresh(); printf("exponential  "); for (int i = 0; i < 3; i++) printf(" %.17g", gsl_ran_exponential(r, 1000.0)); printf("\n"); gsl_rng_free(r);
  r = fresh(); printf("weibull      "); for (int i = 0; i < 3; i++) printf(" %.17g", gsl_ran_weibull(r, 1000.0 /* scale */, 1.5 /* shape */)); printf("\n"); gsl_rng_free(r);
  r = fresh(); printf("lognormal    "); for (int i = 0; i < 3; i++) printf(" %.17g", gsl_ran_lognormal(r, log(1000.0), 0.5)); printf("\n"); gsl_rng_free(r);
  r = fresh(); printf("gamma        "); for (int i = 0; i < 3; i++) printf(" %.17g", gsl_ran_gamma(r, 2.0, 500.0)); printf("\n"); gsl_rng_free(r);
  return 0;
}
