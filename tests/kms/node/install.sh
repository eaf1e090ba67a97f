#!/bin/sh
# install.sh -- installs Google's Node client for tests/e2e/kms_node.t
# (@google-cloud/kms and google-auth-library, the versions of
# package-lock.json) into tests/kms/node/node_modules with `npm ci`, from the
# npm registry. Quick when the folder already matches the lock (npm keeps a
# copy of it in node_modules/.package-lock.json), so the test runs it every
# time; tests/nodelib/npm-ci.sh does it. Exits non-zero with the reason on
# stderr when node or npm is missing or the registry cannot be reached: the
# test fails then, it does not skip.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../nodelib/npm-ci.sh" "$here" @google-cloud/kms google-auth-library
