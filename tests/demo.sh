#!/bin/bash
# demo.sh -- make run: a real load on loopback, seen end to end.
#
# Starts a private nginx on a random loopback port (tests/e2e/nginx.sh),
# then plays scenarios/demo.txt against it: closed workers ramping up and
# an open-model line on a rate schedule, all doing HTTP GETs with
# cuts/Sbgc01.lua. Event lines go to a file (the first ones are shown); the
# periodic and end summaries come on stderr as they would in any run.
# Everything stops by itself; nginx is stopped by its PID.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOGEN=${LOGEN:-$ROOT/build/logen}
T=$(mktemp -d "${TMPDIR:-/tmp}/logen-demo.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/e2e/nginx.sh"
nginx_start || { echo "demo: nginx did not start" >&2; exit 1; }

export SBGC01_URL="http://127.0.0.1:$NGINX_PORT/"
cmd=(scenario --file "$ROOT/scenarios/demo.txt" --output "$T/events.txt")
echo "demo: nginx serves $SBGC01_URL; playing scenarios/demo.txt:"
grep -v '^#' "$ROOT/scenarios/demo.txt" | sed '/^$/d; s/^/  /'
echo
"$LOGEN" "${cmd[@]}"
status=$?
echo
echo "demo: $(wc -l < "$T/events.txt") event lines; the first three:"
head -3 "$T/events.txt"
echo "demo: nginx logged $(wc -l < "$NGINX_ACCESS_LOG") requests"
exit $status
