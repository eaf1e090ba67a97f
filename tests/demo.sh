#!/bin/bash
# demo.sh -- make run: a real load on loopback, seen end to end.
#
# Starts a private nginx on a random loopback port (tests/e2e/nginx.sh),
# then has logen drive it: four workers ramping up 0.5 s apart, each doing
# HTTP GETs with cuts/Sbgc01.lua for 5 s with 2 ms of think time. Event
# lines go to a file (the first ones are shown); the periodic and end
# summaries come on stderr as they would in any run. Everything stops by
# itself; nginx is stopped by its PID.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOGEN=${LOGEN:-$ROOT/build/logen}
T=$(mktemp -d "${TMPDIR:-/tmp}/logen-demo.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/e2e/nginx.sh"
nginx_start || { echo "demo: nginx did not start" >&2; exit 1; }

url="http://127.0.0.1:$NGINX_PORT/"
cmd=(cuts.Sbgc01 --proc 4 --rampup 0.5 --duration 5 --steps 1 --summary 1
     --extra "{\"url\": \"$url\", \"sleep\": 0.002}" --output "$T/events.txt")
echo "demo: nginx serves $url; running:"
echo "  logen ${cmd[*]}"
echo
"$LOGEN" "${cmd[@]}"
status=$?
echo
echo "demo: $(wc -l < "$T/events.txt") event lines; the first three:"
head -3 "$T/events.txt"
echo "demo: nginx logged $(wc -l < "$NGINX_ACCESS_LOG") requests"
exit $status
