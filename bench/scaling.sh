#!/usr/bin/env bash
# Engine scaling: 1k, 16k, 128k and 1M-GPU fabrics over 5 years, pluggable and CPO with ELS, one
# thread. Wall and CPU time per trial and events per second: the cost follows the events
# (failures, repair steps, job events), not the number of units in the fleet.
# Targets (issue 26): the 1M-GPU pair (a trial of cluster-1m-pluggable and one of
# cluster-1m-cpo-els, `cposim compare --threads 1`, start-up included) under 2 CPU-s a pair and
# 1 GB peak memory.
# Tracked (no threshold): engine instructions per event and events per trial under callgrind,
# repeatable (to about 0.01 %) whatever the machine is doing, and the peak memory of the 128k
# CPO-ELS run with SCALING_TRIALS_128K trials (default 8) against 2 trials (memory flat in trials).
# Each scenario runs N and 2N trials (1k: 20, 16k: 2, 128k: 1) on
# a stripped copy of the binary (valgrind 3.19 cannot read the Swift debug info); trials are
# seeded by their index, so the extra instructions of the 2N run are those of its last N trials,
# and their events are mean(2N) * 2N - mean(N) * N. The two runs of a scenario go side by side
# (about 3 minutes on 2 cores). The 1M presets join the callgrind table with
# SCALING_CALLGRIND_1M=1 (about 20 more minutes).
# Environment: SCALING_TRIALS_128K (8), SCALING_TRIALS_1M (trials of the 1M table rows, 1),
# SCALING_PAIRS_1M (pairs of the 1M target, 4), SCALING_CALLGRIND_1M (0).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
start_targets "$out"
trials_128k=${SCALING_TRIALS_128K:-8}
trials_1m=${SCALING_TRIALS_1M:-1}
pairs_1m=${SCALING_PAIRS_1M:-4}
echo "## Engine scaling: 5 years, one thread, median of 3 runs"
printf '%-24s %9s %7s %12s %13s %10s %13s %11s %8s\n' scenario FRUs trials "events/trial" "flaps/trial" "ms/trial" "CPU ms/trial" "events/s" "peak MB"
for size in 1k 16k 128k 1m; do
  case $size in 1k) trials=200 ;; 16k) trials=40 ;; 128k) trials=$trials_128k ;; 1m) trials=$trials_1m ;; esac
  for arch in pluggable cpo-els; do
    s=Scenarios/cluster-$size-$arch.yaml
    frus=$("$cposim" describe "$s" --json | python3 -c "import json,sys; print(sum(f['count'] for f in json.load(sys.stdin)['frus']))")
    read -r seconds cpu kb < <(measure 3 "$cposim" run "$s" --trials "$trials" --threads 1 --quiet -o "$out/r.json")
    events=$(metric "$out/r.json" engine_events); flaps=$(metric "$out/r.json" flaps)
    printf '%-24s %9d %7d %12.0f %13.0f %10.1f %13.1f %11.3g %8.0f\n' "cluster-$size-$arch" "$frus" "$trials" "$events" "$flaps" \
      "$(echo "$seconds * 1000 / $trials" | bc -l)" "$(echo "$cpu * 1000 / $trials" | bc -l)" \
      "$(echo "$events * $trials / $seconds" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
    [ "$size-$arch" != 128k-cpo-els ] || kb_many=$kb
  done
done

# Memory flat in trials (tracked): the same 128k run with 2 trials, against the table's run above.
read -r _ _ kb_two < <(measure 3 "$cposim" run Scenarios/cluster-128k-cpo-els.yaml --trials 2 --threads 1 --quiet -o "$out/r.json")
growth=$(echo "($kb_many - $kb_two) * 100 / $kb_two" | bc -l)
target "$TARGET_FLAT" "$(printf '%.1f MB with 2 trials, %.1f MB with %d (%+.1f %%)' "$(echo "$kb_two / 1024" | bc -l)" \
  "$(echo "$kb_many / 1024" | bc -l)" "$trials_128k" "$growth")" tracked

# The 1M-GPU pair: one thread, start-up (loading and laying out both fabrics) included.
echo
echo "## 1M-GPU pair: cposim compare cluster-1m-pluggable cluster-1m-cpo-els, $pairs_1m pairs, 1 thread, start-up included"
read -r seconds cpu kb < <(measure 1 "$cposim" compare Scenarios/cluster-1m-pluggable.yaml Scenarios/cluster-1m-cpo-els.yaml \
  --trials "$pairs_1m" --threads 1 --quiet -o "$out/c.json")
per_pair=$(echo "$cpu / $pairs_1m" | bc -l); gb=$(echo "$kb / 1048576" | bc -l)
printf 'wall %.1f s, CPU %.1f s (%.2f CPU-s a pair), peak %.0f MB\n' "$seconds" "$cpu" "$per_pair" "$(echo "$kb / 1024" | bc -l)"
target "$TARGET_1M_CPU" "$(printf '%.2f CPU-s a pair (%.1f s for %d pairs)' "$per_pair" "$cpu" "$pairs_1m")" "$(verdict "$per_pair < 2")"
target "$TARGET_1M_MEMORY" "$(printf '%.2f GB' "$gb")" "$(verdict "$gb < 1")"

if command -v valgrind > /dev/null; then
  echo
  echo "## Engine instructions per event: callgrind, one thread, N and 2N trials"
  printf '%-24s %7s %13s %16s %12s %13s\n' scenario N "extra events" "extra instr" "instr/event" "events/trial"
  strip -o "$out/cposim" "$cposim"
  # The report goes to standard output (-o -): a run writing to a file also writes a checkpoint
  # beside it at most once a second of wall time, and under callgrind those would add instructions
  # that depend on how fast the machine is. Swift's hashing is seeded per process unless made
  # deterministic.
  callgrind() {  # scenario trials dir: the run's report in dir/r.json, its instruction count in dir/ir
    mkdir -p "$3"
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      "$out/cposim" run "$1" --trials "$2" --threads 1 --quiet -o - > "$3/stdout" 2> "$3/log" \
      || { cat "$3/log" >&2; echo "benchmark command failed: valgrind cposim run $1 --trials $2" >&2; return 1; }
    awk '/Collected/ {gsub(",", "", $4); print $4}' "$3/log" > "$3/ir"
    # The JSON report comes first on standard output, the terminal table after it.
    python3 -c "import json,sys; json.dump(json.JSONDecoder().raw_decode(open(sys.argv[1]).read())[0], open(sys.argv[2], 'w'))" \
      "$3/stdout" "$3/r.json"
  }
  sizes="1k 16k 128k"; [ "${SCALING_CALLGRIND_1M:-0}" = 0 ] || sizes="$sizes 1m"
  for size in $sizes; do
    case $size in 1k) n=20 ;; 16k) n=2 ;; 128k|1m) n=1 ;; esac
    for arch in pluggable cpo-els; do
      s=Scenarios/cluster-$size-$arch.yaml
      callgrind "$s" "$n" "$out/n" & one=$!
      callgrind "$s" $((2 * n)) "$out/2n" & two=$!
      status=0; wait $one || status=1; wait $two || status=1; [ $status = 0 ] || exit 1
      events=$(echo "$(metric "$out/2n/r.json" engine_events) * 2 * $n - $(metric "$out/n/r.json" engine_events) * $n" | bc -l)
      events=$(printf '%.0f' "$events")
      instructions=$(( $(cat "$out/2n/ir") - $(cat "$out/n/ir") ))
      per_event=$(echo "$instructions / $events" | bc -l)
      per_trial=$(echo "$events / $n" | bc -l)
      printf '%-24s %7d %13d %16d %12.0f %13.0f\n' "cluster-$size-$arch" "$n" "$events" "$instructions" "$per_event" "$per_trial"
      target "$TARGET_INSTRUCTIONS, cluster-$size-$arch" "$(printf '%.0f instructions per event, %.0f events per trial' "$per_event" "$per_trial")" tracked
    done
  done
else
  target "$TARGET_INSTRUCTIONS" "valgrind not installed" "not run"
fi
end_targets
