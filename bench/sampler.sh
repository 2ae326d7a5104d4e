#!/usr/bin/env bash
# Sampler: nanoseconds per draw through cposim's API (cposim-bench, Swift) against a minimal C
# program calling GSL directly (bench/c/sampler.c). Both use taus2 with the same seed and
# parameters; equal sums prove they drew the same numbers. The two programs run alternately
# for SAMPLER_ROUNDS rounds (each a median of 7 repetitions), so that a slow spell of the
# machine does not fall on one side only; the table shows the median over rounds.
# Target: within 1.2x of C, judged on callgrind's instructions per draw of the struct API (exact
# and repeatable, whatever the machine is doing) for the worst of the three distributions.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
draws=${SAMPLER_DRAWS:-2000000}
rounds=${SAMPLER_ROUNDS:-5}
cc -O2 bench/c/sampler.c $(pkg-config --cflags --libs gsl) -lm -o .build/sampler-c
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
start_targets "$out"
for ((r = 0; r < rounds; r++)); do
  .build/sampler-c "$draws" >> "$out/c"
  .build/release/cposim-bench sampler "$draws" >> "$out/swift"
done
median() {  # file kernel column: median of that column over the kernel's lines
  awk -v k="$2" -v c="$3" '$1 == k {print $c}' "$1" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
echo "## Sampler: ns per draw, median of $rounds alternating rounds of 7 x $draws draws (target: within 1.2x of C)"
printf '%-12s %9s %12s %9s %12s %9s  %s\n' distribution "C (ns)" "struct (ns)" "x C" "enum (ns)" "x C" "same draws"
for d in exponential weibull lognormal; do
  cn=$(median "$out/c" $d 2); sn=$(median "$out/swift" $d 2); en=$(median "$out/swift" "$d-enum" 2)
  sums=$( (awk -v d=$d '$1 == d {print $5}' "$out/c" "$out/swift"; awk -v d="$d-enum" '$1 == d {print $5}' "$out/swift") | sort -u | wc -l)
  same=no; [ "$sums" = 1 ] && same=yes
  printf '%-12s %9.2f %12.2f %9.2f %12.2f %9.2f  %s\n' "$d" "$cn" "$sn" "$(echo "$sn / $cn" | bc -l)" \
    "$en" "$(echo "$en / $cn" | bc -l)" "$same"
done

# Instructions per draw under callgrind: exact and repeatable, whatever the machine is doing
# (valgrind 3.19 cannot read the Swift linker's debug info, so the Swift side runs stripped).
if command -v valgrind > /dev/null; then
  strip -o "$out/cposim-bench" .build/release/cposim-bench
  per_draw() {  # program kernel: instructions per draw from the difference of two run lengths
    local a b
    if [ "$1" = c ]; then
      a=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null .build/sampler-c 20000 "$2" 2>&1 >/dev/null | awk '/Collected/ {print $4}')
      b=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null .build/sampler-c 40000 "$2" 2>&1 >/dev/null | awk '/Collected/ {print $4}')
    else
      a=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$out/cposim-bench" sampler 20000 "$2" 2>&1 >/dev/null | awk '/Collected/ {print $4}')
      b=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$out/cposim-bench" sampler 40000 "$2" 2>&1 >/dev/null | awk '/Collected/ {print $4}')
    fi
    echo "($b - $a) / (20000 * 7)" | bc -l
  }
  echo
  echo "## Sampler: instructions per draw (callgrind)"
  printf '%-12s %9s %12s %9s %12s %9s\n' distribution C struct "x C" enum "x C"
  worst=0 worst_d=
  for d in exponential weibull lognormal; do
    c=$(per_draw c $d); s=$(per_draw swift $d); e=$(per_draw swift "$d-enum")
    printf '%-12s %9.1f %12.1f %9.2f %12.1f %9.2f\n' "$d" "$c" "$s" "$(echo "$s / $c" | bc -l)" "$e" "$(echo "$e / $c" | bc -l)"
    if [ "$(echo "$s / $c > $worst" | bc -l)" = 1 ]; then worst=$(echo "$s / $c" | bc -l); worst_d=$d; fi
  done
  target "$TARGET_SAMPLER" "$(printf '%.2fx C (%s)' "$worst" "$worst_d")" "$(verdict "$worst <= 1.2")"
else
  target "$TARGET_SAMPLER" "valgrind not installed" "not run"
fi
end_targets
