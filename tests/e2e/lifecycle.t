#!/bin/bash
# Lifecycle: the run ends with its last worker, SIGINT stops everything
# within 2 s with a summary, a killed worker is reported, nothing is left.
. "$(dirname "$0")/lib.sh"

children() { # the worker pids of logen process $1
    ps -o pid= --ppid "$1" | tr -d ' '
}
nchildren() { [ "$(children "$1" | wc -w)" -eq "$2" ]; } # nchildren PID N

# the end is noticed at once: 2 loops of 0.2 s end well before 1 s
start=$(date +%s.%N)
run 30 "$LOGEN" cuts.Dummy --loops 2 --steps 1 --extra '{"sleep": 0.2}'
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$rc" 0 "short run exits 0"
between "$took" 0.35 1.2 "the run ends as soon as its last worker ends (${took}s)"

# SIGINT mid-run, once every worker has sent its first record
: >out # emptied before the run starts, so waits never read an earlier run's lines
"$LOGEN" cuts.Dummy --proc 3 --duration 30 --steps 1 --summary 0.1 --extra '{"sleep": 0.01}' >>out 2>err &
main=$!
wait_for 20 workers_seen 3 out
pids=$(children "$main")
is "$(echo "$pids" | wc -w)" 3 "three workers are running"
t0=$(date +%s.%N)
kill -INT "$main"
wait "$main"
rc=$?
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$rc" 130 "SIGINT: exit status 130"
between "$took" 0 2 "SIGINT: the run ends within 2 s (${took}s)"
like "$(cat err)" "[Ii]nterrupted" "the summary says the run was interrupted"
no_process_left $pids
gt=$(awk 'END { print NR }' out)
between "$gt" 1 100000 "the records before the interrupt were written ($gt lines)"
like "$(cat err)" "records: sent ([0-9]+), received \1 .*lost 0" "SIGINT: records sent = received, none lost"

# SIGTERM behaves the same
: >out # emptied before the run starts, so waits never read an earlier run's lines
"$LOGEN" cuts.Dummy --proc 2 --duration 30 --steps 1 --summary 0.1 --extra '{"sleep": 0.01}' >>out 2>err &
main=$!
wait_for 20 workers_seen 2 out
pids=$(children "$main")
kill -TERM "$main"
wait "$main"
is "$?" 143 "SIGTERM: exit status 143"
no_process_left $pids

# a worker killed with SIGKILL is reported, the others finish
: >out # emptied before the run starts, so waits never read an earlier run's lines
"$LOGEN" cuts.Dummy --proc 3 --duration 2 --steps 1 --summary 0.1 --extra '{"sleep": 0.01}' >>out 2>err &
main=$!
wait_for 20 workers_seen 3 out
pids=$(children "$main")
victim=$(echo "$pids" | head -1)
kill -KILL "$victim"
wait "$main"
rc=$?
is "$rc" 1 "a killed worker makes the run exit 1"
like "$(cat err)" "pid $victim.*signal 9|signal 9.*pid $victim" "the summary names the killed worker's pid and signal"
survivors=$(ev 'type == "req" { split(fullId, f, "."); print f[2] }' out | sort -u | grep -vc "^$victim$")
is "$survivors" 2 "the two other workers ran on"
no_process_left $pids

# a closed output (logen ... | head) stops the run, with its summary
start=$(date +%s.%N)
( "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --proc 2 --duration 20 --steps 1 2>err; echo $? > status ) | head -2 > out
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$(cat status)" 1 "a closed output ends the run with status 1"
between "$took" 0 3 "at once, not after its 20 s (${took}s)"
like "$(cat err)" "event lines cannot be written" "and says why"
like "$(cat err)" "records: sent ([0-9]+), received \\1 " "the summary is still written"

# a worker whose CUT fails to build is reported, not hidden
cat > Broken.lua <<'LUA'
local logen = require "logen"
local Broken = logen.cut "Broken"
function Broken:init() error("cannot reach the server") end
function Broken:func() end
return Broken
LUA
run 30 "$LOGEN" Broken.lua --proc 2 --loops 1
is "$rc" 1 "a CUT that cannot be built fails the run"
like "$(cat err)" "worker 0 \\(pid [0-9]+\\) could not run its CUT: Broken.lua:3: cannot reach the server" "the CUT's error is shown, with the worker"
like "$(cat err)" "records: sent 4, received 4 .*lost 0" "and its records are all accounted for"
is "$(grep -c 'out of order\|unknown type' err)" 0 "no spurious record errors"

done_testing
