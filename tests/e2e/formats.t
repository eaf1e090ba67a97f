#!/bin/bash
# Event-line formats read by strict readers: csv by Python's csv module
# (one header, 19 columns a row, every number a number), json line by line
# by Python's json module (types per key, null where nothing applies),
# jtl's header against JMeter's, none writing nothing; and an unknown
# format refused before anything runs.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

# A CUT whose names need quoting or escaping: a comma and quotes, a byte
# that is not UTF-8 (0xE9) with a newline (interned as \x0a), valid UTF-8.
mkdir cuts
cat > cuts/Odd.lua <<'EOF'
local logen = require "logen"
local Odd = logen.cut "Odd"
Odd.call = logen.exec(function(self, request) end)
function Odd:func()
    self:call(self:newRequest('a,"b"'))
    self:call(self:newRequest("caf\233\n"))
    self:call(self:newRequest("caf\195\169"))
end
return Odd
EOF

# events_of: requests + transactions from the end summary's totals line
events_of() { sed -n 's/^totals: \([0-9]*\) requests, \([0-9]*\) transactions.*/\1 \2/p' err | awk '{ print $1 + $2 }'; }

# ---- csv
run 60 "$LOGEN" cuts.Odd --proc 2 --loops 3 --steps '1,x"y' --outformat csv
is "$rc" 0 "csv: the run succeeds"
cat > csv_check.py <<'EOF'
import csv, sys
NAMES = ("time,epoch,type,backlog,globalOps,globalThru,started,ended,active,pid,fullId,"
         "nature,transactionId,localOpcount,localThru,rc,step,duration,wait").split(",")
INTS = {"backlog", "globalOps", "started", "ended", "active", "pid", "localOpcount", "rc"}
FLOATS = {"epoch", "globalThru", "localThru", "duration"}
open_model = sys.argv[2] == "open"
with open(sys.argv[1], newline="", errors="surrogateescape") as f:
    rows = list(csv.reader(f, strict=True))
bad = []
if rows[0] != NAMES:
    bad.append("header %r" % rows[0])
for n, row in enumerate(rows[1:], 2):
    if len(row) != len(NAMES):
        bad.append("row %d: %d columns" % (n, len(row)))
        continue
    r = dict(zip(NAMES, row))
    try:
        for k in INTS: int(r[k])
        for k in FLOATS: float(r[k])
        if open_model: float(r["wait"])
    except ValueError as e:
        bad.append("row %d: %s" % (n, e))
    if r["wait"] and not open_model: bad.append("row %d: a wait on a closed line" % n)
    if r["type"] not in ("req", "tra") or r["nature"] not in ("solo", "part", "tra"):
        bad.append("row %d: type %s nature %s" % (n, r["type"], r["nature"]))
    if (r["transactionId"] == "") != (r["nature"] == "solo"):
        bad.append("row %d: transactionId %r for %s" % (n, r["transactionId"], r["nature"]))
print("\n".join(bad) if bad else "rows %d" % (len(rows) - 1))
names = sorted({r[10].split(".", 4)[4] for r in rows[1:] if r[2] == "req"})
steps = sorted({r[16] for r in rows[1:]})
print("names %r" % names)
print("steps %r" % steps)
EOF
$PY csv_check.py out closed > checked
is "$(head -1 checked)" "rows $(events_of)" "csv: one header, then one row of 19 typed columns per event"
is "$(sed -n 2p checked)" "names ['RMngr.a,\"b\"', 'RMngr.café', 'RMngr.caf\\udce9\\\\x0a']" \
    "csv: a comma, quotes and a raw byte in a name come back whole"
is "$(sed -n 3p checked)" "steps ['1', 'x\"y']" "csv: a step with a quote too"
is "$(grep -c '^time,' out)" 1 "csv: one header"

run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 1 --sche 1@20 --steps 1 --outformat csv
is "$rc" 0 "csv, open model: the run succeeds"
is "$($PY csv_check.py out open > checked; head -1 checked)" "rows $(events_of)" "csv, open model: every row has a numeric wait"

# ---- json
run 60 "$LOGEN" cuts.Odd --proc 2 --loops 3 --steps '1,x"y' --outformat json
is "$rc" 0 "json: the run succeeds"
cat > json_check.py <<'EOF'
import json, sys
TYPES = {"time": str, "epoch": float, "type": str, "backlog": int, "globalOps": int,
         "globalThru": (int, float), "started": int, "ended": int, "active": int, "pid": int,
         "fullId": str, "nature": str, "transactionId": (str, type(None)), "localOpcount": int,
         "localThru": (int, float), "rc": int, "step": str, "duration": float,
         "wait": float if sys.argv[2] == "open" else type(None)}
bad, names, n = [], set(), 0
with open(sys.argv[1], "rb") as f:
    for n, raw in enumerate(f, 1):
        try:
            o = json.loads(raw.decode("utf-8"))
        except ValueError as e:
            bad.append("line %d: %s" % (n, e))
            continue
        if list(o) != list(TYPES):
            bad.append("line %d: keys %r" % (n, list(o)))
        for k, t in TYPES.items():
            if k in o and (not isinstance(o[k], t) or isinstance(o[k], bool)):
                bad.append("line %d: %s is %r" % (n, k, o[k]))
        if o.get("type") == "req":
            names.add(o["fullId"].split(".", 4)[4])
print("\n".join(bad) if bad else "lines %d" % n)
print("names %s" % json.dumps(sorted(names)))
EOF
$PY json_check.py out closed > checked
is "$(head -1 checked)" "lines $(events_of)" "json: every line parses, keys in order, each of its type"
is "$(sed -n 2p checked)" 'names ["RMngr.a,\"b\"", "RMngr.caf\u00e9", "RMngr.caf\u00e9\\x0a"]' \
    "json: quotes escaped, the raw byte 0xE9 as \\u00e9, valid UTF-8 kept"
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --open --pre 1 --sche 1@20 --steps 1 --outformat json
is "$($PY json_check.py out open > checked; head -1 checked)" "lines $(events_of)" "json, open model: wait is a number"

# ---- none
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --proc 2 --loops 3 --steps 1 --outformat none
is "$rc" 0 "none: the run succeeds"
is "$(wc -c < out)" 0 "none: nothing on stdout"
is "$(events_of)" 6 "none: the summary still counts every event"
like "$(tail -1 err)" "^result: OK$" "none: and ends OK"
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 2 --steps 1 --outformat none --output ev.txt
is "$(wc -c < ev.txt)$(wc -c < out)" 00 "none: --output stays empty too"

# ---- jtl: JMeter's header, unchanged
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 1 --steps 1 --outformat jtl
is "$(head -1 out)" "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect" \
    "jtl: JMeter's exact header"

# ---- scenario: one csv header for every line
printf '%s\n' "cuts.Dummy --extra '{\"sleep\":0}' --loops 2 --steps 1" \
    "cuts.Dummy --extra '{\"sleep\":0}' --loops 3 --steps 1" > two.txt
run 60 "$LOGEN" scenario --file two.txt --outformat csv
is "$rc" 0 "csv, scenario: the run succeeds"
is "$(grep -c '^time,' out) $(wc -l < out)" "1 6" "csv, scenario: one header, then the 5 events of both lines"

# ---- an unknown format: refused before any worker
run 30 "$LOGEN" cuts.Dummy --outformat xml
is "$rc" 2 "an unknown format: exit 2"
is "$(cat err)" "logen: --outformat: unknown format 'xml' (short, long, raw, jtl, csv, json or none)" \
    "in one line naming the accepted formats"
is "$(wc -c < out)" 0 "and nothing ran"
echo '{"outformat": "CSV"}' > d.json
run 30 "$LOGEN" cuts.Dummy --defaults d.json
is "$rc:$(cat err)" "2:logen: d.json: outformat: unknown format 'CSV' (short, long, raw, jtl, csv, json or none)" \
    "an unknown format in a --defaults file too"

done_testing
