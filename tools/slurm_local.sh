#!/usr/bin/env bash
# A real single-node Slurm on this host (Debian's slurm-wlm + munge), used to check `eqvk run --shard
# auto` end to end: writes a minimal slurm.conf into a scratch directory, starts munged, slurmctld
# and slurmd there (nothing under /etc is touched), submits a 3-task job array of `eqvk run`, waits,
# runs `eqvk dataset verify` on the array's directory, and compares the union byte for byte with a
# single run. Stops the daemons it started on exit. Needs root (slurmd runs jobs as their user) and
# `apt-get install slurm-wlm munge`. Usage: tools/slurm_local.sh [path/to/eqvk] [extra --set args…]
# Exit 0 when the array's dataset verifies and equals the single run. Timing: docs/scale-out.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EQVK=$(realpath "${1:-$ROOT/build/test/eqvk}")
shift || true
CONFIG="$ROOT/config.toml"
# Tiny job: 6 games in 6 shards, 8 worlds; extra --set arguments override it.
SETS=(--set games.count=6 --set sampling.worlds=8 --set output.games_per_shard=1 "$@")
for tool in munged slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm_local: $tool not found: apt-get install slurm-wlm munge" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm_local: needs root (slurmd)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/eqvk-slurm.XXXXXX)
chmod 755 "$WORK"
HOST=$(hostname -s)
PORT_BASE=$((17000 + RANDOM % 2000))
mkdir -p "$WORK"/{state,spool,log,munge,array,single}
chmod 755 "$WORK/munge"  # munged wants its socket directory searchable
started=()
cleanup() {
  local rc=$?
  for pidfile in "${started[@]}"; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 0.5
  if [ "$rc" -ne 0 ]; then
    echo "slurm_local: failed (exit $rc); logs kept in $WORK/log" >&2
    tail -n 20 "$WORK"/log/*.log >&2 2>/dev/null || true
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
SECONDS=0

# Step 1. munge with its own key and socket.
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
munged --force --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/socket" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" \
  --seed-file="$WORK/munge/seed"
started+=("$WORK/munge/munged.pid")

# Step 2. slurm.conf for this host alone: no cgroups, no accounting, one partition.
CPUS=$(nproc)
MEM_MB=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
cat >"$WORK/slurm.conf" <<EOF
ClusterName=eqvk-local
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$WORK/munge/socket
CredType=cred/munge
SlurmctldPort=$PORT_BASE
SlurmdPort=$((PORT_BASE + 1))
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$WORK/slurm.conf"

# Step 3. The daemons; wait until the node is idle.
slurmctld -c -i
started+=("$WORK/slurmctld.pid")
slurmd
started+=("$WORK/slurmd.pid")
for _ in $(seq 60); do
  state=$(sinfo -h -n "$HOST" -o %t 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
[ "$state" = "idle" ] || { echo "slurm_local: node state '$state' after 60 s" >&2; exit 1; }
echo "slurm_local: slurmctld + slurmd up on $HOST ($CPUS CPUs) after ${SECONDS} s"

# Step 4. The job array: three tasks, each `eqvk run --shard auto` into one shared directory.
cat >"$WORK/array.sh" <<EOF
#!/bin/bash
#SBATCH --job-name=eqvk-array
#SBATCH --array=0-2
#SBATCH --cpus-per-task=1
#SBATCH --output=$WORK/log/task-%a.out
"$EQVK" run "$CONFIG" ${SETS[*]} --set output.dir="$WORK/array" --shard auto
echo \$? >"$WORK/log/rc-\$SLURM_ARRAY_TASK_ID"
EOF
t0=$SECONDS
job=$(sbatch --parsable "$WORK/array.sh")
echo "slurm_local: submitted array job $job (3 tasks)"
# Poll once a second (sbatch --wait backs off to 30 s polls); 10 minutes at most.
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
echo "slurm_local: array finished in $((SECONDS - t0)) s"
for i in 0 1 2; do
  echo "--- task $i (exit $(cat "$WORK/log/rc-$i" 2>/dev/null || echo none))"
  cat "$WORK/log/task-$i.out"
  [ "$(cat "$WORK/log/rc-$i" 2>/dev/null)" = 0 ] || { echo "slurm_local: task $i failed" >&2; exit 1; }
done

# Step 5. The array's directory verifies, and equals a single run byte for byte.
"$EQVK" dataset verify "$WORK/array"
"$EQVK" run "$CONFIG" "${SETS[@]}" --set output.dir="$WORK/single" >/dev/null 2>&1
n=0
for f in "$WORK"/single/shard-*.safetensors; do
  cmp "$f" "$WORK/array/$(basename "$f")"
  n=$((n + 1))
done
[ "$n" -eq "$(ls "$WORK"/array/shard-*.safetensors | wc -l)" ]
echo "slurm_local: $n shards of the 3-task array equal the single run byte for byte; total ${SECONDS} s"
