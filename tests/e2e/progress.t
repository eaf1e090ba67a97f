#!/bin/bash
# The live progress line, on a real terminal: tmux runs logen in a detached
# session of a fixed size and `capture-pane` reads its screen.
#   1. stderr on the terminal: the line shows, updates, and is gone from the
#      screen at the end; the error lines of the parent, the log lines of
#      the workers and the end summary start at column 0, never after it.
#   2. stdout on the same terminal: the event lines scroll, the line never
#      sticks to one of them.
#   3. a narrow terminal: the line is cut to its width, never wrapped.
#   4. stderr to a file: no progress text and no escape sequence in it.
#   5. --quiet: no progress line and no periodic line, at any moment.
# The tmux server is this test's own (-S in its temporary directory) and is
# killed at the end; no other tmux server is touched.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

SOCK=$T/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$T"' EXIT
echo "set -g remain-on-exit on" > "$T/tmux.conf" # a pane stays readable after logen ends
export TERM=xterm-256color

# session NAME COLUMNS COMMAND: runs COMMAND (in $T) on a fresh screen of
# COLUMNS x 50; it writes its exit status to NAME.rc when done.
session() {
    tmux -S "$SOCK" -f "$T/tmux.conf" new-session -d -s "$1" -x "$2" -y 50 \
        "cd '$T' && $3; echo \$? > $1.rc"
}
screen() { tmux -S "$SOCK" capture-pane -p -t "$1"; }
ended() { [ -s "$1.rc" ]; }

# The progress line: "[ 12.0s, 18s left] reqs N err N | R/s | p99 X ms | workers N".
PROGRESS='^\[ *[0-9]+\.[0-9]s(, [0-9]+s left)?\] reqs [0-9]+ err [0-9]+ \| [0-9.]+/s \| p99 '
LEFTOVER='s left\] reqs|\| p99 ([0-9.]+ ms|-) \| workers'
shows() { screen "$1" | grep -Eq "$PROGRESS"; }
progress_reqs() { screen "$1" | grep -E "$PROGRESS" | tail -1 | sed 's/.*\] reqs \([0-9]*\) .*/\1/'; }
grown() { [ "$(progress_reqs "$1")" -gt "$2" ] 2>/dev/null; }

# 1. stderr on the terminal, stdout to a file. A failure every 25 calls gives
# error lines from the parent (a failed request fails no run: exit 0); a
# worker logs a line now and then.
code='logen.sleep(0.01); n = (n or 0) + 1; if n % 60 == 0 then logen.log.error("worker note %d", n) end; if n % 25 == 0 then error("planned failure") end'
session one 120 "'$LOGEN' -e '$code' --proc 2 --duration 6 --steps 1 > one.out"
wait_for 20 shows one
ok $? "the progress line shows on the terminal"
first=$(screen one | grep -E "$PROGRESS" | tail -1)
like "$first" "s left\] reqs [0-9]+ err [0-9]+ \| [0-9.]+/s \| p99 [0-9.]+ ms \| workers 2$" \
    "it shows elapsed and remaining time, requests, errors, rate, p99 and live workers"
n1=$(progress_reqs one)
wait_for 20 grown one "${n1:-0}"
ok $? "it updates: the request count grows (from ${n1:-?} to $(progress_reqs one))"
wait_for 30 ended one
is "$(cat one.rc 2>/dev/null)" 0 "the run ends with exit 0"
end_screen=$(screen one)
like "$end_screen" "^==== summary: " "the end summary is on the screen, from column 0"
like "$end_screen" "^result: OK" "its result line too"
like "$end_screen" "^[0-9:.]+ ERROR .*planned failure" "error lines of the parent start at column 0"
like "$end_screen" "^[0-9:.]+ ERROR \[[0-9]+\] worker note" "log lines of a worker start at column 0"
like "$end_screen" "^\[ +[0-9.]+s\] reqs [0-9]+ tra " "periodic lines start at column 0"
if printf '%s\n' "$end_screen" | grep -Eq "$LEFTOVER"; then
    ok 1 "no progress text is left on the screen"
    printf '%s\n' "$end_screen" | grep -E "$LEFTOVER" | head -3 | diag "$(cat)"
else
    ok 0 "no progress text is left on the screen"
fi
is "$(grep -c . one.out)" "$(sed -n 's/^totals: \([0-9]*\) requests.*/\1/p' <<<"$end_screen")" \
    "stdout holds the event lines only, one per request"

# 2. stdout on the same terminal: event lines (one every 0.2 s) scroll
# between the draws of the line.
session two 120 "'$LOGEN' cuts.Dummy --proc 1 --duration 3 --steps 1 --extra '{\"sleep\": 0.2}'"
wait_for 20 shows two
ok $? "stdout on the terminal too: the progress line shows"
wait_for 30 ended two
is "$(cat two.rc 2>/dev/null)" 0 "that run ends with exit 0"
end_screen=$(screen two)
between "$(grep -Ec '^[0-9:.]+ [0-9.]+ req [0-9]+ ' <<<"$end_screen")" 5 100 \
    "its event lines are on the screen, from column 0"
printf '%s\n' "$end_screen" | grep -Eq "$LEFTOVER"
ok $((! $?)) "no progress text is left among the event lines"

# 3. a narrow terminal: cut to its width less one column, no wrap.
session three 40 "'$LOGEN' cuts.Dummy --proc 1 --duration 3 --steps 1 --extra '{\"sleep\": 0.01}' > three.out"
narrow() { screen three | grep -Eq '^\[ *[0-9]+\.[0-9]s, [0-9]+s left\] reqs'; }
wait_for 20 narrow
ok $? "a narrow terminal: the line shows"
line=$(screen three | grep -E '^\[ *[0-9]+\.[0-9]s, [0-9]+s left\] reqs' | tail -1)
between "${#line}" 30 39 "it is cut to 39 columns of 40 (${#line}: '$line')"
wait_for 30 ended three
ok $? "that run ends"

# 4. stderr to a file, though the terminal is there: nothing of the line.
session four 120 "'$LOGEN' cuts.Dummy --proc 2 --duration 2.5 --steps 1 --extra '{\"sleep\": 0.01}' > four.out 2> four.err"
wait_for 30 ended four
is "$(cat four.rc 2>/dev/null)" 0 "stderr to a file: the run ends with exit 0"
like "$(cat four.err)" "^\[ +2\.0s\] reqs [0-9]+ tra " "the file has the periodic lines"
like "$(cat four.err)" "^result: OK" "and the end summary"
grep -Eq "$LEFTOVER" four.err
ok $((! $?)) "no progress text in the file"
LC_ALL=C grep -q "$(printf '[\r\033]')" four.err four.out
ok $((! $?)) "no carriage return and no escape sequence in stderr or stdout"

# 5. --quiet (and -q): no progress line, no periodic line, whenever the
# screen is looked at during the run; the end summary stays.
watch_quiet() { # one look at the screen; done when the run is
    if screen five | grep -Eq "$PROGRESS|^\[ +[0-9.]+s\] reqs"; then seen=1; fi
    ended five
}
for q in --quiet -q; do
    rm -f five.rc
    session "five" 120 "'$LOGEN' cuts.Dummy $q --proc 2 --duration 2.5 --steps 1 --extra '{\"sleep\": 0.01}' > five.out"
    seen=0
    wait_for 30 watch_quiet
    is "$(cat five.rc 2>/dev/null)" 0 "$q: the run ends with exit 0"
    is "$seen" 0 "$q: no progress line and no periodic line on the terminal during the run"
    like "$(screen five)" "^result: OK" "$q: the end summary is on the terminal"
    tmux -S "$SOCK" kill-session -t five
done

done_testing
