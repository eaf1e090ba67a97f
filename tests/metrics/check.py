#!/usr/bin/env python3
"""check.py -- what a real Prometheus scraped from logen's --metrics-listen,
against logen's own --summary-json of the same run (tests/e2e/metrics.t).

    check.py --prom http://127.0.0.1:PORT --summary s.json

Through Prometheus's HTTP API (/api/v1/query): per row, the last
logen_requests_total and logen_errors_total equal the summary's count and
errors, and every logen_request_duration_seconds bucket equals the count at
or below its bound computed here from the row's HdrHistogram (V2 compressed,
decoded by this file from the format's definition: base64, zlib, ZigZag
LEB128 counts): a count stands for its highest equivalent value, every value
is in at or above the exact max and none below the exact min (hist.h,
lg_hist_count_le); +Inf and _count equal the count. Prints one "PASS what"
or "FAIL what: why" line per check (read as TAP by lib.sh's checks);
exits 1 when one failed. Last values are taken with max_over_time over the
counters, as the target is gone (its series marked stale) once logen ends.
"""
import argparse
import base64
import json
import struct
import sys
import urllib.parse
import urllib.request
import zlib

results = []  # (what, why): why is None for a check that passed


def check(cond, what, why=""):
    results.append((what, None if cond else why))


def query(prom, q):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    with urllib.request.urlopen(url, timeout=10) as r:
        body = json.load(r)
    return body["data"]["result"]


def decode(text):
    """{index: count} of a V2 compressed HdrHistogram in base64."""
    raw = base64.b64decode(text)
    cookie, length = struct.unpack(">ii", raw[:8])
    assert cookie & ~0xF0 == 0x1C849304, "not a V2 compressed histogram"  # the nibble: word size
    payload = zlib.decompress(raw[8:8 + length])
    cookie, plen, offset, digits, lowest, highest, ratio = struct.unpack(">iiiiqqd", payload[:40])
    assert cookie & ~0xF0 == 0x1C849303 and digits == 3 and lowest == 1 and offset == 0
    counts, i, pos, data = {}, 0, 0, payload[40:40 + plen]
    while pos < len(data):
        word = 0
        for k in range(9):  # 7 bits a byte, the ninth byte 8
            b = data[pos]
            pos += 1
            word |= (b if k == 8 else b & 0x7F) << (7 * k)
            if b < 0x80 or k == 8:
                break
        value = (word >> 1) ^ -(word & 1)
        if value < 0:
            i += -value
        else:
            if value:
                counts[i] = value
            i += 1
    return counts


def highest_equivalent(i):
    bucket, sub = (i >> 10) - 1, (i & 1023) + 1024
    if bucket < 0:
        sub, bucket = sub - 1024, 0
    return (sub << bucket) + (1 << bucket) - 1


def count_le(counts, bound_ns, count, min_ns, max_ns):
    if bound_ns >= max_ns:
        return count
    if bound_ns < min_ns:
        return 0
    return sum(c for i, c in counts.items() if highest_equivalent(i) <= bound_ns)


def last(prom, metric):
    """{(line, name, kind[, le]): value} of the last samples of metric."""
    out = {}
    for s in query(prom, "max_over_time(%s[10m])" % metric):
        m = s["metric"]
        key = (m.get("line"), m.get("name"), m.get("kind")) + ((m["le"],) if "le" in m else ())
        out[key] = float(s["value"][1])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prom", required=True)
    ap.add_argument("--summary", required=True)
    a = ap.parse_args()
    with open(a.summary) as f:
        summary = json.load(f)
    reqs = last(a.prom, "logen_requests_total")
    errs = last(a.prom, "logen_errors_total")
    buckets = last(a.prom, "logen_request_duration_seconds_bucket")
    counts = last(a.prom, "logen_request_duration_seconds_count")
    kinds = {"request": "req", "transaction": "tra"}
    nrows = 0
    for line in summary["lines"]:
        for row in line["rows"]:
            nrows += 1
            key = (line["options"]["id"], row["name"], kinds[row["kind"]])
            tag = "%s %s %s" % key
            check(reqs.get(key) == row["count"], "%s: logen_requests_total is the summary's count"
                  % tag, "%s, summary %s" % (reqs.get(key), row["count"]))
            check(errs.get(key) == row["errors"], "%s: logen_errors_total is the summary's errors"
                  % tag, "%s, summary %s" % (errs.get(key), row["errors"]))
            check(counts.get(key) == row["count"], "%s: _count is the summary's count" % tag,
                  "%s" % counts.get(key))
            h = decode(row["histogram"])
            min_ns, max_ns = round(row["min"] * 1e6), round(row["max"] * 1e6)
            les = sorted((k[3] for k in buckets if k[:3] == key), key=float)
            check(len(les) == 19 and les[-1] == "+Inf", "%s: 18 bounds and +Inf" % tag, les)
            bad = []
            for le in les:
                want = row["count"] if le == "+Inf" else \
                    count_le(h, round(float(le) * 1e9), row["count"], min_ns, max_ns)
                if buckets[key + (le,)] != want:
                    bad.append("le=%s: %s, want %s" % (le, buckets[key + (le,)], want))
            check(not bad, "%s: every bucket is the HDR count at or below its bound" % tag,
                  "; ".join(bad))
            middle = [le for le in les if 0 < buckets[key + (le,)] < row["count"]]
            print("# %s: %d buckets strictly between 0 and the count (%s)"
                  % (tag, len(middle), ",".join(middle)))
    check(nrows > 0 and len(reqs) == nrows, "one series per summary row",
          "%d series, %d rows" % (len(reqs), nrows))
    for what, why in results:
        print("PASS " + what if why is None else "FAIL %s: %s" % (what, why))
    sys.exit(0 if all(why is None for _, why in results) else 1)


main()
