#!/bin/sh
# install.sh -- installs hdr-histogram-js (the version of package-lock.json),
# an independent HdrHistogram implementation, into tests/hdr/node_modules
# for tests/e2e/hdr.t, through tests/nodelib/npm-ci.sh (quick when already
# there; fails when node, npm or the registry is missing).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../nodelib/npm-ci.sh" "$here" hdr-histogram-js
