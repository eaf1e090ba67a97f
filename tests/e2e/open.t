#!/bin/bash
# The open model end to end: exact event counts per schedule and burst
# mode, the controller growing and shrinking the pool, --maxproc and
# --maxwait, SIGINT mid-phase, and Pylogen's open-model sample lines.
. "$(dirname "$0")/lib.sh"

# events: the request lines of a one-step Dummy run, one request per event
events() { ev 'type == "req"' out | wc -l | tr -d ' '; }
# distinct intended times in raw output: one per burst
bursts() { grep -o '"intended_ns":[0-9]*' out | sort -u | wc -l | tr -d ' '; }

open_run() { # open_run SCHEDULE [ARGS...]
    local sched=$1; shift
    run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 2 --sche "$sched" --steps 1 --contr 0.2 "$@"
}

open_run "1@20"
is "$rc" 0 "flat phase: exit 0"
is "$(events)" 20 "1@20 yields 20 events"
like "$(cat err)" "20 events generated" "the summary counts 20 events generated"
is "$(ev 'lit_w != "w"' out | wc -l)" 0 "open-model lines show the wait (w)"

open_run "1@0-40"
is "$(events)" 20 "ramp 1@0-40 yields 20 events"
open_run "1@10-30,1@30-10"
is "$(events)" 40 "ramps up then down: 20 + 20 events"
open_run "2@0.5,1@2.5"
is "$(events)" 3 "fractional rates: 2@0.5 + 1@2.5 = 1 + 2 events"
open_run "0.5@7"
is "$(events)" 3 "a fractional phase: 0.5@7 = floor(3.5) = 3 events"

# burst modes: counts unchanged, events grouped
open_run "1@30" --burst f3 --outformat raw
is "$(events_raw=$(grep -c '"type":"req"' out); echo "$events_raw")" 30 "burst f3: 30 events"
is "$(bursts)" 10 "burst f3: 10 bursts of 3"
open_run "1@30" --burst 4 --outformat raw
is "$(grep -c '"type":"req"' out)" 30 "burst 4: 30 events"
between "$(bursts)" 8 29 "burst 4: random sizes 1..4 ($(bursts) bursts)"
open_run "1@30" --burst 0 --outformat raw
is "$(grep -c '"type":"req"' out)" 30 "burst 0 on a flat phase does not crash: 30 events"
is "$(bursts)" 30 "burst 0 on a flat phase: bursts of 1"
open_run "1@0-40" --burst 0 --outformat raw
is "$(grep -c '"type":"req"' out)" 20 "burst 0 on a ramp: 20 events"
open_run "1@30" --burst f3 --arrival poisson
is "$(events)" 30 "poisson arrivals keep the count"

# mean rate of a burst mode = the asked rate, measured over the run
open_run "2@25" --burst 5 --outformat raw
span=$(grep -o '"intended_ns":[0-9]*' out | cut -d: -f2 | sort -n | awk 'NR == 1 { a = $1 } END { print ($1 - a) / 1e9 }')
n=$(grep -c '"type":"req"' out)
is "$n" 50 "2@25 with burst 5: 50 events"
between "$span" 1.5 2.0 "they are spread over the 2 s phase (${span}s)"

# the controller grows the pool when the CUT is slower than the arrivals
open_run "3@20" --pre 1 --trigger 1 --extra '{"sleep": 0.2}'
is "$rc" 0 "a slow CUT under 20 events/s: exit 0"
is "$(events)" 60 "every event is processed"
started=$(sed -n 's/.*workers: \([0-9]*\) started.*/\1/p' err)
between "${started:-0}" 3 40 "the controller started more workers ($started)"

# --maxproc caps it
open_run "2@20" --pre 1 --trigger 1 --maxproc 2 --extra '{"sleep": 0.2}'
is "$(events)" 40 "with --maxproc 2 every event is still processed"
is "$(worker_pids out | wc -l)" 2 "no more than 2 workers ever ran"
is "$(sed -n 's/.*workers: \([0-9]*\) started.*/\1/p' err)" 2 "the summary counts 2 workers started"

# --maxwait drops what waited too long, and says so
open_run "2@20" --pre 1 --trigger 1000 --maxwait 0.1 --extra '{"sleep": 0.2}'
is "$rc" 0 "--maxwait run exits 0"
like "$(cat err)" "[1-9][0-9]* events DROPPED" "dropped events are reported loudly"
like "$(cat err)" "drop [1-9]" "and in the periodic summary"
between "$(events)" 5 25 "only the events taken in time ran ($(events))"

# the pool shrinks after --decrease quiet periods
open_run "2@5" --pre 4 --decrease 2 --contr 0.1
retired=$(sed -n 's/.*started, \([0-9]*\) retired.*/\1/p' err)
between "${retired:-0}" 1 3 "idle workers are retired ($retired)"

# SIGINT mid-phase: everything stops, nothing is left
: >out # emptied before the run starts, so waits never read an earlier run's lines
"$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 3 --sche 30@10 --steps 1 --summary 0.1 >>out 2>err &
main=$!
running() { [ "$(ps -o pid= --ppid "$main" | wc -l)" -ge 4 ] && [ -s out ]; }
wait_for 20 running # the workers and the generator up, and events flowing
pids=$(ps -o pid= --ppid "$main" | tr -d ' ')
is "$(echo "$pids" | wc -w)" 4 "3 workers and the generator run"
kill -INT "$main"
wait "$main"
is "$?" 130 "SIGINT: exit 130"
no_process_left $pids

# Pylogen's open-model sample lines, unchanged but for the program name
run 120 "$LOGEN" cuts.Dummy -vvv --open --pre 2 --sche "5@1,10@0.1,5@1,30@0.1" --len 0 --out long --contr 0.5 --extra '{"sleep":1}'
is "$rc" 0 "sample: cuts.Dummy -vvv --open --pre 2 --sche 5@1,10@0.1,5@1,30@0.1 --len 0 --out long ..."
is "$(grep -c 'typ=req' out)" 14 "5 + 1 + 5 + 3 = 14 events, in long lines (--out long)"

. "$ROOT/tests/e2e/nginx.sh"
nginx_start
SBGC01_URL="http://127.0.0.1:$NGINX_PORT/" run 60 "$LOGEN" cuts.Sbgc01 -vvv --open --pre 2 --sche "5@1" --len 0 --out long --contr 0.5 --extra '{"sleep":1}'
is "$rc" 0 "sample: cuts.Sbgc01 -vvv --open --pre 2 --sche 5@1 --len 0 --out long --contr 0.5 --extra '{\"sleep\":1}'"
is "$(grep -c 'typ=req' out)" 5 "5 events, 5 GETs"
is "$(grep -c ' 200 ' "$NGINX_ACCESS_LOG")" 5 "nginx served 5 requests"

done_testing
