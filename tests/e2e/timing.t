#!/bin/bash
# Timing, with lenient tolerances (these machines are shared and noisy):
# pauses on absolute deadlines, postpone and ramp-up, duration.
. "$(dirname "$0")/lib.sh"

# The span of the load: from its first event line to its last. The time
# around the process would add its start-up, which a loaded machine
# stretches; pauses are on absolute deadlines, so the span holds. The
# margins of lateness scale with LOGEN_TEST_TIMEOUT_MULTIPLIER.
span() { ev 'NR == 1 { a = epoch } { b = epoch } END { printf "%.3f", b - a }' out; }
late() { awk -v base="$1" -v s="$2" -v m="$MULT" 'BEGIN { print base + s * m }'; } # late BASE SLACK

# 200 loops with a 10 ms pause: 199 pauses between the first and last event
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 200 --steps 1 --pauseloop 0.01
is "$(wc -l < out)" 200 "200 loops"
between "$(span)" 1.98 "$(late 1.99 0.3)" "200 x 10 ms of pause take 2 s ($(span) s from first to last)"

# the step pause too: 50 loops x 2 steps x 10 ms = 1 s
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 50 --steps 1,2 --pausestep 0.01
between "$(span)" 0.98 "$(late 0.99 0.3)" "100 x 10 ms step pauses take 1 s ($(span) s from first to last)"

# postpone 0.5, ramp-up 0.5: workers start at 0.5, 1.0, 1.5 s
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --proc 3 --postpone 0.5 --rampup 0.5 --duration 0.5 --steps 1 --pauseloop 0.01
is "$rc" 0 "postpone/ramp-up run exits 0"
ev '{ split(fullId, f, "."); if (!(f[2] in first)) first[f[2]] = epoch; last[f[2]] = epoch }
     END { for (p in first) print first[p], last[p] }' out | sort -n > starts
is "$(wc -l < starts)" 3 "three workers"
t0=$(awk 'NR == 1 { print $1 }' starts)
gaps=$(awk -v t0="$t0" '{ printf "%.3f ", $1 - t0 }' starts)
read -r _ g1 g2 <<< "$gaps"
between "${g1:-0}" "$(late 0.5 -0.15)" "$(late 0.5 0.15)" "the second worker starts 0.5 s after the first ($gaps)"
between "${g2:-0}" "$(late 1.0 -0.15)" "$(late 1.0 0.15)" "the third 1 s after the first"
spans=$(awk '{ printf "%.3f ", $2 - $1 }' starts)
shortest=$(awk 'NR == 1 || $2 - $1 < m { m = $2 - $1 } END { printf "%.3f", m }' starts)
between "$shortest" "$(late 0.49 -0.15)" 0.5 "each runs its 0.5 s ($spans)"

# --duration wins over --loops
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --duration 0.3 --loops 2 --steps 1 --pauseloop 0.01
n=$(wc -l < out)
between "$n" 20 31 "--duration 0.3 with --loops 2 runs for the duration ($n loops)"

done_testing
