#!/bin/bash
# The collector under stress, and the figures it reports: the pipe backlog
# high-water mark of a parent that could not read, a result line that says
# what the exit status says (interrupted, a controller failure, a closed
# output), more request names than a run may have, and a stop request
# while nobody reads the event lines.
. "$(dirname "$0")/lib.sh"

# pipe_records PID: the most records waiting in any pipe PID holds open
# (FIONREAD through /proc: the stats pipe is the only full one).
pipe_records() {
    perl -MFcntl -e 'my $m = 0;
        for my $f (glob "/proc/$ARGV[0]/fd/*") {
            my $l = readlink($f) // next;
            next unless $l =~ /^pipe:/;
            sysopen(my $h, $f, O_RDONLY | O_NONBLOCK) or next;
            my $b = pack("i", 0);
            ioctl($h, 0x541B, $b) or next; # FIONREAD
            my $n = unpack("i", $b);
            $m = $n if $n > $m;
        }
        print int($m / 64), "\n";' "$1"
}
gone() { ! kill -0 "$1" 2>/dev/null; }
count_children() { [ "$(ps -o pid= --ppid "$1" | wc -l)" -ge "$2" ]; }
backlog_at_least() { [ "$(pipe_records "$1")" -ge "$2" ]; }

# 1. The parent stopped while its workers go on: the records queue in the
# pipe. The high-water mark is what waited when the parent read again, not
# what was left once it had read. The same run, stopped by SIGTERM, says
# so in its result line, with the exit status.
"$LOGEN" cuts.Dummy --proc 2 --duration 60 --steps 1 --extra '{"sleep": 0.001}' >/dev/null 2>err &
main=$!
wait_for 30 count_children "$main" 2
ok $? "the workers run"
kill -STOP "$main"
wait_for 30 backlog_at_least "$main" 2000
ok $? "with the parent stopped, records queue in the pipe ($(pipe_records "$main"))"
kill -CONT "$main"
kill -TERM "$main"
wait "$main"
is "$?" 143 "SIGTERM: exit status 143"
hwm=$(sed -n 's/^pipe backlog high-water mark: \([0-9]*\) records.*/\1/p' err)
between "${hwm:-0}" 2000 1000000 "the backlog high-water mark counts what queued (${hwm:-none})"
like "$(tail -1 err)" "^result: INTERRUPTED by signal 15 \\(exit 143\\)$" \
    "the result line says the run was interrupted, and the exit status"

# 2. The controller gives up (a preforked worker of an open line ends
# before the first event): the result line gives that reason and exit 1.
cat > Quitter.lua <<'LUA'
local logen = require "logen"
local Quitter = logen.cut "Quitter"
function Quitter:init(options)
    if options.index == 0 then
        os.execute("kill -USR1 " .. options.pid) -- retired before its first event
    else
        logen.sleep(30)
    end
end
function Quitter:func() end
return Quitter
LUA
run 30 "$LOGEN" Quitter.lua --openedmodel --prefork 2 --schedule 2@10 --steps 1
is "$rc" 1 "a controller failure: exit status 1"
like "$(tail -1 "$T/err")" "^result: FAILED: a preforked worker ended before the first event \\(exit 1\\)$" \
    "the result line gives the controller's reason and the exit status"

# 3. A closed output (logen | head -1): exit 1, and the result line says
# why, with the lines not written counted.
timeout 60 "$LOGEN" cuts.Dummy --proc 2 --duration 30 --steps 1 --extra '{"sleep": 0}' 2>err |
    head -1 >/dev/null
is "${PIPESTATUS[0]}" 1 "a closed output: exit status 1"
like "$(tail -1 err)" "^result: FAILED: the event lines cannot be written \\(exit 1\\)$" \
    "a closed output: the result line gives the reason and the exit status"
like "$(cat err)" "writing the event lines failed: [0-9]+ lines not written" \
    "a closed output: the lines not written are counted"

# 4. More request names than a run may have (65,535): a CUT naming one
# request per loop. The names past the cap are refused and counted, never
# added to another name's row, and the run fails.
cat > Names.lua <<'LUA'
local logen = require "logen"
local Names = logen.cut "Names"
function Names:init() self.i = 0 end
Names.work = logen.exec(function(self, request) end)
function Names:func()
    self.i = self.i + 1
    self:work(self:newRequest("n" .. self.i))
end
return Names
LUA
run 60 "$LOGEN" Names.lua --proc 1 --loops 65600 --steps 1 --output /dev/null
is "$rc" 1 "65,600 names: exit status 1"
like "$(cat "$T/err")" "ERROR worker 0 \\(pid [0-9]+\\): more than 65535 request names in the run" \
    "the first name past the cap is an error line"
like "$(cat "$T/err")" "NAMES OVER THE CAP: a run may have 65535 request names; 0 more refused, 65 records named past the cap" \
    "the end summary counts the 65 requests past the cap"
is "$(awk '$1 == "req" && $2 != "(all" && $3 != 1' "$T/err" | head -3)" "" \
    "no name's row absorbs another's requests"
is "$(grep -c '^  req  RMngr\.n' "$T/err")" 65535 "each name under the cap has its row"

# 5. A stop request while nobody reads the event lines: stdout is a FIFO
# whose only reader (this shell, fd 3) never reads. The collector never
# blocks in a write, so SIGTERM ends the run within the grace period; the
# lines the reader did not take are counted in the summary, exit 143.
fifo_bytes() { perl -e '$b = pack("i", 0); ioctl(STDIN, 0x541B, $b); print unpack("i", $b), "\n"' <&3; }
# full: it holds 32 KB or more and no longer grows
fifo_full() {
    local a b
    a=$(fifo_bytes); sleep 0.05; b=$(fifo_bytes)
    [ "$a" -ge 32768 ] && [ "$a" = "$b" ]
}
mkfifo out.fifo
exec 3<>out.fifo
"$LOGEN" cuts.Dummy --proc 2 --duration 60 --steps 1 --extra '{"sleep": 0}' >out.fifo 2>err 3<&- &
main=$!
wait_for 30 fifo_full
ok $? "the event lines fill the FIFO nobody reads ($(fifo_bytes) bytes)"
t0=$(date +%s.%N)
kill -TERM "$main"
wait_for 5 gone "$main"
ended=$?
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
exec 3<&- # a run still blocked in a write gets EPIPE now, and ends
wait "$main"
rc=$?
ok "$ended" "SIGTERM with stdout blocked: the run ends"
between "$took" 0 "$(awk -v m="$MULT" 'BEGIN { print 2 * m }')" "it ends within 2 s (${took}s)"
is "$rc" 143 "exit status 143"
like "$(cat err)" "\\*\\*\\* writing the event lines failed: [1-9][0-9]* lines not written, the output is incomplete \\*\\*\\*" \
    "the summary counts the event lines not written"
like "$(tail -1 err)" "^result: INTERRUPTED by signal 15 \\(exit 143\\); FAILED as well" \
    "the result line says both"
lines=$(sed -n 's/.*failed: \([0-9]*\) lines not written.*/\1/p' err)
reqs=$(sed -n 's/^totals: \([0-9]*\) requests.*/\1/p' err)
between "$lines" 1 "${reqs:-0}" "no more lines lost ($lines) than requests made (${reqs:-none})"

done_testing
