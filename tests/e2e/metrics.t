#!/bin/bash
# --metrics-listen scraped by a real Prometheus (Debian's prometheus): the
# test starts it on a free loopback port, its storage in the test's folder,
# scraping every second the targets of a file (file_sd) that it fills once
# logen has said where it listens (port 0). A two-line scenario runs for
# some seconds; through Prometheus's HTTP API the request counter rises
# during the run, and after it its last value is the summary's count;
# tests/metrics/check.py then compares every row's counters and every
# histogram bucket with the HDR histogram of --summary-json. Meanwhile
# three hostile clients (tests/metrics/hostile.py: a malformed request,
# an endless header, a silent connection) get a 400, are cut off and are
# closed, and the run's figures and exit code stay as they are. Then: the
# wait for a last scrape ends at once on SIGTERM (and is skipped when a
# signal stopped the run), and addresses that cannot be parsed or bound
# are refused in one line before any worker starts.
. "$(dirname "$0")/lib.sh"

MDIR=$ROOT/tests/metrics
PROM_PID=
LOGEN_PID=
cleanup() {
    [ -n "$LOGEN_PID" ] && kill "$LOGEN_PID" 2>/dev/null
    if [ -n "$PROM_PID" ]; then kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT

if ! command -v prometheus >/dev/null; then
    ok 1 "prometheus is installed (third_party/packages.txt: make deps)"
    done_testing
    exit 1
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pq QUERY: the value of the first series of an instant query, or nothing
cat > pq.py <<'PY'
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
try:
    with urllib.request.urlopen(url, timeout=5) as r:
        res = json.load(r)["data"]["result"]
    print(res[0]["value"][1] if res else "")
except OSError:
    print("")
PY
PPORT=$(free_port)
PROM=http://127.0.0.1:$PPORT
pq() { python3 pq.py "$PROM" "$1"; }

cat > prom.yml <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: logen
    file_sd_configs:
      - files: ["$T/targets.json"]
        refresh_interval: 1s
YML
prometheus --config.file=prom.yml --storage.tsdb.path="$T/tsdb" \
    --web.listen-address="127.0.0.1:$PPORT" > prom.log 2>&1 &
PROM_PID=$!
prom_ready() {
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/-/ready", timeout=2)' \
        "$PROM" 2>/dev/null
}
wait_for 60 prom_ready
ok $? "prometheus is ready on 127.0.0.1:$PPORT"

# Two lines for 10 s: Dummy requests of 5 ms, and random ones of 0 to 4 ms
# (they spread over several buckets) under an id that needs escaping.
cat > sc.txt <<'SC'
cuts.Dummy --id dummy --proc 2 --duration 10 --steps 1 --extra '{"sleep": 0.005}'
-e 'logen.sleep(math.random() * 0.004)' --id 'r"x' --proc 1 --duration 10 --steps 1
SC
: >out # emptied before the run starts, so waits never read an earlier run's lines
"$LOGEN" scenario --file sc.txt --metrics-listen 127.0.0.1:0 --summary-json s.json \
    --outformat none >>out 2>err &
LOGEN_PID=$!
wait_for 30 grep -q '^metrics: listening on 127\.0\.0\.1:[0-9]*$' err
ok $? "logen tells where it listens (port 0: a free one)"
LPORT=$(sed -n 's/^metrics: listening on 127\.0\.0\.1://p' err)
echo "[{\"targets\": [\"127.0.0.1:$LPORT\"]}]" > targets.tmp && mv targets.tmp targets.json
timeout -k 5 "$(awk -v m="$MULT" 'BEGIN { print 60 * m }')" python3 "$MDIR/hostile.py" 127.0.0.1 "$LPORT" \
    > hostile.out 2>&1 &
HOSTILE_PID=$!

running() { kill -0 "$LOGEN_PID" 2>/dev/null; }
above() { # above MIN: the run's request count in Prometheus is above MIN, logen still running
    local v
    v=$(pq 'sum(logen_requests_total{kind="req"})')
    [ -n "$v" ] && awk -v v="$v" -v m="$1" 'BEGIN { exit !(v > m) }' && running && first=$v
}
first=
wait_for 30 above 0
ok $? "during the run, Prometheus has scraped requests ($first)"
seen=$first
wait_for 30 above "$seen"
ok $? "... and the counter rises while the run goes on ($seen, then $first)"

wait "$HOSTILE_PID"
hostile=$(cat hostile.out)
like "$hostile" "^malformed: HTTP/1.1 400 " "a malformed request gets 400"
like "$hostile" "^endless: cut after [0-9]+ bytes, (HTTP/1.1 431 |no answer)" "an endless header is cut off"
like "$hostile" "^silent: closed after [0-9]\.[0-9] s" "a client that says nothing is closed (5 s)"

wait "$LOGEN_PID"
rc=$?
LOGEN_PID=
is "$rc" 0 "the run ends normally (exit 0), hostile clients or not"
like "$(cat err)" "^metrics: serving the final figures until a scrape takes them" \
    "after the run, logen waits for a scrape of the final figures"
like "$(cat err)" "records: sent ([0-9]+), received \1 .*lost 0" "every record arrived"

count=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["all_lines"]["requests"]["count"])' s.json)
final() { [ "$(pq 'sum(max_over_time(logen_requests_total{kind="req"}[10m]))')" = "$count" ]; }
wait_for 30 final
ok $? "after the end, the counter's last value is the summary's count ($count)"
is "$(pq 'max_over_time(logen_run_ended[10m])')" 1 "... scraped after the end (logen_run_ended 1)"
is "$(pq 'max_over_time(logen_request_duration_seconds_bucket{line="dummy",le="+Inf"}[10m])')" \
    "$(pq 'max_over_time(logen_request_duration_seconds_count{line="dummy"}[10m])')" "le=\"+Inf\" is _count"
is "$(pq 'max_over_time(logen_request_duration_seconds_bucket{line="dummy",le="0.0001"}[10m])')" 0 \
    "5 ms requests: none at or below 100 us"
checks "prometheus vs summary: " python3 "$MDIR/check.py" --prom "$PROM" --summary s.json

# The wait for a last scrape ends at once on SIGTERM (nobody scrapes this one).
"$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --metrics-listen 127.0.0.1:0 \
    --metrics-linger 5m --outformat none > out2 2> err2 &
LOGEN_PID=$!
wait_for 30 grep -q '^metrics: serving the final figures' err2
ok $? "a run that nobody scrapes waits after its end"
kill -TERM "$LOGEN_PID"
wait_for 5 eval '! kill -0 $LOGEN_PID 2>/dev/null'
ok $? "... SIGTERM ends the wait at once"
wait "$LOGEN_PID"
is "$?" 0 "... and the run's exit code stays 0"
LOGEN_PID=

# A run stopped by a signal ends without waiting for a scrape.
"$LOGEN" cuts.Dummy --proc 1 --duration 60 --steps 1 --extra '{"sleep": 0.01}' --outformat none \
    --metrics-listen 127.0.0.1:0 > out3 2> err3 &
LOGEN_PID=$!
wait_for 30 grep -q '^metrics: listening on' err3
kill -INT "$LOGEN_PID"
wait_for 10 eval '! kill -0 $LOGEN_PID 2>/dev/null'
ok $? "SIGINT during the run: logen ends without waiting for a last scrape"
wait "$LOGEN_PID"
is "$?" 130 "... exit 130"
LOGEN_PID=
is "$(grep -c 'serving the final figures' err3)" 0 "... and says of no wait"

# Bad input: one line naming the option, exit 2, no worker started.
refused() { # refused ADDR REGEX WHAT
    run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --metrics-listen "$1"
    is "$rc:$(wc -l < err)" 2:1 "$3: exit 2, one line"
    like "$(cat err)" "$2" "... naming the option and the reason"
    is "$(wc -c < out)" 0 "... no worker started (no event line)"
}
refused nonsense "^logen: --metrics-listen 'nonsense': not HOST:PORT" "an unparsable address"
refused "127.0.0.1:$PPORT" "^logen: --metrics-listen 127.0.0.1:$PPORT: cannot listen there: Address already in use" \
    "a port in use"
refused 192.0.2.1:0 "^logen: --metrics-listen 192.0.2.1:0: cannot listen there" "an address not of this host"
echo "cuts.Dummy --loops 1 --steps 1 --metrics-listen 127.0.0.1:0" > line.txt
run 30 "$LOGEN" scenario --file line.txt
is "$rc" 2 "--metrics-listen on a scenario line: exit 2"
like "$(cat err)" "--metrics-listen applies to the whole run" "... it belongs beside scenario"

kill "$PROM_PID"
wait "$PROM_PID" 2>/dev/null
no_process_left "$PROM_PID"
PROM_PID=
done_testing
