#!/bin/sh
# install.sh -- installs hdr-histogram-js (the version of package-lock.json),
# an independent HdrHistogram implementation, into tests/hdr/node_modules
# with `npm ci`, from the npm registry, for tests/e2e/hdr.t. Quick when the
# folder already matches the lock (npm keeps a copy of it in
# node_modules/.package-lock.json), so the test runs it every time. Exits
# non-zero with the reason on stderr when node or npm is missing or the
# registry cannot be reached: the test fails then, it does not skip.
set -eu
cd "$(dirname "$0")"

for cmd in node npm; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "install.sh: no $cmd (third_party/packages.txt: nodejs; make deps)" >&2
        exit 1
    fi
done
if [ node_modules/.package-lock.json -nt package-lock.json ] &&
    node -e 'require("hdr-histogram-js")' 2>/dev/null; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
