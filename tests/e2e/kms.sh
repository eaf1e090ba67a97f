# kms.sh -- the Cloud KMS stand-in (tests/kms/standin.py) for the end-to-end tests.
#
# Source it after lib.sh, then call kms_start [--tls] [stand-in options...]. It
# runs the stand-in as a background child of the test on a free loopback port
# (the stand-in picks it and writes $T/kms.port), seed directory $KMS_SEED
# (keys.json and service-account.json, kept across restarts), log $KMS_LOG,
# and exports
#   LOGEN_KMS_ENDPOINT              http(s)://127.0.0.1:PORT
#   GOOGLE_APPLICATION_CREDENTIALS  $KMS_SEED/service-account.json (token_uri: the stand-in)
#   LOGEN_KMS_CAINFO                the self-signed certificate, with --tls only
# plus KMS_URL, KMS_PORT, KMS_PID. --tls makes a fresh certificate for 127.0.0.1
# and localhost with the openssl CLI. kms_stop ends exactly that PID (TERM, then
# KILL after 5 s) and sets KMS_STATUS to its exit status; it also runs on exit,
# before whatever the EXIT trap did already. The stand-in also ends by itself
# after KMS_MAX_SECONDS (default 300 x the timeout multiplier).
# kms_stat KEY prints a figure of GET /_stats (e.g. tokensIssued, methods.encrypt.total,
# methods.encrypt.200; 0 when absent); kms_reset zeroes the counters. kms_checks
# runs a client that prints PASS/FAIL lines and makes TAP of them.

KMS_PYTHON=${KMS_PYTHON:-/usr/bin/python3}
KMS_STANDIN=$ROOT/tests/kms/standin.py
KMS_SEED=$T/kms-seed
KMS_LOG=$T/kms-standin.log
KMS_CERT=$T/kms-cert.pem
KMS_MAX_SECONDS=${KMS_MAX_SECONDS:-$(awk -v m="${MULT:-1}" 'BEGIN { print int(300 * m) }')}
KMS_PID=
KMS_PORT=
KMS_URL=
KMS_STATUS=

kms_stop() {
    [ -n "$KMS_PID" ] || return 0
    local i=0
    kill -TERM "$KMS_PID" 2>/dev/null
    while kill -0 "$KMS_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$KMS_PID" 2>/dev/null
    wait "$KMS_PID" 2>/dev/null
    KMS_STATUS=$?
    KMS_PID=
}

# Runs kms_stop before whatever the EXIT trap already does (lib.sh's rm).
kms_trap() {
    eval "set -- $(trap -p EXIT)"
    trap "kms_stop; ${3:-}" EXIT
}
kms_trap

kms_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
        -keyout "$T/kms-key.pem" -out "$KMS_CERT" 2>"$T/kms-openssl.err"
}

# kms_start [--tls] [stand-in options...]: returns 0 with the variables above
# exported, or 1 with the reason on stderr. Waits at most 30 s (x multiplier).
kms_start() {
    local scheme=http i tls=
    if [ "${1:-}" = --tls ]; then
        shift
        kms_cert || { echo "kms_start: openssl failed: $(cat "$T/kms-openssl.err")" >&2; return 1; }
        scheme=https tls="--tls $KMS_CERT $T/kms-key.pem"
    fi
    rm -f "$T/kms.port"
    # shellcheck disable=SC2086
    "$KMS_PYTHON" "$KMS_STANDIN" --seed-dir "$KMS_SEED" --port 0 --port-file "$T/kms.port" \
        --max-seconds "$KMS_MAX_SECONDS" $tls "$@" </dev/null >>"$KMS_LOG" 2>&1 &
    KMS_PID=$!
    for i in $(seq 1 "$(awk -v m="${MULT:-1}" 'BEGIN { print int(300 * m) }')"); do
        kill -0 "$KMS_PID" 2>/dev/null || break
        if [ -s "$T/kms.port" ]; then
            KMS_PORT=$(cat "$T/kms.port")
            KMS_URL=$scheme://127.0.0.1:$KMS_PORT
            export KMS_PID KMS_PORT KMS_URL LOGEN_KMS_ENDPOINT=$KMS_URL
            export GOOGLE_APPLICATION_CREDENTIALS=$KMS_SEED/service-account.json
            if [ -n "$tls" ]; then export LOGEN_KMS_CAINFO=$KMS_CERT; else unset LOGEN_KMS_CAINFO; fi
            return 0
        fi
        sleep 0.1
    done
    kms_stop
    echo "kms_start: the stand-in did not start: $(tail -3 "$KMS_LOG" 2>/dev/null)" >&2
    return 1
}

# kms_get PATH [POST]: the body of an admin request to the running stand-in.
kms_get() {
    "$KMS_PYTHON" - "$KMS_URL$1" "${2:-GET}" "${LOGEN_KMS_CAINFO:-}" <<'PY'
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[3]) if sys.argv[3] else None
req = urllib.request.Request(sys.argv[1], data=b"" if sys.argv[2] == "POST" else None, method=sys.argv[2])
print(urllib.request.urlopen(req, timeout=10, context=ctx).read().decode())
PY
}

kms_stat() { # kms_stat DOTTED.KEY
    kms_get /_stats | "$KMS_PYTHON" -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, {}) if isinstance(v, dict) else {}
print(v if isinstance(v, int) else 0)' "$1"
}

kms_reset() {
    kms_get /_stats/reset POST >/dev/null
}

# kms_checks LABEL CMD...: runs a checking client (tests/kms/test_standin.py,
# tests/kms/node/check.js) with a timeout, one TAP line per "PASS what" or
# "FAIL what: why" it prints, then one for its exit status: a client that
# crashes (or is killed by the timeout) fails instead of silently shrinking
# the plan.
kms_checks() {
    local label=$1 line status
    shift
    timeout -k 5 "$(awk -v m="${MULT:-1}" 'BEGIN { print 120 * m }')" "$@" > "$T/checks.out" 2>&1
    status=$?
    while IFS= read -r line; do
        case $line in
            PASS\ *) ok 0 "$label${line#PASS }" ;;
            FAIL\ *) ok 1 "$label${line#FAIL }" ;;
            Traceback*|*Error*) diag "$line" ;;
            *) echo "# $line" ;;
        esac
    done < "$T/checks.out"
    is "$status" 0 "${label}the client exits 0 ($(grep -c '^PASS' "$T/checks.out") checks passed)"
}
