#!/bin/bash
# Stopping a run in every state: during a start-up of many workers, on
# SIGHUP, with a CUT that leaves processes of its own behind (a normal
# end, SIGINT, and kill -9 of logen itself), while a CUT that loops at
# load time is checked, and with a stderr nobody reads. Nothing of the run
# outlives it.
. "$(dirname "$0")/lib.sh"

count_children() { [ "$(ps -o pid= --ppid "$1" | wc -l)" -ge "$2" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
# stop SIG PID: sends SIG to PID, a child of this shell, and waits for its
# end: rc is its exit status, took the seconds that took
stop() {
    local t0
    t0=$(date +%s.%N)
    kill "-$1" "$2"
    wait "$2" 2>/dev/null # no "Killed" notice from bash for a kill -9
    rc=$?
    took=$(elapsed "$t0")
}

# 1. SIGINT in the middle of starting 1500 workers: forking goes on in slices
# between which the loop serves signals, so the stop is not held up by the
# workers still to fork.
: >out # emptied before the run starts, so waits never read an earlier run's lines
"$LOGEN" cuts.Dummy --proc 1500 --duration 60 --steps 1 --extra '{"sleep": 0.1}' >>out 2>err &
main=$!
wait_for 60 count_children "$main" 50
ok $? "a large start-up is under way"
stop INT "$main"
is "$rc" 130 "SIGINT during start-up: exit status 130"
between "$took" 0 "$(awk -v m="$MULT" 'BEGIN { print 2 * m }')" "SIGINT during start-up: the run ends within 2 s (${took}s)"
like "$(cat err)" "records: sent ([0-9]+), received \\1 .*lost 0" "every record of the started workers arrives"
is "$(ps -o pid= --ppid "$main" | wc -l)" 0 "no worker is left"

# 2. SIGHUP (a closed terminal): a stop request like SIGTERM, with the
# summary and every event line. (out and err go first: test 1's out would
# pass the wait at once, and a HUP to the child before its exec runs the
# script's EXIT trap there, which removes the test's directory.)
rm -f out err
"$LOGEN" cuts.Dummy --proc 2 --duration 60 --steps 1 --extra '{"sleep": 0.01}' >out 2>err &
main=$!
wait_for 30 test -s out
ok $? "the run writes event lines"
kill -HUP "$main"
wait "$main"
is "$?" 129 "SIGHUP: exit status 129"
like "$(cat err)" "[Ii]nterrupted" "SIGHUP: the summary says the run was interrupted"
reqs=$(sed -n 's/^totals: \([0-9]*\) requests.*/\1/p' err)
is "$(ev 'type == "req"' out | wc -l)" "${reqs:-none}" "SIGHUP: every request has its event line"

# 3. A CUT whose init starts a process of its own that outlives it.
cat > Leaver.lua <<'LUA'
local logen = require "logen"
local Leaver = logen.cut "Leaver"
function Leaver:init()
    os.execute("sleep 100 & echo $! > leaver.$PPID.pid")
end
function Leaver:func() logen.sleep(0.02) end
return Leaver
LUA
have_pids() { [ "$(ls leaver.*.pid 2>/dev/null | wc -l)" -ge 2 ] && ! grep -L . leaver.*.pid | grep -q .; }
leftover_gone() { for p in $(cat leaver.*.pid); do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }

for how in end INT KILL; do
    rm -f leaver.*.pid
    dur=60; [ "$how" = end ] && dur=1
    : >out # emptied before the run starts, so waits never read an earlier run's lines
    "$LOGEN" Leaver.lua --proc 2 --duration "$dur" --steps 1 >>out 2>err &
    main=$!
    wait_for 30 have_pids
    ok $? "$how: the CUT's own processes started ($(cat leaver.*.pid | tr '\n' ' '))"
    [ "$how" != end ] && kill "-$how" "$main"
    wait "$main" 2>/dev/null # no "Killed" notice from bash for the kill -9
    wait_for 10 leftover_gone
    ok $? "$how: the CUT's own processes end with the run"
done

# 4. A stop while the CUTs are checked, before any worker: the check (a
# child of logen that loads each CUT once) of a CUT looping at load time
# ends with logen, whatever the signal; alone, past the load limit, it is
# ended and the CUT refused in one line.
cat > Spin.lua <<'LUA'
local logen = require "logen"
while true do end
LUA
for how in INT TERM KILL; do
    "$LOGEN" ./Spin.lua --loops 1 --steps 1 >out 2>err &
    main=$!
    wait_for 30 count_children "$main" 1
    ok $? "$how: the CUT check is under way"
    check=$(ps -o pid= --ppid "$main")
    stop "$how" "$main"
    want=$((128 + $(kill -l "$how")))
    is "$rc" "$want" "$how during the CUT check: logen ends by it ($want)"
    between "$took" 0 "$(awk -v m="$MULT" 'BEGIN { print 2 * m }')" "$how: within 2 s ($took s)"
    wait_for 10 gone "$check"
    ok $? "$how: the check ends with logen"
done
run 60 "$LOGEN" ./Spin.lua --loops 1 --steps 1
is "$rc" 2 "a CUT still loading after the limit is refused (exit 2)"
like "$(cat err)" "^logen: \./Spin\.lua: still loading after 10 s \(a loop at load time\?\)" "one line names the CUT"
is "$(wc -l < err)" 1 "and only one"

# 5. A stderr nobody reads (a FIFO whose reader never reads) and a CUT whose
# every loop fails after a request: the error lines fill it at once. SIGINT still ends the
# run within the grace period (on a blocking stderr, logen waited in
# write(2) for ever), every record delivered, no process left.
cat > Boom.lua <<'LUA'
local logen = require "logen"
local Boom = logen.cut "Boom"
Boom.ok = logen.exec(function(self, request) end)
function Boom:func() self:ok(self:newRequest("R")); error(string.rep("boom", 50)) end
return Boom
LUA
mkfifo errfifo
exec 9<>errfifo # held open for reading, never read
# full: what it holds stops growing while error lines keep coming (a pipe
# is full when its pages are, and partly filled pages can leave it full
# well below its capacity)
fifo_full() {
    python3 -c 'import array, fcntl, termios, time
def held():
    a = array.array("i", [0]); fcntl.ioctl(9, termios.FIONREAD, a); return a[0]
a = held(); time.sleep(0.5); b = held()
raise SystemExit(not (a > 0 and a == b))'
}
: >out
# (under timeout, which passes the SIGINT on: a logen stuck in write(2)
# fails the test instead of hanging it)
timeout -s KILL 60 "$LOGEN" ./Boom.lua --proc 2 --duration 30 --steps 1 >>out 2>errfifo &
main=$!
wait_for 30 fifo_full
full=$?
ok $full "stderr is full, nobody reads it"
[ $full -eq 0 ] || diag "$(python3 -c 'import array, fcntl, termios
a = array.array("i", [0]); fcntl.ioctl(9, termios.FIONREAD, a); print("held", a[0], "capacity", fcntl.fcntl(9, 1032))')" "$(ps -o pid,stat,wchan:24,cmd --ppid "$main"; ps -o pid,stat,wchan:24,cmd --ppid "$(pgrep -P "$main")"; ls -l /proc/"$(pgrep -P "$main")"/fd)"
wait_for 30 workers_seen 2 out
ok $? "both workers write event lines"
workers=$(worker_pids out)
stop INT "$main"
is "$rc" 130 "SIGINT with stderr full: exit status 130"
between "$took" 0 "$(awk -v m="$MULT" 'BEGIN { print 5 * m }')" "and within the grace period, 1.5 s, and some (${took}s)"
no_process_left $workers
exec 9>&-

done_testing
