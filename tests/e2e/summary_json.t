#!/bin/bash
# --summary-json: every summary a run writes validates against
# src/summary-1.schema.json with an independent validator (Debian's
# python3-jsonschema), agrees with the text end summary of the same run
# (tests/summary/check.py: every row's count, errors, throughput and
# latency figures at the text's precision, the totals, records, thresholds
# and result), and its histograms decode with hdr-histogram-js to the same
# counts (tests/hdr/summary.js). Runs: a closed run with transactions and
# errors, an open run, a scenario of two lines with thresholds, an
# interrupted run; the latency per interval of a one-worker run against
# its event lines (tests/summary/intervals.py). Then: the file is 0644, and
# the option is refused on an input, on another output, on a scenario line
# and where it cannot be opened.
. "$(dirname "$0")/lib.sh"

SCHEMA=$ROOT/src/summary-1.schema.json
HDR_DIR=$ROOT/tests/hdr
PY=/usr/bin/python3

timeout -k 5 "$(awk -v m="$MULT" 'BEGIN { print 300 * m }')" "$HDR_DIR/install.sh" > npm.out 2>&1
ok $? "hdr-histogram-js installed in tests/hdr/node_modules (npm ci from the lock)"
[ -d "$HDR_DIR/node_modules/hdr-histogram-js" ] || { diag "$(tail -5 npm.out)"; done_testing; exit 1; }

# summary_ok LABEL JSON: the JSON against the schema, the text summary in
# err, and hdr-histogram-js
summary_ok() {
    cp err "$2.txt"
    checks "$1: " "$PY" "$ROOT/tests/summary/check.py" "$SCHEMA" "$2" "$2.txt"
    checks "$1: " node "$HDR_DIR/summary.js" "$2"
}

# json FILE EXPR: a figure of the summary, by a Python expression over d
json() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# 1. closed, transactions and errors (every 4th call fails)
umask 000 # the file is 0644 whatever the umask lets through
run 60 "$LOGEN" cuts.Dummy --proc 2 --loops 4 --steps 1,2 --summary 0.2 --summary-json c.json \
    --extra '{"sleep": 0.002, "error": 4, "transaction": true}' --outformat none
is "$rc" 0 "closed run with --summary-json: exit 0"
is "$(stat -c %a c.json 2>/dev/null)" 644 "the file is created 0644, even under umask 000"
umask 022
summary_ok closed c.json
is "$(json c.json 'd["schema"], d["unit"], d["meta"]["version"], d["meta"]["argv"][1]')" \
    "('logen-summary/1', 'ms', '$("$LOGEN" --version | cut -d' ' -f2)', 'cuts.Dummy')" \
    "schema, unit, --version's version and the command line"
is "$(json c.json 'd["totals"]["transactions"] > 0 and d["totals"]["errors"] > 0')" True \
    "... the run had transactions and errors"
is "$(json c.json 'sum(i["lines"][0]["requests"] for i in d["intervals"]) == d["totals"]["requests"]')" \
    True "... its intervals add up to the requests"

# 2. open
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 1 --sche 1@20 --steps 1 \
    --summary-json o.json --outformat none
is "$rc" 0 "open run with --summary-json: exit 0"
summary_ok open o.json
is "$(json o.json '(o := d["lines"][0]["open_model"])["generated"], o["processed"] + o["dropped"], len(o["phase_table"]), o["phase_table"][0]["asked_from"]')" \
    "(20, 20, 1, 20.0)" "... its open-model table: 20 events generated and accounted for, one phase at 20/s"
like "$(cat err)" "^  queue depth high-water mark: $(json o.json 'd["lines"][0]["open_model"]["queue"]["high_water_mark"]') events" \
    "... the queue high-water mark is the text summary's"
is "$(json o.json '[sum(i["lines"][0][k] for i in d["intervals"]) for k in ("generated", "dropped", "requests")]')" \
    "[20, 0, 20]" "... its intervals add up to the events generated and dropped, and to the requests"

# 3. a scenario of two lines, with thresholds (one not met)
cat > sc.txt <<'SC'
cuts.Dummy --id fast --proc 1 --loops 3 --steps 1 --extra '{"sleep": 0.001}'
cuts.Dummy --id slow --proc 1 --loops 2 --steps 1 --extra '{"sleep": 0.02}' --threshold 'p50<1ms'
SC
run 60 "$LOGEN" scenario --file sc.txt --threshold 'count==5' --summary-json s.json
is "$rc" 99 "a scenario with a threshold not met: exit 99"
summary_ok scenario s.json
is "$(json s.json '[(t["expression"], t["line"], t["pass"]) for t in d["thresholds"]], d["result"]["exit_status"], d["thresholds_failed"]')" \
    "([('count==5', None, True), ('p50<1ms', 2, False)], 99, 1)" "... its thresholds and the exit status"
is "$(json s.json '[l["options"]["id"] for l in d["lines"]], d["all_lines"]["requests"]["count"]')" \
    "(['fast', 'slow'], 5)" "... both lines and the all-lines row"

# 4. interrupted
"$LOGEN" cuts.Dummy --proc 2 --duration 60 --steps 1 --extra '{"sleep": 0.01}' --summary-json i.json \
    >out 2>err &
main=$!
wait_for 30 test -s out
ok $? "the run writes event lines"
kill -INT "$main"
wait "$main"
is "$?" 130 "SIGINT: exit 130"
summary_ok interrupted i.json
is "$(json i.json 'd["result"]["status"], d["result"]["signal"], d["result"]["exit_status"]')" \
    "('interrupted', 2, 130)" "... the JSON says the run was interrupted"

# 5. latency per interval: one worker, requests of 1 to 7 ms, every 50th failing
run 60 "$LOGEN" -e 'self.n = (self.n or 0) + 1; if self.n % 50 == 0 then error("x") end; logen.sleep(0.001 * (1 + self.n % 7))' \
    --proc 1 --duration 3.5 --summary 1 --steps 1 --outformat json --summary-json iv.json
is "$rc" 0 "a run of 3.5 s at --summary 1: exit 0"
cp out iv.jsonl
summary_ok intervals iv.json
checks "intervals: " "$PY" "$ROOT/tests/summary/intervals.py" iv.json iv.jsonl

# 6. refusals
run 30 "$LOGEN" scenario --file sc.txt --summary-json sc.txt
is "$rc:$(wc -l < sc.txt)" 2:2 "--summary-json naming the scenario file: exit 2, the file intact"
like "$(cat err)" "^logen: --summary-json sc.txt is the scenario file .*refusing to overwrite" \
    "... with a line naming it"
echo "cuts.Dummy --proc 1 --loops 1 --summary-json x.json" > line.txt
run 30 "$LOGEN" scenario --file line.txt
is "$rc" 2 "--summary-json on a scenario line: exit 2"
like "$(cat err)" "--summary-json applies to the whole run" "... it belongs beside scenario"
# refused WHAT REGEX ARG...: a one-request run with ARG... exits 2, saying REGEX
refused() {
    local what=$1 re=$2
    shift 2
    run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' "$@"
    is "$rc" 2 "--summary-json $what: exit 2"
    like "$(cat err)" "$re" "... with a line saying so"
}
refused "naming the --hdr-log file" "^logen: --summary-json h.log is the --hdr-log file" \
    --hdr-log h.log --summary-json h.log
echo kept > ev.out
refused "naming the --output file under another name" "is the --output file" \
    --output ev.out --summary-json ./ev.out
is "$(cat ev.out)" kept "... which stays as it was"
refused "where it cannot be created" "^logen: --summary-json: cannot open no/such/dir/s.json" \
    --summary-json no/such/dir/s.json

# A file the result line vouches for is written out before it: one that
# cannot be (a full disk: /dev/full) makes the run FAILED, said once, never
# "result: OK" then exit 1.
for opt in --summary-json --report --hdr-log; do
    run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' "$opt" /dev/full
    is "$rc" 1 "$opt on a full disk: exit 1"
    like "$(grep '^result:' err)" "^result: FAILED: the $opt file could not be written \\(exit 1\\)$" \
        "... and the result line says why"
    is "$(grep -c "ERROR.*writing the $opt file" err)" 1 "... said once"
    is "$(grep -c "ERROR.*writing the $opt file: No space left on device" err)" 1 "... with the reason"
done
done_testing
