#!/bin/bash
# --hdr-log, read back by an independent HdrHistogram implementation:
# hdr-histogram-js from the npm registry (tests/hdr/install.sh installs it
# into tests/hdr/node_modules, kept between runs; no node, npm or registry:
# the test fails). A two-line scenario (random 0-3 ms requests under a line
# id holding a dot; Dummy transactions) writes its interval log;
# tests/hdr/check.js decodes every line and checks the header, the tags,
# the interval grid, and per tag the intervals added up against the end
# summary and against the exact durations of the run's raw event lines,
# within 0.1 %; an open run's log, its event times against the summary's. Then: the file is created 0644, and --hdr-log is refused
# on an input of the run, on the --output file, on a scenario line and
# where it cannot be opened.
. "$(dirname "$0")/lib.sh"

HDR_DIR=$ROOT/tests/hdr

timeout -k 5 "$(awk -v m="$MULT" 'BEGIN { print 300 * m }')" "$HDR_DIR/install.sh" > npm.out 2>&1
ok $? "hdr-histogram-js installed in tests/hdr/node_modules (npm ci from the lock)"
if [ -s npm.out ]; then diag "$(tail -5 npm.out)"; fi
[ -d "$HDR_DIR/node_modules/hdr-histogram-js" ] || { done_testing; exit 1; }

cat > sc.txt <<'SC'
-e 'logen.sleep(math.random() * 0.003)' --id sp.read --proc 2 --duration 1.5 --steps 1
cuts.Dummy --id tx --proc 1 --duration 1.5 --steps 1 --extra '{"sleep": 0.0005, "transaction": true}'
SC
umask 000 # the file is 0644 whatever the umask lets through
run 60 "$LOGEN" scenario --file sc.txt --hdr-log h.log --summary 0.25 --outformat raw
is "$rc" 0 "a scenario with --hdr-log runs (exit 0)"
is "$(stat -c %a h.log 2>/dev/null)" 644 "the log is created 0644, even under umask 000"
cp out raw.out
cp err summary.out

checks "hdr-histogram-js: " node "$HDR_DIR/check.js" --log h.log --events raw.out \
    --summary summary.out --period 0.25

# the open model: its events' wait, response and service times per interval too
run 60 "$LOGEN" cuts.Dummy --id op --extra '{"sleep": 0.002}' --open --pre 2 --sche 2@50 --steps 1 \
    --hdr-log o.log --summary 0.5 --outformat raw
is "$rc" 0 "an open run with --hdr-log runs (exit 0)"
cp out raw.out
cp err summary.out
n_wait=$(grep -c '^Tag=op\.wait\.event,' o.log)
n_ev=$(grep -c '^Tag=op\.[a-z]*\.event,' o.log)
is "$((n_wait > 0)):$n_ev" "1:$((3 * n_wait))" \
    "... its log has wait, response and service lines, as many of each"
checks "open, hdr-histogram-js: " node "$HDR_DIR/check.js" --log o.log --events raw.out \
    --summary summary.out --period 0.5

cp sc.txt sc.keep
run 30 "$LOGEN" scenario --file sc.txt --hdr-log sc.txt
is "$rc" 2 "--hdr-log naming the scenario file: exit 2"
like "$(cat err)" "^logen: --hdr-log sc.txt is the scenario file .*refusing to overwrite" \
    "... with a line naming it"
cmp -s sc.txt sc.keep
ok $? "... and the scenario file is intact"

echo "cuts.Dummy --proc 1 --loops 1 --hdr-log x.log" > line.txt
run 30 "$LOGEN" scenario --file line.txt
is "$rc" 2 "--hdr-log on a scenario line: exit 2"
like "$(cat err)" "--hdr-log applies to the whole run" "... it belongs beside scenario"

run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --output ev.out --hdr-log ev.out
is "$rc" 2 "--hdr-log naming the --output file: exit 2"
like "$(cat err)" "^logen: --hdr-log ev.out is the --output file" "... with a line saying so"
echo kept > ev.out
run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --output ev.out --hdr-log ./ev.out
is "$rc:$(cat ev.out)" 2:kept "... also under another name of the same file, which stays as it was"

run 30 "$LOGEN" cuts.Dummy --loops 1 --steps 1 --extra '{"sleep": 0}' --hdr-log no/such/dir/h.log
is "$rc" 2 "--hdr-log where it cannot be created: exit 2"
like "$(cat err)" "^logen: --hdr-log: cannot open no/such/dir/h.log" "... with the reason"
done_testing
