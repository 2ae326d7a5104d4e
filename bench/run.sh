#!/usr/bin/env bash
# `make bench`: every comparison in one go, with the machine it ran on, and at the end the speed
# targets of issue 26 (and the sampler's, from the speed issue before it), each met or missed,
# with the goal beside a round's threshold. Sections (default all):
#   sampler  ns and instructions per draw against a C program on GSL (target: within 1.2x of C)
#            (about 2 min)
#   scaling  1k/16k/128k/1M fabrics, events per second; the 1M-GPU pair (target: under 2 CPU-s a
#            pair and 1 GB, one thread); instructions per event and events per trial under
#            callgrind (tracked); peak memory with 2 against 8 trials of the 128k run (tracked)
#            (about 6 min on 2 idle cores, plus the 1M pair)
#   peer     the 100-component peer model against C, numpy, SimPy and AvailSim4 (target: cposim
#            with 1 thread within 1.5x of C in CPU seconds, goal 1.3x) (about 12 min)
#   threads  1 vs 2 threads, and the 128k comparison with 1,000 pairs (target: under 60 s wall on
#            2 cores, goal 20 s) (about 9 min at the current speed)
# Every table gives CPU seconds (user + system) next to wall seconds.
# Environment, to shorten a run (a table or target says when a number was scaled):
#   SAMPLER_DRAWS, SAMPLER_ROUNDS  draws per repetition (2000000) and alternating rounds (5)
#   SCALING_TRIALS_128K            trials of the 128k scaling runs, the larger run of the memory
#                                  check (8)
#   SCALING_TRIALS_1M, SCALING_PAIRS_1M  trials of the 1M table rows (1) and pairs of the 1M
#                                  target (4); SCALING_CALLGRIND_1M=1 adds the 1M presets to the
#                                  callgrind table (about 20 min more)
#   AVAILSIM_TRIALS                AvailSim4's trials (1000); its times are scaled to 1,000
#   COMPARE_TRIALS_128K            pairs of the 128k comparison (1000); its time is scaled to
#                                  1,000 and the verdict marked "scaled"
# Examples: bash bench/run.sh sampler scaling
#           make bench-engine      (the engine's sections, scaling and threads, after an engine change)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v bc > /dev/null || missing+=(bc)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]} with apt-get"
  $( [ "$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq "${missing[@]}" > /dev/null
fi
sections=("$@"); [ ${#sections[@]} -gt 0 ] || sections=(sampler scaling peer threads)
for section in "${sections[@]}"; do
  case $section in
    sampler|scaling|peer|threads) ;;
    *) echo "error: unknown section '$section' (sampler, scaling, peer, threads)" >&2; exit 2 ;;
  esac
done
targets=$(mktemp -d); trap 'rm -rf "$targets"' EXIT
echo "# $("$cposim" --version | head -1)"
echo "# $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(swift --version 2>&1 | head -1)"
for section in "${sections[@]}"; do
  echo
  BENCH_TARGETS=$targets/$section bash "bench/$section.sh"
done

# The targets in the issue's order; a section not run has its targets marked so.
for section in threads peer scaling sampler; do
  [ -f "$targets/$section" ] || targets_of "$section" | while read -r name; do echo "$name||not run"; done > "$targets/$section"
done
echo
print_targets "$targets"/{threads,peer,scaling,sampler}
