#!/bin/sh
# npm-ci.sh DIR MODULE... -- installs the npm packages of DIR's
# package-lock.json into DIR/node_modules with `npm ci`, from the npm
# registry, for the Node checkers of the tests (tests/kms/node,
# tests/hdr). Quick when the folder already matches the lock (npm keeps a
# copy of it in node_modules/.package-lock.json) and every MODULE loads, so
# the tests run it every time. Exits non-zero with the reason on stderr
# when node or npm is missing or the registry cannot be reached: the test
# fails then, it does not skip.
set -eu
cd "$1"
shift

for cmd in node npm; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "npm-ci.sh: no $cmd (third_party/packages.txt: nodejs; make deps)" >&2
        exit 1
    fi
done
if [ node_modules/.package-lock.json -nt package-lock.json ]; then
    loads=1
    for m in "$@"; do
        node -e 'require(process.argv[1])' "$m" 2>/dev/null || loads=0
    done
    [ "$loads" -eq 0 ] || exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
