// check.js -- logen's --hdr-log read back by an independent HdrHistogram
// implementation, hdr-histogram-js from the npm registry (its
// HistogramLogReader decodes every interval line), and held to what the
// same run printed:
//   - the log's header (StartTime, BaseTime, the column legend) and its
//     interval lines (a tag <line id>.<name>.<req|tra>, or on an open line
//     <line id>.<wait|response|service>.event, the start on the --summary
//     grid, at most one line per tag and interval);
//   - per tag, the intervals added up: the count equals the end summary's,
//     min, max, p50, p90 and p99 agree with logen's own figures (a row, or
//     a row of an open line's "event times"), and for a row count, min,
//     max, p50, p90, p99 and p99.9 agree with the exact figures of the
//     run's event lines (--outformat raw: end_ns - begin_ns), within the
//     histogram's stated error: 0.1 % (and 0.5 us, the summary's rounding).
//     Event times have no event line of their own: the summary only.
//
//   node check.js --log H.log --events RAW --summary STDERR --period S
//
// Prints "PASS what" or "FAIL what: why" per check (tests/e2e/hdr.t makes
// TAP of them) and exits 1 if any failed.
'use strict';

const fs = require('node:fs');
const hdr = require('hdr-histogram-js');
const {check, failed} = require('../nodelib/checks.js');

const REL = 0.001; // 3 significant digits
const PCTS = [50, 90, 99, 99.9];

function args() {
  const a = {};
  for (let i = 2; i + 1 < process.argv.length; i += 2) a[process.argv[i].slice(2)] = process.argv[i + 1];
  return a;
}

// got within REL of want, plus abs (ns)
function near(got, want, abs) {
  return Math.abs(got - want) <= want * REL + abs;
}

// "line N: id X, cut C, ..." then rows "  req  NAME COUNT ERRORS THRU MIN MEAN P50 P90 P99 MAX"
function summaryRows(text) {
  const rows = new Map();
  let id = null;
  for (const line of text.split('\n')) {
    let m = /^line \d+: id (.*), cut /.exec(line);
    if (m) {
      id = m[1];
      continue;
    }
    if (/^all lines:/.test(line)) id = null;
    const ms = (s) => Number(s) * 1e6;
    m = /^  (wait|response|service) +(\d+) +(\S+) +\S+ +(\S+) +(\S+) +(\S+) +(\S+)$/.exec(line);
    if (m && id !== null) {
      rows.set(id + '\u0000' + m[1] + '\u0000event', {
        count: Number(m[2]), min: ms(m[3]), p50: ms(m[4]), p90: ms(m[5]), p99: ms(m[6]), max: ms(m[7]),
      });
      continue;
    }
    m = /^  (req|tra)  (\S+) +(\d+) +(\d+) +\S+ +(\S+) +\S+ +(\S+) +(\S+) +(\S+) +(\S+)$/.exec(line);
    if (!m || id === null || m[2].startsWith('(')) continue;
    rows.set(id + '\u0000' + m[2] + '\u0000' + m[1], {
      count: Number(m[3]), min: ms(m[5]), p50: ms(m[6]), p90: ms(m[7]), p99: ms(m[8]), max: ms(m[9]),
    });
  }
  return rows;
}

// exact durations per (line index, name, type) from raw event lines
function eventDurations(text) {
  const d = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    const key = e.line + '\u0000' + e.name + '\u0000' + e.type;
    if (!d.has(key)) d.set(key, []);
    d.get(key).push(e.end_ns - e.begin_ns);
  }
  for (const v of d.values()) v.sort((x, y) => x - y);
  return d;
}

function exactPercentile(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1];
}

function checkHeader(text) {
  const lines = text.split('\n');
  check(/^#\[StartTime: \d+\.\d{3} \(seconds since epoch\), .+\]$/.test(lines.find((l) => l.startsWith('#[StartTime:')) || ''),
    'log: a #[StartTime: ...] header line');
  check(/^#\[BaseTime: \d+\.\d{3} \(seconds since epoch\)\]$/.test(lines.find((l) => l.startsWith('#[BaseTime:')) || ''),
    'log: a #[BaseTime: ...] header line');
  check(lines.includes('"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"'),
    'log: the column legend');
}

// the interval lines: tag, start on the grid, unique (tag, start); returns
// the tags with their summed histogram and the number of lines
function readIntervals(text, period) {
  const tags = new Map();
  const seen = new Set();
  let bad = [];
  const reader = new hdr.HistogramLogReader(text, 64);
  let h;
  let n = 0;
  const base = Number(/#\[BaseTime: (\S+)/.exec(text)[1]);
  while ((h = reader.nextIntervalHistogram()) !== null) {
    n++;
    const start = h.startTimeStampMsec / 1000 - base;
    const len = (h.endTimeStampMsec - h.startTimeStampMsec) / 1000;
    const k = Math.round(start / period);
    if (!/^[^.,\s]+\.[^,\s]+\.(req|tra|event)$/.test(h.tag)) bad.push('tag ' + h.tag);
    if (Math.abs(start - k * period) > 0.0015 || len > period + 0.0015 || len < 0) bad.push('time ' + start + '+' + len);
    if (seen.has(h.tag + '@' + k)) bad.push('twice ' + h.tag + '@' + k);
    seen.add(h.tag + '@' + k);
    if (tags.has(h.tag)) tags.get(h.tag).h.add(h);
    else tags.set(h.tag, { h, lines: 0 });
    tags.get(h.tag).lines++;
  }
  check(n > 0 && bad.length === 0, 'log: ' + n + ' interval lines decode, tags and times well formed', bad.slice(0, 3).join('; '));
  return tags;
}

// tag -> [line id, name, kind]: split at the first and the last dot
function splitTag(tag) {
  const a = tag.indexOf('.');
  const b = tag.lastIndexOf('.');
  return [decodeURIComponent(tag.slice(0, a)), decodeURIComponent(tag.slice(a + 1, b)), tag.slice(b + 1)];
}

function compare(label, h, want, fields, abs) {
  const got = { count: h.totalCount, min: h.minNonZeroValue, max: h.maxValue };
  for (const p of PCTS) got['p' + p] = h.getValueAtPercentile(p);
  const off = [];
  for (const f of fields) {
    if (want[f] === undefined) continue;
    const okf = f === 'count' ? got[f] === want[f] : near(got[f], want[f], abs);
    if (!okf) off.push(f + ' ' + got[f] + ' vs ' + want[f]);
  }
  check(off.length === 0, label, off.join(', '));
}

function main() {
  const a = args();
  const log = fs.readFileSync(a.log, 'utf8');
  const rows = summaryRows(fs.readFileSync(a.summary, 'utf8'));
  const events = eventDurations(fs.readFileSync(a.events, 'utf8'));
  const ids = [...new Set([...rows.keys()].map((k) => k.split('\u0000')[0]))];
  checkHeader(log);
  const tags = readIntervals(log, Number(a.period));
  check(tags.size === rows.size && tags.size > 0, 'log: one tag per row of the end summary (' + rows.size + ')',
    [...tags.keys()].join(' '));
  for (const [tag, t] of tags) {
    const [id, name, kind] = splitTag(tag);
    const row = rows.get(id + '\u0000' + name + '\u0000' + kind);
    if (!check(row !== undefined, tag + ': a row of the end summary')) continue;
    compare(tag + ': ' + t.lines + ' intervals add up to the summary row (count; min, max, p50, p90, p99 within 0.1%)',
      t.h, row, ['count', 'min', 'max', 'p50', 'p90', 'p99'], 500);
    if (kind === 'event') continue;
    const d = events.get(ids.indexOf(id) + 1 + '\u0000' + name + '\u0000' + kind);
    if (!check(d !== undefined, tag + ': its event lines')) continue;
    const exact = { count: d.length, min: d[0], max: d[d.length - 1] };
    for (const p of PCTS) exact['p' + p] = exactPercentile(d, p);
    compare(tag + ': against the exact figures of ' + d.length + ' event lines (count; min, max, p50, p90, p99, p99.9 within 0.1%)',
      t.h, exact, ['count', 'min', 'max', 'p50', 'p90', 'p99', 'p99.9'], 0);
  }
  process.exit(failed() ? 1 : 0);
}

main();
