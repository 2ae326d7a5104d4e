#!/usr/bin/env bash
# `make bench`: every comparison in one go, with the machine it ran on, and at the end the speed
# targets of the issue "Speed", each met or missed. Sections (default all):
#   sampler  ns and instructions per draw against a C program on GSL (target: within 1.2x of C)
#   scaling  1k/16k/128k fabrics, events per second, instructions per event under callgrind
#            (tracked), peak memory with 2 against 8 trials of the 128k run (target: flat, within
#            10 %) (about 5 min on 2 idle cores)
#   peer     the 100-component peer model against C, numpy, SimPy and AvailSim4 (target: cposim
#            with 1 thread within 1.3x of C in CPU seconds) (about 12 min)
#   threads  1 vs 2 threads, and the 128k comparison with 1,000 trials each (targets: under 20 s
#            wall on 2 cores, under 150 MB) (about 9 min at the current speed)
# Every table gives CPU seconds (user + system) next to wall seconds.
# Environment, to shorten a run:
#   SAMPLER_DRAWS, SAMPLER_ROUNDS  draws per repetition (2000000) and alternating rounds (5)
#   SCALING_TRIALS_128K            trials of the 128k scaling runs, the larger run of the memory
#                                  target (8)
#   AVAILSIM_TRIALS                AvailSim4's trials (1000); its times are scaled to 1,000
#   COMPARE_TRIALS_128K            trials of the 128k comparison (1000); its time is scaled to
#                                  1,000 and the verdict marked "scaled"
# Example: bash bench/run.sh sampler scaling
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
echo "# $(.build/release/cposim --version | head -1)"
echo "# $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(swift --version 2>&1 | head -1)"
for section in "${sections[@]}"; do
  echo
  BENCH_TARGETS=$targets/$section bash "bench/$section.sh"
done

# The targets in the issue's order; a section not run has its targets marked so.
for section in sampler peer threads scaling; do
  [ -f "$targets/$section" ] || targets_of "$section" | while read -r name; do echo "$name||not run"; done > "$targets/$section"
done
echo
print_targets "$targets"/{sampler,peer,threads,scaling}
