#!/usr/bin/env bash
# A real single-node SLURM cluster for labgate's SLURM executor tests (test/slurm/), on Debian's
# slurm-wlm and munge packages. Everything lives in one folder ($LABGATE_SLURM_DIR, default
# /tmp/labgate-slurm): its own munge key and socket, slurm.conf, gres.conf, state, logs and pid
# files; SLURM_CONF points the daemons and every client (sbatch, squeue, sacct, scancel) at it,
# so nothing under /etc is read or written. Needs root (slurmd runs jobs as their user).
#
#   scripts/slurm-test-cluster.sh install   apt-get install slurm-wlm munge (when sbatch is missing)
#   scripts/slurm-test-cluster.sh start     start munged, slurmctld, slurmd; wait for the node to be idle
#   scripts/slurm-test-cluster.sh stop      stop them, each by its pid file
#   scripts/slurm-test-cluster.sh env       print `export SLURM_CONF=...` for a shell to eval
#
# The node is `hostname -s` with the CPUs and memory `slurmd -C` reports, and two GPUs whose
# device files are character devices made with mknod (1,3: /dev/null's numbers): with
# `--gres=gpu:1`, SLURM sets CUDA_VISIBLE_DEVICES as on a real GPU node. Accounting is off
# (accounting_storage/none: no slurmdbd), so sacct has nothing; labgate then reads states with
# `scontrol show job`, which keeps finished jobs for MinJobAge seconds (docs/runners.md).
set -euo pipefail

DIR="${LABGATE_SLURM_DIR:-/tmp/labgate-slurm}"
CONF="$DIR/slurm.conf"
CTLD_PORT="${LABGATE_SLURM_PORT:-16817}"

die() {
  echo "slurm-test-cluster: $*" >&2
  exit 1
}

# The pid in a pid file is still that daemon (not a reused pid): its command name matches.
pid_alive() {
  local file="$1" name="$2" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]
}

stop_pidfile() {
  local file="$1" name="$2"
  if pid_alive "$file" "$name"; then
    local pid
    pid="$(cat "$file")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "slurm-test-cluster: $name (pid $pid) did not stop on SIGTERM; SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

install() {
  if command -v sbatch >/dev/null && command -v slurmctld >/dev/null && command -v munged >/dev/null; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "installing slurm-wlm and munge needs root (apt-get)"
  local t0
  t0=$(date +%s)
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
  echo "slurm-test-cluster: installed slurm-wlm and munge in $(($(date +%s) - t0)) s" >&2
}

write_config() {
  local host cpus mem
  host="$(hostname -s)"
  # slurmd -C: "NodeName=vm CPUs=2 Boards=1 ... RealMemory=24105"
  local probe
  probe="$(slurmd -C | head -1)"
  cpus="$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$probe")"
  mem="$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$probe")"
  [ -n "$cpus" ] && [ -n "$mem" ] || die "could not read CPUs and RealMemory from \`slurmd -C\`: $probe"
  # Leave some memory to the machine, as a real node's config would.
  mem=$((mem * 9 / 10))
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/dev" "$DIR/munge"
  for i in 0 1; do
    [ -c "$DIR/dev/nvidia$i" ] || mknod "$DIR/dev/nvidia$i" c 1 3
  done
  cat >"$CONF" <<EOF
# Written by scripts/slurm-test-cluster.sh: a single-node test cluster.
ClusterName=labgate-test
SlurmctldHost=$host
SlurmctldPort=$CTLD_PORT
SlurmdPort=$((CTLD_PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket.2
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol this long (no accounting database here).
MinJobAge=600
KillWait=5
OverTimeLimit=0
InactiveLimit=0
MaxArraySize=1001
GresTypes=gpu
NodeName=$host CPUs=$cpus RealMemory=$mem Gres=gpu:2 State=UNKNOWN
# A job in "urgent" preempts (cancels) what runs in "debug": how the tests make a real PREEMPTED.
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=urgent Nodes=ALL MaxTime=INFINITE State=UP PriorityTier=2 PreemptMode=OFF
EOF
  cat >"$DIR/gres.conf" <<EOF
NodeName=$host Name=gpu File=$DIR/dev/nvidia[0-1]
EOF
}

start() {
  command -v slurmctld >/dev/null || die "slurm-wlm is not installed: run \`$0 install\` (apt-get install slurm-wlm munge)"
  [ "$(id -u)" = 0 ] || die "the test cluster runs its daemons as root; run it as root"
  stop_quiet
  write_config
  if [ ! -f "$DIR/munge/munge.key" ]; then
    dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
  fi
  chmod 0700 "$DIR/munge"
  chmod 0400 "$DIR/munge/munge.key"
  munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket.2" \
    --pid-file="$DIR/munged.pid" --log-file="$DIR/munged.log" --seed-file="$DIR/munge/munged.seed"
  export SLURM_CONF="$CONF"
  # -c: a fresh controller state each start (no jobs from an earlier test run); -i: ignore
  # state files that cannot be read.
  slurmctld -c -i
  slurmd
  local state=""
  for _ in $(seq 1 300); do
    state="$(sinfo -h -o %T 2>/dev/null | head -1 || true)"
    case "$state" in idle | mixed | allocated) break ;; esac
    sleep 0.1
  done
  case "$state" in
    idle | mixed | allocated) ;;
    *)
      tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
      die "the node did not come up (sinfo says '${state:-nothing}'); logs above, in $DIR"
      ;;
  esac
  echo "slurm-test-cluster: up (SLURM_CONF=$CONF, node $(hostname -s) $state)" >&2
}

stop_quiet() {
  stop_pidfile "$DIR/slurmd.pid" slurmd
  stop_pidfile "$DIR/slurmctld.pid" slurmctld
  stop_pidfile "$DIR/munged.pid" munged
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop)
    stop_quiet
    echo "slurm-test-cluster: stopped" >&2
    ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) die "usage: $0 install|start|stop|env" ;;
esac
