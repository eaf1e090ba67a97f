# slurm.sh -- a private one-node Slurm cluster on loopback for the shard
# tests (issue 11): Debian's munge and slurm-wlm, started by the test.
#
# Source it after lib.sh, then call slurm_start: it writes a munge key and
# a slurm.conf under $T/slurm, and starts munged, slurmctld and slurmd in
# the foreground as children of the test (their PIDs are kept), with their
# sockets, state and logs under $T/slurm, the controller and the node on
# 127.0.0.1 at free ports. It returns once the node is idle, or 1 with the
# daemons' last log lines. SLURM_CONF then points srun at this cluster.
# slurm_stop, also run on exit, waits until no job step is left on the
# node, then ends the three by PID. The daemons run as
# root (the test is root, as CI is, or has passwordless sudo: slurm_start
# says which is missing). The node declares the machine's cores; srun -O
# (overcommit) runs more tasks than that.
SLURM_DIR=$T/slurm
SLURM_PIDS=

slurm_no_steps() { scontrol listpids 2>&1 | grep -q 'No job steps'; }

slurm_stop() {
    [ -n "$SLURM_PIDS" ] || return 0
    local p i
    wait_for 20 slurm_no_steps   # every job step ended: no slurmstepd left running
    for p in $SLURM_PIDS; do kill -TERM "$p" 2>/dev/null; done
    for p in $SLURM_PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    SLURM_PIDS=
}

# Runs slurm_stop before whatever the EXIT trap already does.
slurm_trap() {
    eval "set -- $(trap -p EXIT)"
    trap "slurm_stop; ${3:-}" EXIT
}
slurm_trap

# slurm_free_port: a loopback TCP port nobody listens on now
slurm_free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 30000))
        ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
    done
}

slurm_conf() { # slurm_conf HOST CTLD_PORT SLURMD_PORT
    local d=$SLURM_DIR
    cat > "$d/slurm.conf" <<CONF
ClusterName=logen
SlurmctldHost=$1(127.0.0.1)
SlurmctldPort=$2
SlurmdPort=$3
AuthType=auth/munge
AuthInfo=socket=$d/munge/sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$1 NodeAddr=127.0.0.1 CPUs=$(nproc)
PartitionName=main Nodes=$1 Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
}

slurm_idle() { sinfo -h -o %T 2>/dev/null | grep -q idle; }

slurm_start() {
    local d=$SLURM_DIR host ctld
    if [ "$(id -u)" -ne 0 ]; then
        diag "slurm.sh: the Slurm daemons need root (run the tests as root, as CI does)"
        return 1
    fi
    for b in munged slurmctld slurmd srun sinfo; do
        command -v "$b" >/dev/null || { diag "slurm.sh: no $b (third_party/packages.txt: slurm-wlm, munge)"; return 1; }
    done
    mkdir -p "$d/munge" "$d/state" "$d/spool"
    chmod 700 "$d/munge"
    head -c 1024 /dev/urandom > "$d/munge/key"
    chmod 400 "$d/munge/key"
    host=$(hostname -s)
    ctld=$(slurm_free_port)
    slurm_conf "$host" "$ctld" "$(slurm_free_port)"
    export SLURM_CONF=$d/slurm.conf
    munged -F -f --key-file="$d/munge/key" --socket="$d/munge/sock" --pid-file="$d/munge/pid" \
        --log-file="$d/munge/log" --seed-file="$d/munge/seed" 2>>"$d/munge/log" &
    SLURM_PIDS="$!"
    wait_for 20 test -S "$d/munge/sock" || { tail -5 "$d/munge/log" | diag "$(cat)"; return 1; }
    slurmctld -D -f "$SLURM_CONF" 2>>"$d/slurmctld.err" &
    SLURM_PIDS="$SLURM_PIDS $!"
    slurmd -D -f "$SLURM_CONF" 2>>"$d/slurmd.err" &
    SLURM_PIDS="$SLURM_PIDS $!"
    if ! wait_for 60 slurm_idle; then
        tail -5 "$d/slurmctld.log" "$d/slurmd.log" 2>&1 | diag "$(cat)"
        return 1
    fi
}
