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

WRAP=() # a command that runs $LOGEN (prlimit...), for rejects
rejects() { # rejects REGEX DESCRIPTION -- ARGS...
    local regex=$1 desc=$2; shift 3
    run 20 ${WRAP[@]+"${WRAP[@]}"} "$LOGEN" "$@"
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

# issue 8, defect 9: values that broke the clock or the loop, bounded at parse time
rejects "^logen: --summary: 1e-9 is below the shortest period, 10ms$" "--summary 1e-9 (it never ended)" -- cuts.Dummy --summary 1e-9
rejects "^logen: --postpone: 1e10 is above the longest duration, 30 days" "--postpone 1e10 (it did not wait at all)" -- cuts.Dummy --postpone 1e10
rejects "^logen: --rampup: 1e12 is above the longest duration" "--rampup 1e12" -- cuts.Dummy --process 2 --rampup 1e12
rejects "^logen: --pausestep: 1e12 is above the longest duration" "--pausestep 1e12" -- cuts.Dummy --pausestep 1e12
rejects "^logen: --rampup 3600 s with --process 1000: the last worker would start" "a ramp-up past 30 days" -- cuts.Dummy --process 1000 --rampup 1h
rejects "^logen: --prefork 0: the open model needs at least 1 worker" "--prefork 0 in the open model" -- cuts.Dummy --openedmodel --prefork 0

# issue 8, defect 2: worker counts within the record format and the machine, before any start
rejects "^logen: --process: 1000000000 is above 65535, the most workers a run can have" "--process 1000000000" -- cuts.Dummy --process 1000000000
rejects "^logen: --prefork 65535 and the generator: more than 65535 processes" "--prefork 65535 and its generator" -- cuts.Dummy --openedmodel --prefork 65535
printf 'cuts.Dummy --process 40000\ncuts.Dummy --process 30000 --postpone 1\n' > big.txt
rejects "^logen: the 2 lines of big.txt start 70000 processes: more than 65535 processes" "the sum over scenario lines" -- scenario --file big.txt
# RLIMIT_NPROC binds a user without CAP_SYS_RESOURCE: as root, run as nobody
limited=(prlimit --nproc=40 --)
if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$T"
    limited=(setpriv --reuid=65534 --regid=65534 --clear-groups "${limited[@]}")
fi
WRAP=("${limited[@]}")
rejects "^logen: --process 100: more than this machine can start now: RLIMIT_NPROC \(ulimit -u\) is 40 and this user runs [0-9]+ tasks already$" "RLIMIT_NPROC less the user's tasks" -- cuts.Dummy --process 100
WRAP=()

# issue 8, defect 10: a CUT's top-level code runs in a child, which the parent names when it dies
printf 'os.exit(5)\n' > cuts/Exit.lua
printf 'os.exit(0)\n' > cuts/Exit0.lua
printf 'local ffi = require "ffi"\nffi.cast("int *", 0)[0] = 1\n' > cuts/Null.lua
rejects "^logen: cuts/Exit.lua: the process checking the CUT died while loading it: exit status 5$" "a top-level os.exit(5)" -- cuts.Exit
rejects "^logen: cuts/Exit0.lua: the process checking the CUT died while loading it: exit status 0$" "a top-level os.exit(0)" -- cuts.Exit0
rejects "^logen: cuts/Null.lua: the process checking the CUT died while loading it: signal 11 \(Segmentation fault\)$" "an FFI null write at load time" -- cuts.Null
printf 'cuts.Dummy --loops 1\n\ncuts.Null\n' > null.txt
rejects "^logen: null.txt:3: cuts/Null.lua: the process checking the CUT died" "  on line 3 of a scenario" -- scenario --file null.txt
rejects "^logen: --extra: not a JSON object$" "  -e code with a bad --extra, checked in the child" -- -e 'os.exit(3)' --extra '[1]'

# issue 8, defect 11: inputs overwritten or misread
cp "$ROOT/cuts/Dummy.lua" cuts/Mine.lua
sum_before=$(cksum < cuts/Mine.lua)
rejects "^logen: --output cuts/Mine.lua is the CUT file cuts/Mine.lua: refusing to overwrite an input" "--output naming the CUT file" -- cuts.Mine --output cuts/Mine.lua
is "$(cksum < cuts/Mine.lua)" "$sum_before" "  the CUT file is left as it was"
mkfifo cuts/Fifo.lua
mkdir cuts/Dir.lua
rejects "^logen: CUT file \\./cuts/Fifo\\.lua: not a regular file but a FIFO$" "a CUT that is a FIFO (never opened: it would wait for a writer)" -- ./cuts/Fifo.lua --loops 1
rejects "^logen: CUT file cuts/Fifo\\.lua: not a regular file but a FIFO$" "  found by its module name" -- cuts.Fifo --loops 1
rejects "^logen: CUT file \\./cuts/Dir\\.lua: not a regular file but a directory$" "a CUT that is a directory" -- ./cuts/Dir.lua --loops 1
rm -r cuts/Fifo.lua cuts/Dir.lua
ln -s cuts/Mine.lua alias.lua
rejects "^logen: --output alias.lua is the CUT file cuts/Mine.lua" "  under another name (same device and inode)" -- cuts.Mine --output alias.lua
printf '{"loops": 1}\n' > mine.json
printf 'cuts.Dummy --extra "{\\"sleep\\": 0}"\n' > mine.txt
rejects "^logen: --output mine.txt is the scenario file mine.txt" "--output naming the scenario file" -- scenario --file mine.txt --output mine.txt
rejects "^logen: --output ./mine.json is the --defaults file mine.json" "--output naming the --defaults file" -- cuts.Dummy --defaults mine.json --output ./mine.json
is "$(cat mine.json mine.txt | cksum)" "$(printf '{"loops": 1}\ncuts.Dummy --extra "{\\"sleep\\": 0}"\n' | cksum)" "  neither is truncated"
printf 'cuts.Dummy --loops 1 --id a\0 --process 9\n' > nul.txt
rejects "^logen: nul.txt:1: a NUL byte at column 28$" "a scenario line holding a NUL byte" -- scenario --file nul.txt
rejects "^logen: /dev/zero: not a regular file \(a character device\)$" "--file /dev/zero returns at once" -- scenario --file /dev/zero
mkfifo fifo.txt
rejects "^logen: fifo.txt: not a regular file \(a FIFO\)$" "--file naming a FIFO" -- scenario --file fifo.txt
rejects "^logen: --defaults: cannot read fifo.txt: not a regular file \(a FIFO\)$" "--defaults naming a FIFO" -- cuts.Dummy --defaults fifo.txt
head -c 1048577 /dev/zero | tr '\0' '#' > big.json
rejects "^logen: --defaults: cannot read big.json: larger than 1 MiB$" "--defaults past 1 MiB" -- cuts.Dummy --defaults big.json
rejects "^logen: --id: control character 0x0a at byte 4 is not allowed" "--id holding a newline" -- cuts.Dummy --id "$(printf 'run\nx')"
# a request name from a CUT holding control characters: escaped where it is interned
run 20 "$LOGEN" -e 'logen.exec(function() end)(self, self:newRequest("a\nb\tc"))' --loops 2 --steps 1
is "$rc" 0 "a request named \"a\\nb\\tc\" runs"
is "$(grep -c ' req ' out) $(wc -l < out)" "4 6" "  and no event line is split (2 loops: 1 tra + 2 req lines each)"
is "$(grep -c 'RMngr\.a\\x0ab\\x09c part ' out)" 2 "  its name reads a\\x0ab\\x09c"

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
