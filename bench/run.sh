#!/usr/bin/env bash
# `make bench`: every comparison in one go, with the machine it ran on. Sections (default all):
#   sampler  ns per draw against a C program on GSL
#   scaling  1k/16k/128k fabrics, events per second
#   peer     the 100-component peer model against C, numpy, SimPy and AvailSim4 (about 12 min)
#   threads  1 vs 2 threads, and the 128k comparison with 1,000 trials each (about 5 min)
# Example: bash bench/run.sh sampler scaling
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v bc > /dev/null || missing+=(bc)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]} with apt-get"
  $( [ "$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq "${missing[@]}" > /dev/null
fi
sections=("$@"); [ ${#sections[@]} -gt 0 ] || sections=(sampler scaling peer threads)
echo "# $(.build/release/cposim --version | head -1)"
echo "# $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(swift --version 2>&1 | head -1)"
for section in "${sections[@]}"; do
  echo
  case $section in
    sampler|scaling|peer|threads) bash "bench/$section.sh" ;;
    *) echo "error: unknown section '$section' (sampler, scaling, peer, threads)" >&2; exit 2 ;;
  esac
done
