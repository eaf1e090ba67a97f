#!/bin/bash
# Secrets and files (issue 8): no private key, access token or JWT reaches
# stdout or stderr at -vvvv, in runs that succeed and in runs that fail
# (a key the token endpoint does not trust, a refused static token, 503s,
# and an endpoint that echoes back what it was sent: the Authorization
# header, the grant's assertion); TLS verification on by default for the
# KMS CUTs and a warning when `insecure` turns it off; a service-account key
# file others can read draws one warning naming it; the files logen creates
# are 0644 or tighter under umask 000. The secrets searched for: every
# 40-character slice of the PEM body of both service-account keys, their
# private_key_id, the tokens the stand-in issued (its --token-log), a fake
# static token, and the head of any JWT logen signs.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/kms.sh"

EXTRA_SYM='{"file":"KmsDefault.json","key":"symmetric1"}'
EXTRA_SIGN='{"file":"KmsDefault.json","key":"asymmetric1"}'
FAKE_TOKEN=ya29.fake-static-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
TOKENS=$T/tokens.txt
pids=
: > "$TOKENS"
cp "$ROOT/cuts/KmsDefault.json" .

keep_pids() { pids="$pids $(worker_pids out)"; }
lines_rc() { awk -v r="$1" '$3 == "req" && $15 == r' out | wc -l; }

# ---- what is secret ----

# secrets_file: the needles, one a line, rebuilt before each search (the
# token log grows). A PEM body is searched as every 40-character slice of
# its base64, so a key cut short or wrapped differently is still found.
pem_slices() { # pem_slices JSON-KEY-FILE
    "$KMS_PYTHON" -c '
import json, sys
pem = json.load(open(sys.argv[1]))["private_key"]
body = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
for i in range(len(body) - 39):
    print(body[i:i + 40])
print(json.load(open(sys.argv[1])).get("private_key_id") or "")' "$1" | grep .
}
secrets_file() {
    {
        pem_slices "$KMS_SEED/service-account.json"
        pem_slices "$T/stranger.json"
        grep . "$TOKENS"
        echo "$FAKE_TOKEN"
        echo 'eyJhbGciOiJSUzI1NiIs' # base64url of {"alg":"RS256", the head of logen's JWTs
    } > "$T/secrets"
}

# leaks FILE...: how many secrets occur in the files, white space, JSON's
# "\n" and "\/" escapes taken out first.
leaks() {
    secrets_file
    cat "$@" | tr -d ' \t\r\n' | sed 's#\\/#/#g; s/\\n//g' | grep -oFf "$T/secrets" | wc -l
}

# no_leak LABEL: the last run's stdout and stderr hold no secret.
no_leak() {
    local n
    n=$(leaks out err)
    is "$n" 0 "$1: no secret in stdout or stderr"
    [ "$n" -eq 0 ] || diag "$(cat out err | grep -Ff "$T/secrets" | head -3)"
}

# ---- an endpoint that echoes credentials back in its error answers ----

cat > echo.py <<'PY'
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port_file, log_file, max_seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])

class Echo(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        auth = self.headers.get("Authorization", "")
        with open(log_file, "a") as f:
            f.write(json.dumps({"path": self.path, "auth": auth, "body": body}) + "\n")
        if self.path.endswith("/token"):  # a grant refused, the assertion quoted
            code, ctype = 400, "application/json"
            out = json.dumps({"error": "invalid_grant", "error_description": "refused: " + body})
        elif ":encrypt" in self.path:     # a google.rpc.Status quoting the header
            code, ctype = 403, "application/json"
            out = json.dumps({"error": {"code": 403, "status": "PERMISSION_DENIED",
                                        "message": "denied for Authorization: " + auth}})
        else:                             # plain text, first line quoting the header
            code, ctype, out = 403, "text/plain", "Authorization: %s refused\n%s\n" % (auth, body)
        data = out.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST

    def log_message(self, *args):
        pass

srv = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
import os
os.replace(port_file + ".tmp", port_file)
threading.Timer(max_seconds, srv.shutdown).start()
srv.serve_forever()
PY
"$KMS_PYTHON" echo.py "$T/echo.port" "$T/echo.log" "$KMS_MAX_SECONDS" </dev/null >/dev/null 2>"$T/echo.err" &
ECHO_PID=$!
eval "set -- $(trap -p EXIT)"
trap "kill $ECHO_PID 2>/dev/null; ${3:-}" EXIT
i=0
while [ ! -s "$T/echo.port" ] && kill -0 "$ECHO_PID" 2>/dev/null &&
      [ $i -lt "$(awk -v m="$MULT" 'BEGIN { print int(300 * m) }')" ]; do
    sleep 0.1; i=$((i + 1))
done
ECHO_URL=http://127.0.0.1:$(cat "$T/echo.port" 2>/dev/null)
ok "$([ -s "$T/echo.port" ]; echo $?)" "the echoing endpoint listens ($ECHO_URL)"

# ---- 1. the stand-in: runs that succeed and runs that fail, at -vvvv ----

kms_start --token-log "$TOKENS"
ok $? "the stand-in starts, logging the tokens it issues"
"$KMS_PYTHON" - "$GOOGLE_APPLICATION_CREDENTIALS" > stranger.json <<'PY'
import json, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
sa = json.load(open(sys.argv[1]))
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
sa["private_key"] = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()).decode()
sa["private_key_id"] = "%040x" % int.from_bytes(__import__("os").urandom(20), "big")
print(json.dumps(sa))
PY
chmod 600 stranger.json
between "$(leaks "$KMS_SEED/service-account.json")" 40 100000 "the search finds the key in a service-account file (a control)"
between "$(leaks stranger.json)" 40 100000 "and the other key in its file"

run 60 "$LOGEN" cuts.KmsEncryptSymmetric -vvvv --proc 2 --loops 3 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 0)" 6 "KmsEncryptSymmetric -vvvv: 6 encrypts, rc 0"
no_leak "KmsEncryptSymmetric -vvvv"
keep_pids
run 60 "$LOGEN" cuts.KmsSignature -vvvv --proc 1 --loops 2 --steps 256 --extra '{"file":"KmsDefault.json","key":"asymmetric1","verify":true}'
is "$(lines_rc 0)" 2 "KmsSignature -vvvv with verify: 2 signatures, rc 0"
no_leak "KmsSignature -vvvv"
keep_pids
is "$(wc -l < "$TOKENS")" 3 "the stand-in issued 3 tokens (one per worker), all searched for"

GOOGLE_APPLICATION_CREDENTIALS=$T/stranger.json run 60 "$LOGEN" cuts.KmsEncryptSymmetric -vvvv --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 4)" 2 "a key the token endpoint does not trust: rc 4 per request"
like "$(cat err)" "invalid_grant" "with the grant's error"
no_leak "the untrusted key"
keep_pids
LOGEN_KMS_TOKEN=$FAKE_TOKEN run 60 "$LOGEN" cuts.KmsSignature -vvvv --proc 1 --loops 2 --steps 256 --extra "$EXTRA_SIGN"
is "$(lines_rc 2)" 2 "a static token the service refuses: rc 2 per request"
like "$(cat err)" "401|UNAUTHENTICATED" "with the 401"
no_leak "the refused static token"
keep_pids

kms_stop
kms_start --token-log "$TOKENS" --error-ratio 1
run 60 "$LOGEN" cuts.KmsEncryptSymmetric -vvvv --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 2)" 2 "the stand-in answering 503: rc 2 per request"
like "$(cat err)" "503|UNAVAILABLE" "with the 503"
no_leak "the 503 answers"
keep_pids

# ---- 2. an endpoint that echoes the credentials it was sent ----

n0=$(wc -l < "$TOKENS")
LOGEN_KMS_ENDPOINT=$ECHO_URL run 60 "$LOGEN" cuts.KmsEncryptSymmetric -vvvv --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 2)" 2 "an endpoint quoting the bearer in a JSON error: rc 2 per request"
like "$(cat err)" "PERMISSION_DENIED .*Authorization: Bearer \[redacted\]" "the message keeps its text, the token masked"
is "$(grep -c "$(tail -1 "$TOKENS")" "$T/echo.log")" 2 "the endpoint did get the issued token (and quoted it)"
no_leak "the JSON echo of the token"
keep_pids
LOGEN_KMS_ENDPOINT=$ECHO_URL run 60 "$LOGEN" cuts.KmsSignature -vvvv --proc 1 --loops 2 --steps 256 --extra "$EXTRA_SIGN"
is "$(lines_rc 2)" 2 "an endpoint quoting the bearer in plain text: rc 2 per request"
like "$(cat err)" "HTTP 403 from .*Authorization: Bearer \[redacted\]" "the token masked there too"
no_leak "the plain-text echo of the token"
keep_pids
LOGEN_KMS_ENDPOINT=$ECHO_URL LOGEN_KMS_TOKEN=$FAKE_TOKEN run 60 "$LOGEN" cuts.KmsSignature -vvvv --proc 1 --loops 2 --steps 256 --extra "$EXTRA_SIGN"
is "$(grep -c "$FAKE_TOKEN" "$T/echo.log")" 2 "a static token, echoed back"
no_leak "the echo of a static token"
keep_pids
LOGEN_KMS_TOKEN_URI=$ECHO_URL/token run 60 "$LOGEN" cuts.KmsEncryptSymmetric -vvvv --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 4)" 2 "a token endpoint quoting the refused assertion: rc 4 per request"
like "$(cat err)" "invalid_grant \(refused: grant_type=.*assertion=\[redacted\]" "the assertion masked"
like "$(grep -c '"path": "/token"' "$T/echo.log")" "^[1-9]" "the endpoint did get the assertion"
no_leak "the echo of the assertion"
between "$(leaks "$T/echo.log")" 6 100000 "the search finds the tokens and assertions the endpoint got (a control)"
keep_pids
is "$(wc -l < "$TOKENS")" $((n0 + 2)) "2 more tokens issued (none for the static token or the echoing token endpoint), searched for"

# ---- 3. TLS verification with the KMS CUTs ----

kms_stop
kms_start --tls --token-log "$TOKENS"
cainfo=$LOGEN_KMS_CAINFO
unset LOGEN_KMS_CAINFO
run 60 "$LOGEN" cuts.KmsEncryptSymmetric --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
is "$(ev 'type == "req" && rc != 0' out | wc -l)" 2 "HTTPS without the stand-in's CA: every request fails"
like "$(cat err)" "SSL certificate problem" "on the certificate"
is "$(grep -c 'TLS verification is off' err)" 0 "verification is on by default: no warning"
run 60 "$LOGEN" cuts.KmsEncryptSymmetric --proc 1 --loops 2 --steps 384 --extra '{"file":"KmsDefault.json","key":"symmetric1","insecure":true}'
is "$(lines_rc 0)" 2 "extra.insecure turns it off: rc 0"
is "$(grep -c ' WARN \[[0-9]*\] TLS verification is off' err)" 1 "and draws one warning (a worker's token and KMS clients)"
keep_pids
export LOGEN_KMS_CAINFO=$cainfo

# ---- 4. a service-account key file others can read ----

cp "$KMS_SEED/service-account.json" open-sa.json
chmod 644 open-sa.json
GOOGLE_APPLICATION_CREDENTIALS=$T/open-sa.json run 60 "$LOGEN" cuts.KmsEncryptSymmetric --proc 1 --loops 3 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 0)" 3 "a key file with mode 0644 still works: rc 0"
is "$(grep -c "WARN .*service-account key $T/open-sa.json is accessible to group or others (mode 0644)" err)" 1 \
    "one warning, naming the file, at the default verbosity"
chmod 640 open-sa.json
GOOGLE_APPLICATION_CREDENTIALS=$T/open-sa.json run 60 "$LOGEN" cuts.KmsSignature --proc 1 --loops 2 --steps 256 --extra "$EXTRA_SIGN"
is "$(grep -c "service-account key $T/open-sa.json .*(mode 0640)" err)" 1 "group-readable (0640): the warning too"
chmod 600 open-sa.json
GOOGLE_APPLICATION_CREDENTIALS=$T/open-sa.json run 60 "$LOGEN" cuts.KmsEncryptSymmetric -vv --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 0) $(grep -c 'service-account key' err)" "2 0" "mode 0600: no warning"
keep_pids

# ---- 5. files logen creates, under umask 000 ----

(umask 000; "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --output events.txt 2>/dev/null)
is "$(stat -c %a events.txt 2>&1)" 644 "--output is created 0644 under umask 000"
(umask 000; "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --outformat jtl --output events.jtl 2>/dev/null)
is "$(stat -c %a events.jtl 2>&1)" 644 "a jtl --output too"
(umask 077; "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --output private.txt 2>/dev/null)
is "$(stat -c %a private.txt 2>&1)" 600 "and the umask still takes its bits (077: 0600)"
mkdir new && (cd new && umask 000 && "$LOGEN" new Mine >/dev/null)
is "$(stat -c %a new/cuts 2>&1) $(stat -c %a new/cuts/Mine.lua 2>&1)" "755 644" "logen new: cuts/ 0755, the CUT 0644"

kms_stop
kill "$ECHO_PID" 2>/dev/null
wait "$ECHO_PID" 2>/dev/null
# shellcheck disable=SC2086
no_process_left $pids "$ECHO_PID"
done_testing
