#!/usr/bin/env bash
# The equivalence harness's own test (issue 26): with the reference and the new engine the
# same build, the harness must pass on unchanged scenarios (independent seeds only), and must
# fail when the new side's scenario shifts one rate by 5 %: the calibrated Llama 3 job's
# background (host) failure rate, 0.003642/d -> 0.0038241/d. A harness that cannot fail proves
# nothing. Exit status 0 when both hold.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dir=.build/equivalence/selftest
rm -rf "$dir"
mkdir -p "$dir"
cat > "$dir/llama3-calibrated-plus5.yaml" <<YAML
# Tests/equivalence/selftest.sh: the calibrated scenario with its background rate 5 % higher.
extends: $root/Scenarios/llama3-calibrated.yaml
name: llama3-calibrated
set:
  jobs[0].background_rate: 0.0038241/d
YAML
head=$(git rev-parse HEAD)
# Both sides are this tree's build, whatever the working tree holds.
make --no-print-directory -s build > /dev/null
export EQUIV_REF=$head EQUIV_REF_BIN=.build/release/cposim EQUIV_NEW=.build/release/cposim EQUIV_SCENARIOS="llama3-calibrated cluster-1k-pluggable" EQUIV_MODE=ci

echo "selftest 1: unchanged scenarios, independent seeds: the harness must pass"
if ! EQUIV_OUT=$dir/same bash Tests/equivalence/equivalence.sh; then
  echo "selftest: FAILED: the harness rejected an engine compared with itself" >&2; exit 1
fi

echo
echo "selftest 2: the new side's background rate 5 % higher: the harness must fail, on the job's interruptions"
status=0
EQUIV_OUT=$dir/perturbed EQUIV_PERTURB="llama3-calibrated=$dir/llama3-calibrated-plus5.yaml" \
  bash Tests/equivalence/equivalence.sh || status=$?
if [ "$status" -ne 1 ]; then
  echo "selftest: FAILED: the harness did not reject a 5 % shift of a rate (exit $status)" >&2; exit 1
fi
if ! grep -q "^- llama3-calibrated: job_background_interruptions: Welch" "$dir/perturbed/summary.md"; then
  echo "selftest: FAILED: the 5 % shift was not caught on job_background_interruptions" >&2; exit 1
fi
if grep -q "^- cluster-1k-pluggable:" "$dir/perturbed/summary.md"; then
  echo "selftest: FAILED: the unperturbed scenario failed too" >&2; exit 1
fi
echo
echo "selftest: passed (an unchanged engine passes; a 5 % rate shift fails)"
