#!/bin/sh
# install.sh -- installs Google's Node client for tests/e2e/kms_node.t
# (@google-cloud/kms and google-auth-library, the versions of
# package-lock.json) into tests/kms/node/node_modules with `npm ci`, from the
# npm registry. Quick when the folder already matches the lock (npm keeps a
# copy of it in node_modules/.package-lock.json), so the test runs it every
# time. Exits non-zero with the reason on stderr when node or npm is missing
# or the registry cannot be reached: the test fails then, it does not skip.
set -eu
cd "$(dirname "$0")"

for cmd in node npm; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "install.sh: no $cmd (third_party/packages.txt: nodejs; make deps)" >&2
        exit 1
    fi
done
if [ node_modules/.package-lock.json -nt package-lock.json ] &&
    node -e 'require("@google-cloud/kms"); require("google-auth-library")' 2>/dev/null; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
