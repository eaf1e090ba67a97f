#!/bin/bash
# Bad input: one line on stderr naming the culprit, exit 2, nothing on
# stdout, and no worker ever started.
. "$(dirname "$0")/lib.sh"

mkdir -p cuts
printf 'local x = = 1\n' > cuts/Syntax.lua
printf 'local logen = require "logen"\nlocal C = logen.cut "NoFunc"\nreturn C\n' > cuts/NoFunc.lua
printf '{"process": 2,\n "loops": }\n' > badjson.json

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
rejects "badjson.json:2" "a --defaults file that is not JSON: file and line" -- cuts.Dummy --def badjson.json
rejects "needs a value" "an option without its value" -- cuts.Dummy --loops

done_testing
