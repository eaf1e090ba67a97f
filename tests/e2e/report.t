#!/bin/bash
# The HTML report (--report FILE.html, logen report SUMMARY.json -o
# FILE.html) opened in Debian's headless Chromium (package chromium),
# driven by playwright-core from the npm registry (tests/report/install.sh
# installs it into tests/report/node_modules; no node, npm, registry or
# chromium: the test fails). tests/report/check.js checks each page
# against the summary it was drawn from: no console or page error, no
# request but its own file:// URL, the series and their points, the
# distribution's curves, the per-name table and its sorting, the result,
# the time marks, drawing within a time budget. Runs: a closed run, an
# open-model run, a scenario of three lines (one open, a threshold not
# met), an interrupted run, and a synthetic hour of ten lines
# (tests/report/long.py); two runs merged by logen report, and the same
# through logen merge -o; the two compared by logen compare -o (both runs
# on every chart, the table's marks those of the text). The
# screenshots are kept in tests/out/report/ ($LOGEN_TEST_OUT/report).
# Then bad input: a non-JSON file, a JSON without the schema, another
# schema version, no lines, a FIFO, summaries that do not merge, and
# --report refused where an output would be.
. "$(dirname "$0")/lib.sh"

REP_DIR=$ROOT/tests/report
SHOTS=${LOGEN_TEST_OUT:-$ROOT/tests/out}/report
mkdir -p "$SHOTS"
BUDGET_MS=$(awk -v m="$MULT" 'BEGIN { print int(10000 * m) }')

timeout -k 5 "$(awk -v m="$MULT" 'BEGIN { print 300 * m }')" "$REP_DIR/install.sh" > npm.out 2>&1
ok $? "playwright-core installed in tests/report/node_modules (npm ci from the lock)"
if [ -s npm.out ]; then diag "$(tail -5 npm.out)"; fi
[ -x /usr/bin/chromium ]
ok $? "Debian's chromium is installed (third_party/packages.txt)"
[ -d "$REP_DIR/node_modules/playwright-core" ] && [ -x /usr/bin/chromium ] || { done_testing; exit 1; }

# page NAME SUMMARY [BUDGET_MS [INPUTS]]: checks NAME.html against SUMMARY, keeps its
# screenshot; INPUTS: the files a merged page names
page() {
    checks "$1: " node "$REP_DIR/check.js" --html "$1.html" --summary "$2" \
        --shot "$SHOTS/$1.png" --budget-ms "${3:-$BUDGET_MS}" --inputs "${4:-}"
    diag "screenshot: $SHOTS/$1.png"
}

umask 000 # the report is 0644 whatever the umask lets through
run 60 "$LOGEN" cuts.Dummy --proc 2 --duration 1.5 --summary 0.25 --extra '{"sleep": 0.005}' \
    --report closed.html --summary-json closed.json --outformat none -q
is "$rc" 0 "a closed run with --report and --summary-json (exit 0)"
is "$(stat -c %a closed.html 2>/dev/null)" 644 "the report is created 0644, even under umask 000"
umask 022
page closed closed.json

run 30 "$LOGEN" report closed.json -o again.html
is "$rc:$(cat err)" 0: "logen report SUMMARY.json -o FILE.html (exit 0, nothing said)"
cmp -s <(sed 's/"label":"[^"]*"//' closed.html) <(sed 's/"label":"[^"]*"//' again.html)
ok $? "... the same page as --report drew at the end of the run (but for its label)"

# Two runs of one test (as on two injectors) drawn as one: logen report
# merges them as logen merge does, so its page is the one drawn from
# logen merge -o's summary, but for its label.
# dummy2 JSON SLEEP: a short closed run of one worker, two names
dummy2() {
    run 60 "$LOGEN" cuts.Dummy --proc 1 --duration 1 --summary 0.25 --extra "{\"sleep\": $2}" \
        --steps 1,2 --summary-json "$1" --outformat none -q
    is "$rc" 0 "a closed run sleeping $2 s, $1 (exit 0)"
}
dummy2 one.json 0.004
dummy2 two.json 0.004
dummy2 slow.json 0.008
run 30 "$LOGEN" report one.json two.json -o merged.html
is "$rc:$(cat err)" 0: "logen report A.json B.json -o FILE.html: exit 0, nothing said"
run 30 "$LOGEN" merge one.json two.json -o merged.json
is "$rc" 0 "logen merge -o of the same two (exit 0)"
run 30 "$LOGEN" report merged.json -o merged-file.html
is "$rc" 0 "... and logen report on its summary (exit 0)"
cmp -s <(sed 's/"label":"[^"]*"//' merged.html) <(sed 's/"label":"[^"]*"//' merged-file.html)
ok $? "... the same page as logen report A.json B.json (but for its label)"
page merged merged.json "$BUDGET_MS" one.json,two.json
page merged-file merged.json "$BUDGET_MS" merged.json

# logen compare -o: a run and one twice as slow on the same charts (BASE
# fainter), and the comparison's table marked where the text output
# marks `!`.
run 30 "$LOGEN" compare one.json slow.json --tolerance 20% -o compare.html
is "$rc" 98 "logen compare BASE.json NEW.json -o FILE.html: exit 98, NEW is slower"
cp out compare.txt
checks "compare: " node "$REP_DIR/check.js" --html compare.html --base one.json --new slow.json \
    --compare-text compare.txt --shot "$SHOTS/compare.png" --budget-ms "$BUDGET_MS"
diag "screenshot: $SHOTS/compare.png"
run 30 "$LOGEN" compare one.json one.json -o same.html
is "$rc" 0 "a run compared with itself, -o: exit 0"
cp out same.txt
checks "compare itself: " node "$REP_DIR/check.js" --html same.html --base one.json --new one.json \
    --compare-text same.txt --shot "$SHOTS/compare-same.png" --budget-ms "$BUDGET_MS"

run 60 "$LOGEN" cuts.Dummy --openedmodel --schedule 0.75@40,0.75@40-120 --prefork 2 --trigger 2 \
    --controllerDelay 0.1 --summary 0.25 --steps 1,2 --extra '{"sleep": 0.005}' \
    --report open.html --summary-json open.json --outformat none -q
is "$rc" 0 "an open-model run with --report (exit 0)"
page open open.json

cat > sc.txt <<'SC'
cuts.Dummy --id base --duration 2 --steps 1,2 --extra '{"sleep": 0.004}'
cuts.Dummy --id spike --postpone 0.5 --duration 1 --proc 2 --steps 1 --extra '{"sleep": 0.002}'
cuts.Dummy --id open --openedmodel --prefork 2 --schedule 0.5@20,1@20-60 --trigger 2 --controllerDelay 0.1 --steps 1 --extra '{"sleep": 0.01}'
SC
run 60 "$LOGEN" scenario --file sc.txt --summary 0.25 --report scenario.html --summary-json sc.json \
    --threshold 'p99<10s' --threshold 'p50<1us' --outformat none -q
is "$rc" 99 "a scenario of three lines, a threshold not met (exit 99)"
page scenario sc.json

: >out # emptied before the run starts, so waits never read an earlier run's lines
"$LOGEN" cuts.Dummy --proc 2 --duration 60 --summary 0.1 --steps 1 --extra '{"sleep": 0.01}' \
    --report interrupted.html --summary-json int.json >>out 2>err &
main=$!
wait_for 30 awk 'END { exit NR < 60 }' out
ok $? "a long run writes event lines"
kill -INT "$main"
wait "$main"
is "$?" 130 "SIGINT: exit 130, and the report is written all the same"
page interrupted int.json

timeout 60 python3 "$REP_DIR/long.py" sc.json long.json 3600 10
ok $? "a synthetic summary of 3600 intervals and ten lines, from the scenario's"
start=$EPOCHREALTIME
run 60 "$LOGEN" report long.json -o long.html
is "$rc" 0 "logen report on it (exit 0)"
between "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" 0 "$(awk -v m="$MULT" 'BEGIN { print 10 * m }')" \
    "... written within 10 s"
page long long.json "$((2 * BUDGET_MS))"

# Bad input: one line naming the file and the reason, exit 2, no report.
# refused WHAT REGEX ARGS...: logen report ARGS exits 2 with one line matching REGEX
refused() {
    local what=$1 re=$2
    shift 2
    rm -f bad.html
    run 30 "$LOGEN" report "$@"
    is "$rc:$(wc -l < err)" 2:1 "$what: exit 2, one line"
    like "$(cat err)" "$re" "... which says: $(head -c 90 err)"
    [ ! -e bad.html ]
    ok $? "... and no report written"
}
# (the reader of logen merge and compare, results_load.c, says why)
echo 'hello, world' > notjson.json
refused "a file that is not JSON" "^logen: report: notjson.json: not JSON: line 1, column [0-9]+: .*hello" \
    notjson.json -o bad.html
echo '{"unit": "ms", "lines": [{}]}' > noschema.json
refused "JSON without the schema" '^logen: report: noschema.json: not a logen summary \(no "schema"\)$' \
    noschema.json -o bad.html
sed 's/"logen-summary\/1"/"logen-summary\/2"/' closed.json > v2.json
refused "another schema version" '^logen: report: v2.json: schema logen-summary/2; this logen reads logen-summary/1$' \
    v2.json -o bad.html
sed 's/"lines"/"lignes"/' closed.json > nolines.json
refused "a summary without its lines" '^logen: report: nolines.json: .*lines' nolines.json -o bad.html
refused "a missing file" '^logen: report: nosuch.json: unable to open nosuch.json: No such file or directory$' \
    nosuch.json -o bad.html
refused "a merge of one good summary and a bad one" '^logen: report: notjson.json: not JSON' \
    closed.json notjson.json -o bad.html
refused "two summaries that do not merge" '^logen: report: open.json: .*' closed.json open.json -o bad.html
mkfifo fifo.json
refused "a FIFO" '^logen: report: fifo.json: not a regular file$' fifo.json -o bad.html
refused "no -o" '^logen: usage: logen report SUMMARY.json\.\.\. -o FILE.html$' closed.json
cp closed.json keep.json
refused "-o naming the input" '^logen: report: -o keep.json is the input keep.json: refusing to overwrite it$' \
    keep.json -o keep.json
cmp -s keep.json closed.json
ok $? "... which stays as it was"

run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --summary-json s.json --report s.json
is "$rc" 2 "--report naming the --summary-json file: exit 2"
like "$(cat err)" "^logen: --report s.json is the --summary-json file" "... with a line saying so"
echo "cuts.Dummy --proc 1 --loops 1 --report x.html" > line.txt
run 30 "$LOGEN" scenario --file line.txt
is "$rc" 2 "--report on a scenario line: exit 2"
like "$(cat err)" "--report applies to the whole run" "... it belongs beside scenario"
run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --report no/such/dir/r.html
is "$rc" 2 "--report where it cannot be created: exit 2"
like "$(cat err)" "^logen: --report: cannot open no/such/dir/r.html" "... with the reason"
done_testing
