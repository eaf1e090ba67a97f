#!/bin/bash
# bench.sh -- make bench: throughput and memory of the closed-model engine.
#
# Dummy with sleep 0 and no pauses, 2 processes, short lines to /dev/null,
# for BENCH_SECONDS (default 5): recorded events per second, records lost,
# peak private memory (Private_Clean + Private_Dirty of smaps_rollup) per
# worker, sampled every 100 ms. Targets on a 2-core machine: >= 500,000
# events/s, 0 lost, <= 4 MiB per worker. Figures are printed as a table.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOGEN=${LOGEN:-$ROOT/build/logen}
SECS=${BENCH_SECONDS:-5}
T=$(mktemp -d /tmp/logen-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

private_kib() { # sum of private memory of pid $1, in KiB
    awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' "/proc/$1/smaps_rollup" 2>/dev/null
}

# bench_run LABEL PROCS ARGS...: one run, one table row
bench_run() {
    local label=$1 procs=$2; shift 2
    "$LOGEN" cuts.Dummy --proc "$procs" --duration "$SECS" --steps 1 "$@" >/dev/null 2>"$T/err" &
    local main=$! peak=0
    while kill -0 "$main" 2>/dev/null; do
        for p in $(ps -o pid= --ppid "$main"); do
            local k
            k=$(private_kib "$p")
            [ -n "$k" ] && [ "$k" -gt "$peak" ] && peak=$k
        done
        sleep 0.1
    done
    wait "$main"
    local rc=$?
    local events lost
    events=$(sed -n 's/.*requests[: ]*\([0-9][0-9]*\).*/\1/p' "$T/err" | tail -1)
    lost=$(grep -Eio 'lost[: ]*[0-9]+' "$T/err" | grep -Eo '[0-9]+' | tail -1)
    printf '%-34s %6s %14s %12s %8s %14s\n' "$label" "$procs" "${events:-?}" \
        "$(awk -v e="${events:-0}" -v s="$SECS" 'BEGIN { printf "%.0f", e / s }')" \
        "${lost:-0}" "$(awk -v k="$peak" 'BEGIN { printf "%.2f MiB", k / 1024 }')"
    [ "$rc" -eq 0 ] || echo "  (exit status $rc)" >&2
    cp "$T/err" "$T/last-summary"
}

echo "logen closed-model benchmark: cuts.Dummy, sleep 0, no pauses, ${SECS}s, short lines to /dev/null"
printf '%-34s %6s %14s %12s %8s %14s\n' "run" "procs" "events" "events/s" "lost" "peak private"
bench_run "logen, 1 process" 1
bench_run "logen, 2 processes" 2
bench_run "logen, 2 processes, transactions" 2 --extra '{"transaction": true}'
echo
echo "Pylogen on this machine, same set-up (issue 2): ~2,800 events/s with 1 process,"
echo "~5,000 with 2, ~430 us of CPU per event, 15-22 MB per process."
echo
echo "End summary of the last run:"
cat "$T/last-summary"
