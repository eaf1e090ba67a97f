#!/bin/bash
# Scenario files: several lines side by side under one collector, per-line
# counts, postpone/duration shaping, shell quoting, bad input as F:LINE,
# and the shipped scenarios.
. "$(dirname "$0")/lib.sh"

count() { # count ID TYPE: event lines of a line id, of one type
    ev -v id="$1" -v t="$2" 'type == t { split(fullId, f, "."); if (f[1] == id) n++ } END { print n + 0 }' out
}

nosleep="--extra '{\"sleep\": 0}'" # Dummy sleeps 1 s by default

cat > mix.txt <<'SCEN'
# two closed lines and one open line
cuts.Dummy --extra '{"sleep": 0}' --id a --proc 2 --loops 3 --steps 1,2
cuts.Dummy --id b --loops 5 --steps 1 --extra '{"sleep": 0, "transaction": true}'

cuts.Dummy --extra '{"sleep": 0}' --id c --openedmodel --prefork 1 --schedule 1@10 --steps 1   # an open line
SCEN
run 60 "$LOGEN" scenario --file mix.txt
is "$rc" 0 "a scenario of three lines exits 0"
is "$(count a req)" 12 "line a: 2 processes x 3 loops x 2 steps = 12 requests"
is "$(count b tra)" 5 "line b: 5 transactions"
is "$(count b req)" 15 "line b: their 15 requests"
is "$(count c req)" 10 "line c (open): 1@10 = 10 events"
is "$(ev 'type == "req" || type == "tra"' out | wc -l)" 42 "nothing else on stdout"
like "$(cat err)" "line 1: id a" "the summary has line a"
like "$(cat err)" "line 3: id c" "and line c"
like "$(cat err)" "all lines:" "then the totals of all lines"
like "$(cat err)" "records: sent ([0-9]+), received \\1 .*lost 0" "one collector received every record"

# the run-wide options beside scenario: format and output file
run 60 "$LOGEN" scenario --file mix.txt --outformat long --output events.txt
is "$(grep -Ec 'typ=(req|tra)' events.txt)" 42 "--outformat long and --output apply to every line"

# the command line's --defaults reaches every line; a line's own wins
echo '{"loops": 2, "steps": "1"}' > run-defaults.json
echo '{"loops": 3, "steps": "1"}' > line-defaults.json
printf 'cuts.Dummy --id d1 %s\ncuts.Dummy --id d2 --defaults line-defaults.json %s\n' "$nosleep" "$nosleep" > defaults.txt
run 30 "$LOGEN" scenario --file defaults.txt --defaults run-defaults.json
is "$(count d1 req)" 2 "the run's --defaults file reaches a line"
is "$(count d2 req)" 3 "a line's own --defaults file wins over it"

# -q beside scenario: no periodic line, even every 10 ms; the summary stays
run 30 "$LOGEN" scenario --file defaults.txt -q --summary 0.01
is "$rc" 0 "-q beside scenario: exit 0"
is "$(grep -c '^\[ *[0-9.]*s\] reqs' err)" 0 "-q: no periodic line"
like "$(cat err)" "^result: OK" "-q: the end summary stays"

# options beside scenario that would apply to no line are refused
run 30 "$LOGEN" scenario --file defaults.txt --proc 3
is "$rc" 2 "--proc beside scenario: exit 2"
like "$(cat err)" "^logen: --process beside scenario would apply to no line" "and says why"

# postpone and duration shape each line (both postponed, so that each
# worker has built its Lua state before its load starts, even under load)
cat > shape.txt <<'SCEN'
cuts.Dummy --extra '{"sleep": 0}' --id early --postpone 0.5 --duration 1 --steps 1 --pauseloop 0.01
cuts.Dummy --extra '{"sleep": 0}' --id late --postpone 1.5 --duration 1 --steps 1 --pauseloop 0.01
SCEN
run 60 "$LOGEN" scenario --file shape.txt
is "$rc" 0 "postpone/duration scenario exits 0"
ev '{ split(fullId, f, "."); if (!(f[1] in a)) a[f[1]] = epoch; b[f[1]] = epoch } END { print a["early"], b["early"], a["late"], b["late"] }' out > span
read -r e0 e1 l0 l1 < span
between "$(awk -v a="$e0" -v b="$l0" 'BEGIN { print b - a }')" 0.9 1.2 "the postponed line starts 1 s later"
between "$(awk -v a="$e0" -v b="$e1" 'BEGIN { print b - a }')" 0.9 1.05 "the first line lasts its 1 s"
between "$(awk -v a="$l0" -v b="$l1" 'BEGIN { print b - a }')" 0.9 1.05 "the second line lasts its 1 s"
# each line's throughput is over its own 1 s, not the run's 2 s; all lines' over the 2 s
thru() { # thru ID: the (all requests) thru/s of line ID's table, or of "all lines:"
    awk -v id="$1" '/^line [0-9]+: id / { cur = $4; sub(/,$/, "", cur) } /^all lines:/ { cur = "all" }
        cur == id && $2 == "(all" && $3 == "requests)" { print $6 }' err
}
n_late=$(ev 'type == "req" { split(fullId, f, "."); if (f[1] == "late") n++ } END { print n + 0 }' out)
between "$(thru late)" "$(awk -v n="$n_late" 'BEGIN { print n * 0.9 }')" "$(awk -v n="$n_late" 'BEGIN { print n * 1.1 }')" \
    "the postponed line's throughput is over its own 1 s ($n_late requests)"
n_all=$(ev 'type == "req"' out | wc -l)
between "$(thru all)" "$(awk -v n="$n_all" 'BEGIN { print n / 2.2 }')" "$(awk -v n="$n_all" 'BEGIN { print n / 1.8 }')" \
    "all lines' throughput is over the run's 2 s ($n_all requests)"

# default ids: the file name and line number
printf 'cuts.Dummy --loops 1 --steps 1 %s\n\ncuts.Dummy --loops 1 --steps 1 %s\n' "$nosleep" "$nosleep" > ids.txt
run 30 "$LOGEN" scenario --file ids.txt
is "$(ev '{ split(fullId, f, "."); print f[1] }' out | sort | tr '\n' ' ')" "ids:1 ids:3 " "a line's id defaults to file:line"

# quoting: JSON with spaces, both quote styles, escapes
cat > quotes.txt <<'SCEN'
-e 'assert(extra.key == "a b", extra.key)' --id single --extra '{"key": "a b"}' --loops 1 --steps 1
-e "assert(extra.key == 'it\"s', extra.key)" --id double --extra "{\"key\": \"it\\\"s\"}" --loops 1 --steps 1
-e 'assert(extra.key == "x y")' --id escaped --extra {\"key\":\ \"x\ y\"} --loops 1 --steps 1
SCEN
run 30 "$LOGEN" scenario --file quotes.txt
is "$rc" 0 "quoted lines run"
is "$(ev 'type == "req" && rc == 0' out | wc -l)" 3 "each line saw its extra exactly as quoted"

# bad input: F:LINE: message, exit 2, no worker started
rejects() { # rejects FILE-CONTENT REGEX DESCRIPTION
    printf '%b' "$1" > bad.txt
    run 20 "$LOGEN" scenario --file bad.txt
    if [ "$rc" -eq 2 ] && [ "$(wc -l < err)" -eq 1 ] && [ ! -s out ] && grep -Eq -- "$2" err; then
        ok 0 "$3"
    else
        ok 1 "$3"; diag "  status $rc: $(head -2 err)"
    fi
}
rejects 'cuts.Dummy --loops 1\ncuts.Dummy --frob 2\n' "^logen: bad.txt:2: unknown option --frob" "an unknown option names file:line"
rejects 'cuts.Dummy --loops x\n' "^logen: bad.txt:1: --loops: 'x' is not a number" "a bad value names file:line"
rejects '# c\ncuts.Dummy --extra '"'"'{"a": 1}\n' "^logen: bad.txt:2: unterminated single quote" "an unterminated quote names file:line"
rejects 'scenario --file bad.txt\n' "^logen: bad.txt:1: a scenario line cannot run a scenario" "no nesting"
rejects 'cuts.Dummy\ncuts.Nope\n' "^logen: bad.txt:2: unknown CUT cuts.Nope" "an unknown CUT names file:line"
rejects 'cuts.Dummy --outformat long\n' "^logen: bad.txt:1: --outformat applies to the whole run" "run-wide options are refused on a line"
rejects 'cuts.Dummy -q\n' "^logen: bad.txt:1: --quiet applies to the whole run" "-q is refused on a line"
rejects '-e "x ="\n' "^logen: bad.txt:1: -e:1: " "-e code that does not compile"
rejects 'cuts.Dummy --loops 1\ncuts.Dummy --extra '"'"'[1]'"'"'\n' "^logen: bad.txt:2: --extra: not a JSON object$" "a line's --extra is checked by lua-cjson"
rejects 'cuts.Dummy --extra '"'"'{"a" 1}'"'"'\n' "^logen: bad.txt:1: --extra: Expected .* at character 6$" "a line's --extra that is not JSON: file:line and position"
rejects '# only comments\n\n' "^logen: bad.txt: empty scenario" "an empty scenario"
run 20 "$LOGEN" scenario --file nothere.txt
is "$rc" 2 "a missing file: exit 2"
like "$(cat err)" "^logen: nothere.txt: No such file or directory \(looked in the current directory, .*\)$" "a missing file is named, with where it was looked for"
# a file not found as given follows the CUT search path: $LOGEN_PATH
mkdir -p lp/scenarios && printf 'cuts.Dummy --id lp --loops 1 --steps 1 %s\n' "$nosleep" > lp/scenarios/lp.txt
LOGEN_PATH=$T/lp run 30 "$LOGEN" scenario --file scenarios/lp.txt
is "$rc" 0 "a scenario file not found as given is found in \$LOGEN_PATH"
is "$(grep -c ' req ' out)" 1 "and runs"
mkdir adir
run 20 "$LOGEN" scenario --file adir
is "$rc" 2 "a file that cannot be read (a directory): exit 2"
like "$(cat err)" "^logen: adir: Is a directory$" "and it is named with the reason"

# the shipped scenarios run as they are (Pylogen's sample against the KMS stand-in)
. "$ROOT/tests/e2e/kms.sh"
kms_start
run 60 "$LOGEN" scenario --file "$ROOT/scenarios/Scenario.txt"
is "$rc" 0 "scenarios/Scenario.txt runs against the KMS stand-in"
is "$(ev 'rc != 0' out | wc -l)" 0 "every encrypt, sign and Dummy request succeeded"
is "$(ev '{ split(fullId, f, "."); print f[1] }' out | sort -u | tr '\n' ' ')" "dummy encrypt sign " "its three lines all ran"
is "$(kms_stat methods.encrypt.200)" "$(ev 'fullId ~ /ENCRYPT$/' out | wc -l | tr -d ' ')" "the stand-in answered one encrypt per event line"
kms_stop
for f in shape mixed; do
    run 60 "$LOGEN" scenario --file "$ROOT/scenarios/$f.txt"
    is "$rc" 0 "scenarios/$f.txt runs"
    between "$(wc -l < out)" 10 10000000 "scenarios/$f.txt yields event lines ($(wc -l < out))"
done
. "$ROOT/tests/e2e/nginx.sh"
nginx_start
SBGC01_URL="http://127.0.0.1:$NGINX_PORT/" run 60 "$LOGEN" scenario --file "$ROOT/scenarios/demo.txt"
is "$rc" 0 "scenarios/demo.txt (make run) runs against nginx"
is "$(ev 'rc != 0' out | wc -l)" 0 "every GET succeeded"
is "$(wc -l < "$NGINX_ACCESS_LOG")" "$(wc -l < out)" "nginx served one request per event line"

done_testing
