#!/bin/bash
# --threshold: met and not met, with the exit status the result line
# states (0, or 99 after the full summary), in a single run, from a
# --defaults file, on scenario lines and beside scenario; and expressions
# refused in one line (exit 2) before any worker starts.
. "$(dirname "$0")/lib.sh"

DUMMY=(cuts.Dummy --extra '{"sleep": 0.002, "error": 5}' --proc 2 --loops 5 --steps 1)

# ---- a single run: 2 workers x 5 requests, the 5th of each fails
run 60 "$LOGEN" "${DUMMY[@]}" --threshold 'p99<1s' --threshold 'count==10' --th 'errors<=2' \
    --th 'RMngr.R_1:max<1s' --th 'rate>1'
is "$rc" 0 "all thresholds met: exit 0"
is "$(grep -c '^  ok ' err)" 5 "each listed as ok"
like "$(grep '^thresholds:' err)" "^thresholds: 5 of 5 met$" "under a heading that counts them"
like "$(grep 'count==10' err)" "count==10 +count = 10$" "with what it measured"
like "$(tail -1 err)" "^result: OK$" "result OK"
is "$(wc -l < out)" 10 "the event lines as usual"

run 60 "$LOGEN" "${DUMMY[@]}" --threshold 'p99<1s' --th 'errors<1%' --th 'p50<1us' --th 'Nope:count>0'
is "$rc" 99 "thresholds not met: exit 99"
like "$(grep 'errors<1%' err)" "^  FAILED errors<1% +errors = 20.00%$" "errors as a percentage of the requests"
like "$(grep 'p50<1us' err)" "^  FAILED p50<1us +p50 = [0-9.]+ ms$" "a latency not met, in ms"
like "$(grep 'Nope:count>0' err)" "^  FAILED Nope:count>0 +no such name$" "a name that never occurred fails"
like "$(grep '^  ok ' err)" "p99<1s +p99 = [0-9.]+ ms$" "the one met says ok"
is "$(tail -1 err)" "result: FAILED: 3 thresholds not met (exit 99)" "the result line says why, last"
like "$(grep -B1 '^thresholds:' err | head -1)" "^records: " "after the full summary's figures"

# ---- from a --defaults file: a string or an array; the command line's replace them
echo '{"threshold": ["count==10", "p50<1us"]}' > d.json
run 60 "$LOGEN" "${DUMMY[@]}" --defaults d.json
is "$rc" 99 "--defaults: an array of thresholds, one not met: 99"
is "$(grep -c '^  \(ok\|FAILED\) ' err)" 2 "  both listed"
run 60 "$LOGEN" "${DUMMY[@]}" --defaults d.json --threshold 'count==10'
is "$rc" 0 "--threshold on the command line replaces the file's"
is "$(grep -c '^  ok ' err)" 1 "  only it is listed"
echo '{"threshold": "count>=11"}' > d1.json
run 60 "$LOGEN" "${DUMMY[@]}" --defaults d1.json
is "$rc" 99 "--defaults: a string"

# ---- open model
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 1 --sche 1@20 --steps 1 --th 'dropped==0' --th 'count>=15'
is "$rc" 0 "open model: dropped==0 met"
like "$(grep 'dropped==0' err)" "dropped = 0$" "  measured"

# ---- a scenario: a line's thresholds cover its line, beside scenario the run
printf '%s\n' "cuts.Dummy --id fast --extra '{\"sleep\":0}' --loops 4 --steps 1 --threshold 'count==4'" \
    "cuts.Dummy --id slow --extra '{\"sleep\":0.02}' --loops 2 --steps 1 --threshold 'count==2' --threshold 'min>=10ms'" > s.txt
run 60 "$LOGEN" scenario --file s.txt
is "$rc" 0 "scenario: every line's thresholds met"
like "$(grep 'line 1: count==4' err)" "^  ok +line 1: count==4 +count = 4$" "line 1's, on its own requests"
like "$(grep 'line 2: min' err)" "^  ok +line 2: min>=10ms +min = [0-9.]+ ms$" "line 2's"
run 60 "$LOGEN" scenario --file s.txt --threshold 'count==6' --threshold '@fast:max<10ms' --threshold '@slow:p50<10ms'
is "$rc" 99 "scenario: beside scenario, over the run; one not met: 99"
like "$(grep -- ' count==6' err)" "^  ok +count==6 +count = 6$" "the run's count is both lines'"
like "$(grep '@slow:p50' err)" "^  FAILED @slow:p50<10ms" "@ID names a line"
like "$(grep '@fast:max' err)" "^  ok " "another line"
printf '%s\n' "cuts.Dummy --id fast --extra '{\"sleep\":0}' --loops 4 --steps 1 --threshold 'count==5'" > s2.txt
run 60 "$LOGEN" scenario --file s2.txt
is "$rc:$(tail -1 err)" "99:result: FAILED: 1 threshold not met (exit 99)" "a scenario line's threshold not met: 99"

# ---- refused before any worker starts: one line, exit 2
refused() { # refused DESCRIPTION WANT ARGS...
    local what=$1 want=$2; shift 2
    run 30 "$LOGEN" "$@"
    is "$rc:$(cat err):$(wc -c < out)" "2:$want:0" "$what"
}
refused "no unit" "logen: --threshold: 'p99<250': '250': a duration needs a unit (250ms, 1s, 500us)" \
    cuts.Dummy --threshold 'p99<250'
refused "unknown metric" "logen: --threshold: 'p42x<1s': unknown metric 'p42x' (count, errors, rate, mean, min, max, dropped, or pN such as p99.9)" \
    cuts.Dummy --threshold 'p42x<1s'
refused "no comparison" "logen: --threshold: 'p99': expected METRIC OP VALUE, such as p99<250ms or errors<1%" \
    cuts.Dummy --threshold 'p99'
refused "unknown line id" "logen: --threshold '@nope:p99<1s': no line has the id 'nope'" \
    scenario --file s.txt --threshold '@nope:p99<1s'
refused "dropped on a closed run" "logen: --threshold 'dropped==0': dropped: no open-model line in its scope" \
    cuts.Dummy --threshold 'dropped==0'
printf '%s\n' "cuts.Dummy --loops 1 --threshold 'count<'" > bad.txt
refused "on a scenario line, F:LINE" "logen: bad.txt:1: --threshold: 'count<': '': not a number, or negative" \
    scenario --file bad.txt
echo '{"threshold": [1]}' > d2.json
refused "in a --defaults file, a string" "logen: d2.json: threshold: a threshold must be a string, not a number" \
    cuts.Dummy --defaults d2.json

done_testing
