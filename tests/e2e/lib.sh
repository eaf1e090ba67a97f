# lib.sh -- TAP helpers for the end-to-end tests (sourced by tests/e2e/*.t).
#
# Each test runs the real binary ($LOGEN, default build/logen) in its own
# temporary directory, with a timeout (scaled by LOGEN_TEST_TIMEOUT_MULTIPLIER);
# the tests that stop runs (lifecycle, open, http) check with
# no_process_left that none of the processes they saw is left.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOGEN=${LOGEN:-$ROOT/build/logen}
MULT=${LOGEN_TEST_TIMEOUT_MULTIPLIER:-1}
T=$(mktemp -d "${TMPDIR:-/tmp}/logen-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

tap_n=0
tap_failed=0

ok() { # ok COND-STATUS DESCRIPTION
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        tap_failed=$((tap_failed + 1))
        echo "not ok $tap_n - $2"
        echo "# failed: $(basename "$0") test $tap_n - $2" >&2
    fi
}

# diag LINE...: a diagnostic, on stderr so that prove shows it without -v
diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }

is() { # is GOT WANT DESCRIPTION
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "  got: '$1'" " want: '$2'"; fi
}

like() { # like TEXT REGEX DESCRIPTION
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
        ok 1 "$3"; printf '%s\n' "$1" | head -5 | sed 's/^/  got: /' | diag "$(cat)"; diag " want: /$2/"; fi
}

between() { # between VALUE LOW HIGH DESCRIPTION (numbers, awk compares)
    if awk -v v="$1" -v a="$2" -v b="$3" 'BEGIN { exit !(v >= a && v <= b) }'; then ok 0 "$4"; else
        ok 1 "$4"; diag "  got: $1, want between $2 and $3"; fi
}

# run SECONDS CMD...: runs with a timeout; output in $T/out, $T/err, status in $rc.
run() {
    local secs=$1; shift
    timeout -k 5 "$(awk -v s="$secs" -v m="$MULT" 'BEGIN { print s * m }')" "$@" >"$T/out" 2>"$T/err"
    rc=$?
}

# The pids of workers named in event lines (field 9 of short lines is fullId).
worker_pids() {
    awk '$3 == "req" || $3 == "tra" { split($9, f, "."); print f[2] }' "$1" | sort -u
}

# wait_for DEADLINE-SECONDS CMD...: polls CMD until it succeeds; 1 on timeout
wait_for() {
    local end
    end=$(awk -v s="$1" -v m="$MULT" -v t="$(date +%s.%N)" 'BEGIN { printf "%.3f", t + s * m }')
    shift
    until "$@"; do
        awk -v e="$end" -v t="$(date +%s.%N)" 'BEGIN { exit !(t > e) }' && return 1
        sleep 0.02
    done
}

no_process_left() { # no_process_left PID... : none of them is alive
    local alive=
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    if [ -z "$alive" ]; then ok 0 "no process left behind"; else ok 1 "no process left behind"; diag "  alive:$alive"; fi
}

done_testing() {
    echo "1..$tap_n"
    if [ "$tap_failed" -ne 0 ]; then
        diag "stderr of the last run:"
        [ -f "$T/err" ] && head -20 "$T/err" | diag "$(cat)"
    fi
    [ "$tap_failed" -eq 0 ]
}
