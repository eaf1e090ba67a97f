#!/bin/bash
# Bounds on what a CUT can hold: a call past --timeout is cut (rc 17) and
# the worker goes on; a call still running at the hard end (--duration +
# --grace) is cut or, when it cannot be interrupted (a compiled loop, a
# blocking os.execute), recorded as timed out while its worker ends; a CUT
# that calls os.exit loses no record; logen.sleep of an absurd length
# sleeps until the end instead of not at all. Each run balances its records
# and leaves no process behind.
. "$(dirname "$0")/lib.sh"

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
within() { awk -v s="$1" -v m="$MULT" 'BEGIN { print s * m }'; } # within SECONDS: scaled
balanced() { # balanced DESCRIPTION: the last run's records all arrived
    like "$(cat "$T/err")" "records: sent ([0-9]+), received \\1 from the workers that stopped \\(\\1 in all\\), lost 0" "$1: records balance"
}
gone() { ! kill -0 "$1" 2>/dev/null; }

cat > Stuck.lua <<'LUA'
-- extra.mode: "spin" loops in func itself (compiled by the JIT), "jit"
-- does so inside a timed call, "shell" blocks in os.execute inside one,
-- "calls" loops in one through calls the JIT does not compile, "sleep"
-- sleeps 30 s in one.
local logen = require "logen"
local Stuck = logen.cut "Stuck"
function Stuck:init(options, extra) self.mode = extra.mode end
Stuck.call = logen.exec(function(self, request)
    if self.mode == "jit" then
        while true do end
    elseif self.mode == "shell" then
        os.execute("echo $$ > shell.pid; exec sleep 30")
    elseif self.mode == "calls" then
        local x = 0
        while true do x = x + #debug.traceback() end
    elseif self.mode == "sleep" then
        logen.sleep(30)
    end
end)
function Stuck:func()
    if self.mode == "spin" then
        while true do end
    end
    self:call(self:newRequest("R"))
end
return Stuck
LUA

# 1. The hard end: --duration 1 --grace 1, a CUT that never returns. The
# run ends within duration + grace + 2 s, the call is a timeout and the
# summary says so; exit 0, as for any failed request.
for mode in spin shell; do
    t0=$(date +%s.%N)
    run 30 "$LOGEN" Stuck.lua --duration 1 --grace 1 --steps 1 --extra "{\"mode\": \"$mode\"}"
    took=$(elapsed "$t0")
    is "$rc" 0 "$mode: a call past the hard end is a failed request, exit 0"
    between "$took" 0 "$(within 4)" "$mode: the run ends within --duration + --grace + 2 s (${took}s)"
    like "$(cat "$T/err")" "^timeouts: 1 calls timed out \\(rc 17" "$mode: the summary counts the timeout"
    like "$(cat "$T/err")" "^hard end: 1 workers ended at --duration \\+ --grace" "$mode: and the worker ended at the hard end"
    like "$(cat "$T/err")" "rc=17: timeout: the call could not be interrupted" "$mode: the error line says why"
    balanced "$mode"
done
is "$(ev 'type == "req" && rc == 17' out | wc -l)" 1 "shell: the cut request has its event line, rc 17"
wait_for 10 gone "$(cat shell.pid)"
ok $? "shell: the CUT's own process (os.execute) does not outlive the run"

# 2. --timeout: interpreted code is cut by the hook, a sleep at its
# deadline; the worker goes on with the next call.
for mode in calls sleep; do
    t0=$(date +%s.%N)
    run 30 "$LOGEN" Stuck.lua --loops 2 --steps 1,2 --timeout 300ms --extra "{\"mode\": \"$mode\"}"
    took=$(elapsed "$t0")
    is "$rc" 0 "--timeout, $mode: exit 0"
    is "$(ev 'type == "req" && rc == 17' out | wc -l)" 4 "--timeout, $mode: every call is cut, the worker goes on"
    is "$(ev 'type == "req" && duration >= 0.3 && duration < 1' out | wc -l)" 4 "--timeout, $mode: each after about 0.3 s"
    between "$took" 0 "$(within 8)" "--timeout, $mode: the run is not held (${took}s)"
    like "$(cat "$T/err")" "^timeouts: 4 calls timed out" "--timeout, $mode: the summary counts them"
    balanced "--timeout, $mode"
done

# 3. --timeout on a compiled loop: no hook runs in it; the worker records
# the call and ends a second later, and the run says the worker failed.
run 30 "$LOGEN" Stuck.lua --loops 3 --steps 1 --timeout 200ms --extra '{"mode": "jit"}'
is "$rc" 1 "--timeout, compiled loop: the worker had to end, exit 1"
like "$(cat "$T/err")" "failed: a call past --timeout could not be interrupted" "--timeout, compiled loop: the summary says why"
like "$(cat "$T/err")" "^timeouts: 1 calls timed out" "--timeout, compiled loop: the call is counted"
balanced "--timeout, compiled loop"

# 3b. An HTTP request under --timeout: the client's own timeout (30 s) is
# capped just past it, so the transfer ends, the call is cut (rc 17) and
# the worker goes on.
. "$ROOT/tests/e2e/nginx.sh"
nginx_start
ok $? "nginx starts on loopback"
run 30 "$LOGEN" cuts.Sbgc01 --loops 2 --steps 1 --timeout 500ms --extra '{"url":"http://127.0.0.1:'"$NGINX_PORT"'/slow"}'
is "$rc" 0 "--timeout, HTTP: exit 0"
is "$(ev 'type == "req" && rc == 17' out | wc -l)" 2 "--timeout, HTTP: both slow requests are cut, the worker goes on"
is "$(ev 'type == "req" && duration >= 0.5 && duration < 1.9' out | wc -l)" 2 "--timeout, HTTP: each after --timeout + 0.5 s at most"
balanced "--timeout, HTTP"
nginx_stop

# 4. os.exit in a CUT: the batch is flushed and the step under way
# recorded; the summary gives the exit status.
cat > Quit.lua <<'LUA'
local logen = require "logen"
local Quit = logen.cut "Quit"
function Quit:init(options, extra) self.n, self.code = 0, extra.code end
Quit.call = logen.exec(function(self, request) end)
function Quit:func()
    self.n = self.n + 1
    self:call(self:newRequest("A"))
    self:call(self:newRequest("B"))
    if self.n == 5 then os.exit(self.code) end
end
return Quit
LUA
run 30 "$LOGEN" Quit.lua --loops 10 --steps 1 --extra '{"code": 3}'
is "$rc" 1 "os.exit(3): the worker exited non-zero, exit 1"
is "$(ev 'nature == "part"' out | wc -l)" 10 "os.exit(3): every request made has its event line"
is "$(ev 'nature == "tra"' out | wc -l)" 5 "os.exit(3): and every transaction"
like "$(cat "$T/err")" "exited with code 3 after" "os.exit(3): the summary gives the exit status"
like "$(cat "$T/err")" "the CUT exited with status 3 \\(os.exit\\)" "os.exit(3): and says the CUT exited"
balanced "os.exit(3)"
run 30 "$LOGEN" Quit.lua --loops 10 --steps 1 --extra '{"code": true}'
is "$rc" 0 "os.exit(true): a clean end, exit 0"
is "$(ev 'nature == "part"' out | wc -l)" 10 "os.exit(true): every request made has its event line"
balanced "os.exit(true)"

# 5. logen.sleep: an endless sleep lasts until the end (here the hard end)
# instead of not at all; a negative or NaN one is an error.
t0=$(date +%s.%N)
run 30 "$LOGEN" -e 'logen.sleep(1e300)' --duration 1 --grace 1 --steps 1
took=$(elapsed "$t0")
is "$(ev 'type == "req"' out | wc -l)" 1 "sleep(1e300): one request, that sleeps"
between "$took" 1.8 "$(within 4)" "sleep(1e300): it sleeps until the hard end (${took}s)"
is "$(ev 'type == "req" && rc == 17' out | wc -l)" 1 "sleep(1e300): cut there, rc 17"
for v in -1 0/0; do
    run 30 "$LOGEN" -e "logen.sleep($v)" --loops 1 --steps 1
    like "$(cat "$T/err")" "rc=16: -e:1: logen.sleep: seconds must be a number >= 0" "sleep($v): an error raised to the CUT"
done

# 6. The options are durations, checked like the others.
run 10 "$LOGEN" cuts.Dummy --timeout -1
is "$rc" 2 "--timeout -1: refused"
run 10 "$LOGEN" cuts.Dummy --grace 5x
like "$rc $(cat "$T/err")" "^2 logen: --grace: '5x' is not a duration" "--grace 5x: refused, one line"

done_testing
