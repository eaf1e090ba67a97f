#!/bin/bash
# Shards without a cluster engine: --shard I/N over an open run (the union
# of the shards' intended times is the one-machine schedule, exactly) and
# over a closed run (--process P in all, each worker at its global rampup
# place); the Slurm, Kubernetes and MPI variables set by hand; --start-at
# (the run clock starts at the agreed instant, a stop while waiting ends at
# once); ids that differ per shard; bad input refused before any worker.
. "$(dirname "$0")/lib.sh"

# No engine of the caller's may choose a shard behind the test's back.
unset SLURM_PROCID SLURM_NTASKS JOB_COMPLETION_INDEX LOGEN_SHARDS OMPI_COMM_WORLD_RANK \
    OMPI_COMM_WORLD_SIZE PMI_RANK PMI_SIZE

DUMMY=(cuts.Dummy --extra '{"sleep": 0}' --steps 1)
SCHED=1@100,1@100-300 # 100 + 200 events, a flat phase then a ramp

# intended NAME: the run's intended times (ns from the agreed start), sorted
intended() { grep -o '"intended_ns":[0-9]*' out | cut -d: -f2 | sort -n > "$1"; }

# open_shard SHARD [ARGS...]: the open run, raw lines; --start-at makes run
# time 0 the schedule's start, so intended times compare across runs
open_shard() {
    local shard=$1; shift
    run 60 "$LOGEN" "${DUMMY[@]}" --open --pre 2 --sche "$SCHED" --outformat raw -q \
        --start-at +0.1 ${shard:+--shard "$shard"} "$@"
}

open_shard ""
is "$rc" 0 "one machine: exit 0"
intended whole
is "$(wc -l < whole)" 300 "one machine: 300 events"

for n in 2 3; do
    : > union
    for i in $(seq 0 $((n - 1))); do
        open_shard "$i/$n"
        is "$rc" 0 "open, shard $i/$n: exit 0"
        intended part
        is "$(wc -l < part)" $(( (300 - i + n - 1) / n )) "open, shard $i/$n: its 1/$n of the events"
        like "$(cat err)" "$(( (300 - i + n - 1) / n )) events generated" "  and it says so"
        cat part >> union
    done
    sort -n union -o union
    if cmp -s union whole; then ok 0 "open, $n shards: the union is the one-machine schedule"
    else ok 1 "open, $n shards: the union is the one-machine schedule"; diff union whole | head -5 | diag "$(cat)"; fi
done

# Random arrivals and burst sizes: shards share the seed, and --shard 0/1
# (the whole run) draws the same schedule.
open_shard 0/1 --arrival poisson --burst 3
intended whole
: > union
for i in 0 1; do
    open_shard "$i/2" --arrival poisson --burst 3
    intended part
    cat part >> union
done
sort -n union -o union
is "$(wc -l < union)" 300 "poisson, 2 shards: 300 events in all"
if cmp -s union whole; then ok 0 "poisson with bursts, 2 shards: the union is --shard 0/1's schedule"
else ok 1 "poisson with bursts, 2 shards: the union is --shard 0/1's schedule"; fi

# ---- closed: --process is the total, each worker at its global place ----
run 60 "$LOGEN" "${DUMMY[@]}" --process 5 --loops 4
is "$(ev 'type == "req"' out | wc -l)" 20 "closed, one machine: 5 workers x 4 loops"
total=0
for i in 0 1; do
    run 60 "$LOGEN" "${DUMMY[@]}" --process 5 --loops 4 --rampup 0.4 --outformat raw -q \
        --start-at +0.1 --shard "$i/2"
    is "$rc" 0 "closed, shard $i/2: exit 0"
    mv out "closed$i"
    workers=$(grep -o '"pid":[0-9]*' "closed$i" | sort -u | wc -l)
    is "$workers" $((3 - i)) "closed, shard $i/2: $((3 - i)) of the 5 workers"
    total=$((total + $(grep -c '"type":"req"' "closed$i")))
    ids=$(grep -o '"fullId":"[^.]*\.' "closed$i" | sort -u)
    is "$ids" "\"fullId\":\"customId-s$i." "closed, shard $i/2: its event ids carry -s$i"
done
is "$total" 20 "closed, 2 shards: the same 20 loops as one machine"
# run time 0 is the agreed start: shard 1 runs workers 1 and 3, which
# start 0.4 s and 1.2 s after it (never earlier), not 0 and 0.4 s
firsts=$(awk -F'"begin_ns":' '{ split($2, a, ","); split($0, p, "\"pid\":"); split(p[2], q, ",");
         if (!(q[1] in m) || a[1] < m[q[1]]) m[q[1]] = a[1] } END { for (k in m) print m[k] }' closed1 |
         sort -n | tr '\n' ' ')
set -- $firsts
between "${1:-0}" 400000000 1e18 "shard 1's first worker starts at worker 1's place (0.4 s)"
between "${2:-0}" 1200000000 1e18 "shard 1's second worker starts at worker 3's place (1.2 s)"

# The machine's process limits hold each shard's share, not the total:
# RLIMIT_NPROC binds a user without CAP_SYS_RESOURCE (as root, run as nobody).
limited=(prlimit --nproc=40 --)
if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$T"
    limited=(setpriv --reuid=65534 --regid=65534 --clear-groups "${limited[@]}")
fi
run 60 "${limited[@]}" "$LOGEN" "${DUMMY[@]}" --process 100 --loops 1 --shard 3/10 -q
is "$rc" 0 "RLIMIT_NPROC 40: --process 100 over 10 shards runs (10 workers here)"
is "$(worker_pids out | wc -l)" 10 "  this shard's 10 workers"
run 60 "${limited[@]}" "$LOGEN" "${DUMMY[@]}" --process 1000 --loops 1 --shard 3/10 -q
like "$(cat err)" "^logen: --process 1000 \(100 on shard 3/10\): more than this machine can start" \
    "  --process 1000 over 10 shards: its 100 are refused, naming the share"

# ---- the engines' variables ----
engine() { # engine WANT-WORKERS SOURCE VAR=VALUE...
    local want=$1 from=$2; shift 2
    run 60 env "$@" "$LOGEN" "${DUMMY[@]}" --process 5 --loops 1 -v
    is "$rc" 0 "$* : exit 0"
    is "$(worker_pids out | wc -l)" "$want" "$* : $want of the 5 workers"
    like "$(cat err)" "shard .* from $from" "  -v names $from"
}
engine 2 SLURM_PROCID/SLURM_NTASKS SLURM_PROCID=1 SLURM_NTASKS=2
engine 1 JOB_COMPLETION_INDEX/LOGEN_SHARDS JOB_COMPLETION_INDEX=2 LOGEN_SHARDS=3
engine 2 OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE OMPI_COMM_WORLD_RANK=0 OMPI_COMM_WORLD_SIZE=3
engine 1 PMI_RANK/PMI_SIZE PMI_RANK=3 PMI_SIZE=4
run 60 env SLURM_PROCID=1 SLURM_NTASKS=2 "$LOGEN" "${DUMMY[@]}" --process 5 --loops 1 --shard 0/5 -v
like "$(cat err)" "shard 0 of 5 .*from --shard" "--shard wins over the environment"
is "$(worker_pids out | wc -l)" 1 "  and runs its 1 worker of 5"

# ---- a scenario: the same rule per line; a line with none for this shard ----
printf '%s\n' "cuts.Dummy --extra '{\"sleep\": 0}' --steps 1 --process 3 --loops 2 --id three" \
    "cuts.Dummy --extra '{\"sleep\": 0}' --steps 1 --process 1 --loops 2 --id one" > sc.txt
run 60 "$LOGEN" scenario --file sc.txt --shard 1/2 -v
is "$rc" 0 "scenario, shard 1/2: exit 0"
is "$(ev 'type == "req"' out | wc -l)" 2 "  line 1 runs its worker 1 (2 loops), line 2 none"
like "$(cat err)" "line 2: shard 1/2 runs none of its 1 workers" "  -v says line 2 runs none"
echo "cuts.Dummy --shard 0/2" > sc1.txt
run 20 "$LOGEN" scenario --file sc1.txt
like "$(cat err)" "--shard applies to the whole run" "a scenario line cannot name a shard"

# ---- --start-at ----
t0=$EPOCHREALTIME
run 60 "$LOGEN" "${DUMMY[@]}" --loops 2 --start-at +2 --summary-json s.json --outformat raw
is "$rc" 0 "--start-at +2: exit 0"
start=$(grep -o '"start_epoch_s": *[0-9.]*' s.json | grep -o '[0-9.]*$')
between "$(awk -v s="${start:-0}" -v t="$t0" 'BEGIN { print s - t }')" 2 3 \
    "  the summary's start is 2 s after the command (+ its start-up)"
first=$(grep -o '"epoch":[0-9.]*' out | cut -d: -f2 | sort -n | head -1)
between "$(awk -v f="${first:-0}" -v s="${start:-0}" 'BEGIN { print f - s }')" 0 1e9 \
    "  no request before it"
at=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t + 1 }')
run 60 "$LOGEN" "${DUMMY[@]}" --loops 1 --start-at "$at" --summary-json s.json
start=$(grep -o '"start_epoch_s": *[0-9.]*' s.json | grep -o '[0-9.]*$')
between "$(awk -v s="${start:-0}" -v a="$at" 'BEGIN { print (s - a) * 1e6 }')" -1 1 \
    "--start-at EPOCH: the summary's start is that instant (within 1 us)"
late=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t - 0.5 }')
run 60 "$LOGEN" "${DUMMY[@]}" --duration 1 --start-at "$late" -q
is "$rc" 0 "--start-at 0.5 s ago, a 1 s run: runs"
like "$(cat err)" "--start-at was [0-9.]+ s ago: starting at once, late" "  and says how late"

run 60 "$LOGEN" "${DUMMY[@]}" --loops 1 --shard 0/2 --start-at +0.1 -v
like "$(cat err)" "real-time clock is (not synchronised|synchronised, estimated error [0-9.]+ ms)" \
    "--start-at over shards says what the real-time clock is worth"

# a stop while waiting: at once, no worker
rm -f out err
"$LOGEN" "${DUMMY[@]}" --loops 1 --start-at +60 -v > out 2> err &
pid=$!
wait_for 20 grep -q "\[$pid\] waiting for --start-at" err
kill -TERM "$pid"
wait "$pid"
is "$?" 143 "SIGTERM while waiting for --start-at: exit 143"
like "$(cat err)" "stopped by signal 15 while waiting for --start-at" "  it says so"
is "$(wc -c < out)" 0 "  no event line: no worker started"

# ---- bad input: one line, exit 2, before any worker ----
rejects() { # rejects REGEX DESCRIPTION -- ARGS... (VAR=VALUE words first go to env)
    local regex=$1 desc=$2; shift 3
    run 20 env "$@"
    if [ "$rc" -eq 2 ] && [ "$(wc -l < err)" -eq 1 ] && [ ! -s out ] && grep -Eq -- "$regex" err; then
        ok 0 "$desc"
    else
        ok 1 "$desc"; diag "  status $rc: $(head -3 err)"
    fi
}
rejects "--shard '2/2': I must be below N" "--shard 2/2" -- "$LOGEN" "${DUMMY[@]}" --shard 2/2
rejects "--shard '1/0': N is 0" "--shard 1/0" -- "$LOGEN" "${DUMMY[@]}" --shard 1/0
rejects "--shard 'a/b'" "--shard a/b" -- "$LOGEN" "${DUMMY[@]}" --shard a/b
rejects "--shard '-1/2'" "--shard -1/2" -- "$LOGEN" "${DUMMY[@]}" --shard -1/2
rejects "SLURM_PROCID=2 is not below SLURM_NTASKS=2" "a Slurm rank >= size" -- \
    SLURM_PROCID=2 SLURM_NTASKS=2 "$LOGEN" "${DUMMY[@]}"
rejects "OMPI_COMM_WORLD_RANK=5 is not below OMPI_COMM_WORLD_SIZE=3" "an MPI rank >= size" -- \
    OMPI_COMM_WORLD_RANK=5 OMPI_COMM_WORLD_SIZE=3 "$LOGEN" "${DUMMY[@]}"
rejects "JOB_COMPLETION_INDEX is set but LOGEN_SHARDS is not" "a K8s index without LOGEN_SHARDS" -- \
    JOB_COMPLETION_INDEX=0 "$LOGEN" "${DUMMY[@]}"
rejects "--start-at is [0-9.]+ s in the past, more than the run's length" \
    "--start-at in the past by more than the run" -- "$LOGEN" "${DUMMY[@]}" --duration 5 --start-at 1000
rejects "--start-at 'soon'" "--start-at soon" -- "$LOGEN" "${DUMMY[@]}" --start-at soon

done_testing
