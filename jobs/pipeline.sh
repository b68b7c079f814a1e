#!/usr/bin/env bash
# Submits the whole dixc pipeline to SLURM as jobs chained with --dependency=afterok (run on a login node):
#
#   jobs/pipeline.sh                        generate -> train -> evaluate
#   jobs/pipeline.sh --array N              generate as N array tasks (shards) -> merge -> train -> evaluate
#   jobs/pipeline.sh --to generate          only the data (with --array: shards and merge)
#   jobs/pipeline.sh --to train             data and training, no evaluation
#   jobs/pipeline.sh -- --partition=cpu --account=proj   sbatch options for every job after `--`
#
# Environment (see jobs/common.sh): DIXC, DIXC_INPUTS, DIXC_OUT (default out/slurm), DIXC_CONFIG (directory with
# generate.ini, train.ini, evaluate.ini; default configs/quickstart), DIXC_<STAGE>_ARGS; sbatch options of one
# stage: DIXC_GENERATE_SBATCH, DIXC_MERGE_SBATCH, DIXC_TRAIN_SBATCH, DIXC_EVALUATE_SBATCH (space-separated), e.g.
#   DIXC_GENERATE_SBATCH="--nodes=4 --ntasks-per-node=32" DIXC_OUT=/scratch/run1 jobs/pipeline.sh
# Prints one line per job, "<stage> job <id>", then where the logs and the report will be. A job that fails
# cancels the jobs after it (--kill-on-invalid-dep=yes). Resubmitting resumes: generate computes only missing
# molecules, train resumes from its checkpoint or is skipped when model.pt exists. Jobs near their time limit
# commit, requeue themselves and resume (jobs/common.sh); the dependents wait for the requeued job.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
array=0
to=evaluate
sbatch_all=()
while [ $# -gt 0 ]; do
  case "$1" in
  --array) array=${2:?--array needs a shard count}; shift 2 ;;
  --array=*) array=${1#--array=}; shift ;;
  --to) to=${2:?--to needs generate, train or evaluate}; shift 2 ;;
  --to=*) to=${1#--to=}; shift ;;
  -h | --help) usage; exit 0 ;;
  --) shift; sbatch_all=("$@"); break ;;
  *) echo "pipeline.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$to" in generate | train | evaluate) ;; *) echo "pipeline.sh: --to $to: expected generate, train or evaluate" >&2; exit 2 ;; esac
[[ "$array" =~ ^[0-9]+$ ]] || { echo "pipeline.sh: --array $array: expected a number" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "pipeline.sh: sbatch not found (run this where SLURM is)" >&2; exit 2; }

# Absolute paths for the jobs, which may start in another directory; sbatch passes the environment on.
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
export DIXC_ROOT=$root
DIXC=$(absolute "${DIXC:-$root/build/dixc}")
DIXC_OUT=$(absolute "${DIXC_OUT:-$root/out/slurm}")
DIXC_CONFIG=$(absolute "${DIXC_CONFIG:-$root/configs/quickstart}")
inputs=()
read -r -a inputs <<<"${DIXC_INPUTS:-$root/share/molecules/small}"
for i in "${!inputs[@]}"; do inputs[i]=$(absolute "${inputs[i]}"); done
DIXC_INPUTS="${inputs[*]}"
export DIXC DIXC_OUT DIXC_CONFIG DIXC_INPUTS
[ -x "$DIXC" ] || { echo "pipeline.sh: $DIXC is not an executable (build first, or set DIXC)" >&2; exit 2; }
mkdir -p "$DIXC_OUT/logs"

# submit STAGE SCRIPT [SBATCH_OPTION...]: prints "STAGE job ID" and sets $id.
id=""
submit() {
  local stage=$1 script=$2 per_stage=() var
  shift 2
  var="DIXC_${stage^^}_SBATCH"
  read -r -a per_stage <<<"${!var:-}"
  local output="$DIXC_OUT/logs/%x-%j.out"
  [ "$script" = generate_array.sbatch ] && output="$DIXC_OUT/logs/%x-%A_%a.out"
  id=$(sbatch --parsable --kill-on-invalid-dep=yes --output="$output" "$@" "${per_stage[@]}" "${sbatch_all[@]}" \
    "$root/jobs/$script")
  id=${id%%;*}
  printf '%-9s job %s\n' "$stage" "$id"
}

ids=()
if [ "$array" -gt 0 ]; then
  export DIXC_SHARDS=$array
  submit generate generate_array.sbatch --array="0-$((array - 1))"
  ids+=("$id")
  submit merge merge.sbatch --dependency="afterok:$id"
else
  submit generate generate.sbatch
fi
ids+=("$id")
data="$DIXC_OUT/data.h5"
if [ "$to" != generate ]; then
  submit train train.sbatch --dependency="afterok:$id"
  ids+=("$id")
fi
if [ "$to" = evaluate ]; then
  submit evaluate evaluate.sbatch --dependency="afterok:$id"
  ids+=("$id")
fi
echo "data:     $data"
[ "$to" != generate ] && echo "model:    $DIXC_OUT/train/model.pt"
echo "logs:     $DIXC_OUT/logs/"
[ "$to" = evaluate ] && echo "report:   $DIXC_OUT/evaluate/report.md (written by job $id)"
echo "watch:    squeue -j $(IFS=,; echo "${ids[*]}")"
