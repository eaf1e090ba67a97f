#!/bin/bash
# HTTP against a private nginx on loopback: cuts.Sbgc01 end to end, keep-alive
# (one connection per worker), HTTP error statuses, transport errors (refused,
# timeout, TLS verification) recorded without stopping the run, real TLS with
# cainfo, and logen.http's API from a CUT.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/nginx.sh"

nginx_start
ok $? "nginx starts on loopback (ports $NGINX_PORT, $NGINX_TLS_PORT)"
[ -n "$NGINX_PORT" ] || { done_testing; exit 1; }
BASE=http://127.0.0.1:$NGINX_PORT
ACCESS=$NGINX_ACCESS_LOG

# Sbgc01: 2 workers x 5 loops, one GET each
: > "$ACCESS"
run 60 "$LOGEN" cuts.Sbgc01 --proc 2 --loops 5 --steps 1 --extra '{"url":"'$BASE'/","sleep":0}'
is "$rc" 0 "Sbgc01 exits 0"
is "$(ev 'type == "req" || type == "tra"' out | wc -l)" 10 "10 event lines"
is "$(ev 'type == "req" && rc == 0' out | wc -l)" 10 "all with rc 0"
is "$(ev 'fullId !~ /\.Sbgc01\.0\.RMngr\.R-GET$/' out | wc -l)" 0 "the request is RMngr.R-GET"
like "$(cat err)" "records: sent ([0-9]+), received \1 .*lost 0" "records sent = received"
is "$(wc -l < "$ACCESS")" 10 "nginx saw exactly 10 requests"
is "$(awk '$4 == 200 && $5 == "GET" && $6 == "/"' "$ACCESS" | wc -l)" 10 "10 x GET / -> 200"
is "$(awk '{ print $2 }' "$ACCESS" | sort -u | wc -l)" 2 "keep-alive: 2 connections for 2 workers"
is "$(awk '{ print $3 }' "$ACCESS" | sort -n | tail -1)" 5 "5 requests on each connection"
pids=$(worker_pids out)
no_process_left $pids

# think time: extra.sleep happens after the request, outside its duration
run 60 "$LOGEN" cuts.Sbgc01 --proc 1 --loops 3 --steps 1 --extra '{"url":"'$BASE'/","sleep":0.2}'
is "$rc" 0 "Sbgc01 with sleep exits 0"
is "$(ev 'type == "req" && rc == 0 && duration < 0.15' out | wc -l)" 3 "the think time is not in the request's duration"

# an HTTP error status: recorded as rc 2 with the status in the message
run 60 "$LOGEN" cuts.Sbgc01 --proc 1 --loops 2 --steps 1 --extra '{"url":"'$BASE'/missing"}'
is "$rc" 0 "a 404 does not stop the run"
is "$(ev 'type == "req" && rc == 2' out | wc -l)" 2 "a 404 gives rc 2"
like "$(cat err)" "HTTP 404 from $BASE/missing" "the error names the status and the URL"

# a closed port: a transport error (rc 1, curl's message), promptly
closed=$((NGINX_TLS_PORT + 1))
while nginx_answers "$closed"; do closed=$((closed + 1)); done
start=$(date +%s.%N)
run 60 "$LOGEN" cuts.Sbgc01 --proc 2 --loops 2 --steps 1 --extra '{"url":"http://127.0.0.1:'$closed'/"}'
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$rc" 0 "a refused connection does not stop the run"
is "$(ev 'type == "req" && rc == 1' out | wc -l)" 4 "each refused request is recorded with rc 1"
like "$(cat err)" "rc=1: GET http://127.0.0.1:$closed/: .*(Couldn't connect|Connection refused)" "with curl's message"
between "$elapsed" 0 10 "and the run does not hang"

# a server too slow: the client's timeout ends the request
run 60 "$LOGEN" cuts.Sbgc01 --proc 1 --loops 1 --steps 1 --extra '{"url":"'$BASE'/slow","timeout":0.5}'
is "$(ev 'type == "req" && rc == 1' out | wc -l)" 1 "a timeout is a transport error"
like "$(cat err)" "[Tt]imed? ?out" "named as a timeout"
between "$(ev 'type == "req" { print duration }' out)" 0.4 3 "after about the timeout"

# HTTPS: verified against the test certificate, refused without it
: > "$ACCESS"
TLS=https://127.0.0.1:$NGINX_TLS_PORT
run 60 "$LOGEN" cuts.Sbgc01 --proc 2 --loops 3 --steps 1 --extra '{"url":"'$TLS'/","cainfo":"'$NGINX_CERT'"}'
is "$rc" 0 "HTTPS with cainfo exits 0"
is "$(ev 'type == "req" && rc == 0' out | wc -l)" 6 "6 verified HTTPS requests, rc 0"
is "$(awk '$4 == 200' "$ACCESS" | wc -l)" 6 "nginx served them"
is "$(awk '{ print $2 }' "$ACCESS" | sort -u | wc -l)" 2 "TLS connections are kept alive too"
run 60 "$LOGEN" cuts.Sbgc01 --proc 1 --loops 2 --steps 1 --extra '{"url":"https://localhost:'$NGINX_TLS_PORT'/","cainfo":"'$NGINX_CERT'"}'
is "$(ev 'type == "req" && rc == 0' out | wc -l)" 2 "the certificate also holds for localhost"
run 60 "$LOGEN" cuts.Sbgc01 --proc 1 --loops 2 --steps 1 --extra '{"url":"'$TLS'/"}'
is "$rc" 0 "an untrusted certificate does not stop the run"
is "$(ev 'type == "req" && rc == 1' out | wc -l)" 2 "without cainfo, verification fails: rc 1"
like "$(cat err)" "rc=1: GET $TLS/: SSL certificate problem" "with the TLS error"
is "$(grep -c 'TLS verification is off' err)" 0 "verification is on by default: no warning"
run 60 "$LOGEN" cuts.Sbgc01 --proc 1 --loops 1 --steps 1 --extra '{"url":"'$TLS'/","verify":false}'
is "$(ev 'type == "req" && rc == 0' out | wc -l)" 1 "verify=false skips the check"
run 60 "$LOGEN" cuts.Sbgc01 --proc 2 --loops 3 --steps 1,2 --extra '{"url":"'$TLS'/","verify":false}'
is "$(ev 'type == "req" && rc == 0' out | wc -l)" 12 "verify=false: 2 workers x 3 loops x 2 steps, rc 0"
is "$(grep -c ' WARN \[[0-9]*\] TLS verification is off' err)" 2 \
    "and a warning at the default verbosity, once per worker (not per request)"

# logen.http from a CUT: methods, bodies, headers, sizes, expected statuses
cat > HttpApi.lua <<'LUA'
local logen = require "logen"
local http = require "logen.http"
local HttpApi = logen.cut "HttpApi"

local function must(cond, what) if not cond then error("failed: " .. what, 0) end end

function HttpApi:init(options, extra)
    self.base = extra.base
    self.client = http.client{timeout = 5, headers = {["X-Logen"] = "1"}}
end

HttpApi.post = logen.exec(function(self, request)
    local res, err = self.client:post(self.base .. "/post", ("x"):rep(3000), {["Content-Type"] = "text/plain"})
    must(http.check(request, res, err, 200), "post")
    must(res.body == "ok\n", "post body")
    must(request.inlen == 3000 and request.outlen == 3, "post sizes: in = sent, out = received")
end)

HttpApi.bytes = logen.exec(function(self, request)
    local res, err = self.client:get(self.base .. "/bytes/65536")
    must(http.check(request, res, err), "bytes")
    must(#res.body == 65536 and request.outlen == 65536, "bytes length")
    must(res.reused == true, "connection reused")
    must(res.time > 0 and res.ttfb <= res.total and res.connect <= res.ttfb, "timings")
    must(res.method == "GET" and res.url == self.base .. "/bytes/65536", "method and url")
end)

HttpApi.statuses = logen.exec(function(self, request)
    local res, err = self.client:get(self.base .. "/error")
    must(http.check(request, res, err, {200, 500}), "500 in an expected list")
    must(res.status == 500, "status 500")
    local r2 = {}
    must(not http.check(r2, res, nil) and r2.rc == http.RC_STATUS, "500 is an error by default")
    local r3 = {}
    must(not http.check(r3, self.client:get("http://127.0.0.1:1/")) and r3.rc == http.RC_TRANSPORT, "refused")
end)

HttpApi.head = logen.exec(function(self, request)
    local res, err = self.client:request("HEAD", self.base .. "/bytes/1024")
    must(http.check(request, res, err, 200) and res.body == "", "HEAD")
    res, err = self.client:request("DELETE", self.base .. "/post")
    must(http.check(request, res, err, 200), "DELETE")
end)

-- the client's headers, replaced or removed for one request, come back after it
HttpApi.headers = logen.exec(function(self, request)
    local want = {
        { {["X-One"] = "1"}, "x-logen=1 x-one=1" },
        { nil, "x-logen=1 x-one=" },
        { {["X-Logen"] = "2"}, "x-logen=2 x-one=" },
        { {["X-Logen"] = false}, "x-logen= x-one=" },
        { nil, "x-logen=1 x-one=" },
    }
    for i, w in ipairs(want) do
        local res, err = self.client:get(self.base .. "/headers", w[1])
        must(http.check(request, res, err, 200), "headers " .. i)
        must(res.body == w[2] .. "\n", "headers " .. i .. ": " .. tostring(res.body))
    end
end)

HttpApi.misuse = logen.exec(function(self, request)
    must(not pcall(http.client, {timout = 1}), "an unknown option raises")
    must(not pcall(self.client.get, self.client, nil), "a missing url raises")
    must(not pcall(self.client.get, self.client, self.base, {["bad name"] = "x"}), "a bad header raises")
    local c = http.client{}
    c:close()
    c:close()
    must(not pcall(c.get, c, self.base), "a closed client raises")
end)

function HttpApi:func()
    for _, name in ipairs{"post", "bytes", "statuses", "head", "headers", "misuse"} do
        self[name](self, self:newRequest(name))
    end
end

return HttpApi
LUA
: > "$ACCESS"
run 60 "$LOGEN" HttpApi.lua --proc 1 --loops 2 --steps 1 --extra '{"base":"'$BASE'"}'
is "$rc" 0 "the HttpApi CUT runs"
is "$(ev 'type == "req"' out | wc -l)" 12 "12 requests"
is "$(ev 'type == "req" && rc != 0' out | wc -l)" 0 "every check passes"
grep ERROR err | head -5 | sed 's/^/# /'
is "$(awk '$5 == "POST" && $6 == "/post"' "$ACCESS" | wc -l)" 2 "nginx saw the POSTs"
is "$(awk '$5 == "HEAD" && $7 == 0' "$ACCESS" | wc -l)" 2 "and the HEADs, without a body"
# nginx closes a connection after a 500: 3 connections for 2 loops
is "$(awk '{ print $2 }' "$ACCESS" | sort -u | wc -l)" 3 "connections are kept alive until the server closes one"

# proxies: the environment is read once per client, and still honoured
NAME=logen-proxy-test.invalid
: > "$ACCESS"
run 60 env -u no_proxy -u NO_PROXY http_proxy=$BASE "$LOGEN" cuts.Sbgc01 --proc 1 --loops 2 --steps 1 \
    --extra '{"url":"http://'$NAME'/index.html"}'
is "$(ev 'type == "req" && rc == 0' out | wc -l)" 2 "http_proxy set: requests go through the proxy"
is "$(grep -c 'GET /index.html' "$ACCESS")" 2 "which is where nginx saw them"
run 60 env no_proxy=$NAME http_proxy=$BASE "$LOGEN" cuts.Sbgc01 --proc 1 --loops 1 --steps 1 \
    --extra '{"url":"http://'$NAME'/index.html"}'
is "$(ev 'type == "req" && rc == 1' out | wc -l)" 1 "no_proxy naming the host: no proxy, the name does not resolve"
run 60 env -u http_proxy -u all_proxy -u ALL_PROXY "$LOGEN" cuts.Sbgc01 --proc 1 --loops 1 --steps 1 \
    --extra '{"url":"http://'$NAME'/index.html"}'
is "$(ev 'type == "req" && rc == 1' out | wc -l)" 1 "no proxy variable: a direct request, which fails"

nginx_pid=$NGINX_PID
nginx_stop
no_process_left "$nginx_pid"

done_testing
