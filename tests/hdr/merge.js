// merge.js -- `logen merge` held to an independent HdrHistogram
// implementation (hdr-histogram-js): for every row of the merged summary
// (line, name, kind), the rows of the same key in the input summaries are
// decoded and added here, in JS, and the sum must equal the merged row's
// histogram count for count, at every index of the layout; its count is
// the sum of the inputs' counts, and its percentiles (p50, p90, p99,
// p99.9, reported) and the figures the merged summary prints for it (p50,
// p90, p99, max) agree. No input row is left out. With --events, the
// inputs' event lines (--outformat json, one file per input, in the order
// of --inputs) give the exact figures of the union of the samples, which
// the merged histogram must match within its stated error: the count
// exactly, min, max, p50, p90, p99 and p99.9 within 0.1 % (and the event
// lines' rounding to 1 us).
//
//   node merge.js --merged M.json --inputs A.json,B.json [--events A.ev,B.ev]
//
// Prints "PASS what" or "FAIL what: why" per check (tests/e2e/merge.t
// makes TAP of them) and exits 1 if any failed.
'use strict';

const fs = require('node:fs');
const hdr = require('hdr-histogram-js');
const {check, failed} = require('../nodelib/checks.js');

const REL = 0.001; // 3 significant digits
const US = 1000; // event lines give durations to the microsecond
const PCTS = [50, 90, 99, 99.9];

function args() {
  const a = {};
  for (let i = 2; i + 1 < process.argv.length; i += 2) a[process.argv[i].slice(2)] = process.argv[i + 1];
  return a;
}

const key = (l, row) => l + '\u0000' + row.name + '\u0000' + row.kind;

// every row of a summary, by (line index, name, kind)
function rows(doc) {
  const m = new Map();
  doc.lines.forEach((line, l) => {
    for (const row of line.rows) m.set(key(l, row), row);
  });
  return m;
}

const decode = (row) => hdr.decodeFromCompressedBase64(row.histogram, 64);

// the first index where a and b count differently, or -1
function firstDifference(a, b) {
  const n = Math.max(a.countsArrayLength, b.countsArrayLength);
  const at = (h, i) => (i < h.countsArrayLength ? h.getCountAtIndex(i) : 0);
  for (let i = 0; i < n; i++) if (at(a, i) !== at(b, i)) return i;
  return -1;
}

function pcts(h) {
  return PCTS.map((p) => 'p' + p + ' ' + (h.getValueAtPercentile(p) / 1e6).toFixed(3)).join(' ');
}

const near = (got, want, abs) => Math.abs(got - want) <= want * REL + abs;

// the merged row against the JS sum of the inputs' rows of its key
function checkRow(k, row, inputs) {
  const label = 'line ' + (Number(k.split('\u0000')[0]) + 1) + ' ' + row.kind + ' ' + row.name;
  const sum = hdr.build({bitBucketSize: 64, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, autoResize: true});
  let count = 0;
  for (const input of inputs) {
    const r = input.get(k);
    if (!r) continue;
    sum.add(decode(r));
    count += r.count;
  }
  const m = decode(row);
  const diff = firstDifference(m, sum);
  check(row.count === count && m.totalCount === count && diff < 0,
    label + ': the merged histogram is the inputs\' added in JS, count for count (' + count + ' values; ' + pcts(m) + ' ms)',
    'count ' + row.count + '/' + m.totalCount + ' vs ' + count + (diff >= 0 ? ', index ' + diff + ' (' + m.valueFromIndex(diff) + ' ns) ' + m.getCountAtIndex(diff) + ' vs ' + sum.getCountAtIndex(diff) : ''));
  const off = [];
  for (const p of [50, 90, 99]) {
    if (!near(sum.getValueAtPercentile(p) / 1e6, row['p' + p], 0.0005)) off.push('p' + p + ' ' + row['p' + p] + ' vs ' + sum.getValueAtPercentile(p) / 1e6);
  }
  if (count && !near(sum.maxValue / 1e6, row.max, 0.0005)) off.push('max ' + row.max + ' vs ' + sum.maxValue / 1e6);
  check(off.length === 0, label + ': its printed p50, p90, p99 and max are those of the sum', off.join(', '));
  return m;
}

// exact durations (ns, to the us) per (line index, name, kind) from json
// event lines: fullId is ID.PID.CUT.STEP.NAME
function events(files, ids) {
  const d = new Map();
  for (const f of files) {
    for (const text of fs.readFileSync(f, 'utf8').split('\n')) {
      if (!text) continue;
      const e = JSON.parse(text);
      if (e.type !== 'req' && e.type !== 'tra') continue;
      const parts = e.fullId.split('.');
      const l = ids.indexOf(parts[0]);
      const k = key(l, {name: parts.slice(4).join('.'), kind: e.type === 'req' ? 'request' : 'transaction'});
      if (!d.has(k)) d.set(k, []);
      d.get(k).push(Math.round(e.duration * 1e9));
    }
  }
  for (const v of d.values()) v.sort((x, y) => x - y);
  return d;
}

function exactPercentile(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1];
}

function checkEvents(k, row, h, d) {
  const label = 'line ' + (Number(k.split('\u0000')[0]) + 1) + ' ' + row.kind + ' ' + row.name;
  if (!check(d !== undefined, label + ': its event lines')) return;
  const got = {count: h.totalCount, min: h.minNonZeroValue, max: h.maxValue};
  const want = {count: d.length, min: d[0], max: d[d.length - 1]};
  for (const p of PCTS) {
    got['p' + p] = h.getValueAtPercentile(p);
    want['p' + p] = exactPercentile(d, p);
  }
  const off = [];
  for (const f of Object.keys(want)) {
    if (f === 'count' ? got[f] !== want[f] : !near(got[f], want[f], US)) off.push(f + ' ' + got[f] + ' vs ' + want[f]);
  }
  check(off.length === 0, label + ': against the exact figures of both runs\' ' + d.length +
    ' event lines (count; min, max, p50, p90, p99, p99.9 within 0.1% and 1 us)', off.join(', '));
}

function main() {
  const a = args();
  const merged = JSON.parse(fs.readFileSync(a.merged, 'utf8'));
  const docs = a.inputs.split(',').map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const inputs = docs.map(rows);
  const m = rows(merged);
  check(m.size > 0, 'the merged summary has ' + m.size + ' rows', 'none');
  const missing = inputs.flatMap((r) => [...r.keys()].filter((k) => !m.has(k)));
  check(missing.length === 0, 'every input row is in the merge', missing.join('; '));
  const ids = merged.lines.map((l) => l.options.id);
  const ev = a.events ? events(a.events.split(','), ids) : null;
  for (const [k, row] of m) {
    const h = checkRow(k, row, inputs);
    if (ev) checkEvents(k, row, h, ev.get(k));
  }
  process.exit(failed() ? 1 : 0);
}

main();
