#!/bin/bash
# --concurrency C: C copies of the CUT's loop per worker, as coroutines on
# curl multi handles (one per 64; src/sched.c, lua/logen/sched.lua). Against the
# delayed-answer server (100 ms): requests overlap (one worker near C/0.1
# requests/s, the server sees C at once), every request is recorded once
# with its real begin and end, an error in one coroutine leaves the others
# alone, SIGINT stops them all promptly with every record delivered,
# logen.sleep keeps absolute deadlines, the open model holds workers x C
# events in flight (retiring a worker only when the others can hold them,
# the gauge in --metrics-listen), and the KMS CUTs run unchanged. Bounds
# refused first.
. "$(dirname "$0")/lib.sh"

. "$ROOT/tests/e2e/delay_server.sh"
. "$ROOT/tests/e2e/kms.sh"

reqs() { ev 'type == "req"' out | wc -l; }
reqs_rc() { ev -v r="$1" 'type == "req" && rc == r' out | wc -l; }
stat() { delay_server_stats | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
lines_over() { [ "$(wc -l < "$2")" -gt "$1" ]; }
span() { ev 'NR == 1 { a = epoch } { b = epoch } END { printf "%.3f", b - a }' out; }
late() { awk -v base="$1" -v s="$2" -v m="$MULT" 'BEGIN { print base + s * m }'; }
sent_received='records: sent ([0-9]+), received \1 .*lost 0'
pids=

# 0. bounds: one line naming the option, before any worker
for c in 0 100001 x; do
    run 10 "$LOGEN" cuts.Dummy --concurrency "$c" --loops 1 --steps 1 --extra '{"sleep": 0}'
    is "$rc" 2 "--concurrency $c is refused (exit 2)"
    like "$(cat err)" "^logen: --concurrency: '?$c'? " "one line names --concurrency $c"
done
is "$(wc -l < out)" 0 "no worker ran"

delay_server_start 0.1
ok $? "the delayed-answer server starts (port ${DELAY_PORT:-none})"
URL=http://127.0.0.1:$DELAY_PORT/
[ -n "$DELAY_PORT" ] || { done_testing; exit 1; }

# 1. overlap: one worker, 200 coroutines, 3 s, each request 100 ms
delay_server_stats '?reset=1' > /dev/null
run 60 "$LOGEN" cuts.Sbgc01 --concurrency 200 --duration 3 --steps 1 --extra "{\"url\": \"$URL\"}"
is "$rc" 0 "one worker, --concurrency 200, 3 s: exit 0"
n=$(reqs)
rate=$(awk -v n="$n" -v s="$(span)" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
between "$rate" 1000 1000000 "about 2,000 requests/s from one process ($n in $(span) s: $rate/s; 10/s without overlap)"
is "$(worker_pids out | wc -l)" 1 "all from one worker"
is "$(reqs_rc 0)" "$n" "all rc 0"
is "$(stat requests)" "$n" "the server answered exactly as many requests as event lines"
between "$(stat peak_in_progress)" 150 200 "the server saw up to 200 requests at once ($(stat peak_in_progress))"
between "$(stat connections)" 1 210 "connections kept alive and shared ($(stat connections) opened)"
is "$(ev 'type == "req" && (duration < 0.1 || duration > 2)' out | wc -l)" 0 \
    "every request timed from its queueing to its answer: 100 ms and more, never less"
like "$(cat err)" "$sent_received" "records sent = received"
pids="$pids $(worker_pids out)"

# 2. a CUT that raises on every 10th call of its copy: recorded, the others go on
cat > Flaky.lua <<'EOF'
local logen = require "logen"
local http = require "logen.http"
local Flaky = logen.cut("Flaky")
function Flaky:init(options, extra)
    self.client, self.url, self.calls = http.client{}, extra.url, 0
end
Flaky.get = logen.exec(function(self, request)
    self.calls = self.calls + 1
    if self.calls % 10 == 0 then
        error("flaky: call " .. self.calls)
    end
    local res, err = self.client:get(self.url)
    http.check(request, res, err)
end)
function Flaky:func()
    self:get(self:newRequest("R-GET"))
end
return Flaky
EOF
delay_server_stats '?reset=1' > /dev/null
run 60 "$LOGEN" ./Flaky.lua --concurrency 20 --loops 30 --steps 1 --extra "{\"url\": \"$URL\"}"
is "$rc" 0 "20 coroutines x 30 loops, every 10th call raising: exit 0"
is "$(reqs)" 600 "600 requests recorded"
is "$(reqs_rc 16)" 60 "60 of them rc 16 (the CUT raised)"
is "$(reqs_rc 0)" 540 "540 rc 0: the other coroutines went on"
is "$(stat requests)" 540 "the server answered those 540"
like "$(cat err)" "flaky: call 10" "the error message is kept"

# 3. SIGINT stops every coroutine promptly; every finished request arrives
delay_server_stats '?reset=1' > /dev/null
"$LOGEN" cuts.Sbgc01 --concurrency 100 --duration 60 --steps 1 --summary 0.1 \
    --extra "{\"url\": \"$URL\"}" > out 2> err &
main=$!
wait_for 30 lines_over 300 out
ok $? "the run writes event lines"
t0=$EPOCHREALTIME
kill -INT "$main"
wait "$main"
st=$?
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
is "$st" 130 "SIGINT: exit 130"
between "$took" 0 "$(late 0 1)" "all 100 coroutines stop within a second (${took}s)"
like "$(cat err)" "$sent_received" "records sent = received"
total=$(sed -n 's/^totals: \([0-9]*\) requests.*/\1/p' err)
is "$(reqs)" "${total:-none}" "every recorded request has its event line"
okn=$(reqs_rc 0)
between "$(stat requests)" "$okn" $((okn + 100)) \
    "the server answered each rc 0 request ($okn; $(stat requests) answered, the cut ones at most 100 more)"
is "$(ev 'type == "req" && rc != 0 && rc != 16' out | wc -l)" 0 "the requests cut under way are rc 16, never successes"
pids="$pids $(worker_pids out)"

# 3b. --timeout cuts each coroutine's call, the hard end cuts them all
# (the server is told to answer after 2 s)
run 30 "$LOGEN" cuts.Sbgc01 --concurrency 10 --loops 3 --timeout 0.3 --steps 1 \
    --extra "{\"url\": \"${URL}?delay=2\"}"
is "$(reqs_rc 17)" 30 "--timeout 0.3: 10 coroutines x 3 calls cut, rc 17"
is "$(ev 'type == "req" && (duration < 0.3 || duration > 0.8)' out | wc -l)" 0 "each cut at its own 0.3 s"
run 30 "$LOGEN" cuts.Sbgc01 --concurrency 10 --duration 1 --grace 0.5 --steps 1 \
    --extra "{\"url\": \"${URL}?delay=2\"}"
is "$(reqs_rc 17)" 10 "the hard end (1 s + 0.5 s of grace) cuts the 10 calls under way, rc 17"
like "$(cat err)" "still running at the hard end" "and says why"
like "$(cat err)" "$sent_received" "records sent = received"

# 3c. a scenario line and a --defaults file give it too
cat > conc.txt <<SCEN
cuts.Sbgc01 --id a --concurrency 20 --loops 2 --steps 1 --extra '{"url": "$URL"}'
cuts.Dummy --id b --loops 2 --steps 1 --extra '{"sleep": 0.1}'
SCEN
echo '{"concurrency": 5}' > conc.json
run 30 "$LOGEN" scenario --file conc.txt --defaults conc.json
is "$rc" 0 "a scenario with --concurrency on a line and in --defaults: exit 0"
is "$(ev 'type == "req" && fullId ~ /^a\./' out | wc -l)" 40 "line a: 20 coroutines x 2 loops"
is "$(ev 'type == "req" && fullId ~ /^b\./' out | wc -l)" 10 "line b: 5 coroutines (--defaults) x 2 loops"
between "$(ev 'type == "req" && fullId ~ /^b\./ { print epoch }' out | sort -n |
    awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.3f", b - a }')" 0.09 0.15 \
    "line b's 5 copies sleep side by side: 2 loops in 0.2 s, not 1 s"

# 4. pauses and logen.sleep in coroutines keep absolute deadlines: 4
# copies x 100 loops of a 10 ms pause (one timeline per copy, as with
# processes: 99 pauses between a copy's first and last event), then 4 x 20
# requests each sleeping 50 ms: none ends early, the median is on time
run 30 "$LOGEN" cuts.Dummy --concurrency 4 --loops 100 --steps 1 --pauseloop 0.01 --extra '{"sleep": 0}'
is "$(reqs)" 400 "4 coroutines x 100 loops"
between "$(span)" 0.98 "$(late 0.99 0.3)" "100 x 10 ms of pause take 1 s, as in one process ($(span) s)"
run 30 "$LOGEN" cuts.Dummy --concurrency 4 --loops 20 --steps 1 --extra '{"sleep": 0.05}'
is "$(reqs)" 80 "4 coroutines x 20 sleeping requests"
is "$(ev 'type == "req" && duration < 0.05' out | wc -l)" 0 "no logen.sleep ends early"
med=$(ev 'type == "req" { print duration }' out | sort -n | awk '{ d[NR] = $1 } END { print d[int((NR + 1) / 2)] }')
between "$med" 0.05 "$(late 0.0505 0.005)" "a 50 ms logen.sleep lasts 50 ms within 1 % (median $med s)"

# 5. the open model: 2 workers x 50 coroutines hold up to 100 events in flight
delay_server_stats '?reset=1' > /dev/null
run 60 "$LOGEN" cuts.Sbgc01 --openedmodel --schedule 3@800 --prefork 2 --maxproc 2 --concurrency 50 \
    --maxwait 0.5 --steps 1 --extra "{\"url\": \"$URL\"}"
is "$rc" 0 "open model, 800 events/s for 3 s, --maxproc 2 --concurrency 50: exit 0"
like "$(cat err)" "all +2400 +2400 +0" "2400 events generated and processed, none dropped"
is "$(reqs_rc 0)" 2400 "2400 requests rc 0"
between "$(stat peak_in_progress)" 60 100 "the server saw 80 or so at once, never above 2 x 50 ($(stat peak_in_progress))"
like "$(cat err)" "workers: 2 started, 0 retired" "two workers did it"
pids="$pids $(worker_pids out)"

# 5b. the controller counts capacity, not processes: with --decrease 2 at
# 0.1 s the queue stays empty, since 2 x 50 slots hold the 80 or so events
# in flight, but one worker could not hold them, so none is retired (on the
# empty queue alone one was, then the backlog started another, over and
# over: 19 started, 18 retired); with 5 or so in flight on 3 x 50 slots the
# idle two go
# Meanwhile --metrics-listen shows logen_events_in_flight above what one
# worker could hold, in an exposition promtool accepts.
scrape() { # scrape: the exposition of the running logen, into scrape.txt
    local addr
    addr=$(sed -n 's/^metrics: listening on //p' err)
    [ -n "$addr" ] && python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://" + sys.argv[1] + "/metrics", timeout=5).read().decode())' \
        "$addr" > scrape.txt 2>/dev/null
}
inflight_over() { scrape && awk -v n="$1" '$1 ~ /^logen_events_in_flight/ && $2 + 0 > n { f = 1 } END { exit !f }' scrape.txt; }
: > err
timeout -k 5 60 "$LOGEN" cuts.Sbgc01 --openedmodel --schedule 4@800 --prefork 2 --maxproc 2 --concurrency 50 \
    --decrease 2 --contr 0.1 --maxwait 0.5 --steps 1 --metrics-listen 127.0.0.1:0 \
    --extra "{\"url\": \"$URL\"}" > out 2>> err &
main=$!
wait_for 30 inflight_over 50
ok $? "logen_events_in_flight rises above one worker's 50 ($(grep '^logen_events_in_flight' scrape.txt))"
promtool check metrics < scrape.txt > promtool.txt 2>&1
pt=$?
ok $pt "promtool check metrics accepts the exposition"
[ $pt -eq 0 ] || diag "$(head -5 promtool.txt)"
wait "$main"
rc=$?
is "$rc" 0 "80 in flight on 2 x 50 slots, --decrease 2 --contr 0.1: exit 0"
like "$(cat err)" "all +3200 +3200 +0" "3200 events generated and processed, none dropped"
like "$(cat err)" "workers: 2 started, 0 retired" "no worker retired while the other could not hold what was in flight"
pids="$pids $(worker_pids out)"
run 60 "$LOGEN" cuts.Sbgc01 --openedmodel --schedule 3@50 --prefork 3 --concurrency 50 \
    --decrease 2 --contr 0.1 --maxwait 0.5 --steps 1 --extra "{\"url\": \"$URL\"}"
is "$rc" 0 "5 in flight on 3 x 50 slots: exit 0"
like "$(cat err)" "workers: 3 started, 2 retired" "the two idle workers are retired"
is "$(reqs_rc 0)" 150 "150 requests rc 0"
pids="$pids $(worker_pids out)"
delay_server_stop

# 6. the KMS CUTs and their token fetches, unchanged, with 4 coroutines
kms_start
ok $? "the KMS stand-in starts"
cp "$ROOT/cuts/KmsDefault.json" .
kms_reset
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --concurrency 4 --loops 5 --steps 384,1024 \
    --extra '{"file":"KmsDefault.json","key":"symmetric1"}'
is "$(reqs_rc 0)" 40 "KmsEncrytSymmetric: 4 coroutines x 5 loops x 2 steps, rc 0"
is "$(kms_stat methods.encrypt.200)" 40 "the stand-in answered 40 encrypts"
between "$(kms_stat tokensIssued)" 1 4 "a token per coroutine at most ($(kms_stat tokensIssued))"
run 60 "$LOGEN" cuts.KmsSignature --concurrency 4 --loops 3 --steps 256 \
    --extra '{"file":"KmsDefault.json","key":"asymmetric1"}'
is "$(reqs)" 12 "KmsSignature: 4 coroutines x 3 loops"
is "$(ev 'type == "req" && rc != 0' out | wc -l)" 0 "all rc 0"
[ "$(ev 'type == "req" && rc != 0' out | wc -l)" -eq 0 ] || diag "$(grep -m3 . err)"
pids="$pids $(worker_pids out)"
kms_stop

# shellcheck disable=SC2086
no_process_left $pids
done_testing
