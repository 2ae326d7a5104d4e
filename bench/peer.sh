#!/usr/bin/env bash
# The peer benchmark, side by side on this machine: 100 components in series, exponential
# failures (MTTF 10,000 h), fixed 10 h independent repairs, 10 years, 1,000 trials, in cposim,
# a hand-written C program on GSL, numpy and SimPy. Prints availability with its 95% interval,
# wall time (median of 3 runs), peak memory, and the time ratio to C. Closed form: 0.904883.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
venv=.venv-bench
[ -x $venv/bin/python ] || python3 -m venv $venv
$venv/bin/pip install -q -r bench/python/requirements.txt
cc -O2 bench/c/peer.c $(pkg-config --cflags --libs gsl) -o .build/peer-c
out=$(mktemp -d)

measure() {  # name, then the command; prints "name seconds kilobytes availability-line"
  local name=$1; shift
  local times=()
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$out/time" "$@" > "$out/stdout" 2>/dev/null
    times+=("$(cut -d' ' -f1 "$out/time")")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  local line
  if [ -f "$out/r.json" ]; then  # cposim: read the report after timing, not inside it
    line=$(python3 -c "import json; m=json.load(open('$out/r.json'))['metrics']['system_availability']; print('availability %.6f 95%% CI %.6f .. %.6f' % (m['mean'], m['ci95_low'], m['ci95_high']))")
    rm -f "$out/r.json"
  else
    line=$(grep -o 'availability.*' "$out/stdout" | head -1)
  fi
  echo "$name $median $(cut -d' ' -f2 "$out/time") $line"
}

{
  measure c-gsl .build/peer-c
  measure cposim-1-thread .build/release/cposim run Scenarios/peer-series-100.yaml --threads 1 --quiet -o "$out/r.json"
  measure cposim-2-threads .build/release/cposim run Scenarios/peer-series-100.yaml --threads 2 --quiet -o "$out/r.json"
  measure numpy $venv/bin/python bench/python/peer_numpy.py
  measure simpy $venv/bin/python bench/python/peer_simpy.py
} > "$out/results"
c=$(awk '$1 == "c-gsl" {print $2}' "$out/results")
printf '%-18s %9s %9s %8s  %s\n' model "wall (s)" "peak MB" "x C" "availability (closed form 0.904883)"
while read -r name seconds kb rest; do
  printf '%-18s %9s %9.0f %8.1f  %s\n' "$name" "$seconds" "$(echo "$kb / 1024" | bc -l)" "$(echo "$seconds / $c" | bc -l)" "$rest"
done < "$out/results"
rm -rf "$out"
