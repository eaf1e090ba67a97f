#!/usr/bin/python3
"""intervals.py -- the interval series of a --summary-json file against the
event lines of the same run (tests/e2e/summary_json.t).

  intervals.py SUMMARY.json EVENTS.jsonl

For a run of one line and ONE worker with --outformat json: its records
reach the collector in the order they ended, so interval k holds a run of
consecutive events, those that ended in it minus the last few that reached
the collector after it closed (the worker sends every 100 ms), which count
in interval k + 1. Checks that the intervals' requests add up to the
totals and to the event lines; that each interval's events ended before
its end and at most FLUSH_S before its start; and that its p50, p90, max
and errors are those of its events: p50 and p90 as HdrHistogram computes
them (the value at rank ceil(p% x n)) within the histogram's 0.1 %, the
max exact to the event line's microsecond. Prints "PASS what" or
"FAIL what: why" per check; exits 1 if any failed."""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check as checker  # noqa: E402  (check.py: its PASS/FAIL lines and their count)

check = checker.check
FLUSH_S = 0.25  # the worker's batch period (0.1 s) and slack for a loaded machine


def rank_value(sorted_v, p):
    return sorted_v[max(1, math.ceil(p / 100.0 * len(sorted_v))) - 1]


def near(got_ms, want_ms):
    return abs(got_ms - want_ms) <= want_ms * 0.001 + 0.002


d = json.load(open(sys.argv[1]))
events = [json.loads(ln) for ln in open(sys.argv[2]) if ln.strip()]
ivs = d["intervals"]
counts = [iv["lines"][0]["requests"] for iv in ivs]
check(len(ivs) >= 3, "%d intervals" % len(ivs), "a run of a few seconds at --summary 1")
check(sum(counts) == d["totals"]["requests"] == len(events),
      "the intervals' requests add up to the totals and to the event lines",
      "%d, %d, %d" % (sum(counts), d["totals"]["requests"], len(events)))
check(sum(iv["lines"][0]["errors"] for iv in ivs) == d["totals"]["errors"],
      "the intervals' errors add up to the totals")
epoch0 = d["meta"]["start_epoch_s"]
pos, placed, stats = 0, True, True
why_placed, why_stats = "", ""
for k, iv in enumerate(ivs):
    il = iv["lines"][0]
    chunk = events[pos:pos + il["requests"]]
    pos += il["requests"]
    ends = [e["epoch"] - epoch0 for e in chunk]
    if ends and (max(ends) >= iv["end_s"] + 0.001 or min(ends) < iv["start_s"] - FLUSH_S):
        placed = False
        why_placed = "interval %d [%g, %g): ends %g .. %g" % (k, iv["start_s"], iv["end_s"],
                                                             min(ends), max(ends))
    if not chunk:
        if il["p50"] is not None or il["max"] is not None or il["histogram"] is not None:
            stats, why_stats = False, "interval %d: no request, figures not null" % k
        continue
    dur = sorted(e["duration"] * 1e3 for e in chunk)
    errors = sum(1 for e in chunk if e["rc"] != 0)
    for key, want in (("p50", rank_value(dur, 50)), ("p90", rank_value(dur, 90)),
                      ("max", dur[-1])):
        if not near(il[key], want):
            stats, why_stats = False, "interval %d: %s %g ms, events %g ms" % (k, key, il[key], want)
    if il["errors"] != errors:
        stats, why_stats = False, "interval %d: errors %d, events %d" % (k, il["errors"], errors)
check(placed, "each interval holds events that ended in it or just before it", why_placed)
check(stats, "each interval's p50, p90, max and errors are its events'", why_stats)
check(ivs[0]["lines"][0]["workers"] == 1 and ivs[-1]["lines"][0]["workers"] == 0,
      "the live workers: 1 during the run, 0 at its end")
check(all(iv["lines"][0][k] is None for iv in ivs for k in ("queue_depth", "generated", "dropped")),
      "a closed line has no queue depth, events generated or dropped")
sys.exit(1 if checker.failures else 0)
