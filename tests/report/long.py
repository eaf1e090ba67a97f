#!/usr/bin/env python3
"""long.py SUMMARY.json OUT.json [INTERVALS] [LINES] -- a synthetic long
summary for tests/e2e/report.t: a real summary stretched to INTERVALS
(default 3600) one-second intervals and LINES (default 10) lines, copies
of its lines in turn (each keeping its model, closed or open, and its
rows), with the per-interval figures a newer logen adds (p50, p90, p99,
max, workers, histogram, and on open lines queue_depth, generated,
dropped), gaps included (an interval with no request has null
latencies). Deterministic. It stays a summary logen reads (results_load.c
is strict): each interval's histogram is one of the source line's own
interval histograms, and its requests are that histogram's count; the
throughput and latencies drawn are synthetic waves, so the charts have a
shape."""
import copy
import json
import math
import random
import sys


def line_copy(src, k, n, total_s):
    ln = copy.deepcopy(src)
    ln["line"] = k + 1
    ln["options"]["id"] = "line%02d" % (k + 1)
    ln["id"] = ln["options"]["id"]
    ln["begin_s"] = k * total_s / (4 * n)
    ln["end_s"] = total_s - k * total_s / (8 * n)
    return ln


def interval_line(rnd, i, k, ln, pool):
    inside = ln["begin_s"] <= i < ln["end_s"]
    hist, count = pool[(i * 7 + k) % len(pool)]
    req = count if inside and rnd.random() > 0.01 else 0
    wave = 100.0 * (k + 1) * (1 + 0.3 * math.sin(i / 300.0 + k))
    p50 = 2.0 + k + rnd.random()
    o = {"requests": req, "errors": 0, "throughput": wave + rnd.random() * 20 if req else 0.0,
         "p50": p50 if req else None, "p90": p50 * 1.6 if req else None,
         "p99": p50 * 2.5 if req else None, "max": p50 * (3 + 3 * rnd.random()) if req else None,
         "workers": (k + 2) if inside else 0, "histogram": hist if req else None,
         "queue_depth": None, "generated": None, "dropped": None}
    if ln.get("open_model"):
        o["queue_depth"] = int(max(0, 20 * math.sin(i / 50.0))) if inside else 0
        o["generated"] = req
        o["dropped"] = int(rnd.random() * 3) if inside and i % 97 == 0 else 0
    return o


def main():
    src, out = sys.argv[1], sys.argv[2]
    nint = int(sys.argv[3]) if len(sys.argv) > 3 else 3600
    nlines = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    with open(src) as f:
        doc = json.load(f)
    rnd = random.Random(42)
    nsrc = len(doc["lines"])
    pools = [[(iv["lines"][l]["histogram"], iv["lines"][l]["requests"]) for iv in doc["intervals"]
              if iv["lines"][l].get("histogram")] for l in range(nsrc)]
    doc["lines"] = [line_copy(doc["lines"][k % nsrc], k, nlines, float(nint))
                    for k in range(nlines)]
    doc["meta"]["interval_s"] = 1.0
    doc["totals"]["load_s"] = float(nint)
    doc["intervals"] = [{"start_s": float(i), "end_s": float(i + 1),
                         "lines": [interval_line(rnd, i, k, ln, pools[k % nsrc])
                                   for k, ln in enumerate(doc["lines"])]}
                        for i in range(nint)]
    with open(out, "w") as f:
        json.dump(doc, f)


main()
