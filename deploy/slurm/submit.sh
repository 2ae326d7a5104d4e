#!/usr/bin/env bash
# Submits a sharded cposim run as a Slurm job array plus a merge job that waits for it.
#   deploy/slurm/submit.sh SCENARIO SHARDS OUTDIR REPORT [cposim run options]
# Prints the array job id and the merge job id, and how to resubmit one task that failed.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 SCENARIO SHARDS OUTDIR REPORT [cposim run options]" >&2
  exit 64
fi
scenario=$1; shards=$2; outdir=$3; report=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --array=0-$((shards - 1)) "$here/cposim-shard.sbatch" "$scenario" "$shards" "$outdir" "$@")
merge=$(sbatch --parsable --dependency=afterok:"$array" "$here/cposim-merge.sbatch" "$outdir" "$report")
echo "array job $array, merge job $merge"
echo "if task i fails: sbatch --array=i $here/cposim-shard.sbatch $scenario $shards $outdir, then sbatch $here/cposim-merge.sbatch $outdir $report"
