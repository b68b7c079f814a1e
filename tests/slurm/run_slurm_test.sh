#!/usr/bin/env bash
# End-to-end test of the SLURM job scripts in jobs/ on a private single-node SLURM cluster.
#
# usage: tests/slurm/run_slurm_test.sh [DIXC_BINARY [SOURCE_DIR]]      (ctest: `ctest -R slurm`)
#
# - Installs SLURM and munge from Debian if missing (needs root), then starts a private cluster without systemd
#   in a temporary directory: munged (as user munge, own key, socket and log), slurmctld -i and slurmd, on free
#   ports, with a slurm.conf for this host only (NodeName=$(hostname), CPUs=$(nproc), proctrack/linuxproc,
#   task/none, select/cons_tres, MpiDefault=pmix). Every command here talks to it through SLURM_CONF, so a
#   system SLURM on the same machine is neither used nor touched.
# - Scenario 1: jobs/pipeline.sh submits generate -> train -> evaluate on a reduced quickstart (25 molecules,
#   coarse grid, 2 roots, 2 directions, no rattling, 3 epochs). After the generate job's first progress line it is
#   sent SIGUSR1 as a time limit would (`scancel --signal=USR1 --batch`): it must commit, requeue itself and on
#   restart finish the rest, every molecule exactly once (h5py). The train job (started by afterok only then) is
#   interrupted the same way after its first epoch and must resume from its checkpoint; evaluate (8 molecules)
#   after its first finished molecule, and its restart must reuse what the first run finished. Checks
#   train/model.pt and evaluate/report.md.
# - Scenario 2: jobs/pipeline.sh --array 2 --to generate: two shard jobs and the merge; the merged dataset must
#   hold every molecule once and equal scenario 1's dataset (dixc inspect --diff).
# Stops only the daemons it started (their PIDs are recorded) and removes its temporary directory on exit.
# Exit codes: 0 pass, 1 fail, 77 skipped (not root). DIXC_SLURM_TEST_KEEP=1 keeps the temporary directory (logs).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "${2:-$here/../..}" && pwd)
dixc=${1:-$source_dir/build/dixc}
dixc=$(cd "$(dirname "$dixc")" && pwd)/$(basename "$dixc")
time_limit=${DIXC_SLURM_TEST_TIMEOUT:-1200}  # seconds for all jobs together
start_time=$(date +%s)
python=/usr/bin/python3

log() { echo "[slurm test $(($(date +%s) - start_time))s] $*"; }
fail() {
  log "FAIL: $*"
  exit 1
}

[ -x "$dixc" ] || fail "no dixc binary at $dixc"

# --- SLURM and munge -------------------------------------------------------------------------------------------
need_install=0
for tool in slurmctld slurmd sbatch munged; do command -v "$tool" >/dev/null 2>&1 || need_install=1; done
if [ "$need_install" = 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "SKIP: SLURM is not installed and installing it needs root"
    exit 77
  fi
  log "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q slurmctld slurmd slurm-client munge >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1
    apt-get install -y -q slurmctld slurmd slurm-client munge >/dev/null || fail "apt-get install failed"
  fi
fi
[ "$(id -u)" -eq 0 ] || {
  log "SKIP: the private cluster needs root (munged runs as user munge, SlurmUser=root)"
  exit 77
}
id munge >/dev/null 2>&1 || fail "no user munge (package munge incomplete?)"

# --- private cluster -------------------------------------------------------------------------------------------
tmp=$(mktemp -d /tmp/dixc_slurm_test.XXXXXX)
chmod 755 "$tmp"  # munged (user munge) must reach its directory below
pids=()           # daemons started here, stopped in this order reversed

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ] && [ ${#pids[@]} -gt 0 ]; then
    # Cancel whatever is left on the private cluster so no job step outlives the daemons.
    scancel --quiet --user root >/dev/null 2>&1 || true
    for _ in $(seq 30); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 1
    done
  fi
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    for _ in $(seq 50); do
      kill -0 "${pids[i]}" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ] && [ -d "$tmp/log" ]; then
    for f in "$tmp"/log/*.log; do
      echo "----- tail of $f"
      tail -n 25 "$f"
    done
  fi
  if [ "${DIXC_SLURM_TEST_KEEP:-0}" = 1 ]; then
    echo "kept $tmp (job logs in out*/logs/)"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

host=$(hostname -s)
ncpu=$(nproc)
mkdir -p "$tmp"/{munge,state,spool,log,run,work}
chown munge:munge "$tmp/munge"
chmod 755 "$tmp/munge"  # the socket directory must be searchable by all
# A fresh key for this cluster only (mungekey from munge >= 0.5.14; dd otherwise).
if command -v mungekey >/dev/null 2>&1; then
  mungekey --create --keyfile="$tmp/munge/munge.key" >/dev/null 2>&1
else
  dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
fi
chown munge:munge "$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
socket="$tmp/munge/munge.socket.2"
setpriv --reuid=munge --regid=munge --init-groups munged --foreground --socket="$socket" \
  --key-file="$tmp/munge/munge.key" --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" \
  --seed-file="$tmp/munge/munged.seed" >"$tmp/log/munged-stdout.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  [ -S "$socket" ] && break
  sleep 0.2
done
[ -S "$socket" ] || fail "munged did not start: $(cat "$tmp/munge/munged.log" "$tmp/log/munged-stdout.log" 2>/dev/null)"

ctld_port=$(free_port)
slurmd_port=$(free_port)
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
# Private single-node cluster of tests/slurm/run_slurm_test.sh
ClusterName=dixctest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool/%n
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=pmix
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=5,bf_interval=5
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=3600
KillWait=60
InactiveLimit=0
TmpFS=$tmp/work
NodeName=$host NodeAddr=127.0.0.1 CPUs=$ncpu State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >"$tmp/log/slurmctld-stdout.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/log/slurmd-stdout.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -n 1)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || fail "node $host is not idle after 60 s (state '$state')"
log "private SLURM up: node $host, $ncpu CPU(s), controller port $ctld_port, SLURM_CONF=$SLURM_CONF"

# --- helpers ---------------------------------------------------------------------------------------------------
# job_states ID: one "JobId State Restarts ExitCode" line per job (array: per task), from the controller's memory.
job_states() {
  scontrol show job -o "$1" 2>/dev/null |
    sed -n 's/^JobId=\([0-9]*\).*JobState=\([A-Z_]*\).*Restarts=\([0-9]*\).*ExitCode=\([0-9:]*\).*/\1 \2 \3 \4/p'
}

# wait_jobs ID...: until none of the jobs is pending or running; fails at the overall time limit.
wait_jobs() {
  local id busy
  while :; do
    busy=0
    for id in "$@"; do
      if job_states "$id" | awk '$2 !~ /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$/ {b=1} END {exit !b}'; then
        busy=1
      fi
    done
    [ "$busy" = 0 ] && return 0
    [ $(($(date +%s) - start_time)) -lt "$time_limit" ] || fail "jobs $* still not finished after ${time_limit} s: $(squeue)"
    sleep 2
  done
}

# expect_completed NAME ID LOGFILE...: every job (array task) of ID COMPLETED with exit code 0.
expect_completed() {
  local name=$1 id=$2
  shift 2
  local bad
  bad=$(job_states "$id" | awk '$2 != "COMPLETED" || $4 != "0:0"')
  if [ -n "$bad" ] || [ -z "$(job_states "$id")" ]; then
    for f in "$@"; do
      echo "----- $f"
      cat "$f" 2>/dev/null
    done
    fail "$name job $id did not complete: ${bad:-no record}"
  fi
}

# job_id LABEL OUTPUT: the id that jobs/pipeline.sh printed for LABEL.
job_id() { awk -v l="$1" '$1 == l && $2 == "job" {print $3}' <<<"$2"; }

# --- inputs and reduced configuration --------------------------------------------------------------------------
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OPENBLAS_NUM_THREADS=1
export DIXC="$dixc" DIXC_ROOT="$source_dir" DIXC_INPUTS="$source_dir/share/molecules/small"
expected=$(find "$DIXC_INPUTS" -maxdepth 1 -name '*.xyz' | wc -l)
config="$tmp/config"
mkdir -p "$config"
cat >"$config/generate.ini" <<EOF
functional = b3lyp
basis = def2-svp
grid = coarse
n-roots = 2
n-dir = 2
rattle = 0
seed = 7
flush-seconds = 0
EOF
cat >"$config/train.ini" <<EOF
model = gga-mlp
loss = di
epochs = 3
batch-size = 4
lr = 3e-3
warmup = 1
seed = 7
val-fraction = 0.2
test-fraction = 0.2
checkpoint-every = 100
EOF
cat >"$config/evaluate.ini" <<EOF
split = all
max-molecules = 8
EOF
export DIXC_CONFIG="$config"
# 2 ranks x 1 thread; more tasks than CPUs on a 1-CPU machine need --overcommit.
sbatch_extra=(--ntasks-per-node=2 --cpus-per-task=1 --time=30)
[ "$ncpu" -lt 2 ] && sbatch_extra+=(--overcommit)

names_check() {  # names_check FILE EXPECTED: every molecule once, all ok
  "$python" - "$1" "$2" <<'EOF'
import sys
import h5py
path, expected = sys.argv[1], int(sys.argv[2])
with h5py.File(path, "r") as f:
    n = int(f["index"].attrs["n_committed"])
    names = [x.decode().rstrip("\x00") for x in f["index"]["name"][:n]]
    status = list(f["index"]["status"][:n])
dupes = sorted({x for x in names if names.count(x) > 1})
if dupes or n != expected or any(s != 0 for s in status):
    sys.exit(f"{path}: {n} committed (expected {expected}), duplicates {dupes}, failed {sum(s != 0 for s in status)}")
print(f"{path}: {n} molecules, each once, all ok")
EOF
}

# --- scenario 1: pipeline generate -> train -> evaluate, each interrupted and requeued --------------------------
out1="$tmp/out1"
log "scenario 1: jobs/pipeline.sh (generate -> train -> evaluate) into $out1"
submitted=$(DIXC_OUT="$out1" bash "$source_dir/jobs/pipeline.sh" -- "${sbatch_extra[@]}") || fail "pipeline.sh failed: $submitted"
echo "$submitted"
gen=$(job_id generate "$submitted")
train=$(job_id train "$submitted")
eval=$(job_id evaluate "$submitted")
if [ -z "$gen" ] || [ -z "$train" ] || [ -z "$eval" ]; then fail "could not read the job ids from pipeline.sh's output"; fi
gen_log="$out1/logs/dixc-generate-$gen.out"
train_log="$out1/logs/dixc-train-$train.out"
eval_log="$out1/logs/dixc-evaluate-$eval.out"

# interrupt ID LOG PATTERN: once LOG has a line matching PATTERN, send SIGUSR1 to the job's batch shell as
# --signal=B:USR1@120 would; the job must then requeue itself (Restarts >= 1) rather than finish.
interrupt() {
  local id=$1 log_file=$2 pattern=$3 state
  while ! grep -q "$pattern" "$log_file" 2>/dev/null; do
    state=$(job_states "$id" | awk '{print $2}')
    case "$state" in PENDING | RUNNING | CONFIGURING) ;; *) fail "job $id is $state before a line '$pattern': $(cat "$log_file" 2>/dev/null)" ;; esac
    [ $(($(date +%s) - start_time)) -lt "$time_limit" ] || fail "no line '$pattern' from job $id"
    sleep 0.5
  done
  log "job $id printed '$pattern'; sending SIGUSR1 to its batch shell"
  scancel --signal=USR1 --batch "$id" || fail "scancel --signal=USR1 --batch $id failed"
  for _ in $(seq 180); do
    [ "$(job_states "$id" | awk '{print $3}')" -ge 1 ] 2>/dev/null && break
    sleep 1
  done
  [ "$(job_states "$id" | awk '{print $3}')" -ge 1 ] 2>/dev/null || fail "job $id was not requeued: $(job_states "$id"); $(cat "$log_file")"
  log "job $id requeued ($(job_states "$id"))"
  # SLURM holds a requeued job for two minutes (BeginTime); a real cluster can afford that, the test need not.
  # Not "now" though: slurmd revokes the old credential at second resolution, and a new allocation within the same
  # second as the revocation is refused ("Job credential revoked") and the job fails.
  sleep 2
  scontrol update JobId="$id" StartTime=now+3 || true
}

interrupt "$gen" "$gen_log" '^progress:'
interrupt "$train" "$train_log" '^epoch 1/'
interrupt "$eval" "$eval_log" '^\[rank '
wait_jobs "$gen" "$train" "$eval"
expect_completed generate "$gen" "$gen_log"
grep -q 'interrupted' "$gen_log" || fail "the first run of generate job $gen did not report an interruption: $(cat "$gen_log")"
first=$(grep -m1 'interrupted' "$gen_log" | sed -n 's/.*after committing \([0-9]*\) molecules.*/\1/p')
log "first run committed ${first:-?} of $expected molecules before the requeue"
if [ -z "$first" ] || [ "$first" -ge "$expected" ]; then fail "generate finished before the signal; the requeue path was not exercised"; fi
names_check "$out1/data.h5" "$expected" || fail "dataset after requeue is wrong"
expect_completed train "$train" "$train_log"
grep -q 'resuming from' "$train_log" || fail "the requeued train job $train did not resume from its checkpoint: $(cat "$train_log")"
[ "$(grep -c '^epoch 3/3' "$train_log")" -eq 1 ] || fail "train job $train did not finish its 3 epochs once: $(cat "$train_log")"
expect_completed evaluate "$eval" "$eval_log"
kept=$(grep -m1 'finished by an earlier run' "$eval_log" | sed -n 's/^dixc evaluate: \([0-9]*\) of 8 molecules.*/\1/p')
log "the requeued evaluate job found ${kept:-no} of 8 molecules finished by its first run"
if [ -z "$kept" ] || [ "$kept" -lt 1 ]; then fail "the requeued evaluate job $eval did not reuse its first run's molecules: $(cat "$eval_log")"; fi
[ -s "$out1/train/model.pt" ] || fail "no $out1/train/model.pt"
[ -s "$out1/evaluate/report.md" ] || fail "no $out1/evaluate/report.md"
grep -q "report: *$out1/evaluate/report.md" <<<"$submitted" || fail "pipeline.sh did not say where the report goes"
log "scenario 1 passed: generate, train and evaluate interrupted, requeued and resumed; train/model.pt, evaluate/report.md"

# --- scenario 2: array generate (2 shards) -> merge ------------------------------------------------------------
if "$dixc" --help | grep -q '^ *merge'; then
  out2="$tmp/out2"
  log "scenario 2: jobs/pipeline.sh --array 2 --to generate into $out2"
  submitted=$(DIXC_OUT="$out2" bash "$source_dir/jobs/pipeline.sh" --array 2 --to generate -- "${sbatch_extra[@]}") ||
    fail "pipeline.sh --array failed: $submitted"
  echo "$submitted"
  gen=$(job_id generate "$submitted")
  merge=$(job_id merge "$submitted")
  if [ -z "$gen" ] || [ -z "$merge" ]; then fail "could not read the job ids from pipeline.sh's output"; fi
  wait_jobs "$gen" "$merge"
  expect_completed generate "$gen" "$out2"/logs/dixc-generate-"$gen"_*.out
  expect_completed merge "$merge" "$out2"/logs/dixc-merge-"$merge".out
  [ "$(job_states "$gen" | wc -l)" -eq 2 ] || fail "array job $gen has $(job_states "$gen" | wc -l) tasks, expected 2"
  for k in 0 1; do [ -s "$out2/shards/shard_$k.h5" ] || fail "no $out2/shards/shard_$k.h5"; done
  names_check "$out2/data.h5" "$expected" || fail "merged dataset is wrong"
  diff=$("$dixc" inspect --diff "$out1/data.h5" "$out2/data.h5" 2>&1) || fail "merged dataset differs: $diff"
  grep -q '0 problem(s)' <<<"$diff" || fail "merged dataset differs: $diff"
  log "scenario 2 passed: 2 shards merged, equal to the single-job dataset"
else
  log "scenario 2 NOT RUN: $dixc has no merge command"
fi
log "PASS"
