# Shared helpers of the benchmark scripts (sourced, not run).
# measure RUNS CMD...: runs CMD RUNS times and prints "median-seconds peak-kB" (GNU time).
measure() {
  local runs=$1; shift
  local tmp; tmp=$(mktemp)
  local times=() peak=0
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %M" -o "$tmp" "$@" > /dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; rm -f "$tmp"; return 1; }
    times+=("$(cut -d' ' -f1 "$tmp")")
    local kb; kb=$(cut -d' ' -f2 "$tmp")
    (( kb > peak )) && peak=$kb
  done
  rm -f "$tmp"
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  echo "$median $peak"
}

# metric FILE NAME: the mean of a metric in a cposim report.
metric() {
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['metrics'][sys.argv[2]]['mean'])" "$1" "$2"
}
