#!/bin/sh
# install.sh -- installs playwright-core (the version of package-lock.json),
# which drives Debian's headless Chromium (/usr/bin/chromium, package
# chromium) for tests/e2e/report.t, into tests/report/node_modules through
# tests/nodelib/npm-ci.sh (quick when already there; fails when node, npm or
# the registry is missing). No browser is downloaded: the test launches
# Debian's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../nodelib/npm-ci.sh" "$here" playwright-core
