#!/bin/bash
# Cloud KMS end to end, against the local stand-in (tests/kms/standin.py: the
# real REST protocol, real AES-256-GCM, ECDSA and RS256 JWTs, on loopback):
# the stand-in checked by an independent client; the README sample line
# (cuts.KmsEncrytSymmetric, 10 s) run unchanged and counted on both sides;
# one token per worker, refreshed before expiry; KmsSignature on P-256 and P-384 with every signature
# verified; failures recorded as rc != 0 with their message (bad key names,
# HTTP errors, a bad token, injected 503s, corrupted CRCs, the stand-in
# stopped mid-run); HTTPS with a CA file; the stand-in's own shutdown.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/kms.sh"

CLIENT=$ROOT/tests/kms/test_standin.py
EXTRA_SYM='{"file":"KmsDefault.json","key":"symmetric1"}'
pids=

lines() { ev 'type == "req"' out | wc -l; }
lines_rc() { ev -v r="$1" 'type == "req" && rc == r' out | wc -l; }
lines_bad() { ev 'type == "req" && rc != 0' out | wc -l; }
rcs() { ev 'type == "req" { print rc }' out | sort -u | tr '\n' ' '; }
keep_pids() { pids="$pids $(worker_pids out)"; }

# refused_or_recorded WHAT REGEX: the run either refuses the input before any
# request (exit != 0, no event line) or records every request with rc != 0;
# either way stderr matches REGEX. Says which in a comment.
refused_or_recorded() {
    local n bad
    n=$(lines); bad=$(lines_bad)
    if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
        echo "#   $1: refused before any request (exit $rc): $(grep -Em1 -- "$2" err)"
        like "$(cat err)" "$2" "$1: refused, with a message"
    elif [ "$n" -gt 0 ] && [ "$bad" -eq "$n" ]; then
        echo "#   $1: each of $n requests recorded with rc $(rcs)"
        like "$(cat err)" "$2" "$1: every request recorded as an error, with a message"
    else
        ok 1 "$1: refused or recorded as errors"
        diag "exit $rc, $n event lines, $bad with rc != 0; stderr:" "$(head -3 err)"
    fi
}

"$KMS_PYTHON" -c 'import cryptography' 2>/dev/null
ok $? "$KMS_PYTHON with python3-cryptography (third_party/packages.txt)"

# 1. the stand-in, checked by an independent client
kms_start
ok $? "the stand-in starts on loopback ($KMS_URL)"
[ -n "$KMS_PID" ] || { done_testing; exit 1; }
kms_checks "stand-in: " "$KMS_PYTHON" "$CLIENT" --url "$KMS_URL" --credentials "$GOOGLE_APPLICATION_CREDENTIALS"

# 2. the README sample line, unchanged but for the program name
echo '{"postpone": 0, "rampup": 0, "id": "kmsprofile"}' > myprofile.json
cp "$ROOT/cuts/KmsDefault.json" . 2>/dev/null
ok $? "cuts/KmsDefault.json copied into the test directory"
kms_reset
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --defaults myprofile.json --le 384,512,1024 --pauselen 0 --pauseloop 0 --duration 10 --proc 1 --extra '{"file":"KmsDefault.json","key":"symmetric1"}'
is "$rc" 0 "sample: cuts.KmsEncrytSymmetric --defaults myprofile.json --le 384,512,1024 ... --duration 10 --proc 1"
n=$(lines)
between "$n" 30 100000000 "encrypt requests for 10 s ($n event lines)"
is "$(lines_bad)" 0 "all with rc 0"
[ "$(lines_bad)" -eq 0 ] || diag "$(grep -m3 . err)"
s384=$(ev 'type == "req" && step == 384' out | wc -l)
s512=$(ev 'type == "req" && step == 512' out | wc -l)
s1024=$(ev 'type == "req" && step == 1024' out | wc -l)
ok "$([ "$s384" -gt 0 ] && [ "$s512" -gt 0 ] && [ "$s1024" -gt 0 ]; echo $?)" \
    "the three steps are there (384: $s384, 512: $s512, 1024: $s1024)"
between "$((s384 - s1024))" 0 1 "whole loops: each step as often as the others (± the last loop)"
is "$(ev 'type == "req" && fullId !~ /^kmsprofile\..*\.ENCRYPT$/' out | wc -l)" 0 "fullIds: the profile's id, request ENCRYPT"
first=$(ev 'type == "req" { print epoch; exit }' out); last=$(ev 'type == "req" { t = epoch } END { print t }' out)
between "$(awk -v a="$first" -v b="$last" 'BEGIN { print b - a }')" 9 10.5 "the load lasts 10 s"
like "$(cat err)" "records: sent ([0-9]+), received \1 .*lost 0" "records sent = received"
is "$(kms_stat methods.encrypt.total)" "$n" "the stand-in answered exactly as many encrypts as event lines"
is "$(kms_stat methods.encrypt.200)" "$n" "all 200"
is "$(kms_stat tokensIssued)" 1 "one token fetched for the one worker"
is "$(kms_stat tokensUsed)" 1 "and every request carried it"
between "$(kms_stat crcVerified)" "$n" $((2 * n)) "the stand-in verified a CRC32C the CUT sent with each request"
echo "#   stand-in: $(kms_get /_stats)"
keep_pids

# 3. two workers: one token each, not one per request
kms_reset
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 2 --loops 5 --steps 100,65536 --extra "$EXTRA_SYM"
is "$(lines_rc 0)" 20 "2 workers x 5 loops x 2 steps (up to 64 KiB): 20 encrypts, rc 0"
is "$(kms_stat methods.encrypt.200)" 20 "the stand-in answered 20"
is "$(kms_stat tokensIssued)" 2 "two workers, two tokens"
keep_pids
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --loops 2 --steps 384 --extra '{"file":"KmsDefault.json","key":"symmetric1","version":true}'
is "$(lines_rc 0)" 2 "encrypt with the version name (extra.version): rc 0"

# 4. failures that are the caller's: bad key names, HTTP errors, a bad token
cat > MyKmsDefault.json <<'EOF'
{
  "asymmetric384": {"project_id": "logen-test", "location_id": "global", "key_ring_id": "ring1",
                    "crypto_key_id": "asymmetric384", "version_id": "1", "sha": "sha384"},
  "ghost":         {"project_id": "logen-test", "location_id": "global", "key_ring_id": "ring1",
                    "crypto_key_id": "ghost", "version_id": "1", "sha": "sha256"},
  "signsym":       {"project_id": "logen-test", "location_id": "global", "key_ring_id": "ring1",
                    "crypto_key_id": "symmetric1", "version_id": "1", "sha": "sha256"}
}
EOF
kms_reset
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --loops 2 --steps 384 --extra '{"file":"KmsDefault.json","key":"nosuchkey"}'
refused_or_recorded "a key name missing from the key file" "nosuchkey"
is "$(kms_stat methods.encrypt.total)" 0 "and nothing was sent for it"
keep_pids
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --loops 2 --steps 384 --extra '{"file":"MyKmsDefault.json","key":"ghost"}'
is "$(lines_rc 2)" 2 "a key the service does not have: rc 2 per request"
like "$(cat err)" "404|NOT_FOUND" "with the status in the message"
run 60 "$LOGEN" cuts.KmsSignature --proc 1 --loops 2 --steps 384 --extra '{"file":"MyKmsDefault.json","key":"signsym"}'
is "$(lines_rc 2)" 2 "signing with a symmetric key: rc 2 per request"
like "$(cat err)" "400|FAILED_PRECONDITION" "with the status in the message"
kms_reset
LOGEN_KMS_TOKEN=bogus run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 2)" 2 "a static LOGEN_KMS_TOKEN the service refuses: rc 2 per request"
like "$(cat err)" "401|UNAUTHENTICATED" "with 401 in the message"
is "$(kms_stat tokensIssued)" 0 "a static token: no token fetched"
"$KMS_PYTHON" - "$GOOGLE_APPLICATION_CREDENTIALS" > stranger.json <<'PY'
import json, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
sa = json.load(open(sys.argv[1]))
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
sa["private_key"] = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()).decode()
print(json.dumps(sa))
PY
GOOGLE_APPLICATION_CREDENTIALS=$T/stranger.json run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --loops 2 --steps 384 --extra "$EXTRA_SYM"
refused_or_recorded "a service-account key the token endpoint does not trust" "invalid_grant|Invalid JWT"
is "$(kms_stat methods.encrypt.200)" 0 "and no encrypt succeeded"
keep_pids

# 5. KmsSignature, P-256 and P-384: every signature verified by an independent client
kms_stop
kms_start --journal "$T/journal.jsonl"
ok $? "the stand-in restarts with a journal"
run 60 "$LOGEN" cuts.KmsSignature --proc 2 --loops 5 --steps 384,1024 --pauseloop 0 --extra '{"file":"KmsDefault.json","key":"asymmetric1"}'
is "$rc" 0 "KmsSignature asymmetric1 (EC P-256) exits 0"
is "$(lines_rc 0)" 20 "20 signatures, rc 0"
[ "$(lines_bad)" -eq 0 ] || diag "$(grep -m3 . err)"
is "$(ev 'type == "req" && fullId !~ /\.SIGN$/' out | wc -l)" 0 "the request is SIGN"
is "$(kms_stat methods.asymmetricSign.200)" 20 "the stand-in signed 20 digests"
is "$(kms_stat crcVerified)" 20 "each with its digest CRC32C verified"
echo "#   getPublicKey calls by the CUT: $(kms_stat methods.getPublicKey.total)"
keep_pids
run 60 "$LOGEN" cuts.KmsSignature --proc 1 --loops 5 --steps 384 --extra '{"file":"MyKmsDefault.json","key":"asymmetric384"}'
is "$rc" 0 "KmsSignature asymmetric384 (EC P-384, sha384) exits 0"
is "$(lines_rc 0)" 5 "5 signatures, rc 0"
[ "$(lines_bad)" -eq 0 ] || diag "$(grep -m3 . err)"
is "$(kms_stat methods.asymmetricSign.200)" 25 "the stand-in signed 25 digests in all"
keep_pids
timeout -k 5 60 "$KMS_PYTHON" "$CLIENT" --verify-journal "$T/journal.jsonl" --url "$KMS_URL" --credentials "$GOOGLE_APPLICATION_CREDENTIALS" > verify.out 2>&1
ok $? "an independent client verifies all the signatures against getPublicKey's PEM"
like "$(cat verify.out)" "journal: 25 signatures, 25 verified, 0 failed; keys: .*asymmetric1/.*asymmetric384/" "25 of 25, both keys"
is "$(grep '"asymmetricSign"' "$T/journal.jsonl" | grep -c '"sha384"')" 5 "P-384 got SHA-384 digests (5), P-256 SHA-256 ones"
kms_reset
run 60 "$LOGEN" cuts.KmsSignature --proc 2 --loops 3 --steps 256 --extra '{"file":"KmsDefault.json","key":"asymmetric384","verify":true}'
is "$(lines_rc 0)" 6 "KmsSignature with verify: the CUT checks each signature itself, rc 0"
[ "$(lines_bad)" -eq 0 ] || diag "$(grep -m3 . err)"
is "$(kms_stat methods.getPublicKey.200)" 2 "one getPublicKey per worker"
keep_pids

# 6. the service's faults: 503s, corrupted CRCs
kms_stop
kms_start --error-ratio 1
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --loops 3 --steps 384 --extra "$EXTRA_SYM"
is "$rc" 0 "503 on every call does not stop the run"
is "$(lines_rc 2)" 3 "each request recorded with rc 2"
like "$(cat err)" "503|UNAVAILABLE" "with the status in the message"
echo "#   encrypt calls for 3 requests: $(kms_stat methods.encrypt.total) (more means the CUT retried)"
keep_pids
kms_stop
kms_start --corrupt-crc-ratio 1
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --loops 3 --steps 384 --extra "$EXTRA_SYM"
is "$(lines_rc 3)" 3 "a response CRC that does not match: rc 3 (integrity) per request"
[ "$(lines_rc 3)" -eq 3 ] || diag "rcs: $(rcs)" "$(grep -m3 . err)"
run 60 "$LOGEN" cuts.KmsSignature --proc 1 --loops 3 --steps 384 --extra '{"file":"KmsDefault.json","key":"asymmetric1"}'
is "$(lines_rc 3)" 3 "the same for signatures"
keep_pids

# 7. HTTPS, the stand-in's certificate given by LOGEN_KMS_CAINFO
kms_stop
kms_start --tls
ok $? "the stand-in serves HTTPS ($KMS_URL)"
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 2 --loops 3 --steps 384,1024 --extra "$EXTRA_SYM"
is "$(lines_rc 0)" 12 "KmsEncrytSymmetric over HTTPS with LOGEN_KMS_CAINFO: 12 requests, rc 0"
[ "$(lines_bad)" -eq 0 ] || diag "$(grep -m3 . err)"
is "$(kms_stat tokensIssued)" 2 "tokens fetched over HTTPS too"
keep_pids
timeout -k 5 120 "$KMS_PYTHON" "$CLIENT" --url "$KMS_URL" --credentials "$GOOGLE_APPLICATION_CREDENTIALS" --cainfo "$KMS_CERT" > tls.out 2>&1
ok $? "the independent client checks pass over HTTPS too ($(grep -c ^PASS tls.out) checks)"
grep -q ^FAIL tls.out && diag "$(grep ^FAIL tls.out | head -5)"

# 8. short-lived tokens: refreshed before they expire, never a 401
kms_stop
is "$KMS_STATUS" 0 "the stand-in stops on SIGTERM, status 0"
kms_start --token-ttl 4
run 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 2 --duration 5 --steps 384 --pauseloop 0.01 --extra "$EXTRA_SYM"
n=$(lines)
ok "$([ "$n" -gt 0 ] && [ "$(lines_bad)" -eq 0 ]; echo $?)" "tokens of 3 s (expires_in) over a 5 s run: $n requests, rc 0"
between "$(kms_stat tokensIssued)" 4 12 "each worker refreshed its token ahead of expiry ($(kms_stat tokensIssued) fetched)"
is "$(kms_stat unauthenticated)" 0 "no request went out with an expired token"
keep_pids

# 9. the stand-in stopped mid-run: transport errors recorded, the run ends
kms_stop
kms_start
start=$(date +%s.%N)
: >out # emptied before the run starts, so waits never read an earlier run's lines
timeout -k 5 60 "$LOGEN" cuts.KmsEncrytSymmetric --proc 1 --duration 6 --steps 384 --pauseloop 0.02 \
    --extra "$EXTRA_SYM" >>out 2>err &
lp=$!
served() { [ "$(lines_rc 0)" -gt 0 ]; }
wait_for 20 served # requests answered before the stand-in goes away
kms_stop
wait "$lp"
rc=$?
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
is "$rc" 0 "a run whose service goes away exits 0"
between "$elapsed" 5 15 "and ends on time (${elapsed} s)"
ok "$([ "$(lines_rc 0)" -gt 0 ] && [ "$(lines_rc 1)" -gt 0 ]; echo $?)" \
    "rc 0 before the stop ($(lines_rc 0)), rc 1 after it ($(lines_rc 1))"
is "$(ev 'type == "req" && rc != 0 && rc != 1' out | wc -l)" 0 "nothing else"
like "$(cat err)" "rc=1: .*(refused|connect|Connection|reset|Empty reply|Recv failure)" "with the transport error"
keep_pids

# 10. the stand-in ends by itself after --max-seconds
kms_start --max-seconds 2
i=0
while kill -0 "$KMS_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait "$KMS_PID" 2>/dev/null
is "$?" 0 "the stand-in exits by itself after --max-seconds 2, status 0"
kms_pid=$KMS_PID
KMS_PID=

# shellcheck disable=SC2086
no_process_left $pids $kms_pid
done_testing
