// summary.js -- the histograms of a --summary-json file decoded by an
// independent HdrHistogram implementation (hdr-histogram-js): each one
// (every row, merged row, open-model event time and line of an interval)
// decodes, holds as many values as its object's "count" (an interval's
// "requests"), and its max and p99 agree with the object's figures (ms)
// within the histogram's 0.1 %.
//
//   node summary.js SUMMARY.json [LABEL]
//
// Prints "PASS what" or "FAIL what: why" (tests/e2e/summary_json.t makes
// TAP of them) and exits 1 if any failed.
'use strict';

const fs = require('node:fs');
const hdr = require('hdr-histogram-js');
const {check, failed} = require('../nodelib/checks.js');

const label = process.argv[3] ? process.argv[3] + ': ' : '';

// every object holding a "histogram" string, with its path
function histograms(v, path, out) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => histograms(x, path + '[' + i + ']', out));
  } else if (v && typeof v === 'object') {
    if (typeof v.histogram === 'string') out.push([path, v]);
    for (const k of Object.keys(v)) histograms(v[k], path + '.' + k, out);
  }
  return out;
}

function near(gotNs, wantMs) {
  return Math.abs(gotNs / 1e6 - wantMs) <= wantMs * 0.001 + 0.001;
}

const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const all = histograms(doc, '', []);
let bad = [];
for (const [path, o] of all) {
  let h;
  try {
    h = hdr.decodeFromCompressedBase64(o.histogram, 64);
  } catch (e) {
    bad.push(path + ': ' + e.message);
    continue;
  }
  const count = 'count' in o ? o.count : o.requests;
  if (h.totalCount !== count) bad.push(path + ': count ' + h.totalCount + ' != ' + count);
  else if (count > 0 && !near(h.getValueAtPercentile(99), o.p99))
    bad.push(path + ': p99 ' + h.getValueAtPercentile(99) + ' ns vs ' + o.p99 + ' ms');
  else if (count > 0 && !near(h.maxValue, o.max))
    bad.push(path + ': max ' + h.maxValue + ' ns vs ' + o.max + ' ms');
}
check(all.length > 0, label + all.length + ' histograms found', 'none');
check(bad.length === 0, label + 'every histogram decodes to its count, p99 and max', bad.slice(0, 3).join('; '));
process.exit(failed() ? 1 : 0);
