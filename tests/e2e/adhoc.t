#!/bin/bash
# Quick experiments: logen -e CODE, logen new NAME, logen list.
. "$(dirname "$0")/lib.sh"

# -e: the code is a one-request CUT; it sees step, extra, ctx, self, logen
run 30 "$LOGEN" -e 'logen.sleep(0.01)' --proc 2 --loops 3 --steps 1
is "$rc" 0 "-e runs without a file"
is "$(wc -l < out)" 6 "2 processes x 3 loops of the code"
is "$(ev 'fullId ~ /\.adhoc\.0\.RMngr\.R-EVAL$/' out | wc -l)" 6 "its request is R-EVAL of CUT adhoc"
between "$(ev '{ s += duration } END { print s / NR }' out)" 0.0099 0.05 "the code is what is timed (10 ms sleeps)"

run 30 "$LOGEN" -e 'assert(step == 42 and extra.k == "v" and type(ctx) == "table" and self.options.id == "x")' --loops 1 --steps 42 --extra '{"k": "v"}' --id x
is "$(ev '{ print rc }' out)" 0 "the code sees step, extra, ctx and self"

run 30 "$LOGEN" -e 'if step == 2 then error("no two") end' --loops 1 --steps 1,2,3
is "$(ev 'rc == 16' out | wc -l)" 1 "an error in the code is a failed request (rc 16)"
like "$(cat err)" "-e:1: no two" "with its message and line"

run 30 "$LOGEN" -e 'x = = 1'
is "$rc" 2 "code that does not compile: exit 2"
is "$(cat err)" "logen: -e:1: unexpected symbol near '='" "the Lua message, one line"
is "$(wc -c < out)" 0 "and nothing ran"

run 30 "$LOGEN" cuts.Dummy -e 'x = 1'
is "$rc" 2 "a CUT and -e together are refused"

# new: a commented template that runs as written
run 30 "$LOGEN" new Probe
is "$rc" 0 "logen new Probe"
ok "$([ -f cuts/Probe.lua ]; echo $?)" "writes cuts/Probe.lua"
is "$(cat out)" "wrote cuts/Probe.lua; run it with: $LOGEN cuts.Probe" "and says how to run it, with the binary as invoked"
ln -s "$LOGEN" logen-here
PATH=$T:$PATH run 30 logen-here new Probe2
is "$(cat out)" "wrote cuts/Probe2.lua; run it with: logen-here cuts.Probe2" "a binary found on \$PATH is named as typed"
like "$(head -1 cuts/Probe.lua)" "^-- Probe -- " "with a head comment"
run 30 "$LOGEN" cuts.Probe --proc 2 --loops 2 --steps 8,16
is "$rc" 0 "the new CUT runs as written"
is "$(wc -l < out)" 8 "2 x 2 x 2 request lines"
is "$(ev 'rc != 0' out | wc -l)" 0 "all succeed"
cp cuts/Probe.lua before.lua
run 30 "$LOGEN" new Probe
is "$rc" 2 "new never overwrites"
like "$(cat err)" "already exists" "and says why"
cmp -s cuts/Probe.lua before.lua; ok $? "the file is untouched"
run 30 "$LOGEN" new 3rd-cut
is "$rc" 2 "a name that is not an identifier is refused"

# list: the CUTs of the search path, with their first description line
mkdir -p extra/cuts
printf -- '-- Side -- a CUT from LOGEN_PATH\nreturn {}\n' > extra/cuts/Side.lua
LOGEN_PATH=$T/extra run 30 "$LOGEN" list
is "$rc" 0 "logen list"
like "$(cat out)" "cuts\.Probe +describe what this CUT does" "lists ./cuts with the description"
like "$(cat out)" "cuts\.Side +a CUT from LOGEN_PATH" "lists \$LOGEN_PATH"
like "$(cat out)" "cuts\.Dummy +the reference CUT" "lists the installed CUTs"
is "$(grep -c '^cuts\.Dummy ' out)" 1 "each name once"

done_testing
