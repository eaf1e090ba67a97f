#!/bin/bash
# logen merge: two real runs of one scenario (a closed line, cuts.Dummy
# with a known sleep, and an open-model line), run as two injectors would
# (one with fewer workers); one of them merged alone gives its summary JSON
# back byte for byte; the two merged:
#   - the merged summary JSON validates against the schema and agrees with
#     the text end summary merge prints (tests/summary/check.py);
#   - counts are the sums of the runs' (per row, per line, in all);
#   - every merged histogram equals, count for count, the runs' histograms
#     added by an independent implementation (hdr-histogram-js,
#     tests/hdr/merge.js), and matches the exact percentiles of both runs'
#     event lines (--outformat json) within the histogram's stated error;
#   - thresholds are re-evaluated on the merge: one that fails on each run
#     passes on the merge (exit 0), one that passes on each fails on it
#     (exit 99);
# then the refusals, each one line and exit 2: a file that is not JSON, a
# file of another schema version, a field missing, a histogram that does
# not decode, runs of different CUTs, of different --summary periods, of
# different line counts, one run twice, and -o naming an input; and three
# shards of a run (--shard I/3, one --start-at) merged into all of it, one
# of them missing or twice refused.
. "$(dirname "$0")/lib.sh"

SCHEMA=$ROOT/src/summary-1.schema.json
HDR_DIR=$ROOT/tests/hdr
PY=/usr/bin/python3

node_checker "$HDR_DIR" hdr-histogram-js

# json FILE EXPR: a figure of a summary, by a Python expression over d
json() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# 1. two injectors of one scenario: A has 2 closed workers, B 1 (process
# and loops may differ); each has 40 open events. A: 2 x 30 loops of 2
# steps + 40 = 160 requests, B: 1 x 40 x 2 + 40 = 120.
cat > a.txt <<'SC'
cuts.Dummy --id closed --proc 2 --loops 30 --steps 1,2 --extra '{"sleep": 0.002}'
cuts.Dummy --id open --open --pre 2 --sche 2@20 --steps 1 --extra '{"sleep": 0.003}'
SC
sed 's/--proc 2 --loops 30/--proc 1 --loops 40/' a.txt > b.txt
for x in a b; do
    run 120 "$LOGEN" scenario --file $x.txt --summary 0.5 --summary-json $x.json --outformat json \
        --threshold 'count>250'
    is "$rc" 99 "run $x: its threshold count>250 is not met (exit 99)"
    cp out $x.ev
done
is "$(json a.json 'd["totals"]["requests"]'):$(json b.json 'd["totals"]["requests"]')" 160:120 \
    "the runs made 160 and 120 requests"

# a real run's summary loaded and written again: the same document
run 60 "$LOGEN" merge a.json -o a1.json
is "$rc" 99 "run a alone, merged: the exit status of its run (99)"
is "$(cmp a.json a1.json 2>&1 && echo same)" same "... and its summary JSON again, byte for byte"

run 60 "$LOGEN" merge a.json b.json -o m.json
is "$rc" 0 "merged, count>250 is met: exit 0"
like "$(cat out)" "^  ok +count>250 +count = 280$" "... the text summary on stdout says so"
is "$(wc -c < err)" 0 "... nothing on stderr"
like "$(head -1 out)" "^==== merge of 2 summaries; the clock starts at the earliest, [0-9-]+ [0-9:]+ UTC ====$" \
    "... after a heading"
like "$(sed -n 2,3p out | tr '\n' ' ')" "^  a.json: started at \+[0-9.]+ s \(host .+\), 160 requests   b.json: started at \+[0-9.]+ s \(host .+\), 120 requests $" \
    "... naming each input, its start on the merged clock, its requests"
checks "merged: " "$PY" "$ROOT/tests/summary/check.py" "$SCHEMA" m.json out
is "$(json m.json 'd["meta"]["merged"], d["totals"]["requests"], d["records"]["received"] == sum(json.load(open(f))["records"]["received"] for f in ("a.json", "b.json"))')" \
    "(2, 280, True)" "meta.merged 2, the requests and records received add"
is "$(json m.json '[(r["name"], r["count"]) for l in d["lines"] for r in l["rows"]]')" \
    "[('RMngr.R_1', 100), ('RMngr.R_2', 100), ('RMngr.R_1', 80)]" "each row's count is the sum of the runs' (60 + 40, 60 + 40, 40 + 40)"
is "$(json m.json '[l["open_model"] and (l["open_model"]["generated"], l["open_model"]["phase_table"][0]["asked_from"]) for l in d["lines"]]')" \
    "[None, (80, 40.0)]" "the open line: events and the rate asked add"
is "$(json m.json '[sum(i["lines"][l]["requests"] for i in d["intervals"]) for l in range(2)], [sum(r["count"] for r in l["rows"]) for l in d["lines"]]')" \
    "([200, 80], [200, 80])" "the merged series adds up to each line's requests"
is "$(json m.json 'all(i["end_s"] - i["start_s"] <= 0.5 + 1e-9 and abs(i["start_s"] / 0.5 - round(i["start_s"] / 0.5)) < 1e-9 for i in d["intervals"])')" \
    True "... on the common 0.5 s period, from the earliest start"
checks "merged: " node "$HDR_DIR/merge.js" --merged m.json --inputs a.json,b.json --events a.ev,b.ev
checks "merged: " node "$HDR_DIR/summary.js" m.json

# 2. a threshold met by each run, not by the merge
for x in a b; do
    run 60 "$LOGEN" merge $x.json --threshold 'count<200'
    like "$(cat out)" "^  ok +count<200 " "run $x alone meets count<200"
done
run 60 "$LOGEN" merge a.json b.json --threshold 'count<200'
is "$rc" 99 "their merge does not: exit 99"
like "$(cat out)" "^  FAILED count<200 +count = 280$" "... the summary says so"
like "$(tail -1 out)" "^result: FAILED: 1 threshold not met \(exit 99\)" "... in its result line"

# 3. refusals
# quick NAME CUT [ARG...]: a one-request run with --summary-json NAME.json
quick() {
    local name=$1 cut=$2
    shift 2
    run 60 "$LOGEN" "$cut" --id q --loops 1 --steps 1 --extra '{"sleep": 0}' --outformat none \
        --summary-json "$name.json" "$@"
    is "$rc" 0 "a quick run for $name.json: exit 0"
}
sed 's/logen.cut "Dummy"/logen.cut "Other"/' "$ROOT/cuts/Dummy.lua" > Other.lua
quick q1 cuts.Dummy
quick q2 ./Other.lua
quick q3 cuts.Dummy --summary 0.5
quick q4 cuts.Dummy --extra '{"sleep": 0, "other": 1}'
echo '{"schema": "logen-summary/1", "meta": [' > bad.json
sed 's/"logen-summary\/1"/"logen-summary\/2"/' q1.json > v2.json
"$PY" -c 'import json; d = json.load(open("q1.json")); del d["lines"][0]["rows"][0]["histogram"]; json.dump(d, open("nohist.json", "w"))'
"$PY" -c 'import json; d = json.load(open("q1.json")); d["lines"][0]["rows"][0]["histogram"] = "HISTFAAAAAAAAAA="; json.dump(d, open("badhist.json", "w"))'
cp q1.json keep.json
refused() { refused_with "$1" "$LOGEN" merge "${@:2}"; }
refused '^logen: merge: bad.json: not JSON: line 2, column 0: ' q1.json bad.json
refused '^logen: merge: v2.json: schema logen-summary/2; this logen reads logen-summary/1$' q1.json v2.json
refused '^logen: merge: nohist.json: lines\[0\]\.rows\[0\]\.histogram: missing$' nohist.json q1.json
refused '^logen: merge: badhist.json: lines\[0\]\.rows\[0\]\.histogram: does not decode: ' badhist.json
refused '^logen: merge: q2.json: line 1: CUT Other, q1.json.s is Dummy: they must be equal to merge$' \
    q1.json q2.json
refused '^logen: merge: q3.json: --summary period 0.5 s, q1.json.s is 1 s' q1.json q3.json
refused '^logen: merge: a.json: 2 lines, q1.json has 1' q1.json a.json
refused '^logen: merge: q4.json: line 1: option extra is .*other.*: they must be equal to merge$' q1.json q4.json
cp q1.json copy.json
refused '^logen: merge: copy.json is the run of q1.json \(same host, start and command line\): it would count twice$' \
    q1.json copy.json
refused '^logen: merge: -o keep.json is the input keep.json: refusing to overwrite it' q1.json keep.json -o keep.json
is "$(cmp keep.json q1.json && echo same)" same "... which is left as it was"
refused "^logen: merge: unknown option '--nope'" q1.json --nope

# shards without a cluster engine (issue 11): --shard I/3 at one --start-at,
# at once; the three merge into all of the run, one missing or one twice is
# refused (tests/e2e/slurm.t does the same under srun)
start=$(awk -v now="$EPOCHREALTIME" 'BEGIN { printf "%.3f", now + 2 }')
pids=
for i in 0 1 2; do
    timeout -k 5 $((60 * MULT)) "$LOGEN" cuts.Dummy --id q --process 3 --loops 1 --steps 1 \
        --extra '{"sleep": 0}' --outformat none --shard "$i/3" --start-at "$start" \
        --summary-json "s$i.json" 2> "s$i.err" &
    pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
is "$bad" 0 "shards 0/3, 1/3 and 2/3 at one --start-at: exit 0"
run 60 "$LOGEN" merge s0.json s1.json s2.json -o s.json
is "$rc" 0 "the 3 shards merge: exit 0"
is "$(json s.json 'd["meta"]["shard"], d["meta"]["merged"], d["totals"]["requests"]')" \
    "({'index': None, 'count': 3}, 3, 3)" "... into all 3 of the run (index null): its 3 workers' requests"
refused '^logen: merge: shard 1 of 3 missing: 2 of the run.s 3 shards given, merge all of them$' \
    s0.json s2.json
refused '^logen: merge: s1.json: shard 1/3, as s1.json: each shard may be merged once$' \
    s0.json s1.json s2.json s1.json
refused "^logen: merge: no summary to merge" -o x.json
run 30 "$LOGEN" merge a.json --help
is "$rc" 0 "merge --help: exit 0"
like "$(head -1 out)" "^usage: logen merge SUMMARY.json\.\.\. \[-o MERGED.json\] \[--threshold EXPR\]\.\.\.$" \
    "... its usage, as logen help merge prints it"
done_testing
