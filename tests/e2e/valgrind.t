#!/bin/bash
# valgrind.t -- memcheck over short runs of the optimised binary ($LOGEN,
# built -O2 -g): a closed run with transactions and errors, an open run with
# ramps and bursts, and -e code through logen.crypto (OpenSSL, codec.c).
# Every process of a run is followed: forked workers and the generator stay
# under valgrind (a fork without exec is always followed), and
# --trace-children=yes also follows an exec. Each process writes its own
# log. A run passes when it ends as it does without valgrind (exit 0,
# result: OK, every line) and every log's summary says 0 errors; definite
# leaks count as errors. The one log without a summary is the run's guard
# (pool.c), which ends by SIGKILL of its own group. Suppressions:
# valgrind.supp (none active: see there why). make valgrind runs
# this file; make test runs it as one of the end-to-end tests.
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
    echo "1..0 # SKIP valgrind is missing (Debian package valgrind)"
    exit 0
fi

vg_run() { # vg_run NAME SECONDS ARGS...: logen under memcheck, logs vg.NAME.PID
    local name=$1 secs=$2; shift 2
    run "$secs" valgrind --tool=memcheck --error-exitcode=99 --trace-children=yes \
        --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --num-callers=30 --suppressions="$ROOT/tests/e2e/valgrind.supp" \
        --log-file="$T/vg.$name.%p.log" "$LOGEN" "$@"
}

vg_clean() { # vg_clean NAME: every log of run NAME reports 0 errors
    local logs n bad nosum
    logs=$(ls "$T"/vg."$1".*.log 2>/dev/null)
    n=$(echo "$logs" | grep -c .)
    bad=$(grep -L 'ERROR SUMMARY: 0 errors' $logs | xargs -r grep -l 'ERROR SUMMARY')
    nosum=$(grep -L 'ERROR SUMMARY' $logs | wc -l)
    if [ -z "$bad" ] && [ "$n" -ge 2 ] && [ "$nosum" -le 1 ]; then
        ok 0 "$1: $n processes, no memcheck error"
    else
        ok 1 "$1: $n processes, no memcheck error ($nosum without a summary)"
        for f in $bad; do grep -m1 -A25 -E 'Invalid|uninitialised|definitely lost|Mismatched' "$f"; done |
            head -60 | diag "$(cat)"
    fi
}

vg_run closed 180 cuts.Dummy --proc 2 --loops 50 --steps 1,2,3 \
    --extra '{"sleep": 0, "transaction": true, "error": 7}'
is "$rc" 0 "closed run with transactions and errors under valgrind"
is "$(ev 'type == "tra"' out | wc -l)" 300 "  every transaction reported"
like "$(tail -1 err)" "result: OK" "  result: OK"
vg_clean closed

vg_run open 180 cuts.Dummy --extra '{"sleep": 0}' --open --pre 2 --sche 1@100,1@50-150 --steps 1 --burst 3 --outformat raw
is "$rc" 0 "open run with ramps and bursts under valgrind"
is "$(wc -l < out)" 200 "  every event reported"
vg_clean open

vg_run crypto 180 -e 'local c = require "logen.crypto"
    local d = c.random(100 + #tostring(step))
    local k = c.sha256(d)
    local ct, tag = c.aes_gcm_encrypt(k, d:sub(1, 12), d, "aad")
    assert(c.aes_gcm_decrypt(k, d:sub(1, 12), ct, tag, "aad") == d)
    assert(c.unbase64(c.base64url(c.hmac("sha384", k, d))) == c.hmac("sha384", k, d))
    assert(c.unhex(c.hex(d)) == d and c.crc32c(d) >= 0)' --proc 2 --loops 20 --steps 1,abc
is "$rc" 0 "-e code through logen.crypto under valgrind"
is "$(awk '$3 == "req" && $15 == 0' out | wc -l)" 80 "  every request succeeds"
vg_clean crypto

done_testing
