#!/bin/bash
# soak.sh -- make soak (and the end of make bench): does a long run stay flat?
#
# Two runs of SOAK_SECONDS each (default 600): closed, cuts.Dummy with sleep 0
# and no pauses, 2 processes, at full speed; open, --schedule S@10000 (10,000
# events/s), 2 preforked workers (more start if the queue grows). Event lines
# go to /dev/null. At 10 % and at 100 % of SOAK_SECONDS the script reads, for
# the collector (logen itself) and one worker (the first started: the
# controller retires the most recent ones), from /proc/PID/smaps_rollup the
# private memory (Private_Clean + Private_Dirty) and the anonymous memory
# (Anonymous: heap, stacks and other mappings of no file), and the open
# descriptors (/proc/PID/fd); the run lasts 5 s more so that the last sample
# is taken under load. Targets: anonymous memory growth under 1 %
# (SOAK_MAX_GROWTH_PCT), the same number of descriptors, records sent =
# received with none lost, exit status 0. The private figure is shown, not
# judged: its pages turn shared and back for reasons that are no growth
# (other processes mapping the same library pages moves Private_Clean by up
# to 1.4 MiB; each worker the controller forks shares the collector's dirty
# pages until one side writes them), while Anonymous counts the same pages
# whoever shares them. What may still grow by design: a histogram row's
# window of counts widens when a value beyond its span arrives (a latency
# outlier late in the run), bounded by the layout at 352 KiB a row (README,
# "Memory per row"); the old window's pages are given back, so such an
# event costs the pages of counts it writes, not a copy. Beside a
# collector that missed, the table says this may be the cause; the target
# is not relaxed for it. Prints a table; exits 1 when a target is missed.
# Not run in CI: it takes 2 x (SOAK_SECONDS + 5) s of both cores.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOGEN=${LOGEN:-$ROOT/build/logen}
SECS=${SOAK_SECONDS:-600}
MAX_GROWTH=${SOAK_MAX_GROWTH_PCT:-1}
T=$(mktemp -d /tmp/logen-soak.XXXXXX)
main=
trap '[ -n "$main" ] && kill "$main" 2>/dev/null; rm -rf "$T"' EXIT
missed=0

case $SECS in
    ''|*[!0-9]*) echo "soak.sh: SOAK_SECONDS must be a whole number of seconds, not '$SECS'" >&2; exit 2 ;;
esac
[ "$SECS" -ge 10 ] || { echo "soak.sh: SOAK_SECONDS must be at least 10" >&2; exit 2; }
EARLY=$((SECS / 10))

memory_kib() { # "PRIVATE ANONYMOUS" of pid $1, in KiB ("- -" when gone)
    [ -r "/proc/$1/smaps_rollup" ] || { echo "- -"; return; }
    awk '/^Private_(Clean|Dirty):/ { p += $2; n++ } /^Anonymous:/ { a = $2 }
         END { print n ? p " " a : "- -" }' "/proc/$1/smaps_rollup"
}

fds() { # open descriptors of pid $1 ("-" when gone)
    [ -d "/proc/$1/fd" ] || { echo -; return; }
    ls "/proc/$1/fd" | wc -l
}

# reads_pipe PID: true when PID holds a pipe open read-only.
reads_pipe() {
    local f
    for f in /proc/"$1"/fdinfo/*; do
        case $(readlink "/proc/$1/fd/${f##*/}" 2>/dev/null) in
            pipe:*) awk '/^flags:/ { exit (substr($2, length($2)) % 4 != 0) }' "$f" 2>/dev/null && return 0 ;;
        esac
    done
    return 1
}

# A worker of logen ($1): the earliest started child; in the open model
# ($2 = open) only a child reading a pipe (the job queue, whose write end the
# generator holds).
first_worker() {
    local c best= best_start= start
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        [ "$2" = open ] && ! reads_pipe "$c" && continue
        start=$(awk '{ print $22 }' "/proc/$c/stat" 2>/dev/null) || continue
        if [ -z "$best" ] || [ "$start" -lt "$best_start" ] ||
           { [ "$start" -eq "$best_start" ] && [ "$c" -lt "$best" ]; }; then
            best=$c best_start=$start
        fi
    done
    echo "$best"
}

# sleep_until SECONDS: sleeps until that many seconds after $start.
sleep_until() {
    sleep "$(awk -v s="$start" -v now="$(date +%s.%N)" -v at="$1" \
                 'BEGIN { d = s + at - now; print (d > 0 ? d : 0) }')"
}

# growth A B: "+1.23%" from A to B, "-" when either is missing.
growth() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == 0) print "-";
                                     else printf "%+.2f%%", (b - a) / a * 100 }'
}

# row WHAT "PRIV1 ANON1" "PRIV2 ANON2" FDS1 FDS2: one table row; sets missed
# when anonymous memory grew by MAX_GROWTH % or more, or the descriptors
# changed.
row() {
    local gp ga verdict= note=
    # shellcheck disable=SC2086
    set -- "$1" $2 $3 "$4" "$5"
    gp=$(growth "$2" "$4")
    ga=$(growth "$3" "$5")
    if [ "$ga" = - ] || awk -v g="${ga%\%}" -v m="$MAX_GROWTH" 'BEGIN { exit !(g >= m) }'; then
        verdict="memory"
    fi
    if [ "$6" = - ] || [ "$6" != "$7" ]; then
        verdict="${verdict:+$verdict, }descriptors"
    fi
    [ -z "$verdict" ] || missed=1
    case $1:$verdict in
        collector*memory*)
            note="  (may be a histogram row widening on a new extreme value: by design, at most"
            note="$note 352 KiB a row; see README, Memory per row; the target still counts it)" ;;
    esac
    printf '  %-22s %9s %9s %8s %9s %9s %8s %6s %6s  %s\n' "$1" "$2" "$4" "$gp" "$3" "$5" "$ga" "$6" "$7" \
        "${verdict:+MISSED: }${verdict:-ok}"
    [ -z "$note" ] || echo "$note"
}

# soak LABEL MODE ARGS...: one run of cuts.Dummy, its samples and its table.
soak() {
    local label=$1 mode=$2 pid w pm1 wm1 pf1 wf1 pm2 wm2 pf2 wf2 rc sent recv lost reqs verdict=ok
    shift 2
    start=$(date +%s.%N)
    "$LOGEN" cuts.Dummy --steps 1 --extra '{"sleep": 0}' "$@" >/dev/null 2>"$T/err" &
    main=$!
    pid=$main
    sleep_until "$EARLY"
    w=$(first_worker "$pid" "$mode")
    pm1=$(memory_kib "$pid"); pf1=$(fds "$pid")
    wm1=$(memory_kib "${w:-0}"); wf1=$(fds "${w:-0}")
    sleep_until "$SECS"
    pm2=$(memory_kib "$pid"); pf2=$(fds "$pid")
    wm2=$(memory_kib "${w:-0}"); wf2=$(fds "${w:-0}")
    wait "$pid"
    rc=$?
    main=
    sent=$(sed -n 's/^records: sent \([0-9]*\),.*/\1/p' "$T/err")
    recv=$(sed -n 's/^records: sent [0-9]*, received \([0-9]*\).*/\1/p' "$T/err")
    lost=$(sed -n 's/^records: .*lost \([0-9]*\).*/\1/p' "$T/err")
    reqs=$(sed -n 's/^totals: \([0-9]*\) requests.*/\1/p' "$T/err")
    echo "$label"
    printf '  %-22s %9s %9s %8s %9s %9s %8s %6s %6s  %s\n' "process (KiB, fds)" "priv@${EARLY}s" \
        "priv@${SECS}s" "growth" "anon@${EARLY}s" "anon@${SECS}s" "growth" "@${EARLY}s" "@${SECS}s" "verdict"
    row "collector (pid $pid)" "$pm1" "$pm2" "$pf1" "$pf2"
    row "worker (pid ${w:-none})" "$wm1" "$wm2" "$wf1" "$wf2"
    if [ -z "$sent" ] || [ "$sent" != "$recv" ] || [ "${lost:-x}" != 0 ] || [ "$rc" -ne 0 ]; then
        verdict="MISSED"
        missed=1
    fi
    printf '  records: sent %s, received %s, lost %s; %s requests, %s/s; exit status %s  %s\n' \
        "${sent:-?}" "${recv:-?}" "${lost:-?}" "${reqs:-?}" \
        "$(awk -v e="${reqs:-0}" -v s="$((SECS + 5))" 'BEGIN { printf "%.0f", e / s }')" "$rc" "$verdict"
    sed -n 's/^  workers: \(.*started.*\)/  workers: \1/p' "$T/err"
    [ "$verdict" = ok ] || tail -5 "$T/err" | sed 's/^/    /'
    echo
}

echo "logen soak: ${SECS} s per run, samples at ${EARLY} s and ${SECS} s; targets: anonymous" \
     "memory growth < ${MAX_GROWTH} %, descriptors unchanged, records sent = received"
echo
soak "closed: cuts.Dummy sleep 0, 2 processes, full speed" closed \
    --proc 2 --duration $((SECS + 5)) --pauseloop 0 --pausestep 0
soak "open: cuts.Dummy sleep 0, --schedule $((SECS + 5))@10000, 2 preforked" open \
    --open --prefork 2 --schedule $((SECS + 5))@10000
if [ "$missed" -ne 0 ]; then
    echo "soak: a target was missed"
    exit 1
fi
echo "soak: every target met"
