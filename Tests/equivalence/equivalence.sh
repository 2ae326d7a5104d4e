#!/usr/bin/env bash
# The equivalence harness (issue 26, DESIGN.md section 4): every shipped scenario run by a
# reference engine built from git and by this tree's engine, with independent seeds, and every
# metric compared (Welch |z| < 3.5 on the means, two-sample KS on the per-trial values; see
# Tests/equivalence/compare.py). Exit status 0 when equivalent, 1 when not, 2 on a usage error.
#
#   make equivalence                      # budgeted (CI) trial counts
#   make equivalence EQUIV_MODE=full      # the full run, kept in docs/performance.md
#
# Environment:
#   EQUIV_MODE       ci (default) or full: the trial counts below
#   EQUIV_REF        the reference commit; default the last tag, else the merge base with main
#                    (origin/main), else HEAD
#   EQUIV_SCENARIOS  scenario names (without .yaml) to run; default every file in Scenarios/
#   EQUIV_PERTURB    NAME=FILE: the new engine reads FILE in place of Scenarios/NAME.yaml (the
#                    harness's own test: a 5 % rate shift must fail, Tests/equivalence/selftest.sh)
#   EQUIV_NEW        the new engine's binary (default .build/release/cposim, built here)
#   EQUIV_REF_BIN    the reference engine's binary, instead of building EQUIV_REF (the self-test)
#   EQUIV_OUT        folder of per-trial lines and the summary (default .build/equivalence/out)
#   EQUIV_REF_SEED, EQUIV_NEW_SEED   the two master seeds (default 101 and 202)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
mode=${EQUIV_MODE:-ci}
ref_seed=${EQUIV_REF_SEED:-101}
new_seed=${EQUIV_NEW_SEED:-202}
out=${EQUIV_OUT:-.build/equivalence/out}

# Trials per engine and scenario. Welch's z is only close to normal (so that |z| >= 3.5 is the
# 4.65e-4 false alarm it stands for) when each side has tens of trials: no count is below 48.
trials_for() {
  case "$mode:$1" in
    full:*1m*)   echo 48 ;;
    full:*128k*) echo 100 ;;
    full:*16k*)  echo 400 ;;
    full:*)      echo 2000 ;;
    ci:*1m*)     echo 0 ;;  # full mode only: 48 trials of each 1M preset cost about 6 CPU-min an engine
    ci:*128k*)   echo 48 ;;
    ci:*16k*)    echo 100 ;;
    ci:*)        echo 400 ;;
    *) echo "equivalence: EQUIV_MODE must be ci or full (got '$mode')" >&2; exit 2 ;;
  esac
}

# The reference commit.
if [ -n "${EQUIV_REF:-}" ]; then
  ref=$EQUIV_REF
elif tag=$(git describe --tags --abbrev=0 2>/dev/null); then
  ref=$tag
else
  ref=""
  for branch in main origin/main; do
    if git rev-parse --verify -q "$branch^{commit}" > /dev/null; then ref=$(git merge-base HEAD "$branch"); break; fi
  done
  if [ -z "$ref" ]; then
    ref=HEAD
    echo "equivalence: no tag and no main branch: the reference is HEAD itself (set EQUIV_REF to compare with another commit)"
  fi
fi
ref_sha=$(git rev-parse --verify -q "$ref^{commit}") || { echo "equivalence: '$ref' is not a commit of this repository (a shallow clone? fetch it)" >&2; exit 2; }
short=$(git rev-parse --short "$ref_sha")

# This tree's engine, built in release: the new engine unless EQUIV_NEW names another binary.
this=.build/release/cposim
new=${EQUIV_NEW:-$this}

# The reference engine: the commit's tree exported under .build/ and built there (cached by
# commit). When the commit's sources are this tree's and nothing is modified, it is this build.
if [ -n "${EQUIV_REF_BIN:-}" ]; then
  reference=$EQUIV_REF_BIN
elif git diff --quiet "$ref_sha" -- Sources Package.swift; then
  # Both engines read Scenarios/ and FailureData/ from this tree, so the same Sources/ make the
  # same engine: the reference is this build.
  reference=$this
  if [ "$mode" = ci ] && [ -z "${EQUIV_PERTURB:-}" ]; then
    echo "equivalence: reference $short has this tree's sources (Sources/, Package.swift): one engine, whose results"
    echo "             are identical by construction (the determinism contract); nothing to compare in CI mode."
    echo "             make equivalence-selftest checks the harness itself; EQUIV_MODE=full runs the two seeds anyway."
    exit 0
  fi
  echo "equivalence: reference $short has this tree's sources: its engine is this build"
else
  ref_dir=$root/.build/equivalence/ref-$ref_sha
  reference=$ref_dir/src/.build/release/cposim
  if [ ! -x "$reference" ]; then
    echo "equivalence: building the reference engine $short in $ref_dir"
    rm -rf "$ref_dir/src"
    mkdir -p "$ref_dir/src"
    git archive "$ref_sha" | tar -x -C "$ref_dir/src"
    # The same dependency versions as this build.
    if [ -f Package.resolved ]; then cp Package.resolved "$ref_dir/src/"; fi
    (cd "$ref_dir/src" && swift build -c release --product cposim > "$ref_dir/build.log" 2>&1) \
      || { tail -20 "$ref_dir/build.log" >&2; echo "equivalence: the reference build failed ($ref_dir/build.log)" >&2; exit 2; }
  fi
fi

# This tree's engine, built now that there is something to compare.
if [ -z "${EQUIV_NEW:-}" ] || [ -z "${EQUIV_REF_BIN:-}" ]; then make --no-print-directory -s build > /dev/null; fi

if [ -n "${EQUIV_SCENARIOS:-}" ]; then
  names=$EQUIV_SCENARIOS
else
  names=$(for f in Scenarios/*.yaml; do basename "$f" .yaml; done)
fi
perturb=${EQUIV_PERTURB:-}
perturb_name=${perturb%%=*}
perturb_file=${perturb#*=}

rm -rf "$out"
mkdir -p "$out/ref" "$out/new"
start=$(date +%s)
compared=0
unreadable=""
skipped=""
for name in $names; do
  scenario=Scenarios/$name.yaml
  [ -f "$scenario" ] || { echo "equivalence: no scenario $scenario" >&2; exit 2; }
  new_scenario=$scenario
  if [ -n "${EQUIV_PERTURB:-}" ] && [ "$name" = "$perturb_name" ]; then new_scenario=$perturb_file; fi
  n=$(trials_for "$name")
  if [ "$n" = 0 ]; then
    echo "equivalence: $name: full mode only (EQUIV_MODE=full), not compared in $mode mode"
    skipped="$skipped $name"
    continue
  fi
  # A scenario (or catalog) in an input form newer than the reference cannot be compared: it is
  # listed, and its own tests cover it. The harness fails when nothing is left to compare.
  if ! "$reference" validate "$scenario" > "$out/ref/$name.validate" 2>&1; then
    echo "equivalence: $name: the reference $short cannot read it (a newer input form), not compared: $(head -1 "$out/ref/$name.validate")"
    unreadable="$unreadable $name"
    continue
  fi
  compared=$((compared + 1))
  t0=$(date +%s)
  "$reference" run "$scenario" --trials "$n" --seed "$ref_seed" --quiet -o "$out/ref/$name.json" \
    --per-trial "$out/ref/$name.ndjson" > /dev/null 2> "$out/ref/$name.log" \
    || { cat "$out/ref/$name.log" >&2; echo "equivalence: the reference engine failed on $scenario" >&2; exit 2; }
  "$new" run "$new_scenario" --trials "$n" --seed "$new_seed" --quiet -o "$out/new/$name.json" \
    --per-trial "$out/new/$name.ndjson" > /dev/null 2> "$out/new/$name.log" \
    || { cat "$out/new/$name.log" >&2; echo "equivalence: the new engine failed on $new_scenario" >&2; exit 2; }
  echo "equivalence: $name, $n trials each ($(( $(date +%s) - t0 )) s)"
done
if [ "$compared" -eq 0 ]; then
  echo "equivalence: the reference $short reads none of the scenarios: nothing compared; set EQUIV_REF to a release that reads them" >&2
  exit 2
fi
seconds=$(( $(date +%s) - start ))
label="Equivalence ($mode): reference $short, new $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo '+modified'), seeds $ref_seed and $new_seed, $seconds s of runs"
[ -n "${EQUIV_PERTURB:-}" ] && label="$label; perturbed: $EQUIV_PERTURB"
[ -n "$unreadable" ] && label="$label; not readable by the reference:$unreadable"
[ -n "$skipped" ] && label="$label; full mode only, not run:$skipped"
python3 Tests/equivalence/compare.py "$out/ref" "$out/new" --markdown "$out/summary.md" --label "$label"
