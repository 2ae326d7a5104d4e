#ifndef CPOSIM_CGSL_SHIM_H
#define CPOSIM_CGSL_SHIM_H
/* Includes and one-line accessors only, a prefetch hint and one allocator setting (at the end);
 * no logic lives here.
 * GSL's generator types and version string are mutable C globals, which Swift 6
 * rejects as concurrency-unsafe, so each one gets a static inline accessor. */
#include <gsl/gsl_version.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static inline const gsl_rng_type *cgsl_rng_type_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *cgsl_rng_type_mt19937(void) { return gsl_rng_mt19937; }
static inline const char *cgsl_version(void) { return gsl_version; }
static inline const gsl_multimin_fdfminimizer_type *cgsl_multimin_vector_bfgs2(void) { return gsl_multimin_fdfminimizer_vector_bfgs2; }
static inline const gsl_multimin_fminimizer_type *cgsl_multimin_nmsimplex2(void) { return gsl_multimin_fminimizer_nmsimplex2; }
static inline const gsl_min_fminimizer_type *cgsl_min_brent(void) { return gsl_min_fminimizer_brent; }
static inline const gsl_root_fsolver_type *cgsl_root_brent(void) { return gsl_root_fsolver_brent; }

/* Asks for the cache line at `p` ahead of its use (a hint; no effect on results). */
static inline void cposim_prefetch(const void *p) { __builtin_prefetch(p); }

/* glibc's mallopt is not visible through Swift's Glibc module. Blocks of 64 MiB and less come
 * from the heap and freed memory stays there (no mmap/munmap, no page faults) for the next trial
 * to reuse; returns 0 where the C library has no such knobs. */
static inline int cposim_keep_freed_memory(void) {
#if defined(__GLIBC__)
  return mallopt(M_MMAP_THRESHOLD, 64 << 20) && mallopt(M_TRIM_THRESHOLD, 256 << 20);
#else
  return 0;
#endif
}

#endif
