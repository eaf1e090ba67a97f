#!/bin/bash
# http.sh -- make bench: logen's HTTP beside wrk, and 10,000 requests in flight.
#
# 1. A private nginx on loopback serving 1 KiB (tests/e2e/nginx.sh), and at
#    each number of connections c in BENCH_HTTP_LEVELS (default 1 4 16 64
#    256): cuts.Sbgc01 for BENCH_HTTP_SECONDS (default 3) with 2 processes
#    of c/2 coroutines each (--concurrency; 1 x 1 at c = 1), then
#    `wrk -t2 -c c` for as long against the same nginx, in the same run;
#    BENCH_HTTP_ROUNDS (default 3) times, interleaved, keeping each tool's
#    best (on a shared machine a neighbour's burst only ever slows a run).
#    Printed: requests/s of each, their ratio (target >= 0.8 at every level),
#    logen's errors. Without --concurrency (logen --help does not list it)
#    only 1 and 2 connections are measured, with 1 and 2 processes, and the
#    other levels say "not measured: --concurrency not available".
#    Then, with valgrind (BENCH_HTTP_CALLGRIND=0 skips it), the instructions
#    a request costs in the worker at --concurrency 1, 2, 8 and 64
#    (BENCH_HTTP_IR_LEVELS): callgrind over about 1,000 and 3,000 requests.
# 2. 10,000 requests in flight: the delay server (tests/e2e/delay_server.py)
#    answering after 1 s, `--proc 2 --concurrency 5000` for
#    BENCH_INFLIGHT_SECONDS (default 15). Printed, over a steady window (the
#    last two thirds but 1 s): requests/s the server answered against
#    in-flight / latency = 10,000 / 1 s (target within 5 %), the latency
#    that implies (Little's law) beside the time the server held each
#    request and logen's own mean, the peaks the server saw, the CPU the
#    server and the workers used, and the workers' peak private memory
#    (Private_Clean + Private_Dirty of smaps_rollup, as bench.sh) per
#    request in flight, over that of a 1-connection worker.
# Loopback only; every process started here (nginx, the delay server, logen,
# wrk) is bounded in time and ended by its PID.
. "$(dirname "$0")/../e2e/lib.sh"
NGINX_WORKER_CONNECTIONS=2048
. "$ROOT/tests/e2e/nginx.sh"
. "$ROOT/tests/e2e/delay_server.sh"

SECS=${BENCH_HTTP_SECONDS:-3}
ROUNDS=${BENCH_HTTP_ROUNDS:-3}
LEVELS=${BENCH_HTTP_LEVELS:-1 4 16 64 256}
INFLIGHT_SECS=${BENCH_INFLIGHT_SECONDS:-15}
ulimit -n "$(ulimit -Hn)" 2>/dev/null

private_kib() { # sum of private memory of pid $1, in KiB
    awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' "/proc/$1/smaps_rollup" 2>/dev/null
}

# summary: "requests errors mean_ms requests/s" of all the requests of the
# run in $T/sum.json (--summary-json), "0 ? 0 0" when there is none
summary() {
    python3 - "$T/sum.json" <<'EOF' 2>/dev/null || echo "0 ? 0 0"
import json, sys
d = json.load(open(sys.argv[1]))
r, t = d["all_lines"]["requests"], d["totals"]
print(r["count"], r["errors"], r["mean"], t["requests"] / t["load_s"])
EOF
}

workers() { # the pids of the running logen's workers (under timeout, under logen)
    local p
    for p in $(ps -o pid= --ppid "$LOGEN_PID"); do ps -o pid= --ppid "$p"; done
}

cpu_ticks() { # cpu_ticks PID...: their user + system time, in clock ticks
    local p
    for p in "$@"; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done |
        awk '{ s += $1 } END { print s + 0 }'
}

# logen_run SECONDS PROCS CONC URL [TIMEOUT]: one Sbgc01 run in the
# background, the workers' peak private memory sampled every 100 ms into
# $peak_kib (summed over workers); the summary in $T/sum.json.
logen_run() {
    local secs=$1 procs=$2 conc=$3 url=$4 copt=()
    [ "$conc" -gt 1 ] && copt=(--concurrency "$conc")
    rm -f "$T/sum.json"
    timeout -k 5 $((secs + 60)) "$LOGEN" cuts.Sbgc01 --proc "$procs" "${copt[@]}" --duration "$secs" \
        --steps 1 --outformat none --summary-json "$T/sum.json" \
        --extra '{"url":"'"$url"'","sleep":0,"timeout":30}' >/dev/null 2>"$T/logen.err" &
    LOGEN_PID=$!
    echo "$LOGEN_PID" > "$T/logen.pid"
    peak_kib=0
    while kill -0 "$LOGEN_PID" 2>/dev/null; do
        local sum=0 p k
        for p in $(workers); do
            k=$(private_kib "$p")
            sum=$((sum + ${k:-0}))
        done
        [ "$sum" -gt "$peak_kib" ] && peak_kib=$sum
        sleep 0.1
    done
    wait "$LOGEN_PID"
    LOGEN_RC=$?
    LOGEN_PID=
    [ "$LOGEN_RC" -eq 0 ] || echo "  (logen exit status $LOGEN_RC: $(tail -2 "$T/logen.err"))" >&2
}

wrk_rps() { # wrk_rps CONNS URL: wrk's requests/s
    local threads=2
    [ "$1" -lt 2 ] && threads=1
    timeout -k 5 $((SECS + 30)) wrk -t"$threads" -c"$1" -d"${SECS}s" "$2" 2>&1 |
        sed -n 's/^Requests\/sec: *//p'
}

row() { # row CONNS LAYOUT LOGEN_RPS ERRORS WRK_RPS
    local ratio verdict
    ratio=$(awk -v a="$3" -v b="$5" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "?" }')
    verdict=$(awk -v r="$ratio" 'BEGIN { if (r == "?") print "?"; else print (r >= 0.8 ? "ok" : "below 0.8") }')
    printf '%6s %-16s %12s %7s %12s %7s  %s\n' "$1" "$2" \
        "$(awk -v a="$3" 'BEGIN { printf "%.0f", a }')" "$4" \
        "$(awk -v a="$5" 'BEGIN { printf "%.0f", a }')" "$ratio" "$verdict"
}

HAVE_CONC=
"$LOGEN" --help 2>&1 | grep -q -- '--concurrency' && HAVE_CONC=1
HAVE_WRK=
command -v wrk >/dev/null && HAVE_WRK=1

nginx_start || exit 1
URL=http://127.0.0.1:$NGINX_PORT/bytes/1024

echo "logen HTTP beside wrk: nginx on loopback, 1 KiB, ${SECS}s per run, best of $ROUNDS interleaved runs"
[ -n "$HAVE_WRK" ] || echo "(wrk is not installed: third_party/install-deps.sh installs it)"
printf '%6s %-16s %12s %7s %12s %7s  %s\n' conns "logen procs x co" "logen req/s" errors "wrk req/s" ratio "target >= 0.8"
if [ -n "$HAVE_CONC" ]; then
    plan=$LEVELS
else
    plan="1 2"
fi
base_kib=
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 > b + 0) ? a : b }'; }
for c in $plan; do
    if [ -n "$HAVE_CONC" ] && [ "$c" -gt 1 ]; then
        procs=2 conc=$((c / 2))
    elif [ -n "$HAVE_CONC" ]; then
        procs=1 conc=1
    else
        procs=$c conc=1
    fi
    best=0 best_wrk=0 errors=0
    for _ in $(seq "$ROUNDS"); do
        logen_run "$SECS" "$procs" "$conc" "$URL"
        [ "$c" -eq 1 ] && [ -z "$base_kib" ] && base_kib=$peak_kib
        set -- $(summary)
        best=$(max "$best" "$4")
        errors=$(awk -v a="$errors" -v b="$2" 'BEGIN { print (a == "?" || b == "?") ? "?" : a + b }')
        [ -n "$HAVE_WRK" ] && best_wrk=$(max "$best_wrk" "$(wrk_rps "$c" "$URL")")
    done
    row "$c" "$procs x $conc" "$best" "$errors" "$best_wrk"
done
if [ -z "$HAVE_CONC" ]; then
    for c in $LEVELS; do
        [ "$c" -gt 2 ] && printf '%6s %s\n' "$c" "not measured: --concurrency not available"
    done
fi

# instructions a request in the worker: callgrind (repeatable where time is
# not), one process, at each --concurrency C in BENCH_HTTP_IR_LEVELS
# (default 1 2 8 64; 1: the blocking path), over L and 3 L loops per copy
# (C x L about 1,000 requests): the difference / (2 C L)
worker_ir() { # worker_ir C LOOPS: Ir of the worker, the process that ran curl
    local copt=()
    [ "$1" -gt 1 ] && copt=(--concurrency "$1")
    rm -f "$T"/cg.*
    timeout -k 5 600 valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$T/cg.%p" \
        "$LOGEN" cuts.Sbgc01 --proc 1 "${copt[@]}" --loops "$2" --steps 1 --outformat none \
        --extra '{"url":"'"$URL"'","sleep":0}' >/dev/null 2>&1
    grep -l 'curl_easy_perform\|curl_multi_socket_action' "$T"/cg.* 2>/dev/null | head -1 |
        xargs -r sed -n 's/^summary: //p'
}
if [ "${BENCH_HTTP_CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
    line="instructions a request in the worker (callgrind, 1 process, 1 KiB):"
    for c in ${BENCH_HTTP_IR_LEVELS:-1 2 8 64}; do
        [ "$c" -gt 1 ] && [ -z "$HAVE_CONC" ] && continue
        l=$(( (1000 + c - 1) / c ))
        ir1=$(worker_ir "$c" "$l") ir3=$(worker_ir "$c" $((3 * l)))
        line="$line $(awk -v a="$ir1" -v b="$ir3" -v n=$((2 * c * l)) -v c="$c" 'BEGIN {
            if (a > 0 && b > a) printf "C=%d %.0f;", c, (b - a) / n; else printf "C=%d not measured;", c }')"
    done
    echo "${line%;}"
fi
nginx_stop

echo
echo "10,000 requests in flight: the delay server at 1 s, --proc 2 --concurrency 5000, ${INFLIGHT_SECS}s"
if [ -z "$HAVE_CONC" ]; then
    echo "not measured: --concurrency not available"
    exit 0
fi
delay_server_start 1 $((INFLIGHT_SECS + 120)) --body-bytes 1024 || exit 1
# window_probe FROM TO: beside the in-flight run, from its start: at FROM
# seconds resets the server's counters, at TO reads them. Prints "start end
# server_ticks worker_ticks" (the CPU each used in between), then /stats.
window_probe() {
    sleep "$1"
    local pids start cs cw stats
    LOGEN_PID=$(cat "$T/logen.pid")
    pids=$(workers)
    delay_server_stats '?reset=1' >/dev/null
    start=$EPOCHREALTIME cs=$(cpu_ticks "$DELAY_PID") cw=$(cpu_ticks $pids)
    sleep "$(awk -v a="$1" -v b="$2" 'BEGIN { print b - a }')"
    stats=$(delay_server_stats)
    echo "$start $EPOCHREALTIME $(($(cpu_ticks "$DELAY_PID") - cs)) $(($(cpu_ticks $pids) - cw))"
    echo "$stats"
}
window_probe "$((INFLIGHT_SECS / 3))" "$((INFLIGHT_SECS - 1))" > "$T/window" 2>/dev/null &
probe=$!
logen_run "$INFLIGHT_SECS" 2 5000 "http://127.0.0.1:$DELAY_PORT/"
wait "$probe"
read -r win_start win_end cpu_server cpu_workers < "$T/window"
win_stats=$(sed -n 2p "$T/window")
set -- $(summary)
count=$1 errors=$2 mean_ms=$3
python3 - "$win_stats" "$win_start" "$win_end" "$mean_ms" "$count" "$errors" "$peak_kib" "${base_kib:-0}" \
    "$cpu_server" "$cpu_workers" "$(getconf CLK_TCK)" "$(cut -d' ' -f1 /proc/loadavg)" <<'EOF'
import json, sys
stats, start, end, mean_ms, count, errors, peak, base, cs, cw, hz, load = sys.argv[1:]
inflight, delay = 10000, 1.0
try:
    s = json.loads(stats)
    span = float(end) - float(start)
    rps = s["requests"] / span
except (ValueError, KeyError, ZeroDivisionError):
    print("no steady window: the server's counters could not be read")
    sys.exit(0)
want = inflight / delay
dev = (rps - want) / want * 100
print("steady window of %.1f s: the server answered %.0f requests/s; in flight / latency = %d / %.0f s"
      " = %.0f requests/s: %+.1f %% (target within 5 %%: %s)"
      % (span, rps, inflight, delay, want, dev, "ok" if abs(dev) <= 5 else "missed"))
print("latency each request saw (in flight / requests/s, Little): %.2f s;"
      " logen's mean over the whole run, ramp-up included: %.2f s" % (inflight / rps, float(mean_ms) / 1000))
print("server: held each request %.3f s on average (its delay and its own lateness), peak %d in progress,"
      " peak %d open connections; logen: %s requests, %s errors"
      % (s["mean_held_s"], s["peak_in_progress"], s["peak_open_connections"], count, errors))
print("CPU in the window: the delay server %.0f %%, the 2 workers %.0f %% of one core (load average %s on %d cores)"
      % (int(cs) / float(hz) / span * 100, int(cw) / float(hz) / span * 100, load,
         __import__("os").cpu_count()))
per = (int(peak) - 2 * int(base)) / inflight
print("workers' peak private memory %.1f MiB for 2; over 2 x %.1f MiB (a 1-connection worker%s):"
      " %.1f KiB per request in flight" % (int(peak) / 1024, int(base) / 1024,
                                           "" if int(base) else ": not measured", per))
EOF
delay_server_stop
