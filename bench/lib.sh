# Shared helpers of the benchmark scripts (sourced, not run).
# measure RUNS CMD...: runs CMD RUNS times and prints "median-wall-s median-cpu-s peak-kB" (GNU
# time; CPU = user + system of the command and the children it waited for, so both threads of a
# 2-thread run count).
measure() {
  local runs=$1; shift
  local tmp; tmp=$(mktemp)
  local walls=() cpus=() peak=0 wall user sys kb
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %U %S %M" -o "$tmp" "$@" > /dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; rm -f "$tmp"; return 1; }
    read -r wall user sys kb < "$tmp"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc -l)")
    (( kb > peak )) && peak=$kb
  done
  rm -f "$tmp"
  echo "$(median_of "${walls[@]}") $(median_of "${cpus[@]}") $peak"
}

# median_of VALUES...: the median (the lower middle one of an even count).
median_of() {
  printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"
}

# metric FILE NAME: the mean of a metric in a cposim report.
metric() {
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['metrics'][sys.argv[2]]['mean'])" "$1" "$2"
}

# The speed targets of the issue "Speed", by the section that measures them. Each section records
# its verdicts with `target`; run.sh points BENCH_TARGETS at a file per section and prints them all
# at the end (a skipped section's targets as "not run"). A section run alone keeps its own file
# and prints its targets at its end (end_targets).
TARGET_SAMPLER="Sampler within 1.2x of C (callgrind instructions per draw, struct API, worst distribution)"
TARGET_FLAT="Memory flat in trials: 128k CPO-ELS run, 1 thread, peak RSS with the larger trial count within 10 % of 2 trials"
TARGET_INSTRUCTIONS="Engine instructions per event (callgrind)"  # tracked, one line per scaling scenario
TARGET_PEER="Peer model within 1.3x of C, 1 thread (CPU seconds, medians)"
TARGET_128K_TIME="128k comparison, 1,000 trials each, under 20 s wall on 2 cores"
TARGET_128K_MEMORY="128k comparison peak memory under 150 MB"
targets_of() {  # section: the targets it measures, one a line
  case $1 in
    sampler) echo "$TARGET_SAMPLER" ;;
    scaling) printf '%s\n' "$TARGET_FLAT" "$TARGET_INSTRUCTIONS" ;;
    peer) echo "$TARGET_PEER" ;;
    threads) printf '%s\n' "$TARGET_128K_TIME" "$TARGET_128K_MEMORY" ;;
  esac
}

# start_targets DIR: called by a section after making its scratch DIR; without run.sh's
# BENCH_TARGETS the section records into DIR/targets and end_targets prints them.
own_targets=
start_targets() {
  if [ -z "${BENCH_TARGETS:-}" ]; then BENCH_TARGETS=$1/targets; own_targets=1; : > "$BENCH_TARGETS"; fi
}

# target NAME MEASURED VERDICT: one line "target|measured|verdict"; VERDICT is met, missed,
# tracked or not run, optionally followed by a note ("met (scaled)").
target() {
  echo "$1|$2|$3" >> "$BENCH_TARGETS"
}

# verdict MET: "met" if MET (a bc expression) is true, else "missed".
verdict() {
  if [ "$(echo "$1" | bc -l)" = 1 ]; then echo met; else echo missed; fi
}

end_targets() {
  [ -z "$own_targets" ] || { echo; print_targets "$BENCH_TARGETS"; }
}

# print_targets FILE...: the "## Targets" table of the given target files, met and missed in bold.
print_targets() {
  echo "## Targets"
  echo "| target | measured | |"
  echo "|---|---|---|"
  cat "$@" | while IFS='|' read -r name measured result; do
    case $result in met*|missed*) result="**${result%% *}**${result#"${result%% *}"}" ;; esac
    echo "| $name | $measured | $result |"
  done
}
