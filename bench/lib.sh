# Shared helpers of the benchmark scripts (sourced, not run).
# The binary measured: BENCH_CPOSIM, or this tree's release build (a copy lets a build go on
# beside a long run without replacing the binary under it).
cposim=${BENCH_CPOSIM:-.build/release/cposim}
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

# The speed targets of issue 26 ("The engine at the limit"), and the sampler's from the speed
# issue before it, by the section that measures them. Each section records its verdicts with
# `target`; run.sh points BENCH_TARGETS at a file per section and prints them all at the end (a
# skipped section's targets as "not run"). A section run alone keeps its own file and prints its
# targets at its end (end_targets). A target with a goal beyond this round's threshold says both:
# the verdict is against the threshold, the goal is printed beside it.
TARGET_SAMPLER="Sampler within 1.2x of C (callgrind instructions per draw, struct API, worst distribution)"
TARGET_PEER="Peer model within 1.5x of C, 1 thread (CPU seconds, medians; goal 1.3x)"
TARGET_128K_TIME="128k comparison, 1,000 pairs, under 60 s wall on 2 cores (goal 20 s)"
TARGET_1M_CPU="1M-GPU pair (cluster-1m-pluggable and -cpo-els, a trial each), 1 thread, under 2 CPU-s a pair"
TARGET_1M_MEMORY="1M-GPU pair, 1 thread, peak memory under 1 GB"
TARGET_INSTRUCTIONS="Engine instructions per event and events per trial (callgrind)"  # tracked, one line per scaling scenario
TARGET_FLAT="Memory flat in trials (128k CPO-ELS, 1 thread, peak RSS with more trials against 2)"  # tracked
targets_of() {  # section: the targets it measures, one a line
  case $1 in
    sampler) echo "$TARGET_SAMPLER" ;;
    scaling) printf '%s\n' "$TARGET_1M_CPU" "$TARGET_1M_MEMORY" "$TARGET_INSTRUCTIONS" "$TARGET_FLAT" ;;
    peer) echo "$TARGET_PEER" ;;
    threads) echo "$TARGET_128K_TIME" ;;
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

# verdict_goal MET GOAL: the verdict against this round's threshold, then the goal's:
# "met (goal missed)", "missed (goal missed)", "met (goal met)".
verdict_goal() {
  echo "$(verdict "$1") (goal $(verdict "$2"))"
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
