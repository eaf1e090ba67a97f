#!/usr/bin/python3
"""check.py -- one --summary-json file held to its schema and to the text
end summary of the same run (tests/e2e/summary_json.t).

  check.py SCHEMA SUMMARY.json STDERR [LABEL]

Validates SUMMARY.json against SCHEMA with python3-jsonschema (an
independent validator, draft 2020-12), then checks that every row of the
text summary (per line, per name, the merged rows, the all-lines rows) has
the same count, errors, throughput and latency figures as the JSON, at the
text's printing precision; and the totals, the thresholds and the result.
Prints "PASS what" or "FAIL what: why" per check; exits 1 if any failed."""
import json
import re
import sys

import jsonschema

failures = 0


def check(cond, what, why=""):
    global failures
    if cond:
        print("PASS " + what)
    else:
        failures += 1
        print("FAIL %s: %s" % (what, why))
    return cond


ROW = re.compile(r"^  (req|tra)  (.+?) +(\d+) +(\d+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+)$")
COLS = ["min", "mean", "p50", "p90", "p99", "max"]


def text_tables(text):
    """{line number or 'all': {(kind, name): row fields}} from the text summary."""
    tables, cur = {}, None
    for ln in text.split("\n"):
        m = re.match(r"^line (\d+): id ", ln)
        if m:
            cur = tables.setdefault(int(m.group(1)), {})
            continue
        if ln.startswith("all lines:"):
            cur = tables.setdefault("all", {})
            continue
        m = ROW.match(ln)
        if m and cur is not None:
            cur[(m.group(1), m.group(2))] = m.groups()[2:]
    return tables


def same_row(label, js, fields):
    count, errors, thru = fields[0], fields[1], fields[2]
    want = [count, errors, thru] + list(fields[3:])
    got = [str(js["count"]), str(js["errors"]), "%.2f" % js["throughput"]]
    got += ["%.3f" % js[c] for c in COLS]
    return check(got == want, label, "json %s, text %s" % (got, want))


def json_rows(d, key):
    """The JSON rows of a text table key: a line number or 'all'."""
    rows = {}
    if key == "all":
        merged = d["all_lines"]
    else:
        line = d["lines"][key - 1]
        merged = line["all"]
        for r in line["rows"]:
            rows[("req" if r["kind"] == "request" else "tra", r["name"])] = r
    rows[("req", "(all requests)")] = merged["requests"]
    rows[("tra", "(all transactions)")] = merged["transactions"]
    return rows


def rows_agree(d, text, label):
    tables = text_tables(text)
    check(len([k for k in tables if k != "all"]) == len(d["lines"]),
          label + "as many lines as the text summary", "%d vs %d" % (len(tables), len(d["lines"])))
    n = 0
    for key, table in tables.items():
        rows = json_rows(d, key)
        for (kind, name), fields in table.items():
            js = rows.get((kind, name))
            if check(js is not None, "%sline %s %s %s is in the JSON" % (label, key, kind, name)):
                n += same_row("%sline %s %s %s: count, errors, thru, min..max agree" %
                              (label, key, kind, name), js, fields)
    check(n > 0, label + "rows compared", "none found in the text")


def totals_agree(d, text, label):
    m = re.search(r"^totals: (\d+) requests, (\d+) transactions, (\d+) errors$", text, re.M)
    t = d["totals"]
    check(m is not None and [int(x) for x in m.groups()] ==
          [t["requests"], t["transactions"], t["errors"]], label + "totals agree",
          "text %s, json %s" % (m and m.groups(), t))
    m = re.search(r"^records: sent (\d+), received \d+ from the workers that stopped \((\d+) in all\), "
                  r"lost (\d+)$", text, re.M)
    r = d["records"]
    check(m is not None and [int(x) for x in m.groups()] == [r["sent"], r["received"], r["lost"]],
          label + "records sent/received/lost agree", "text %s, json %s" % (m and m.groups(), r))


def result_agrees(d, text, label):
    thr = re.findall(r"^  (ok|FAILED) +(.+?)  (\S.*)$", text.split("thresholds:", 1)[-1], re.M) \
        if "\nthresholds:" in text else []
    js = [("ok" if t["pass"] else "FAILED", t["measured_text"]) for t in d["thresholds"]]
    check([(a, c) for a, _, c in thr] == js, label + "thresholds and their measures agree",
          "text %s, json %s" % (thr, js))
    m = re.search(r"^result: (.*)$", text, re.M)
    res = d["result"]
    word = m.group(1) if m else ""
    want = "interrupted" if word.startswith("INTERRUPTED") else "ok" if word == "OK" else "failed"
    check(res["status"] == want, label + "result is " + want, "json %s, text %s" % (res, word))


def main():
    schema_path, path, text_path = sys.argv[1:4]
    label = sys.argv[4] + ": " if len(sys.argv) > 4 else ""
    schema = json.load(open(schema_path))
    jsonschema.Draft202012Validator.check_schema(schema)
    d = json.load(open(path))
    errs = sorted(jsonschema.Draft202012Validator(schema).iter_errors(d), key=str)
    check(not errs, label + "validates against the schema",
          "; ".join("%s: %s" % (list(e.absolute_path), e.message) for e in errs[:3]))
    text = open(text_path).read()
    rows_agree(d, text, label)
    totals_agree(d, text, label)
    result_agrees(d, text, label)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":  # intervals.py imports check()
    main()
