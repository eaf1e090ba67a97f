# lib.sh -- TAP helpers for the end-to-end tests (sourced by tests/e2e/*.t).
#
# Each test runs the real binary ($LOGEN, default build/logen) in its own
# temporary directory, with a timeout (scaled by LOGEN_TEST_TIMEOUT_MULTIPLIER),
# and waits for states (wait_for), never for a fixed time;
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

# The columns of a short event line, by name: README ("short") and
# report_short in src/report.c. lit_* are the literal RC, t and w; an
# open-model line adds w and the wait.
SHORT_FIELDS="time epoch type globalOps globalThru started ended active fullId nature
transactionId localOpcount localThru lit_rc rc step lit_t duration lit_w wait"

# ev [-v VAR=VALUE]... AWK-PROGRAM [FILE...]: awk over short event lines,
# with every field in a variable named after its column, so tests read
# fields by name, never by position:
#   ev 'type == "req" && rc != 0' out | wc -l      ev '{ print duration }' out
ev() {
    local opts=() pre= i=0 f
    while [ "$1" = -v ]; do opts+=(-v "$2"); shift 2; done
    for f in $SHORT_FIELDS; do i=$((i + 1)); pre="$pre $f = \$$i;"; done
    awk "${opts[@]}" "{ $pre } $1" "${@:2}"
}

# The pids of workers named in event lines (the second part of fullId).
worker_pids() {
    ev 'type == "req" || type == "tra" { split(fullId, f, "."); print f[2] }' "$1" | sort -u
}

# wait_for SECONDS CMD...: waits for a state, never for a time: polls CMD
# every 50 ms until it succeeds (returns 0), or until SECONDS, scaled by
# LOGEN_TEST_TIMEOUT_MULTIPLIER, have passed (returns 1, with a diagnostic).
wait_for() {
    local deadline
    deadline=$(awk -v s="$1" -v m="$MULT" -v now="$EPOCHREALTIME" 'BEGIN { printf "%.6f", now + s * m }')
    shift
    until "$@"; do
        if awk -v d="$deadline" -v now="$EPOCHREALTIME" 'BEGIN { exit !(now > d) }'; then
            diag "  gave up waiting for: $*"
            return 1
        fi
        sleep 0.05
    done
}

# workers_seen N FILE: the event lines of FILE come from N workers (each has
# sent its first record): with --summary 0.1 they reach FILE within 0.1 s.
workers_seen() { [ "$(worker_pids "$2" | wc -l)" -ge "$1" ]; }

# on_exit CMD: runs CMD on exit, before what the EXIT trap already does
# (lib.sh's rm of $T, or an earlier on_exit's)
on_exit() {
    local cmd=$1
    eval "set -- $(trap -p EXIT)"
    trap "$cmd; ${3:-}" EXIT
}

no_process_left() { # no_process_left PID... : none of them is alive
    local alive=
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    if [ -z "$alive" ]; then ok 0 "no process left behind"; else ok 1 "no process left behind"; diag "  alive:$alive"; fi
}

# checks LABEL CMD...: one TAP line per "PASS what" / "FAIL what: why" of
# a checker CMD (tests/hdr, tests/summary), then one for its exit status
# (a crash does not shrink the plan)
checks() {
    local label=$1 line status
    shift
    timeout -k 5 "$(awk -v m="$MULT" 'BEGIN { print 120 * m }')" "$@" > checks.out 2>&1
    status=$?
    while IFS= read -r line; do
        case $line in
            PASS\ *) ok 0 "$label${line#PASS }" ;;
            FAIL\ *) ok 1 "$label${line#FAIL }" ;;
            *) diag "$line" ;;
        esac
    done < checks.out
    is "$status" 0 "${label}the checker exits 0"
}

# node_checker DIR MODULE: one TAP line for the install of a Node
# checker's npm lock (DIR/install.sh: npm ci, quick when done); the test
# ends there when MODULE is not in DIR/node_modules after it
node_checker() {
    timeout -k 5 "$(awk -v m="$MULT" 'BEGIN { print 300 * m }')" "$1/install.sh" > npm.out 2>&1
    ok $? "$2 installed in ${1#"$ROOT"/}/node_modules (npm ci from the lock)"
    [ -d "$1/node_modules/$2" ] || { diag "$(tail -5 npm.out)"; done_testing; exit 1; }
}

# refused_with REGEX CMD...: bad input: CMD exits 2 with one line on
# stderr matching REGEX, and nothing on stdout
refused_with() {
    local re=$1
    shift
    run 30 "$@"
    is "$rc:$(wc -l < "$T/err")" 2:1 "${*:2}: exit 2, one line"
    like "$(cat "$T/err")" "$re" "... $re"
    is "$(wc -c < "$T/out")" 0 "... nothing on stdout"
}

done_testing() {
    echo "1..$tap_n"
    if [ "$tap_failed" -ne 0 ]; then
        diag "stderr of the last run:"
        [ -f "$T/err" ] && head -20 "$T/err" | diag "$(cat)"
    fi
    [ "$tap_failed" -eq 0 ]
}
