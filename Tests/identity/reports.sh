#!/usr/bin/env bash
# Writes the reports of every shipped scenario (two seeds each), per-trial lines, a trace and a
# comparison into OUTDIR, with the given cposim binary. Two such folders from two builds must be
# identical byte for byte when a change claims not to alter results, but for the commit each
# build records (build_commit):
#   Tests/identity/reports.sh /tmp/before .build-before/release/cposim
#   Tests/identity/reports.sh /tmp/after  .build/release/cposim
#   diff -r -I '"build_commit"' /tmp/before /tmp/after && echo byte-identical
set -euo pipefail
out=${1:?usage: reports.sh OUTDIR [CPOSIM]}
cposim=${2:-.build/release/cposim}
cd "$(dirname "$0")/../.."
mkdir -p "$out"
trials_for() {
  case "$1" in
    *1m*) echo 2 ;;  # about 6 CPU-s a trial; v0.3.0 and older cannot read them (fabric.gpus was limited to 1,000,000)
    *128k*) echo 8 ;;
    *16k*|*llama3*) echo 16 ;;
    *) echo 64 ;;
  esac
}
for scenario in Scenarios/*.yaml; do
  name=$(basename "$scenario" .yaml)
  n=$(trials_for "$name")
  for seed in 1 7; do
    "$cposim" run "$scenario" --trials "$n" --seed "$seed" --quiet -o "$out/$name-s$seed.json" \
      --per-trial "$out/$name-s$seed.ndjson" > "$out/$name-s$seed.txt" 2>/dev/null
  done
  "$cposim" run "$scenario" --trials 1 --seed 3 --quiet --trace 0 --trace-output "$out/$name-trace.ndjson" > /dev/null 2>&1
done
"$cposim" compare Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml --trials 16 --quiet \
  -o "$out/compare-16k.json" > "$out/compare-16k.txt" 2>/dev/null
"$cposim" compare Scenarios/cluster-1k-pluggable.yaml Scenarios/cluster-1k-cpo-els.yaml --trials 64 --seed 5 --quiet \
  -o "$out/compare-1k.json" > "$out/compare-1k.txt" 2>/dev/null
echo "reports written to $out"
