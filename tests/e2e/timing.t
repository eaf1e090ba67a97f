#!/bin/bash
# Timing, with lenient tolerances (these machines are shared and noisy):
# pauses on absolute deadlines, postpone and ramp-up, duration.
. "$(dirname "$0")/lib.sh"

# 200 loops with a 10 ms pause: 2 s
start=$(date +%s.%N)
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 200 --steps 1 --pauseloop 0.01
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$(wc -l < out)" 200 "200 loops"
between "$took" 1.98 2.4 "200 x 10 ms of pause take 2 s (${took}s)"

# the step pause too: 50 loops x 2 steps x 10 ms = 1 s
start=$(date +%s.%N)
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 50 --steps 1,2 --pausestep 0.01
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
between "$took" 0.99 1.4 "100 x 10 ms step pauses take 1 s (${took}s)"

# postpone 0.5, ramp-up 0.5: workers start at 0.5, 1.0, 1.5 s
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --proc 3 --postpone 0.5 --rampup 0.5 --duration 0.5 --steps 1 --pauseloop 0.01
is "$rc" 0 "postpone/ramp-up run exits 0"
ev '{ split(fullId, f, "."); if (!(f[2] in first)) first[f[2]] = epoch; last[f[2]] = epoch }
     END { for (p in first) print first[p], last[p] }' out | sort -n > starts
t0=$(awk 'NR == 1 { print $1 }' starts)
gaps=$(awk -v t0="$t0" '{ printf "%.1f ", $1 - t0 }' starts)
is "$gaps" "0.0 0.5 1.0 " "workers start 0.5 s apart"
spans=$(awk '{ printf "%.1f ", $2 - $1 }' starts)
is "$spans" "0.5 0.5 0.5 " "each runs its 0.5 s"

# --duration wins over --loops
run 30 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --duration 0.3 --loops 2 --steps 1 --pauseloop 0.01
n=$(wc -l < out)
between "$n" 20 31 "--duration 0.3 with --loops 2 runs for the duration ($n loops)"

done_testing
