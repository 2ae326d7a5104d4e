#!/usr/bin/env bash
# Threads: speed-up of a run from 1 to 2 threads (the reports are byte-identical), and the
# headline target: the 128k-GPU 5-year pluggable-vs-CPO comparison, 1,000 trials each, on all
# cores (target: under 60 s on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
echo "## Threads: wall time with 1 and 2 threads, median of 3 runs"
printf '%-28s %7s %12s %12s %9s %10s\n' run trials "1 thread (s)" "2 threads (s)" speed-up "peak MB"
row() {
  local name=$1 trials=$2; shift 2
  read -r one _ < <(measure 3 "$@" --trials "$trials" --threads 1 --quiet -o "$out/a.json")
  read -r two kb < <(measure 3 "$@" --trials "$trials" --threads 2 --quiet -o "$out/b.json")
  cmp -s "$out/a.json" "$out/b.json" || { echo "error: 1 and 2 threads gave different reports for $name" >&2; exit 1; }
  printf '%-28s %7d %12.2f %12.2f %9.2f %10.0f\n' "$name" "$trials" "$one" "$two" "$(echo "$one / $two" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}
row "run peer-series-100" 1000 .build/release/cposim run Scenarios/peer-series-100.yaml
row "run cluster-16k-pluggable" 100 .build/release/cposim run Scenarios/cluster-16k-pluggable.yaml
row "run cluster-16k-cpo-els" 100 .build/release/cposim run Scenarios/cluster-16k-cpo-els.yaml
trials=${COMPARE_TRIALS_128K:-1000}
echo
echo "## 128k-GPU pluggable vs CPO-ELS comparison, 5 years, $trials trials each, all cores (target: under 60 s)"
read -r seconds kb < <(measure 1 .build/release/cposim compare Scenarios/cluster-128k-pluggable.yaml \
  Scenarios/cluster-128k-cpo-els.yaml --trials "$trials" --quiet -o "$out/compare.json")
printf 'wall %.1f s, peak %.0f MB, %s trials of each scenario on %s cores\n' "$seconds" "$(echo "$kb / 1024" | bc -l)" "$trials" "$(nproc)"
