# shellcheck shell=bash
# Shared part of the jobs/*.sbatch scripts: sourced by them, not submitted itself.
#
# Settings (environment variables, all optional; jobs/pipeline.sh exports them to every job it submits):
#   DIXC_ROOT     project directory (default: found from the submitted script's path)
#   DIXC          dixc executable                      (default: $DIXC_ROOT/build/dixc)
#   DIXC_INPUTS   molecule inputs of generate, space-separated files/directories
#                                                      (default: $DIXC_ROOT/share/molecules/small)
#   DIXC_OUT      output directory: data.h5, shards/, train/, evaluate/, logs/  (default: $DIXC_ROOT/out/slurm)
#   DIXC_CONFIG   a directory holding generate.ini, train.ini and evaluate.ini, or one INI file used by every
#                 stage                                (default: $DIXC_ROOT/configs/quickstart)
#   DIXC_GENERATE_ARGS, DIXC_TRAIN_ARGS, DIXC_EVALUATE_ARGS, DIXC_MERGE_ARGS
#                 extra dixc options of one stage, space-separated (they override the INI file)
#
# Parallelism: MPI ranks = the job's tasks (srun --mpi=pmix over all nodes of the allocation), OpenMP threads per
# rank = --cpus-per-task (OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK), OPENBLAS_NUM_THREADS=1.
#
# Signals: SIGUSR1 to the batch shell (`#SBATCH --signal=B:USR1@120`, i.e. two minutes before the time limit, or
# `scancel --signal=USR1 --batch JOBID` by hand) is forwarded to the running srun step, which passes it to every
# rank; dixc then finishes the molecule/step at hand, commits (generate) or checkpoints (train) and exits 0.
# The batch shell waits for that and then calls `scontrol requeue $SLURM_JOB_ID` (dixc_requeue): the job goes
# back to the queue (SLURM holds a requeued job for about two minutes), keeps its id - so afterok dependencies
# keep waiting - and its rerun resumes. SIGTERM (scancel, or SLURM's own requeue/preemption) is passed on by
# SLURM itself; the shell then only waits for the step and does not requeue.

export DIXC_ROOT
DIXC=${DIXC:-$DIXC_ROOT/build/dixc}
DIXC_INPUTS=${DIXC_INPUTS:-$DIXC_ROOT/share/molecules/small}
DIXC_OUT=${DIXC_OUT:-$DIXC_ROOT/out/slurm}
DIXC_CONFIG=${DIXC_CONFIG:-$DIXC_ROOT/configs/quickstart}
export DIXC DIXC_INPUTS DIXC_OUT DIXC_CONFIG
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
export OPENBLAS_NUM_THREADS=1

# dixc_config STAGE: the INI file of a stage.
dixc_config() {
  local file=$DIXC_CONFIG
  [ -d "$file" ] && file=$DIXC_CONFIG/$1.ini
  if [ ! -f "$file" ]; then
    echo "dixc job: no configuration $file (DIXC_CONFIG=$DIXC_CONFIG)" >&2
    exit 2
  fi
  echo "$file"
}

# dixc_banner STAGE: what runs where, at the top of the job's log (a requeued job appends to the same log).
dixc_banner() {
  echo "== $(date '+%F %T') dixc $1: job ${SLURM_JOB_ID:-none}${SLURM_ARRAY_TASK_ID:+ (array task $SLURM_ARRAY_TASK_ID)}," \
    "start $((${SLURM_RESTART_COUNT:-0} + 1)), ${SLURM_NNODES:-1} node(s) ${SLURM_JOB_NODELIST:-}," \
    "${SLURM_NTASKS:-1} rank(s) x $OMP_NUM_THREADS thread(s)"
  echo "   dixc: $DIXC; output: $DIXC_OUT"
  if [ ! -x "$DIXC" ]; then
    echo "dixc job: $DIXC is not an executable (set DIXC or build the project)" >&2
    exit 2
  fi
}

_dixc_signal=""   # USR1 or TERM once one arrived
_dixc_signals=0   # how many arrived (tells an interrupted `wait` from a finished step)
_dixc_pid=""      # srun of the running step
_dixc_on_signal() {
  _dixc_signals=$((_dixc_signals + 1))
  [ "$_dixc_signal" = TERM ] || _dixc_signal=$1
  echo "== $(date '+%F %T') batch shell got SIG$1${_dixc_pid:+; dixc is asked to commit and stop}"
  # SIGTERM reaches the step from SLURM directly; SIGUSR1 only from here (srun forwards it to every rank).
  if [ "$1" = USR1 ] && [ -n "$_dixc_pid" ]; then kill -USR1 "$_dixc_pid" 2>/dev/null || true; fi
}
trap '_dixc_on_signal USR1' USR1
trap '_dixc_on_signal TERM' TERM

# dixc_step COMMAND [ARGS...]: srun --mpi=pmix $DIXC COMMAND ARGS on all ranks of the job, in the background so
# that the shell can take signals; returns dixc's exit code. Does not start if a signal came first.
dixc_step() {
  if [ -n "$_dixc_signal" ]; then
    echo "== not starting dixc $1: SIG$_dixc_signal arrived before"
    return 0
  fi
  echo "== $(date '+%F %T') srun --mpi=pmix $DIXC $*"
  srun --mpi=pmix --kill-on-bad-exit=1 --cpus-per-task="$OMP_NUM_THREADS" "$DIXC" "$@" &
  _dixc_pid=$!
  local rc seen
  while :; do
    seen=$_dixc_signals
    rc=0
    wait "$_dixc_pid" || rc=$?
    # A trapped signal interrupts `wait` (status > 128) while the step still runs: wait for it again.
    if [ "$rc" -gt 128 ] && [ "$_dixc_signals" != "$seen" ]; then continue; fi
    break
  done
  _dixc_pid=""
  echo "== $(date '+%F %T') dixc $1 exited with $rc"
  return "$rc"
}

# dixc_interrupted: true if SIGUSR1 or SIGTERM arrived.
dixc_interrupted() { [ -n "$_dixc_signal" ]; }

# dixc_requeue: after SIGUSR1, put this job back into the queue and end; after SIGTERM end without requeueing.
dixc_requeue() {
  trap - USR1 TERM
  if [ "$_dixc_signal" = TERM ]; then
    echo "== stopped by SIGTERM (scancel, time limit or SLURM's own requeue); resubmit the same job to resume"
    exit 143
  fi
  if [ -n "${SLURM_JOB_ID:-}" ] && scontrol requeue "$SLURM_JOB_ID"; then
    echo "== $(date '+%F %T') job $SLURM_JOB_ID requeued; its next start resumes"
    exit 0
  fi
  # Not requeued: fail, so that afterok dependents do not start on an unfinished result.
  echo "== could not requeue job ${SLURM_JOB_ID:-none}; resubmit the same job to resume" >&2
  exit 75
}
