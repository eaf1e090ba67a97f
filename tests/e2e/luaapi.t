#!/bin/bash
# The Lua CUT API: Pylogen's hook order, one CUT object per worker, ctx per
# loop, exec on plain functions, manual timing, duplicate request names.
. "$(dirname "$0")/lib.sh"
CUTS=$ROOT/tests/e2e/cuts

run 30 "$LOGEN" "$CUTS/Hooks.lua" --proc 2 --loops 2 --steps 3,A --extra '{"log": "objects.log", "tag": 7}'
is "$rc" 0 "the Hooks CUT runs"
is "$(grep -c '^init Hooks 7$' objects.log)" 2 "one CUT object per worker, built with options and extra"
is "$(wc -l < out)" 8 "one request per step: 2 x 2 x 2 lines"
is "$(ev 'step == 3 && fullId ~ /RMngr\.plain$/' out | wc -l)" 4 "exec wraps a plain function (request as first argument)"

run 30 "$LOGEN" "$CUTS/Hooks.lua" --proc 1 --loops 2 --steps 3,A --extra '{"log": "hooks.log"}'
expected='resetBeforeSteps
resetBeforeStep
setStep 3 number
genDatas
processDatas 1
func
resetBeforeStep
setStep A string
genDatas
processDatas 2
func'
got=$(grep -v '^init' hooks.log | head -11)
is "$got" "$expected" "hooks run in Pylogen's order; numeric steps are numbers; ctx lives for a loop"
is "$(grep -c '^processDatas 1$' hooks.log)" 2 "ctx is reset before each loop"
is "$(grep -c '^init' hooks.log)" 1 "the CUT object is built once, not per loop"

run 30 "$LOGEN" "$CUTS/Hooks.lua" --loops 1 --steps 1 --extra '{"log": "dup.log", "duplicate": true}'
is "$rc" 0 "a duplicate request name does not stop the run"
like "$(cat err)" "already exists" "a duplicate request name in one step is an error"
is "$(wc -l < out)" 1 "the request made before the error is still reported"

run 30 "$LOGEN" "$CUTS/Hooks.lua" --loops 1 --steps 1 --extra '{"log": "man.log", "manual": true}'
is "$(ev 'type == "tra"' out | wc -l)" 1 "two requests in a step make a transaction"
is "$(ev 'type == "tra" { print rc }' out)" 3 "the transaction's rc is the highest of its requests'"
like "$(cat err)" "manual failure" "a request's own error text is reported"

# -v levels reach the CUT's logger; stdout stays clean
cat > Logs.lua <<'LUA'
local logen = require "logen"
local Logs = logen.cut "Logs"
function Logs:func()
    logen.log.info("info %d", 1)
    logen.log.debug("debug %d", 2)
    print("printed")
end
return Logs
LUA
run 30 "$LOGEN" Logs.lua --loops 1 --steps 1 -vv
like "$(cat err)" "INFO .*info 1" "-vv shows info"
is "$(grep -c 'debug 2' err)" 0 "-vv hides debug"
like "$(cat err)" "printed" "a CUT's print() goes to stderr"
is "$(grep -c printed out)" 0 "and never to the data stream"

done_testing
