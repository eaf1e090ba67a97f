#!/bin/bash
# ssh.sh -- one logen run cut into shards over a handful of hosts, by plain
# ssh: host I of N runs the same logen command with --shard I/N, all start
# at one agreed instant (--start-at), then their summaries are fetched and
# merged here into the figures of one big run.
#
#   HOSTS="inj1 inj2 inj3" scenarios/deploy/ssh.sh cuts.Dummy --open --schedule 60@600
#
# Arguments: the logen command line of the whole run (totals, as on one
# machine); the script adds --shard, --start-at, -q and --summary-json.
# Environment:
#   HOSTS     the hosts, separated by blanks (required); a host named twice
#             runs two shards
#   LOGEN     logen on the hosts (default: logen); MERGE_LOGEN the local one
#             that merges (default: $LOGEN)
#   OUT       the local results' folder (default: logen-out)
#   START_IN  seconds from now to the agreed start (default 10): enough for
#             ssh to reach every host
#   SSH       the ssh command (default: ssh; e.g. "ssh -o BatchMode=yes")
#   REMOTE_TMP  where each host writes its summary (default: /tmp)
# In $OUT: shard-I.json, events-I.txt and stderr-I.txt per host, merged.json.
# The merged end summary is printed; the exit status is the merge's.
#
# The one-liner it stands for, for two hosts (T computed once, here):
#   T=$(( $(date +%s) + 10 )); i=0; for h in inj1 inj2; do
#     ssh $h logen cuts.Dummy --open --schedule 60@600 --shard $i/2 --start-at $T \
#       --summary-json /tmp/s.json -q & i=$((i + 1)); done; wait
# pdsh runs one command line on every host, so it cannot hand out I by
# itself; with hosts whose names end in their index (inj0..inj3):
#   pdsh -w 'inj[0-3]' 'logen ... --shard $(hostname | tr -dc 0-9)/4 --start-at '$T' ...'
# Every host's clock should be kept by NTP or chrony (chronyc tracking).

LOGEN=${LOGEN:-logen}
MERGE_LOGEN=${MERGE_LOGEN:-$LOGEN}
OUT=${OUT:-logen-out}
START_IN=${START_IN:-10}
SSH=${SSH:-ssh}
REMOTE_TMP=${REMOTE_TMP:-/tmp}
read -r -a hosts <<< "${HOSTS:-}"
n=${#hosts[@]}

if [ "$n" -eq 0 ] || [ $# -eq 0 ]; then
    echo "ssh.sh: usage: HOSTS='h1 h2 ...' ssh.sh LOGEN-ARGUMENTS... (e.g. cuts.Dummy --open --schedule 60@600)" >&2
    exit 2
fi
case $START_IN in
    '' | *[!0-9]*) echo "ssh.sh: START_IN='$START_IN' is not a whole number of seconds" >&2; exit 2 ;;
esac
mkdir -p "$OUT" || exit 2
rm -f "$OUT"/shard-*.json

start=$(( $(date +%s) + START_IN ))
args=$(printf ' %q' "$@") # as the remote shell will read them back
echo "ssh.sh: $n shards on ${hosts[*]}, start at $start, results in $OUT"
pids=()
for i in "${!hosts[@]}"; do
    remote="$REMOTE_TMP/logen-shard-$start-$i.json"
    $SSH "${hosts[$i]}" "$LOGEN$args -q --shard $i/$n --start-at $start --summary-json $remote" \
        > "$OUT/events-$i.txt" 2> "$OUT/stderr-$i.txt" &
    pids+=("$!")
done
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || echo "ssh.sh: shard $i on ${hosts[$i]} exited $? (see $OUT/stderr-$i.txt)" >&2
done
for i in "${!hosts[@]}"; do
    remote="$REMOTE_TMP/logen-shard-$start-$i.json"
    if $SSH "${hosts[$i]}" "cat $remote && rm -f $remote" > "$OUT/shard-$i.json"; then :; else
        rm -f "$OUT/shard-$i.json" # missing: the merge says which
    fi
done
"$MERGE_LOGEN" merge "$OUT"/shard-*.json -o "$OUT/merged.json"
