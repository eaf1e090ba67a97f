#!/bin/bash
# Shards on a real Slurm (issue 11): a private one-node cluster (slurm.sh),
# srun -O -n 2 and -n 3 tasks of one logen command, each taking its shard
# from SLURM_PROCID/SLURM_NTASKS, all at one --start-at, each writing its
# own files through %t (--output, --summary-json). Against the same run on
# one machine (--shard 0/1):
#   - open model (a flat phase then a ramp, 300 events): the union of the
#     shards' generated events has the schedule's count exactly, and per
#     phase the union of their intended times is the one-machine run's;
#   - closed model (--process 5 --loops 4): the workers and the loops of
#     all shards are the one-machine run's;
#   - logen merge of the shards' summaries: the merged summary validates
#     (tests/summary/check.py, against merge's text summary), its counts
#     are the sums, and its histograms the sums of the shards'
#     (tests/hdr/merge.js, an independent implementation);
# then the shipped batch script, scenarios/deploy/slurm/logen.sbatch, run
# by sbatch --wait with small parameters: its merged summary holds every
# event. Waits are on job states and files; the daemons are stopped by PID.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/slurm.sh"

# No engine of the caller's may choose a shard for the one-machine runs.
unset SLURM_PROCID SLURM_NTASKS JOB_COMPLETION_INDEX LOGEN_SHARDS OMPI_COMM_WORLD_RANK \
    OMPI_COMM_WORLD_SIZE PMI_RANK PMI_SIZE

SCHEMA=$ROOT/src/summary-1.schema.json
HDR_DIR=$ROOT/tests/hdr
DUMMY=(cuts.Dummy --extra '{"sleep": 0}' --steps 1)
SCHED=1@100,1@100-300   # 100 + 200 events: a flat phase [0, 1 s), a ramp [1 s, 2 s)
OPEN=("${DUMMY[@]}" --open --pre 2 --sche "$SCHED" --outformat raw -q)
CLOSED=("${DUMMY[@]}" --process 5 --rampup 0.05 --loops 4 --outformat raw -q)

# merged WHAT DIR: logen merge of DIR's shards into DIR/merged.json: exit 0,
# valid against the schema and its text summary, meta.shard all of them,
# its counts the sums of theirs, each histogram the sum of theirs
merged() {
    local what=$1 dir=$2 n
    n=$(ls "$dir"/shard-*.json | wc -l)
    run 60 "$LOGEN" merge "$dir"/shard-*.json -o "$dir/merged.json"
    is "$rc" 0 "$what: logen merge of the $n shards: exit 0"
    like "$(head -1 out)" "^==== merge of $n summaries \(all the shards of one run\); " \
        "$what, merged: its heading says it is all the shards of one run"
    like "$(sed -n "2p;$((n + 1))p" out | tr '\n' ' ')" "^  $dir/shard-0.json: .*\(host .*, shard 0/$n\), [0-9]+ requests   $dir/shard-$((n - 1)).json: .*, shard $((n - 1))/$n\)" \
        "$what, merged: and names each input's shard"
    checks "$what, merged: " python3 "$ROOT/tests/summary/check.py" "$SCHEMA" "$dir/merged.json" out
    is "$(python3 -c '
import json, sys
def figs(d):
    l = d["lines"][0]
    f = {"requests": d["totals"]["requests"], "received": d["records"]["received"],
         "workers": l["workers"]["started"], "generated": (l["open_model"] or {}).get("generated", 0)}
    f.update(("row " + r["name"], r["count"]) for r in l["rows"])
    return f
m = json.load(open(sys.argv[1]))
s = [figs(json.load(open(f))) for f in sys.argv[2:]]
sums = {k: sum(x.get(k, 0) for x in s) for x in s for k in x}
print(m["meta"]["shard"], m["meta"]["merged"], figs(m) == sums)
' "$dir/merged.json" "$dir"/shard-*.json)" "{'index': None, 'count': $n} $n True" \
       "$what, merged: all $n shards (index null), and its counts are the sums of theirs"
    checks "$what, merged: " node "$HDR_DIR/merge.js" --merged "$dir/merged.json" \
        --inputs "$(ls "$dir"/shard-*.json | paste -sd,)"
}

# json FILE EXPR: a figure of a summary, by a Python expression over d
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# at SECONDS: an epoch a few seconds ahead, with decimals, computed once
at() { awk -v now="$EPOCHREALTIME" -v s="$1" 'BEGIN { printf "%.3f", now + s }'; }

# phases FILE...: the intended times (ns from the agreed start) of raw event
# lines, sorted, each prefixed with its phase (1: before 1 s, 2: after)
phases() {
    cat "$@" | grep -o '"intended_ns":[0-9]*' | cut -d: -f2 | sort -n |
        awk '{ print ($1 < 1000000000 ? 1 : 2), $1 }'
}

if ! slurm_start; then
    ok 1 "a one-node Slurm cluster starts (slurm.sh)"
    done_testing
    exit 1
fi
ok 0 "a one-node Slurm cluster starts (slurm.sh)"
node_checker "$HDR_DIR" hdr-histogram-js

# the one-machine references
run 60 "$LOGEN" "${OPEN[@]}" --shard 0/1 --start-at +0.1 --summary-json open-whole.json
is "$rc" 0 "open, one machine (--shard 0/1): exit 0"
phases out > open-whole
is "$(wc -l < open-whole)" 300 "open, one machine: the schedule's 300 events"
run 60 "$LOGEN" "${CLOSED[@]}" --shard 0/1 --summary-json closed-whole.json
is "$rc" 0 "closed, one machine: exit 0"
closed_whole=$(json closed-whole.json 'd["lines"][0]["workers"]["started"], d["totals"]["requests"]')
is "$closed_whole" "(5, 20)" "closed, one machine: 5 workers, 4 loops each"

for n in 2 3; do
    mkdir "o$n" "c$n"
    start=$(at 3)
    run 120 srun -O -n "$n" "$LOGEN" "${OPEN[@]}" --start-at "$start" \
        --output "o$n/ev-%t.txt" --summary-json "o$n/shard-%t.json"
    is "$rc" 0 "open, srun -n $n: exit 0"
    is "$(ls "o$n" | sort | tr '\n' ' ')" \
       "$(for i in $(seq 0 $((n - 1))); do printf 'ev-%d.txt shard-%d.json ' "$i" "$i"; done | tr ' ' '\n' | sort | tr '\n' ' ')" \
       "open, srun -n $n: each task wrote its own files (%t)"
    is "$(for i in $(seq 0 $((n - 1))); do json "o$n/shard-$i.json" "d['meta']['shard']['index'], d['meta']['shard']['count'], abs(d['meta']['start_epoch_s'] - $start) < 1e-6"; done | tr '\n' ' ')" \
       "$(for i in $(seq 0 $((n - 1))); do printf '(%d, %d, True) ' "$i" "$n"; done)" \
       "open, srun -n $n: shards 0 to $((n - 1)) of $n (SLURM_PROCID, SLURM_NTASKS), one start"
    is "$(for i in $(seq 0 $((n - 1))); do json "o$n/shard-$i.json" 'd["lines"][0]["open_model"]["generated"]'; done | awk '{ s += $1 } END { print s }')" \
       300 "open, srun -n $n: the shards generated 300 events in all"
    phases "o$n"/ev-*.txt > "open-$n"
    for p in 1 2; do
        if cmp -s <(grep "^$p " "open-$n") <(grep "^$p " open-whole); then
            ok 0 "open, srun -n $n, phase $p: the union of the intended times is the one-machine run's ($(grep -c "^$p " open-whole))"
        else
            ok 1 "open, srun -n $n, phase $p: the union of the intended times is the one-machine run's"
            diff <(grep "^$p " "open-$n") <(grep "^$p " open-whole) | head -5 | diag "$(cat)"
        fi
    done
    is "$(python3 -c '
import json, sys
s = [json.load(open(f)) for f in sys.argv[1:]]
print([sum(x["lines"][0]["open_model"]["phase_table"][p]["generated"] for x in s) for p in (0, 1)])
' "o$n"/shard-*.json)" "$(json open-whole.json '[p["generated"] for p in d["lines"][0]["open_model"]["phase_table"]]')" \
       "open, srun -n $n: per phase, the shards' generated events add up to the one-machine run's"
    merged "open, srun -n $n" "o$n"
    is "$(json "o$n/merged.json" 'd["lines"][0]["open_model"]["generated"]')" 300 \
       "open, srun -n $n, merged: the schedule's 300 events"

    run 120 srun -O -n "$n" "$LOGEN" "${CLOSED[@]}" --start-at "$(at 3)" \
        --output "c$n/ev-%t.txt" --summary-json "c$n/shard-%t.json"
    is "$rc" 0 "closed, srun -n $n: exit 0"
    is "$(python3 -c '
import json, sys
s = [json.load(open(f)) for f in sys.argv[1:]]
print((sum(x["lines"][0]["workers"]["started"] for x in s), sum(x["totals"]["requests"] for x in s)))
' "c$n"/shard-*.json)" "$closed_whole" "closed, srun -n $n: the workers and loops of all shards are the one-machine run's"
    # a worker: its shard's id and its pid (fullId ID-sI.PID.CUT...)
    is "$(cat "c$n"/ev-*.txt | grep -o '"fullId":"[^.]*\.[0-9]*' | sort | uniq -c | awk '{ print $1 }' | sort -u | tr '\n' ' ')" "4 " \
       "closed, srun -n $n: every worker ran its 4 loops"
    merged "closed, srun -n $n" "c$n"
    is "$(json "c$n/merged.json" 'd["lines"][0]["workers"]["started"], d["totals"]["requests"]')" \
       "$closed_whole" "closed, srun -n $n, merged: the one-machine run's workers and loops"
done

# a shard missing, a shard twice: one line each, exit 2, nothing merged
run 30 "$LOGEN" merge o3/shard-0.json o3/shard-2.json
is "$rc:$(wc -l < err)" 2:1 "merge of shards 0 and 2 of 3: exit 2, one line"
like "$(cat err)" "^logen: merge: shard 1 of 3 missing: 2 of the run's 3 shards given, merge all of them$" \
    "  it says shard 1 is missing"
run 30 "$LOGEN" merge o3/shard-0.json o3/shard-1.json o3/shard-2.json o3/shard-1.json
is "$rc:$(wc -l < err)" 2:1 "merge of shard 1 of 3 twice: exit 2, one line"
like "$(cat err)" "^logen: merge: o3/shard-1.json: shard 1/3, as o3/shard-1.json: each shard may be merged once$" \
    "  it says shard 1 is there twice"

# the shipped batch script, small: 2 tasks, the open run
sb=$ROOT/scenarios/deploy/slurm/logen.sbatch
run 180 env LOGEN="$LOGEN" OUT="$T/sb" START_IN=3 \
    sbatch --wait -O -n 2 -o "$T/sb.out" "$sb" "${OPEN[@]}"
is "$rc" 0 "sbatch --wait logen.sbatch (2 tasks): the job completes, exit 0"
is "$(ls sb | grep -c '^shard-[01]\.json$')" 2 "logen.sbatch: a summary per task"
is "$(json sb/merged.json 'd["meta"]["merged"], d["lines"][0]["open_model"]["generated"]')" "(2, 300)" \
   "logen.sbatch: its merged summary holds both shards and every event"
like "$(cat sb.out)" "^result: OK" "logen.sbatch: the job's output ends with the merged summary"
done_testing
