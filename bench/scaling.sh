#!/usr/bin/env bash
# Engine scaling: 1k, 16k and 128k-GPU fabrics over 5 years, pluggable and CPO with ELS, one
# thread. Wall time per trial and events per second: the cost follows the events (failures,
# repair steps, job events), not the number of units in the fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
echo "## Engine scaling: 5 years, one thread, median of 3 runs"
printf '%-24s %9s %7s %12s %13s %12s %11s %8s\n' scenario FRUs trials "events/trial" "flaps/trial" "ms/trial" "events/s" "peak MB"
for size in 1k 16k 128k; do
  case $size in 1k) trials=200 ;; 16k) trials=40 ;; 128k) trials=${SCALING_TRIALS_128K:-8} ;; esac
  for arch in pluggable cpo-els; do
    s=Scenarios/cluster-$size-$arch.yaml
    frus=$(.build/release/cposim describe "$s" --json | python3 -c "import json,sys; print(sum(f['count'] for f in json.load(sys.stdin)['frus']))")
    read -r seconds kb < <(measure 3 .build/release/cposim run "$s" --trials "$trials" --threads 1 --quiet -o "$out/r.json")
    events=$(metric "$out/r.json" engine_events); flaps=$(metric "$out/r.json" flaps)
    printf '%-24s %9d %7d %12.0f %13.0f %12.1f %11.3g %8.0f\n' "cluster-$size-$arch" "$frus" "$trials" "$events" "$flaps" \
      "$(echo "$seconds * 1000 / $trials" | bc -l)" "$(echo "$events * $trials / $seconds" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
  done
done
