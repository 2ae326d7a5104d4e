#!/usr/bin/env bash
# End-to-end test of the Slurm deployment on this machine: installs slurm-wlm and munge from
# Debian if missing, starts munged, slurmctld and slurmd on localhost with a throwaway
# configuration, submits a 3-shard job array and the merge job that depends on it, waits, and
# checks the merged report against a single-process run, byte for byte. It stops the daemons it
# started, whatever happens.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cposim="$repo/.build/release/cposim"
work=$(mktemp -d /tmp/cposim-slurm.XXXXXX)
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
pids=()

cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/munged.pid" ] && kill "$(cat "$work/munged.pid")" 2>/dev/null || true
  sleep 1
}
trap cleanup EXIT

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "test-slurm: installing slurm-wlm and munge"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq slurm-wlm munge >/dev/null
fi
[ -x "$cposim" ] || make -C "$repo" --no-print-directory build

# munge: a throwaway key and socket in the work folder.
mkdir -p "$work/munge"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed"
export MUNGE_SOCKET="$work/munge/socket"

host=$(hostname -s)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=cposimtest
SlurmctldHost=$host
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$(nproc) RealMemory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 256 )) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break
  sleep 1
done
sinfo -h -o %T | grep -qE '^idle' || { echo "test-slurm: the node did not come up"; tail -20 "$work"/slurm*.log; exit 1; }

scenario="$work/s.yaml"
cat > "$scenario" <<YAML
catalog: $repo/FailureData/parts.yaml
horizon: 1y
trials: 36
fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo}
jobs: [{name: train, gpus: 448, flap_tolerance: 1m}]
YAML

# The reference run, from the folder the jobs run in (provenance paths are shown as seen from
# the working directory; the SHA-256 hashes are what identify the inputs).
cd "$work"
"$cposim" run "$scenario" -o "$work/single.json" --quiet >/dev/null 2>&1
CPOSIM="$cposim" "$repo/deploy/slurm/submit.sh" "$scenario" 3 "$work/parts" "$work/merged.json" > "$work/submit.txt"
export CPOSIM="$cposim"
cat "$work/submit.txt"
for _ in $(seq 1 180); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 1
done
if [ -n "$(squeue -h)" ]; then echo "test-slurm: jobs did not finish in 3 minutes"; squeue; exit 1; fi
ls "$work/parts"
if cmp -s "$work/single.json" "$work/merged.json"; then
  echo "test-slurm: 3 Slurm array tasks merged by a dependent job equal the single-process report byte for byte"
else
  echo "test-slurm: FAILED: merged report differs from the single-process run"
  tail -20 "$work"/cposim-*.out 2>/dev/null || true
  exit 1
fi

# One task failed (its part is lost): resubmit that task alone, as docs/deploy.md says, and merge
# again. The task must still compute shard 1 of 3, though its array has one task.
rm "$work/parts/part-1.json" "$work/merged.json"
resubmit=$(sbatch --parsable --array=1 "$repo/deploy/slurm/cposim-shard.sbatch" "$scenario" 3 "$work/parts")
sbatch --parsable --dependency=afterok:"$resubmit" "$repo/deploy/slurm/cposim-merge.sbatch" "$work/parts" "$work/merged.json" >/dev/null
for _ in $(seq 1 180); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  # A failed task leaves its merge waiting for ever.
  squeue -h -o %r 2>/dev/null | grep -q DependencyNeverSatisfied && break
  sleep 1
done
if [ -n "$(squeue -h)" ]; then
  echo "test-slurm: FAILED: the resubmitted task did not complete:"
  cat "$work"/cposim-shard-"$resubmit"_*.out 2>/dev/null || true
  squeue
  scancel --user="$(id -un)" 2>/dev/null || true
  exit 1
fi
if [ -f "$work/parts/part-1.json" ] && cmp -s "$work/single.json" "$work/merged.json"; then
  echo "test-slurm: task 1 resubmitted alone (--array=1) recomputed shard 1 of 3; the merge equals the single-process report byte for byte"
else
  echo "test-slurm: FAILED: resubmitting task 1 alone did not give back the report"
  tail -5 "$work"/cposim-shard-"$resubmit"_*.out 2>/dev/null || true
  exit 1
fi
# The jobs ask for a time limit and memory (sbatch --time/--mem override them).
scontrol show job "$resubmit" 2>/dev/null | grep -oE "TimeLimit=[^ ]+|MinMemoryNode=[^ ]+" | tr '\n' ' '; echo
