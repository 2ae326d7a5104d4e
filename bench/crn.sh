#!/usr/bin/env bash
# make crn-report: the variance reduction of exact common random numbers (issue 26).
#
# Each shipped comparison is run by two engines at the same seed and trial count with
# `cposim compare --per-trial`: BEFORE (v0.4.0, whose compared scenarios share draws only until
# their repair orders differ) and AFTER (this tree: counter-based substreams keyed by trial,
# unit or ticket and draw index). For each metric it prints the standard deviation of one
# trial's paired difference B - A, the paired standard error at N trials, and how many trials
# the new engine needs for the old engine's paired interval at N (N x var_after / var_before),
# with a 95 % interval from the delta method on the log variance ratio (Var ln s^2 ~ (kurtosis
# - 1)/n, so heavy tails widen it), and the unpaired standard error for comparison.
#
# Environment:
#   CRN_BEFORE   the reference binary (default: v0.4.0 built under .build/equivalence as
#                make equivalence builds it; built here when missing)
#   CRN_AFTER    the new binary (default .build/release/cposim)
#   CRN_PAIRS    "A B TRIALS" lines (default below: 1k, 16k demo pair, 16k variants, 128k)
#   CRN_SEED     master seed (default 26)
#   CRN_THREADS  threads per run (default 2; results do not depend on it)
#   CRN_OUT      folder of the per-trial files (default .build/crn)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${CRN_OUT:-.build/crn}
seed=${CRN_SEED:-26}
threads=${CRN_THREADS:-2}
after=${CRN_AFTER:-.build/release/cposim}
ref=${CRN_REF:-v0.4.0}
if [ -n "${CRN_BEFORE:-}" ]; then
  before=$CRN_BEFORE
else
  sha=$(git rev-parse --verify -q "$ref^{commit}") || { echo "crn-report: no commit $ref (set CRN_BEFORE)" >&2; exit 2; }
  dir=$root/.build/equivalence/ref-$sha
  before=$dir/src/.build/release/cposim
  if [ ! -x "$before" ]; then
    echo "crn-report: building the reference engine $ref in $dir (as make equivalence does)"
    rm -rf "$dir/src"; mkdir -p "$dir/src"
    git archive "$sha" | tar -x -C "$dir/src"
    if [ -f Package.resolved ]; then cp Package.resolved "$dir/src/"; fi
    (cd "$dir/src" && swift build -c release --product cposim > "$dir/build.log" 2>&1) \
      || { tail -20 "$dir/build.log" >&2; echo "crn-report: the reference build failed" >&2; exit 2; }
  fi
fi
pairs=${CRN_PAIRS:-"cluster-1k-pluggable cluster-1k-cpo-els 2000
cluster-16k-pluggable cluster-16k-cpo-els 400
cluster-16k-rails-pluggable cluster-16k-rails-cpo-els 200
cluster-16k-dual-homed-pluggable cluster-16k-dual-homed-cpo-els 200
cluster-16k-field-pluggable cluster-16k-field-cpo-els 200
cluster-128k-pluggable cluster-128k-cpo-els 100"}

mkdir -p "$out"
echo "Exact common random numbers: paired B - A per trial, before ($("$before" --version 2>/dev/null | head -1)) and after ($("$after" --version 2>/dev/null | head -1)), seed $seed"
echo
while read -r a b n; do
  [ -n "$a" ] || continue
  for side in before after; do
    bin=$before; [ "$side" = after ] && bin=$after
    /usr/bin/time -f "%U %S %e" -o "$out/$a.$side.time" \
      "$bin" compare "Scenarios/$a.yaml" "Scenarios/$b.yaml" --trials "$n" --seed "$seed" --threads "$threads" \
      --per-trial "$out/$a.$side.csv" --quiet -o "$out/$a.$side.json" > /dev/null 2> "$out/$a.$side.log" \
      || { cat "$out/$a.$side.log" >&2; echo "crn-report: $side: cposim compare $a $b failed" >&2; exit 1; }
  done
  python3 - "$out/$a.before.csv" "$out/$a.after.csv" "$a" "$b" "$n" "$out/$a.before.time" "$out/$a.after.time" <<'EOF'
import csv, math, sys
before, after, a, b, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
metrics = ["total_cost_usd_per_year", "interruption_cost_usd", "fabric_capacity_availability", "link_availability", "job_ettr", "job_interruptions", "failures", "repair_downtime_hours"]
def read(path):
    rows = {}
    for r in csv.DictReader(open(path)):
        rows.setdefault((r["scenario"], r["metric"]), []).append((int(r["trial"]), float(r["value"]) if r["value"] else math.nan))
    return {k: [v for _, v in sorted(x)] for k, x in rows.items()}
def moments(x):
    m = sum(x) / len(x)
    m2 = sum((v - m) ** 2 for v in x) / len(x)
    m4 = sum((v - m) ** 4 for v in x) / len(x)
    return m, m2 * len(x) / (len(x) - 1), (m4 / (m2 * m2) if m2 > 0 else 3.0)
def cpu(path):
    u, s, e = open(path).read().split()[-3:]
    return float(u) + float(s), float(e)
rb, ra = read(before), read(after)
d = f"{b} - {a}"
cb, ca = cpu(sys.argv[6]), cpu(sys.argv[7])
print(f"{a} vs {b}, {n} trials (CPU-s before {cb[0]:.1f}, after {ca[0]:.1f}; wall {cb[1]:.1f}, {ca[1]:.1f})")
print(f"| metric | sd of B - A per trial, before -> after | paired SE at {n} trials, before -> after | unpaired SE after | variance ratio after/before (95 %) | trials after for the paired SE of {n} before |")
print("|---|---|---|---|---|---:|")
for metric in metrics:
    if (d, metric) not in rb or (d, metric) not in ra: continue
    xb, xa = rb[(d, metric)], ra[(d, metric)]
    if any(math.isnan(v) for v in xb + xa): continue
    mb, vb, kb = moments(xb); ma, va, ka = moments(xa)
    _, v1, _ = moments(ra[(a, metric)]); _, v2, _ = moments(ra[(b, metric)])
    unpaired = math.sqrt((v1 + v2) / len(xa))
    if vb == 0 and va == 0:
        print(f"| {metric} | 0 -> 0 | 0 -> 0 | {unpaired:.4g} | - | - |"); continue
    if vb == 0:
        print(f"| {metric} | 0 -> {math.sqrt(va):.4g} | 0 -> {math.sqrt(va/len(xa)):.4g} | {unpaired:.4g} | - | - |"); continue
    ratio = va / vb
    se = math.sqrt(max(kb - 1, 0) / len(xb) + max(ka - 1, 0) / len(xa))
    lo, hi = ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se)
    print(f"| {metric} | {math.sqrt(vb):.4g} -> {math.sqrt(va):.4g} | {math.sqrt(vb/len(xb)):.4g} -> {math.sqrt(va/len(xa)):.4g} | {unpaired:.4g} | {ratio:.3f} ({lo:.3f}..{hi:.3f}) | {n * ratio:.0f} |")
print()
EOF
done <<< "$pairs"
