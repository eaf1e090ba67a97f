# delay_server.sh -- the delayed-answer HTTP server (tests/e2e/delay_server.py)
# for the end-to-end tests and the benchmark.
#
# Source it after lib.sh (it needs $T, wait_for and $MULT), then call
#   delay_server_start DELAY [MAX_LIFETIME [ARGS...]]
# which starts the server on a loopback port the kernel picks, answering
# after DELAY seconds, ending by itself after MAX_LIFETIME seconds (default
# 120, scaled by LOGEN_TEST_TIMEOUT_MULTIPLIER), and waits for its port
# file: DELAY_PORT, DELAY_PID, DELAY_STATS (the counters it writes at exit)
# are then set. delay_server_stats prints its /stats JSON (python3, no curl);
# delay_server_stop, also run on exit, ends exactly that PID with SIGTERM.

DELAY_SERVER=$ROOT/tests/e2e/delay_server.py
DELAY_PID=
DELAY_PORT=
DELAY_STATS=$T/delay-stats.json

delay_server_stop() {
    [ -n "$DELAY_PID" ] || return 0
    kill -TERM "$DELAY_PID" 2>/dev/null
    wait "$DELAY_PID" 2>/dev/null
    DELAY_PID=
}

on_exit delay_server_stop

delay_server_start() { # delay_server_start DELAY [MAX_LIFETIME [ARGS...]]
    local delay=$1 life=${2:-120}
    shift; [ $# -gt 0 ] && shift
    rm -f "$T/delay-port" "$DELAY_STATS"
    python3 "$DELAY_SERVER" --delay "$delay" --port-file "$T/delay-port" \
        --stats-file "$DELAY_STATS" \
        --max-lifetime "$(awk -v s="$life" -v m="$MULT" 'BEGIN { print s * m }')" "$@" \
        >/dev/null 2>"$T/delay-server.err" </dev/null &
    DELAY_PID=$!
    if ! wait_for 10 test -s "$T/delay-port"; then
        echo "delay_server_start: no port: $(tail -3 "$T/delay-server.err")" >&2
        delay_server_stop
        return 1
    fi
    DELAY_PORT=$(cat "$T/delay-port")
    export DELAY_PORT DELAY_PID DELAY_STATS
}

delay_server_stats() { # the server's /stats JSON on stdout
    python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:%s/stats%s" % (sys.argv[1], sys.argv[2]), timeout=10).read().decode())' \
        "$DELAY_PORT" "${1:-}"
}
