#!/usr/bin/env bash
# Sampler: nanoseconds per draw through cposim's API (cposim-bench, Swift) against a minimal C
# program calling GSL directly (bench/c/sampler.c). Both use taus2 with the same seed and
# parameters; equal sums prove they drew the same numbers. Target: within 1.2x of C.
set -euo pipefail
cd "$(dirname "$0")/.."
draws=${SAMPLER_DRAWS:-10000000}
cc -O2 bench/c/sampler.c $(pkg-config --cflags --libs gsl) -lm -o .build/sampler-c
c=$(.build/sampler-c "$draws")
s=$(.build/release/cposim-bench sampler "$draws")
echo "## Sampler: ns per draw, median of 7 runs of $draws draws (target: within 1.2x of C)"
printf '%-12s %9s %12s %9s %12s %9s  %s\n' distribution "C (ns)" "struct (ns)" "x C" "enum (ns)" "x C" "same draws"
for d in exponential weibull lognormal; do
  cn=$(awk -v d=$d '$1 == d {print $2}' <<< "$c"); csum=$(awk -v d=$d '$1 == d {print $5}' <<< "$c")
  sn=$(awk -v d=$d '$1 == d {print $2}' <<< "$s"); ssum=$(awk -v d=$d '$1 == d {print $5}' <<< "$s")
  en=$(awk -v d="$d-enum" '$1 == d {print $2}' <<< "$s"); esum=$(awk -v d="$d-enum" '$1 == d {print $5}' <<< "$s")
  same=no; [ "$csum" = "$ssum" ] && [ "$csum" = "$esum" ] && same=yes
  printf '%-12s %9.2f %12.2f %9.2f %12.2f %9.2f  %s\n' "$d" "$cn" "$sn" "$(echo "$sn / $cn" | bc -l)" \
    "$en" "$(echo "$en / $cn" | bc -l)" "$same"
done
