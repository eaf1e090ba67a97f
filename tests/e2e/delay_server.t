#!/bin/bash
# The delayed-answer test server itself (tests/e2e/delay_server.py), before
# anything relies on it: 20 concurrent requests overlap (all answered in about
# one delay, /stats sees 20 at once), a per-request delay, keep-alive with
# request bodies (Content-Length and chunked), a malformed request refused,
# /stats?reset=1, the counters file written on SIGTERM, and the end by itself
# after --max-lifetime.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/delay_server.sh"

# client.py PORT overlap N PATH: N connections at once, one GET each; prints
# "status count" lines and "elapsed S".
# client.py PORT keepalive: GET, POST (Content-Length), POST (chunked) on one
# connection; prints the statuses, the body sizes.
# client.py PORT raw TEXT: sends TEXT, prints the status line of the answer.
cat > client.py <<'EOF'
import http.client, socket, sys, threading, time
port = int(sys.argv[1])
if sys.argv[2] == "overlap":
    n, path, statuses = int(sys.argv[3]), sys.argv[4], []
    def one():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        statuses.append(r.status)
    threads = [threading.Thread(target=one) for _ in range(n)]
    t0 = time.monotonic()
    for t in threads: t.start()
    for t in threads: t.join()
    for s in sorted(set(statuses)): print(s, statuses.count(s))
    print("elapsed %.3f" % (time.monotonic() - t0))
elif sys.argv[2] == "keepalive":
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    for method, body, chunked in (("GET", None, False), ("POST", b"x" * 5000, False),
                                  ("POST", iter([b"abc", b"defg"]), True)):
        c.request(method, "/k?bytes=100", body=body, encode_chunked=chunked)
        r = c.getresponse()
        out.append("%d:%d" % (r.status, len(r.read())))
    print(" ".join(out))
else:
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(sys.argv[3].encode().decode("unicode_escape").encode("latin-1"))
    print(s.makefile("rb").readline().decode().strip())
EOF

stat_of() { # stat_of JSON FIELD
    python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

delay_server_start 0.5 60
ok $? "the server starts and writes its port file (port $DELAY_PORT)"
[ -n "$DELAY_PORT" ] || { done_testing; exit 1; }

run 30 python3 client.py "$DELAY_PORT" overlap 20 /
is "$(head -1 out)" "200 20" "20 concurrent requests are answered 200"
elapsed=$(sed -n 's/^elapsed //p' out)
between "$elapsed" 0.45 3 "together in about one delay of 0.5 s, not 20 (they overlap)"
s=$(delay_server_stats)
is "$(stat_of "$s" requests)" 20 "/stats counts 20 requests"
is "$(stat_of "$s" peak_in_progress)" 20 "/stats saw 20 requests in progress at once"
is "$(stat_of "$s" peak_open_connections)" 20 "and 20 open connections at once"
is "$(stat_of "$s" in_progress)" 0 "none left in progress"
between "$(stat_of "$s" mean_held_s)" 0.5 2 "each held about the delay (mean_held_s)"

run 30 python3 client.py "$DELAY_PORT" overlap 1 '/?delay=0'
between "$(sed -n 's/^elapsed //p' out)" 0 0.4 "?delay=0 answers at once"
run 30 python3 client.py "$DELAY_PORT" overlap 1 '/?delay=1'
between "$(sed -n 's/^elapsed //p' out)" 0.95 3 "?delay=1 after about 1 s"

delay_server_stats '?reset=1' >/dev/null
run 30 python3 client.py "$DELAY_PORT" keepalive
is "$(cat out)" "200:100 200:100 200:100" "GET, POST and chunked POST on one connection, 100-byte bodies"
s=$(delay_server_stats)
is "$(stat_of "$s" requests)" 3 "after /stats?reset=1, the 3 requests are counted"
is "$(stat_of "$s" connections)" 2 "on one kept-alive connection (plus the /stats one)"

run 30 python3 client.py "$DELAY_PORT" raw 'NONSENSE\r\n\r\n'
is "$(cat out)" "HTTP/1.1 400 Bad Request" "a malformed request is answered 400"

pid=$DELAY_PID
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "SIGTERM ends it with status 0"
DELAY_PID=
like "$(cat "$DELAY_STATS")" '"requests": 3,.*"bad_requests": 1' "and it writes its counters at exit"

delay_server_start 0.1 1
pid=$DELAY_PID
wait_for 10 eval '! kill -0 '"$pid"' 2>/dev/null'
ok $? "with --max-lifetime 1 it ends by itself"
DELAY_PID=
no_process_left "$pid"

done_testing
