#!/bin/bash
# Representative runs of the ASan + UBSan build (build/asan/logen, made by
# make test): closed and open models, transactions and errors, a scenario,
# -e, HTTP through libcurl, SIGINT, and the crypto binding (crypto.t's
# checks: digests, HMAC, base64, hex, CRC-32C, keys, AES-GCM, JWT). Any
# sanitizer report fails the test.
. "$(dirname "$0")/lib.sh"
ASAN_LOGEN=${ASAN_LOGEN:-$ROOT/build/asan/logen}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

if [ ! -x "$ASAN_LOGEN" ]; then
    echo "1..0 # SKIP no sanitized binary at $ASAN_LOGEN (make asan)"
    exit 0
fi

clean() { # clean DESCRIPTION: the last run exited as expected with no report
    if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' err; then
        ok 1 "$1: no sanitizer report"; grep -E -m3 'Sanitizer|runtime error' err | diag "$(cat)"
    else
        ok 0 "$1: no sanitizer report"
    fi
}

run 60 "$ASAN_LOGEN" cuts.Dummy --proc 2 --loops 200 --steps 1,2,3 --extra '{"sleep": 0, "transaction": true, "error": 7}'
is "$rc" 0 "closed run with transactions and errors"
is "$(ev 'type == "tra"' out | wc -l)" 1200 "  every transaction reported"
clean "closed run"

run 60 "$ASAN_LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 2 --sche 1@100,1@50-150 --steps 1 --burst 3 --outformat raw
is "$rc" 0 "open run with ramps and bursts, raw lines"
is "$(wc -l < out)" 200 "  every event reported"
clean "open run"

printf 'cuts.Dummy --id a --loops 50 --steps 1 --extra "{\\"sleep\\": 0}"\n-e "logen.sleep(0.001)" --id b --loops 20 --steps 1\n' > s.txt
run 60 "$ASAN_LOGEN" scenario --file s.txt --outformat jtl
is "$rc" 0 "a scenario with -e, JTL lines"
is "$(wc -l < out)" 71 "  header and 70 samples"
clean "scenario"

# crypto.t as it is, on the sanitized binary. Its reports go to files
# (log_path), as crypto.t keeps no stderr; it notes rather than checks the
# RSS growth of its no-leak loop under ASan (the quarantine holds 256 MB of
# freed blocks to catch a use after free), so the quarantine stays on.
ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$T/crypto-san" UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$T/crypto-san" \
    LOGEN=$ASAN_LOGEN timeout -k 5 "$((300 * MULT))" bash "$ROOT/tests/e2e/crypto.t" >crypto.tap 2>crypto.err
rc=$?
is "$rc/$(grep -c '^not ok' crypto.tap)" 0/0 "crypto.t passes with the sanitized binary"
grep '^not ok' crypto.tap | head -5 | diag "$(cat)"
ls "$T"/crypto-san.* >/dev/null 2>&1
ok $((! $?)) "crypto.t: no sanitizer report"
head -20 "$T"/crypto-san.* 2>/dev/null | diag "$(cat)"

. "$ROOT/tests/e2e/nginx.sh"
nginx_start
run 60 "$ASAN_LOGEN" cuts.Sbgc01 --proc 2 --loops 50 --steps 1 --extra "{\"url\": \"https://127.0.0.1:$NGINX_TLS_PORT/\", \"cainfo\": \"$NGINX_CERT\"}"
is "$rc" 0 "HTTPS GETs through libcurl"
is "$(ev 'rc == 0' out | wc -l)" 100 "  all succeed"
clean "HTTPS run"

# emptied here, not by the background job's redirection: wait_for must not
# read the HTTPS run's lines and signal logen before it handles SIGINT
: >out
"$ASAN_LOGEN" cuts.Dummy --proc 2 --duration 30 --steps 1 --summary 0.1 --extra '{"sleep": 0.001}' >>out 2>err &
main=$!
wait_for 30 workers_seen 2 out
kill -INT "$main"
wait "$main"
is "$?" 130 "SIGINT mid-run"
clean "interrupted run"

done_testing
