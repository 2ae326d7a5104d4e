#!/usr/bin/env bash
# Threads: speed-up of a run from 1 to 2 threads (the reports are byte-identical), wall and CPU
# time, and the headline target of issue 26: the 128k-GPU 5-year pluggable-vs-CPO comparison,
# 1,000 pairs (trials of each), on all cores, under 60 s wall on 2 cores this round (goal 20 s);
# its peak memory is printed.
# COMPARE_TRIALS_128K (default 1000) runs the comparison on fewer trials; its time is then scaled
# linearly to 1,000 trials (start-up included, so an upper bound) and the verdict marked "scaled";
# its peak memory is the one measured.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
start_targets "$out"
echo "## Threads: wall and CPU time with 1 and 2 threads, median of 3 runs"
printf '%-28s %7s %12s %8s %13s %8s %9s %8s\n' run trials "1 thread (s)" "CPU (s)" "2 threads (s)" "CPU (s)" speed-up "peak MB"
row() {
  local name=$1 trials=$2; shift 2
  local one one_cpu two two_cpu kb
  read -r one one_cpu _ < <(measure 3 "$@" --trials "$trials" --threads 1 --quiet -o "$out/a.json")
  read -r two two_cpu kb < <(measure 3 "$@" --trials "$trials" --threads 2 --quiet -o "$out/b.json")
  cmp -s "$out/a.json" "$out/b.json" || { echo "error: 1 and 2 threads gave different reports for $name" >&2; exit 1; }
  printf '%-28s %7d %12.2f %8.2f %13.2f %8.2f %9.2f %8.0f\n' "$name" "$trials" "$one" "$one_cpu" "$two" "$two_cpu" \
    "$(echo "$one / $two" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}
row "run peer-series-100" 1000 "$cposim" run Scenarios/peer-series-100.yaml
row "run cluster-16k-pluggable" 100 "$cposim" run Scenarios/cluster-16k-pluggable.yaml
row "run cluster-16k-cpo-els" 100 "$cposim" run Scenarios/cluster-16k-cpo-els.yaml
trials=${COMPARE_TRIALS_128K:-1000}
echo
echo "## 128k-GPU pluggable vs CPO-ELS comparison, 5 years, $trials trials each, all cores (target: under 60 s wall, goal 20 s)"
read -r seconds cpu kb < <(measure 1 "$cposim" compare Scenarios/cluster-128k-pluggable.yaml \
  Scenarios/cluster-128k-cpo-els.yaml --trials "$trials" --quiet -o "$out/compare.json")
mb=$(echo "$kb / 1024" | bc -l)
printf 'wall %.1f s, CPU %.1f s, peak %.1f MB, %s trials of each scenario on %s cores\n' "$seconds" "$cpu" "$mb" "$trials" "$(nproc)"
if [ "$trials" = 1000 ]; then
  target "$TARGET_128K_TIME" "$(printf '%.1f s (CPU %.1f s, %s cores, peak %.0f MB)' "$seconds" "$cpu" "$(nproc)" "$mb")" \
    "$(verdict_goal "$seconds < 60" "$seconds < 20")"
else
  scaled=$(echo "$seconds * 1000 / $trials" | bc -l)
  printf 'scaled to 1,000 trials: wall %.1f s, CPU %.1f s\n' "$scaled" "$(echo "$cpu * 1000 / $trials" | bc -l)"
  target "$TARGET_128K_TIME" "$(printf '%.1f s, scaled from %.1f s for %s pairs (CPU %.1f s scaled, %s cores, peak %.0f MB)' \
    "$scaled" "$seconds" "$trials" "$(echo "$cpu * 1000 / $trials" | bc -l)" "$(nproc)" "$mb")" \
    "$(verdict "$scaled < 60") (scaled; goal $(verdict "$scaled < 20"))"
fi
end_targets
