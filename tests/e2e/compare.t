#!/bin/bash
# logen compare BASE.json NEW.json [--tolerance P%]: two runs of cuts.Dummy
# with the same sleep are not flagged at a tolerance above this machine's
# jitter (exit 0); a run sleeping twice as long is flagged where latency
# went up (p50, p90, p99 marked `!`) and exits 98; the reverse comparison
# (an improvement) is not flagged; a run with errors is flagged on its error
# ratio; bad input is one line and exit 2 (not JSON, another schema, a file
# missing, an argument count or a tolerance that is wrong, -o naming an
# input or where nothing can be created); -o writes the page beside the
# same text and exit status; scenario lines matched by id when all have
# one, else by index.
. "$(dirname "$0")/lib.sh"

# dummy SLEEP JSON [ARG...]: a short closed run of one worker
dummy() {
    local sleep=$1 out=$2
    shift 2
    run 60 "$LOGEN" cuts.Dummy --id c --proc 1 --loops 10 --steps 1 --outformat none \
        --extra "{\"sleep\": $sleep$*}" --summary-json "$out"
    is "$rc" 0 "a run sleeping $sleep s: exit 0"
}
# (sleeps of 0.1 s: long beside this machine's scheduling jitter under
# load, which one late wake-up puts in p99 and max of ten requests)
dummy 0.1 base.json
dummy 0.1 same.json
dummy 0.2 slow.json
dummy 0.1 errs.json ', "error": 5'

# change FIELD: the change of the (all requests) row, column FIELD (1: count)
change() { awk -v f="$1" '/\(all requests\)/ { n = NR } n && NR == n + 2 { print $(f + 1) }' out; }

run 30 "$LOGEN" compare base.json same.json --tolerance 50%
is "$rc" 0 "the same run twice, at 50%: exit 0"
like "$(tail -1 out)" "^result: OK: nothing worse than BASE by more than 50%" "... the result line says so"
is "$(grep -c '!' out)" 0 "... nothing is marked"
[ "$rc" = 0 ] || diag "$(cat out)" # what the machine's load moved, should it be flaky
like "$(head -1 out)" "^==== compare: BASE base.json, NEW same.json; tolerance 50% ====" "... the heading names both"
like "$(cat out)" "line 1: id c, cut Dummy" "... the line"
like "$(cat out)" "  req  RMngr.R_1 +BASE +10 +0 " "... its row, BASE"

run 30 "$LOGEN" compare base.json slow.json --tolerance 50%
is "$rc" 98 "a CUT sleeping twice as long: exit 98"
like "$(change 4)" '^\+(9[0-9]|1[0-9][0-9])\.[0-9]%!$' "... p50 about +100%, marked"
like "$(change 5)" '!$' "... p90 marked"
like "$(change 6)" '!$' "... p99 marked"
like "$(tail -1 out)" "^result: REGRESSED: [0-9]+ figures worse than BASE by more than 50% \(exit 98\)" \
    "... the result line says so"

run 30 "$LOGEN" compare slow.json base.json --tolerance 50%
is "$rc" 0 "the reverse, an improvement: exit 0"
like "$(change 4)" '^-[0-9.]+%$' "... p50 down, unmarked"

run 30 "$LOGEN" compare base.json errs.json --tolerance 50%
is "$rc" 98 "errors where there were none: exit 98"
is "$(change 2)" 'up!' "... the error ratio is marked"
like "$(cat out)" "RMngr.R-ERROR +only in NEW \(2\)" "... and the new row listed"

run 30 "$LOGEN" compare base.json slow.json
is "$rc" 98 "the default tolerance is 5%"
like "$(head -1 out)" "tolerance 5% ====" "... and says so"

# Scenario lines are matched by id when every line of both runs has one
# of its own: NEW's "fast" is its third line, and twice as slow.
cat > s1.txt <<'SC'
cuts.Dummy --id fast --loops 3 --steps 1 --extra '{"sleep": 0.1}'
cuts.Dummy --id slow --loops 3 --steps 1 --extra '{"sleep": 0.1}'
SC
cat > s2.txt <<'SC'
cuts.Dummy --id new --loops 1 --steps 1 --extra '{"sleep": 0}'
cuts.Dummy --id slow --loops 3 --steps 1 --extra '{"sleep": 0.1}'
cuts.Dummy --id fast --loops 3 --steps 1 --extra '{"sleep": 0.2}'
SC
sed 's/--id [a-z]* //' s1.txt > n1.txt
sed 's/--id [a-z]* //' s2.txt > n2.txt
for s in s1 s2 n1 n2; do
    run 60 "$LOGEN" scenario --file $s.txt --outformat none --summary-json $s.json
    is "$rc" 0 "a scenario, $s.txt: exit 0"
done
run 30 "$LOGEN" compare s1.json s2.json --tolerance 50%
is "$rc" 98 "lines with ids of their own: matched by id, NEW's fast line is slower (exit 98)"
like "$(grep '^line' out | tr '\n' '|')" '^line 1: id fast, cut Dummy \(NEW: line 3\)\|line 2: id slow, cut Dummy\|line 1 of NEW: id new, cut Dummy: only in NEW\|$' \
    "... fast with NEW's line 3, slow with line 2, new only in NEW"
is "$(awk '/^line 2:/ { n = 1 } n && /!/' out | wc -l)" 0 "... the slow line, the same in both, is not marked"
run 30 "$LOGEN" compare n1.json n2.json --tolerance 50%
like "$(grep '^line' out | tr '\n' '|')" '^line 1: id n1:1, cut Dummy \(NEW: id n2:1, cut Dummy\)\|line 2: id n1:2, cut Dummy \(NEW: id n2:2, cut Dummy\)\|line 3 of NEW: id n2:3, cut Dummy: only in NEW\|$' \
    "scenario lines without --id (ids named after their files, none shared): matched by index"

# bad input: one line, exit 2
echo 'not { json' > bad.txt
sed 's/"logen-summary\/1"/"logen-summary\/7"/' base.json > v7.json
echo '{"a": 1}' > other.json
refused() { refused_with "$1" "$LOGEN" compare "${@:2}"; }
refused '^logen: compare: bad.txt: not JSON: line 1, column' base.json bad.txt
refused '^logen: compare: v7.json: schema logen-summary/7; this logen reads logen-summary/1$' v7.json base.json
refused '^logen: compare: other.json: not a logen summary \(no "schema"\)$' base.json other.json
refused '^logen: compare: nope.json: unable to open' base.json nope.json
refused '^logen: compare: two summaries expected, 1 given' base.json
refused "^logen: compare: --tolerance 'lots': a percentage >= 0 expected" base.json same.json --tolerance lots
refused "^logen: compare: unknown option '--tol'" base.json same.json --tol 5
refused "^logen: compare: no value after '-o'" base.json same.json -o
refused '^logen: compare: -o base.json is the input base.json: refusing to overwrite it$' \
    base.json slow.json -o base.json
refused '^logen: compare: -o: cannot open no/such/dir/c.html: No such file or directory$' \
    base.json slow.json -o no/such/dir/c.html
refused '^logen: compare: bad.txt: not JSON: line 1, column' base.json bad.txt -o c.html
[ ! -e c.html ]
ok $? "... and no page written"

# -o: the page beside the same text and exit status (the page itself is
# checked in Chromium by report.t)
run 30 "$LOGEN" compare base.json slow.json --tolerance 50%
cp out text.out
run 30 "$LOGEN" compare base.json slow.json --tolerance 50% -o c.html
is "$rc" 98 "-o FILE.html: the exit status stays the comparison's (98)"
cmp -s out text.out
ok $? "... the same text on stdout"
grep -q '"compare":{"base":"base.json","new":"slow.json"' c.html
ok $? "... and the page holds the comparison"
run 30 "$LOGEN" compare -h
is "$rc:$(head -1 out)" "0:usage: logen compare BASE.json NEW.json [--tolerance 5%] [-o FILE.html]" \
    "compare -h: its usage, exit 0"
done_testing
