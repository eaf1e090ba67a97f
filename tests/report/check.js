// check.js -- opens logen's HTML report in Debian's headless Chromium
// (driven by playwright-core) and checks it against the summary it was
// drawn from; one "PASS what" / "FAIL what: why" line per check
// (tests/nodelib/checks.js) for tests/e2e/report.t.
//
//   node check.js --html R.html --summary S.json --shot R.png [--budget-ms N]
//                 [--inputs A.json,B.json]
//   node check.js --html C.html --base BASE.json --new NEW.json
//                 --compare-text OUT.txt --shot C.png     (logen compare -o)
//
// Checks: no console error, no page error, no request but the page's own
// file:// URL, nothing in the page that could load anything; the charts
// hold one series per line with one point per interval (or say "no data"
// when the summary lacks that figure), the distribution one curve per
// line; the per-name table has one row per name and sorts when a heading
// is clicked; the line selector and the distribution's per-name choice
// redraw what they should; the result, the command line, every option and
// the time marks are shown; a merged summary says so and names its inputs;
// drawing ends within the budget. A comparison: both runs on every time
// chart (one series per line of each, BASE's fainter, a legend naming
// both), both runs' curves, and the table's marked cells the very ones
// compare's text output marks `!`. The screenshot is left at --shot.
'use strict';

const fs = require('fs');
const path = require('path');
const {chromium} = require('playwright-core');
const {check, failed} = require('../nodelib/checks');

function args() {
  const a = {budgetMs: 10000};
  for (let i = 2; i < process.argv.length; i += 2) {
    const k = process.argv[i].replace(/^--/, '').replace(/-(.)/g, (m, c) => c.toUpperCase());
    a[k] = process.argv[i + 1];
  }
  a.budgetMs = Number(a.budgetMs);
  return a;
}

// Lines with at least one number for key in the interval series.
function linesWith(sum, key) {
  return sum.lines.filter((ln, l) =>
    sum.intervals.some((iv) => iv.lines[l] && typeof iv.lines[l][key] === 'number')).length;
}

// Static: outside the embedded data, nothing that names something to load.
function staticChecks(html) {
  const page = html.replace(/<script type="application\/json" id="logen-data">[\s\S]*?<\/script>/, '');
  const refs = page.match(/\b(src|href)\s*=|@import|url\(|<link\b|<iframe\b|<img\b/gi);
  check(!refs, 'the page names nothing to load (no src=, href=, url(, @import, link, img)',
      refs && refs.join(' '));
  const data = html.match(/<script type="application\/json" id="logen-data">([\s\S]*?)<\/script>/);
  check(data && !/</.test(data[1]), 'the embedded data holds no "<" (it cannot close its tag)');
  check(data && !/"histogram"/.test(data[1]), 'the embedded data holds no histogram (curves instead)');
}

async function seriesOf(page, chart) {
  return page.$$eval(`svg[data-chart="${chart}"] path[data-series]`, (ps) =>
    ps.map((p) => ({name: p.getAttribute('data-series'), points: Number(p.getAttribute('data-points')),
      drawn: Number(p.getAttribute('data-drawn'))})));
}

async function nodata(page, box) {
  return (await page.$$(`#${box} .nodata`)).length > 0;
}

// A time chart: one series per line having the figure, each with one point
// per interval; or "no data" when no line has it.
async function timeChart(page, sum, chart, box, key, mult) {
  const want = linesWith(sum, key) * (mult || 1);
  const got = await seriesOf(page, chart);
  const n = sum.intervals.length;
  if (want === 0) {
    check(got.length === 0 && await nodata(page, box), `${chart}: "no data" (the summary has no ${key})`,
        `${got.length} series`);
    return;
  }
  check(got.length === want, `${chart}: ${want} series`, `got ${got.length}`);
  const bad = got.filter((s) => s.points !== n);
  check(bad.length === 0, `${chart}: ${n} points in every series`, bad.map((s) => s.name + ':' + s.points).join(' '));
  const over = got.filter((s) => s.drawn > 2 * 1280 + 4);
  check(over.length === 0, `${chart}: at most two drawn points per pixel column`,
      over.map((s) => s.name + ':' + s.drawn).join(' '));
}

async function distribution(page, sum) {
  const withReq = sum.lines.filter((ln) => ln.all.requests.count > 0).length;
  const want = withReq + (sum.lines.length > 1 && sum.all_lines.requests.count > 0 ? 1 : 0);
  const got = await seriesOf(page, 'distribution');
  check(got.length === want, `distribution: ${want} percentile curves (one per line, and all lines)`,
      `got ${got.length}`);
  check(got.every((s) => s.points >= 1), 'distribution: every curve has points',
      got.map((s) => s.points).join(' '));
}

async function table(page, sum) {
  const want = sum.lines.reduce((n, ln) => n + ln.rows.length, 0);
  const rows = await page.$$('table[data-table="names"] tbody tr');
  check(rows.length === want, `per-name table: ${want} rows, one per name and line`, `got ${rows.length}`);
  const col = async () => page.$$eval('table[data-table="names"] tbody tr td:nth-child(4)',
      (tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
  const heading = 'table[data-table="names"] th[data-key="count"]';
  await page.click(heading);
  const down = await col();
  check(down.every((v, i) => i === 0 || down[i - 1] >= v), 'per-name table: sorted by count, descending, on a click',
      down.join(','));
  await page.click(heading);
  const up = await col();
  check(up.every((v, i) => i === 0 || up[i - 1] <= v), '... ascending on a second click', up.join(','));
  await page.click('table[data-table="names"] th[data-key="name"]');
  const names = await page.$$eval('table[data-table="names"] tbody tr', (trs) => trs.map((t) => t.getAttribute('data-name')));
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  check(JSON.stringify(names) === JSON.stringify(sorted), '... and by name on a click on Name', names.join(','));
}

// The line selector: unticking a line takes its series off the charts;
// the distribution shows one curve per name of a line when asked.
async function selectors(page, sum) {
  const before = (await seriesOf(page, 'throughput')).length;
  await page.click('#line-select label[data-line="1"] input');
  const after = await seriesOf(page, 'throughput');
  check(after.length === before - 1 && after.every((s) => !s.name.startsWith('L1 ')),
      'unticking line 1 takes its series off the throughput chart', `${before} -> ${after.length}`);
  await page.click('#line-select label[data-line="1"] input');
  check((await seriesOf(page, 'throughput')).length === before, '... ticking it brings it back');
  await page.selectOption('#dist-select', '0');
  const names = sum.lines[0].rows.filter((r) => r.count > 0).length;
  const got = await seriesOf(page, 'distribution');
  check(got.length === names, `distribution by name: ${names} curves for line 1's names`, `got ${got.length}`);
  await page.selectOption('#dist-select', 'lines');
  const opts = await page.$$('table[data-table="options"] tbody tr');
  check(opts.length >= Object.keys(sum.lines[0].options).length, 'every option of each line listed',
      `${opts.length} rows`);
}

async function marks(page, sum) {
  if (sum.lines.length > 1) {
    const m = await page.$$('svg[data-chart="throughput"] g.marker');
    check(m.length === 2 * sum.lines.length, `scenario: each line's begin and end marked (${2 * sum.lines.length})`,
        `got ${m.length}`);
  }
  const open = sum.lines.filter((ln) => ln.open_model);
  if (open.length) {
    const bands = await page.$$('svg[data-chart="throughput"] g.phase');
    check(bands.length >= 1, 'open model: its phases shaded on the time axis', `got ${bands.length}`);
    await timeChart(page, sum, 'queue', 'chart-queue', 'queue_depth');
    await timeChart(page, sum, 'dropped', 'chart-dropped', 'dropped');
  } else {
    check(await page.$eval('#open-panel', (e) => e.hidden), 'closed run: no open-model panel');
  }
}

async function header(page, sum) {
  const st = await page.$eval('#result', (e) => e.getAttribute('data-status'));
  check(st === sum.result.status, `result shown: ${sum.result.status}`, st);
  const argv = await page.$eval('pre[data-meta="argv"]', (e) => e.textContent);
  check(argv.includes(sum.meta.argv[1]) && argv.split(' ').length >= sum.meta.argv.length,
      'the command line shown', argv);
  const th = await page.$$('table[data-table="thresholds"] tbody tr');
  check(th.length === sum.thresholds.length, `${sum.thresholds.length} thresholds listed`, `got ${th.length}`);
}

// A merged summary: the page says of how many, and names the inputs
// (--inputs A,B, the files given to logen report, or the merged file).
async function sources(page, sum, inputs) {
  const merged = sum.meta.merged;
  const got = await page.$eval('#sources', (e) => ({hidden: e.hidden, merged: e.getAttribute('data-merged'),
    text: e.textContent}));
  if (merged > 1) {
    check(!got.hidden && got.merged === String(merged) && got.text.includes(`merge of ${merged} summaries`),
        `the page says it is a merge of ${merged} summaries`, JSON.stringify(got));
    const missing = (inputs || '').split(',').filter((f) => f && !got.text.includes(f));
    check(inputs && missing.length === 0, `... and names them (${inputs})`, `missing ${missing.join(' ')}`);
  } else {
    check(got.hidden, 'one run: no merge or comparison said', got.text);
  }
}

// ==== a comparison (logen compare -o) ====================================

// The marks of compare's text output: "line|name|figure" for every change
// marked `!` (figure: its column, from 0).
function textMarks(text) {
  const marks = [];
  let line = 0, name = null;
  for (const t of text.split('\n')) {
    let m;
    if ((m = t.match(/^line (\d+):/))) line = Number(m[1]);
    else if ((m = t.match(/^  (?:req|tra) +(.+?) +BASE /))) name = m[1];
    else if ((m = t.match(/^ +change +(.*)$/)))
      m[1].trim().split(/ +/).forEach((v, i) => { if (v.endsWith('!')) marks.push(`${line}|${name}|${i}`); });
  }
  return marks.sort();
}

// Both runs on every time chart: one series per line of each, BASE's
// fainter, each with its own run's intervals; a legend naming both.
async function compareChart(page, runs, chart, box, key, mult) {
  const got = await page.$$eval(`svg[data-chart="${chart}"] path[data-series]`, (ps) =>
    ps.map((p) => ({name: p.getAttribute('data-series'), points: Number(p.getAttribute('data-points')),
      faint: p.getAttribute('data-faint')})));
  for (const [tag, sum, faint] of runs) {
    const mine = got.filter((s) => s.name.endsWith(' · ' + tag));
    const want = linesWith(sum, key) * (mult || 1);
    check(mine.length === want, `${chart}: ${want} series of ${tag}`, `got ${mine.length} of ${got.length}`);
    const bad = mine.filter((s) => s.points !== sum.intervals.length || s.faint !== faint);
    check(mine.length && bad.length === 0, `${chart}: ${tag}'s with ${sum.intervals.length} points each, ` +
        (faint === 'yes' ? 'fainter' : 'solid'), JSON.stringify(bad.slice(0, 3)));
  }
  const legend = await page.$$eval(`#${box} [data-legend="runs"] [data-run]`, (es) => es.map((e) => e.textContent));
  check(legend.length === 2 && /^NEW/.test(legend[0]) && /^BASE/.test(legend[1]),
      `${chart}: a legend saying which run is NEW (solid) and which BASE (fainter)`, legend.join(' | '));
}

async function compareChecks(page, a) {
  const base = JSON.parse(fs.readFileSync(a.base, 'utf8'));
  const neu = JSON.parse(fs.readFileSync(a.new, 'utf8'));
  const text = fs.readFileSync(a.compareText, 'utf8');
  const runs = [['BASE', base, 'yes'], ['NEW', neu, 'no']];
  await compareChart(page, runs, 'throughput', 'chart-throughput', 'throughput');
  await compareChart(page, runs, 'errors', 'chart-errors', 'errors');
  await compareChart(page, runs, 'latency', 'chart-latency', 'p50', 4);
  await compareChart(page, runs, 'workers', 'chart-workers', 'workers');
  const curves = await page.$$eval('svg[data-chart="distribution"] path[data-series]', (ps) =>
    ps.map((p) => p.getAttribute('data-series') + '|' + p.getAttribute('data-faint')));
  check(curves.some((c) => / · BASE\|yes$/.test(c)) && curves.some((c) => / · NEW\|no$/.test(c)),
      'distribution: both runs\' curves, BASE\'s fainter', curves.join(' '));
  const want = textMarks(text);
  const cells = await page.$$eval('table[data-table="compare"] td[data-worse]', (tds) => tds.map((td) => ({
    line: td.parentNode.getAttribute('data-line'), name: td.parentNode.getAttribute('data-name'),
    worse: td.getAttribute('data-worse'), text: td.querySelector('.chg').textContent})));
  const heads = await page.$$eval('table[data-table="compare"] th', (ths) => ths.map((t) => t.textContent));
  const marked = [];
  const perRow = {};
  for (const c of cells) {
    const k = `${c.line}|${c.name}`;
    perRow[k] = (perRow[k] || 0) + 1;
    if (c.worse === '1') marked.push(`${k}|${perRow[k] - 1}`);
  }
  marked.sort();
  check(heads.length === 10 && cells.length > 0, 'the comparison table: a column per figure', heads.join(','));
  check(JSON.stringify(marked) === JSON.stringify(want), `the table's marked cells are the text's ${want.length} marks`,
      `page ${marked.join(' ')} / text ${want.join(' ')}`);
  check(cells.every((c) => (c.worse === '1') === c.text.endsWith('!')), '... each marked cell shows its `!`');
  const verdict = await page.$eval('#sources [data-compare]', (e) => e.getAttribute('data-compare'));
  const regressed = /^result: REGRESSED/m.test(text);
  check(verdict === (regressed ? 'regressed' : 'ok'), `the page says ${regressed ? 'REGRESSED' : 'no worse'}, as the text`,
      verdict);
}

// ==== one run, or a merge =================================================

async function runChecks(page, a) {
  const sum = JSON.parse(fs.readFileSync(a.summary, 'utf8'));
  await timeChart(page, sum, 'throughput', 'chart-throughput', 'throughput');
  await timeChart(page, sum, 'errors', 'chart-errors', 'errors');
  await timeChart(page, sum, 'latency', 'chart-latency', 'p50', 4);
  await timeChart(page, sum, 'workers', 'chart-workers', 'workers');
  await distribution(page, sum);
  await marks(page, sum);
  await header(page, sum);
  await sources(page, sum, a.inputs);
  await page.screenshot({path: a.shot, fullPage: true});
  await table(page, sum);
  await selectors(page, sum);
}

async function main() {
  const a = args();
  const html = fs.readFileSync(a.html, 'utf8');
  staticChecks(html);
  const url = 'file://' + path.resolve(a.html);
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu']});
  try {
    const page = await browser.newPage({viewport: {width: 1360, height: 900}});
    const errors = [], pageErrors = [], requests = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    const t0 = Date.now();
    await page.goto(url, {waitUntil: 'load'});
    const drawn = await page.waitForSelector('body[data-drawn="yes"]', {timeout: a.budgetMs}).then(() => true, () => false);
    const ms = Date.now() - t0;
    check(drawn && ms <= a.budgetMs, `loaded and drawn within ${a.budgetMs} ms`, `${ms} ms`);
    console.log(`# drawn in ${ms} ms`);
    if (a.compareText) {
      await compareChecks(page, a);
      await page.screenshot({path: a.shot, fullPage: true});
    } else {
      await runChecks(page, a);
    }
    check(errors.length === 0, 'no console error', errors.join(' | '));
    check(pageErrors.length === 0, 'no page error', pageErrors.join(' | '));
    const other = requests.filter((r) => r !== url);
    check(requests.length >= 1 && other.length === 0, 'no request but the page itself',
        other.slice(0, 5).join(' ') || 'none seen');
  } finally {
    await browser.close();
  }
  process.exit(failed() ? 1 : 0);
}

main().catch((e) => {
  console.log('FAIL the checker ran: ' + (e.stack || e));
  process.exit(1);
});
