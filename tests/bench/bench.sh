#!/bin/bash
# bench.sh -- make bench: throughput and memory of the closed-model engine.
#
# Dummy with sleep 0 and no pauses, 2 processes, short lines to /dev/null,
# for BENCH_SECONDS (default 5): recorded events per second, records lost,
# peak private memory (Private_Clean + Private_Dirty of smaps_rollup) per
# worker, sampled every 100 ms. Targets on a 2-core machine: >= 500,000
# events/s, 0 lost, <= 4 MiB per worker. Figures are printed as a table.
# Then the cost of one histogram record (build/bench/bench_hist, which make
# bench builds from tests/bench/bench_hist.c: 100 M records, target under
# 20 ns), the collector's capacity (records received per second from 2
# workers with --outformat none, target >= 2,000,000/s with 0 lost, and the
# CPU time of the collector and of the workers from /proc/PID/stat), the
# open model's generator precision, and event lines per second
# in each --outformat, side by side with short (1 process,
# BENCH_FORMAT_SECONDS); last, two shards (--shard 0/2, 1/2, one --start-at)
# against one process doing the same open schedule: events, achieved rate
# and the response p99 of the union beside the single run's.
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
    "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --proc "$procs" --duration "$SECS" --steps 1 "$@" >/dev/null 2>"$T/err" &
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
    # event lines = requests + transactions, from "totals: N requests, M transactions"
    events=$(sed -n 's/^totals: \([0-9]*\) requests, \([0-9]*\) transactions.*/\1 \2/p' "$T/err" |
             awk '{ print $1 + $2 }')
    lost=$(sed -n 's/^records: .*lost \([0-9]*\).*/\1/p' "$T/err")
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
bench_run "logen, 2 processes, transactions" 2 --extra '{"sleep": 0, "transaction": true}'
# pacing: 1000 loops with --pauseloop 0.01 must take 10 s within 1 %
start=$(date +%s.%N)
"$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 1000 --steps 1 --pauseloop 0.01 >/dev/null 2>&1
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
echo "pacing: 1000 loops with --pauseloop 0.01 took ${took} s" \
    "($(awk -v t="$took" 'BEGIN { printf "%+.2f%%", (t - 10) / 10 * 100 }'); target 10 s within 1 %)"
"$ROOT/build/bench/bench_hist" ||
    echo "histogram record: no build/bench/bench_hist (make bench builds it)"

# ---- the collector's capacity: records it absorbs per second ----
# collector_run LABEL ARGS...: 2 workers of Dummy (sleep 0) with
# --outformat none for BENCH_COLLECTOR_SECONDS (default 5). The parent
# process is the collector; /proc/PID/stat (utime + stime, fields 14-15) is
# sampled every 50 ms for it and for each worker, the last sample kept.
# Workers blocked on a full pipe mean the collector is the bottleneck.
CSECS=${BENCH_COLLECTOR_SECONDS:-5}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
collector_run() {
    local label=$1; shift
    "$LOGEN" cuts.Dummy --proc 2 --duration "$CSECS" --outformat none "$@" >/dev/null 2>"$T/err" &
    local main=$! coll=0 k p
    local -A wcpu=()
    while kill -0 "$main" 2>/dev/null; do
        k=$(cpu_ticks "$main"); [ -n "$k" ] && coll=$k
        for p in $(ps -o pid= --ppid "$main"); do
            k=$(cpu_ticks "$p"); [ -n "$k" ] && wcpu[$p]=$k
        done
        sleep 0.05
    done
    wait "$main"
    local rc=$? hz span recv lost blocked workers=0
    hz=$(getconf CLK_TCK)
    for k in "${wcpu[@]}"; do workers=$((workers + k)); done
    span=$(sed -n 's/^==== summary: \([0-9.]*\) s of load.*/\1/p' "$T/err")
    recv=$(sed -n 's/^records: sent [0-9]*, received \([0-9]*\).*/\1/p' "$T/err")
    lost=$(sed -n 's/^records: .*lost \([0-9]*\).*/\1/p' "$T/err")
    blocked=$(sed -n 's/^blocked on the pipe: \([0-9.]*\) s in total.*/\1/p' "$T/err")
    awk -v l="$label" -v r="${recv:-0}" -v s="${span:-0}" -v lost="${lost:-?}" -v b="${blocked:-0}" \
        -v c="$coll" -v w="$workers" -v hz="$hz" 'BEGIN {
        rate = (s > 0) ? r / s : 0
        share = (s > 0) ? c / hz / s * 100 : 0
        percpu = (c > 0) ? r / (c / hz) : 0
        printf "%-26s %10d %10.0f %5s %7.2f s %7.2f s %4.0f%% %10.0f %7.2f s\n", l, r, rate, lost,
            b, c / hz, share, percpu, w / hz }'
    [ "$rc" -eq 0 ] || echo "  (exit status $rc)" >&2
}

echo
echo "the collector's capacity: cuts.Dummy, sleep 0, 2 workers, --outformat none, ${CSECS}s;"
echo "target >= 2,000,000 records/s received with 0 lost (collector = the parent process)"
printf '%-26s %10s %10s %5s %9s %9s %5s %10s %9s\n' "run" "received" "records/s" "lost" \
    "blocked" "collector" "share" "rec/CPU s" "workers"
collector_run "2 workers, 1 step" --extra '{"sleep": 0}' --steps 1
collector_run "2 workers, transactions" --extra '{"sleep": 0, "transaction": true}' --steps 1
echo "(records/s = records received / load span; blocked = time the workers waited on a"
echo " full pipe, all workers together; collector = its CPU time (user + system), share ="
echo " that over the load span, of one core; rec/CPU s = records received per second of"
echo " collector CPU, what it would absorb with a core of its own; workers = their CPU time)"
echo
echo "Pylogen on this machine, same set-up (issue 2): ~2,800 events/s with 1 process,"
echo "~5,000 with 2, ~430 us of CPU per event, 15-22 MB per process."
echo
echo "End summary of the last run:"
cat "$T/last-summary"

# ---- open model: the generator's precision ----
# open_run RATE: 10 s at RATE events/s, Dummy sleep 0, enough prefork.
open_run() {
    local rate=$1 secs=${BENCH_OPEN_SECONDS:-10}
    "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 4 --sche "$secs@$rate" --steps 1 >/dev/null 2>"$T/err"
    local rc=$?
    local want gen achieved late
    want=$(awk -v r="$rate" -v s="$secs" 'BEGIN { printf "%d", r * s }')
    gen=$(awk -v p="$secs@$rate" '$1 == p { print $4 }' "$T/err")
    achieved=$(awk -v p="$secs@$rate" '$1 == p { print $3 }' "$T/err")
    # lateness row: count min mean p50 p90 p99 max (ms)
    late=$(awk '$1 == "lateness" { printf "%s %s %s", $5, $7, $8 }' "$T/err")
    set -- $late
    printf '%-10s %10s %10s %12s %9s %9s %9s %9s\n' "$rate/s" "$want" "${gen:-?}" \
        "${achieved:-?}" "$(awk -v a="${achieved:-0}" -v r="$rate" 'BEGIN { printf "%+.2f%%", (a - r) / r * 100 }')" \
        "${1:-?}" "${2:-?}" "${3:-?}"
    [ "$rc" -eq 0 ] || echo "  (exit status $rc)" >&2
}

echo
echo "logen open-model benchmark: cuts.Dummy, sleep 0, prefork 4, ${BENCH_OPEN_SECONDS:-10}s per schedule"
printf '%-10s %10s %10s %12s %9s %9s %9s %9s\n' "schedule" "asked" "generated" "achieved/s" "error" \
    "late p50" "late p99" "late max"
printf '%-10s %10s %10s %12s %9s %9s %9s %9s\n' "" "events" "events" "" "" "ms" "ms" "ms"
open_run 1000
open_run 10000
open_run 50000
echo
echo "Pylogen on this machine: +1.3 % drift at 50 events/s and +4.5 % at 200 events/s,"
echo "dispatch lateness p99 205 ms and 431 ms, the missing events sent in one burst at"
echo "the end of the phase (and with its default postpone the controller gives up"
echo "before the workers are ready, so an open run never starts)."

# ---- event-line formats: lines per second in each, beside short ----
# format_run FORMAT: 1 process, Dummy sleep 0, lines to /dev/null, for
# BENCH_FORMAT_SECONDS (default 3); prints events/s and the ratio to short.
FSECS=${BENCH_FORMAT_SECONDS:-3}
format_run() {
    "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --proc 1 --duration "$FSECS" --steps 1 \
        --outformat "$1" >/dev/null 2>"$T/err"
    local rc=$? events lost
    events=$(sed -n 's/^totals: \([0-9]*\) requests, \([0-9]*\) transactions.*/\1 \2/p' "$T/err" |
             awk '{ print $1 + $2 }')
    lost=$(sed -n 's/^records: .*lost \([0-9]*\).*/\1/p' "$T/err")
    local rate
    rate=$(awk -v e="${events:-0}" -v s="$FSECS" 'BEGIN { printf "%.0f", e / s }')
    [ "$1" = short ] && short_rate=$rate
    printf '%-8s %12s %12s %8s %10s\n' "$1" "${events:-?}" "$rate" "${lost:-?}" \
        "$(awk -v r="$rate" -v s="${short_rate:-0}" 'BEGIN { if (s > 0) printf "%.2f", r / s; else print "?" }')"
    [ "$rc" -eq 0 ] || echo "  (exit status $rc)" >&2
}

echo
echo "event-line formats: cuts.Dummy, sleep 0, 1 process, ${FSECS}s each, lines to /dev/null"
printf '%-8s %12s %12s %8s %10s\n' "format" "lines" "lines/s" "lost" "vs short"
short_rate=
for f in short long raw jtl csv json none; do
    format_run "$f"
done
echo "(none writes no line: its figure is what the run produced without formatting)"

# ---- shards: two on this machine against one process, the same work ----
# shard_run LABEL OUT [--shard I/N]: the open schedule BENCH_SHARD_SECONDS
# (default 5) at BENCH_SHARD_RATE (default 10000) events/s from the agreed
# start $AT, raw lines to OUT (for the exact response times), summary to
# OUT.err. Prints events generated, achieved rate and the response p99.
SHSECS=${BENCH_SHARD_SECONDS:-5}
SHRATE=${BENCH_SHARD_RATE:-10000}
shard_run() {
    local label=$1 out=$2; shift 2
    "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 2 --postpone 1 --sche "$SHSECS@$SHRATE" \
        --steps 1 --outformat raw -q --start-at "$AT" --summary-json "$out.json" "$@" >"$out" 2>"$out.err"
    local rc=$?
    [ "$rc" -eq 0 ] || echo "  ($label: exit status $rc)" >&2
}
# p99 of response (end - intended), ms, over the raw lines of the files given
response_p99() {
    cat "$@" | awk -F'"end_ns":' '{ split($2, e, ","); split($0, i, "\"intended_ns\":");
        split(i[2], t, ","); print (e[1] - t[1]) / 1e6 }' | sort -n |
        awk '{ v[NR] = $1 } END { k = int(NR * 0.99 + 0.999999); printf "%.3f", NR ? v[k] : 0 }'
}
shard_row() { # shard_row LABEL ASKED/S RAW-FILES...: one row from their summaries and lines
    local label=$1 asked=$2; shift 2
    local gen=0 ach=0 f
    for f in "$@"; do
        gen=$((gen + $(awk -v p="$SHSECS@$SHRATE" '$1 == p { print $4 }' "$f.err")))
        ach=$(awk -v a="$ach" -v b="$(awk -v p="$SHSECS@$SHRATE" '$1 == p { print $3 }' "$f.err")" \
              'BEGIN { print a + b }')
    done
    printf '%-24s %10s %10s %12.2f %9s %12s\n' "$label" "$gen" "$asked" "$ach" \
        "$(awk -v a="$ach" -v r="$asked" 'BEGIN { printf "%+.2f%%", (a - r) / r * 100 }')" \
        "$(response_p99 "$@")"
}

echo
echo "shards: 2 shards at once against 1 process, ${SHSECS}s at ${SHRATE} events/s, cuts.Dummy"
echo "sleep 0, prefork 2 each, one agreed start (--start-at); asked $((SHSECS * SHRATE)) events"
printf '%-24s %10s %10s %12s %9s %12s\n' "run" "generated" "asked/s" "achieved/s" "error" \
    "resp p99 ms"
AT=$(awk -v t="$(date +%s.%N)" 'BEGIN { printf "%.3f", t + 0.5 }')
shard_run "1 process" "$T/one"
shard_row "1 process" "$SHRATE" "$T/one"
AT=$(awk -v t="$(date +%s.%N)" 'BEGIN { printf "%.3f", t + 0.5 }')
shard_run "shard 0/2" "$T/s0" --shard 0/2 &
shard_run "shard 1/2" "$T/s1" --shard 1/2
wait
shard_row "shard 0/2" $((SHRATE / 2)) "$T/s0"
shard_row "shard 1/2" $((SHRATE / 2)) "$T/s1"
shard_row "2 shards together" "$SHRATE" "$T/s0" "$T/s1"
# the same from summaries: the single run's, and logen merge of the two shards'
json_row() { # json_row LABEL ASKED/S SUMMARY.json
    python3 - "$@" <<'PY'
import json, sys
label, asked, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
o = json.load(open(path))["lines"][0]["open_model"]
ach = sum(p["achieved"] or 0 for p in o["phase_table"])
print("%-24s %10d %10d %12.2f %+8.2f%% %12.3f" % (label, o["generated"], asked, ach,
      (ach - asked) / asked * 100, o["times"]["response"]["p99"]))
PY
}
"$LOGEN" merge "$T/s0.json" "$T/s1.json" -o "$T/merged.json" >"$T/merged.txt" 2>&1 ||
    echo "  (logen merge: exit status $?)" >&2
json_row "1 process (summary)" "$SHRATE" "$T/one.json"
json_row "logen merge of 2 shards" "$SHRATE" "$T/merged.json"
echo "(together: events and rates added, p99 over the union of both shards' response times;"
echo " the summary rows are the HDR figures: logen merge adds the shards' histograms)"
