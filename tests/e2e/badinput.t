#!/bin/bash
# Bad input: one line on stderr naming the culprit, exit 2, nothing on
# stdout, and no worker ever started. Also what a new user tries first:
# logen help, durations with units.
. "$(dirname "$0")/lib.sh"

mkdir -p cuts
printf 'local x = = 1\n' > cuts/Syntax.lua
printf 'local logen = require "logen"\nlocal C = logen.cut "NoFunc"\nreturn C\n' > cuts/NoFunc.lua
printf '{"process": 2,\n "loops": }\n' > badjson.json
printf '{"loops": 1,\n "extra": "{\\"sleep\\" 0}"}\n' > badextra.json
printf '{"extra": [1]}\n' > arrayextra.json

rejects() { # rejects REGEX DESCRIPTION -- ARGS...
    local regex=$1 desc=$2; shift 3
    run 20 "$LOGEN" "$@"
    local lines
    lines=$(wc -l < err)
    if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s out ] && grep -Eq -- "$regex" err; then
        ok 0 "$desc"
    else
        ok 1 "$desc"
        diag "  status $rc, $lines stderr lines: $(head -3 err)"
    fi
}

rejects "unknown option --frobnicate" "unknown option" -- cuts.Dummy --frobnicate 3
rejects "--pa.*ambiguous|ambiguous.*--pa" "ambiguous prefix names it" -- cuts.Dummy --pa 1
rejects "pauseloop" "ambiguous prefix lists the candidates" -- cuts.Dummy --pa 1
rejects "unknown CUT cuts.Nope.*cuts/Nope.lua" "unknown CUT says what it looked for" -- cuts.Nope
rejects "current directory" "unknown CUT says where it looked" -- cuts.Nope
rejects "cuts/Syntax.lua:1:" "a Lua syntax error names file and line" -- cuts.Syntax
rejects "NoFunc.*func|func.*NoFunc" "a CUT without func is refused" -- cuts.NoFunc
rejects "--extra.*(character|position) [0-9]+" "--extra that is not JSON: the position" -- cuts.Dummy --extra '{"a": }'
rejects "--extra.*object" "--extra must be an object" -- cuts.Dummy --extra '[1, 2]'
rejects "--process.*abc" "a non-numeric value names the option" -- cuts.Dummy --process abc
rejects "--rampup.*-1|-1.*--rampup" "a negative value names the option" -- cuts.Dummy --rampup -1
rejects "--process" "zero processes refused" -- cuts.Dummy --process 0
rejects "nope.json" "a missing --defaults file names it" -- cuts.Dummy --defaults nope.json
rejects "needs a value" "an option without its value" -- cuts.Dummy --loops
rejects "^logen: --extra: Expected .* at character 7$" "--extra is checked by lua-cjson, the workers' decoder" -- cuts.Dummy --extra '{"a": }'
rejects "^logen: --extra: not a JSON object$" "--extra of -e code is checked too" -- -e 'return' --extra '"{}"'
rejects "^logen: badextra.json: extra: Expected .*character" "a bad extra in --defaults names the file and key" -- cuts.Dummy --def badextra.json
rejects "^logen: arrayextra.json: extra: expected an object or a string, not an array$" "extra of the wrong type in --defaults" -- cuts.Dummy --def arrayextra.json
rejects "^logen: badjson.json:2:11: " "a --defaults syntax error: file, line and column" -- cuts.Dummy --def badjson.json
rejects "^logen: unknown option --proccess \(did you mean --process\?\)$" "a typo gets a did-you-mean" -- cuts.Dummy --proccess 2
rejects "^logen: --duration: '5x' is not a duration \(seconds, or with a unit: " "a bad unit names the option" -- cuts.Dummy --duration 5x
rejects "^logen: --schedule: phase 1 '2y@5' duration '2y' is not a duration" "a bad unit in a schedule" -- cuts.Dummy --openedmodel --schedule 2y@5
rejects "^logen: --loops: 0 must be at least 1$" "--loops 0 would run nothing: refused" -- cuts.Dummy --loops 0
rejects "^logen: help: no command or option 'bogus'" "logen help on an unknown topic" -- help bogus

# logen help is --help; logen help TOPIC is its part on one command or option
run 20 "$LOGEN" --help
cp out help.txt
run 20 "$LOGEN" help
is "$rc" 0 "logen help exits 0"
is "$(cat out)" "$(cat help.txt)" "logen help prints the --help text"
run 20 "$LOGEN" help duration
like "$(cat out)" "^  --duration S +seconds each worker runs" "logen help duration: that option's line"
run 20 "$LOGEN" help scenario
like "$(cat out)" "^usage: logen scenario --file F" "logen help scenario: its usage line"

# durations take units wherever seconds are taken, plain numbers stay seconds
run 20 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --steps 1 --duration 500ms --pauseloop 10ms
is "$rc" 0 "--duration 500ms --pauseloop 10ms runs"
between "$(awk '/==== summary:/ { print $3 }' err)" 0.45 1.2 "  and lasts about 0.5 s"
between "$(grep -c ' req ' out)" 10 60 "  about 50 loops of 10 ms ($(grep -c ' req ' out))"
run 20 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --steps 1 --openedmodel --prefork 1 --schedule 500ms@20,1s@10
is "$rc" 0 "an open schedule of 500ms@20,1s@10 runs"
is "$(grep -c ' req ' out)" 20 "  10 + 10 events"

done_testing
