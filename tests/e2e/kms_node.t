#!/bin/bash
# The KMS stand-in held to Google's own client: @google-cloud/kms in REST
# mode with google-auth-library (tests/kms/node/check.js, installed from the
# npm registry by tests/kms/node/install.sh into tests/kms/node/node_modules,
# kept between runs) runs encrypt, decrypt, getPublicKey and asymmetricSign
# against the stand-in over HTTPS on loopback, the test CA given through
# NODE_EXTRA_CA_CERTS: integrity fields, the round trip, signatures verified
# by Node's crypto, and the library's own grant and self-signed JWTs (no
# kid) accepted. No node, no npm or no registry: the test fails.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/kms.sh"

NODE_DIR=$ROOT/tests/kms/node

timeout -k 5 "$(awk -v m="$MULT" 'BEGIN { print 300 * m }')" "$NODE_DIR/install.sh" > npm.out 2>&1
ok $? "Google's Node client installed in tests/kms/node/node_modules (npm ci from the lock)"
if [ -s npm.out ]; then diag "$(tail -5 npm.out)"; fi
[ -d "$NODE_DIR/node_modules/@google-cloud/kms" ] || { done_testing; exit 1; }

kms_start --tls
ok $? "the stand-in serves HTTPS on loopback ($KMS_URL)"
[ -n "$KMS_PID" ] || { done_testing; exit 1; }
kms_checks "node: " env NODE_EXTRA_CA_CERTS="$KMS_CERT" node "$NODE_DIR/check.js" \
    --port "$KMS_PORT" --credentials "$GOOGLE_APPLICATION_CREDENTIALS"
is "$(kms_stat tokensIssued)" 1 "the stand-in issued one access token (to google-auth-library's grant)"
is "$(kms_stat methods.encrypt.200)" 2 "and answered 2 encrypts,"
is "$(kms_stat methods.decrypt.200)" 1 "1 decrypt,"
is "$(kms_stat methods.getPublicKey.200)" 3 "3 getPublicKey"
is "$(kms_stat methods.asymmetricSign.200)" 3 "and 3 asymmetricSign, all 200"
is "$(kms_stat unauthenticated)" 0 "no call was refused for its credentials"
kms_pid=$KMS_PID
kms_stop
is "$KMS_STATUS" 0 "the stand-in stops on SIGTERM, status 0"
no_process_left "$kms_pid"
done_testing
