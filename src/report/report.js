/* report.js -- logen's HTML report from the summaries embedded in the page
 * (<script id="logen-data">: {"report": "logen-report/1", "runs":
 * [{"label", "summary"}]}, each summary a logen-summary/1 document whose
 * histograms report_html.c turned into percentile curves): the series of
 * each chart (drawn by chart.js), the tables, the selectors.
 *
 * What a summary lacks (per-interval latency, workers or queue figures
 * from an older logen) is shown as "no data", never as an error. A
 * comparison (logen compare -o: BASE, NEW and "compare", compare.c's
 * table) draws BASE on the same charts as NEW, fainter, with a legend
 * saying which is which, and shows the table; a merged summary says what
 * it was merged from. */
(function () {
  'use strict';

  var C = LogenChart;
  var PALETTE = C.PALETTE, el = C.el, num = C.num, arr = C.arr, get = C.get;
  var fmt = C.fmt, fmtInt = C.fmtInt, fmtMs = C.fmtMs, noData = C.noData;
  var PCTS = [
    { key: 'p50', label: 'p50', dash: '' },
    { key: 'p90', label: 'p90', dash: '7 4' },
    { key: 'p99', label: 'p99', dash: '2 3' },
    { key: 'max', label: 'max', dash: '10 3 2 3' }];

  var data = readData();
  var runs = (data && data.runs) || [];
  // A comparison (logen compare -o) holds BASE then NEW: NEW is the run the
  // page is about (drawn solid, its figures in the tables), BASE is drawn
  // fainter on the same charts. Otherwise the first run is.
  var cmp = (data && data.compare) || null;
  var primary = cmp && runs.length > 1 ? 1 : 0;
  var base = runs.length ? runs[primary].summary : null;
  var state = { hidden: {}, pcts: { p50: true, p90: true, p99: true, max: true }, dist: 'lines' };

  // ==== helpers ============================================================

  function readData() {
    var el = document.getElementById('logen-data');
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      console.error('logen report: the embedded summary is not JSON: ' + e.message);
      return null;
    }
  }

  function shellQuote(a) {
    return /^[A-Za-z0-9_@%+=:,.\/-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'";
  }

  // ==== the model: lines, series ===========================================

  function lineLabel(ln) {
    var o = ln.options || {}, id = o.id && o.id !== 'customId' ? ' [' + o.id + ']' : '';
    return 'L' + ln.line + ' ' + (o.cut || '-e code') + id + (o.open ? ' (open)' : '');
  }

  function lineColor(l) { return PALETTE[l % PALETTE.length]; }

  // What names run r in a series' label: BASE or NEW in a comparison.
  function runTag(r) { return cmp ? (r === 0 ? 'BASE' : 'NEW') : runs[r].label; }
  function runSuffix(r) { return runs.length > 1 ? ' · ' + runTag(r) : ''; }

  // The line of the primary run that line l of run r is drawn as (its
  // colour, its tick in the line selector): itself, or in a comparison
  // BASE's line matched to NEW's (by id or index, compare.c); -1 for a
  // BASE line NEW lacks.
  function slotOf(r, l) {
    if (r === primary || !cmp) return l;
    var m = arr(cmp.lines).filter(function (x) { return !x.only && x.line === l + 1; })[0];
    return m ? (m.new_line || m.line) - 1 : -1;
  }
  function slotColor(r, l) {
    var k = slotOf(r, l);
    return lineColor(k >= 0 ? k : arr(base.lines).length + l);
  }

  // Per line l of run r: the interval figure f(ivl, lineobj) or null.
  function values(sum, l, f) {
    return arr(sum.intervals).map(function (iv) {
      var x = arr(iv.lines)[l];
      if (!x) return null;
      var v = f(x, iv);
      return num(v) ? v : null;
    });
  }

  function hasAny(vs) {
    for (var i = 0; i < vs.length; i++) if (vs[i] !== null) return true;
    return false;
  }

  // The series of one figure for every shown line of every run.
  function lineSeries(f, extra) {
    var out = [];
    runs.forEach(function (run, r) {
      arr(run.summary.lines).forEach(function (ln, l) {
        if (state.hidden[slotOf(r, l)]) return;
        var vs = values(run.summary, l, f);
        if (!hasAny(vs)) return;
        var s = { label: lineLabel(ln), color: slotColor(r, l),
          values: vs, xs: times(run.summary), faint: r !== primary, dash: '' };
        if (extra) extra(s, ln, l);
        s.label += runSuffix(r);
        out.push(s);
      });
    });
    return out;
  }

  function times(sum) {
    return arr(sum.intervals).map(function (iv) { return num(iv.end_s) ? iv.end_s : 0; });
  }

  // Scenario lines' begin and end, and open-model phases, on the time axis.
  function timeMarks(sum) {
    var marks = [], bands = [], seen = {}, lines = arr(sum.lines);
    lines.forEach(function (ln, l) {
      if (state.hidden[l]) return;
      if (lines.length > 1) {
        if (num(ln.begin_s)) marks.push({ t: ln.begin_s, label: '▸L' + ln.line, color: lineColor(l) });
        if (num(ln.end_s)) marks.push({ t: ln.end_s, label: 'L' + ln.line + '◂', color: lineColor(l), end: true });
      }
      var om = ln.open_model, t = get(ln, ['options', 'postpone']) || 0;
      arr(om && om.phase_table).forEach(function (ph, k) {
        if (!num(ph.duration_s)) return;
        var rate = num(ph.asked_from) ? fmt(ph.asked_from) + (num(ph.asked_to) && ph.asked_to !== ph.asked_from ? '→' + fmt(ph.asked_to) : '') + '/s' : '';
        var key = t.toFixed(3) + '-' + (t + ph.duration_s).toFixed(3);
        if (seen[key]) seen[key].label = 'P' + (k + 1); // lines sharing a phase: one band
        else bands.push(seen[key] = { t0: t, t1: t + ph.duration_s, label: 'L' + ln.line + ' P' + (k + 1) + ' ' + rate });
        t += ph.duration_s;
      });
    });
    return { marks: marks, bands: bands };
  }

  // ==== time charts ========================================================

  // A time chart over the intervals of sum, with its time marks.
  function timeChart(box, sum, series, opts) {
    opts.xs = times(sum);
    opts.t0 = arr(sum.intervals).length ? sum.intervals[0].start_s : 0;
    opts.marks = timeMarks(sum);
    C.timeChart(box, series, opts);
    if (runs.length > 1 && series.length) box.appendChild(runsLegend('toggles run-legend'));
  }

  function drawTimeCharts() {
    var sum = base;
    timeChart(document.getElementById('chart-throughput'), sum,
      lineSeries(function (x) { return x.throughput; }), { name: 'throughput', what: 'throughput', fmtY: fmt });
    timeChart(document.getElementById('chart-errors'), sum,
      lineSeries(function (x, iv) { return num(x.errors) && iv.end_s > iv.start_s ? x.errors / (iv.end_s - iv.start_s) : null; }),
      { name: 'errors', what: 'errors per second', fmtY: fmt, h: 180 });
    var lat = [];
    PCTS.forEach(function (p) {
      if (!state.pcts[p.key]) return;
      lat = lat.concat(lineSeries(function (x) { return x[p.key]; }, function (s) {
        s.dash = p.dash;
        s.label += ' ' + p.label;
      }));
    });
    timeChart(document.getElementById('chart-latency'), sum, lat,
      { name: 'latency', what: 'latency per interval (this summary has none)', fmtY: fmtMs });
    timeChart(document.getElementById('chart-workers'), sum, lineSeries(function (x) { return x.workers; }),
      { name: 'workers', what: 'live workers per interval (this summary has none)', fmtY: fmt, step: true });
    var open = arr(sum.lines).some(function (ln) { return ln.open_model; });
    document.getElementById('open-panel').hidden = !open;
    if (open) {
      openTable(document.getElementById('open-table'));
      timeChart(document.getElementById('chart-queue'), sum, lineSeries(function (x) { return x.queue_depth; }),
        { name: 'queue', what: 'queue depth per interval (this summary has none)', fmtY: fmt, step: true, h: 190 });
      timeChart(document.getElementById('chart-dropped'), sum, lineSeries(function (x) { return x.dropped; }),
        { name: 'dropped', what: 'dropped events per interval (this summary has none)', fmtY: fmt, h: 170 });
    }
  }

  // ==== latency distribution ===============================================

  function distRows() {
    var out = [];
    var sel = state.dist;
    runs.forEach(function (run, r) {
      var lines = arr(run.summary.lines);
      if (sel === 'lines') {
        lines.forEach(function (ln, l) {
          if (state.hidden[slotOf(r, l)]) return;
          out.push({ label: lineLabel(ln) + ' all requests' + runSuffix(r),
            color: slotColor(r, l), curve: get(ln, ['all', 'requests', 'curve']), faint: r !== primary });
        });
        if (lines.length > 1)
          out.push({ label: 'all lines' + runSuffix(r), color: '#17202e',
            curve: get(run.summary, ['all_lines', 'requests', 'curve']), faint: r !== primary, dash: '5 3' });
      } else {
        var ln = lines.filter(function (x, l) { return slotOf(r, l) === Number(sel); })[0];
        arr(ln && ln.rows).forEach(function (row, k) {
          out.push({ label: (row.name || 'all') + (row.kind === 'transaction' ? ' (tx)' : '') + runSuffix(r),
            color: PALETTE[k % PALETTE.length], curve: row.curve, faint: r !== primary, dash: k >= PALETTE.length ? '5 3' : '' });
        });
      }
    });
    return out.filter(function (s) { return Array.isArray(s.curve) && s.curve.length; });
  }


  function distChart(box) {
    C.curveChart(box, distRows(), 'latency distribution (no histogram in this summary)');
  }

  function distSelect() {
    var sel = document.getElementById('dist-select');
    sel.appendChild(el('option', { value: 'lines' }, 'all requests, by line'));
    arr(base.lines).forEach(function (ln, l) {
      sel.appendChild(el('option', { value: String(l) }, lineLabel(ln) + ': by name'));
    });
    sel.addEventListener('change', function () {
      state.dist = sel.value;
      guard('chart-distribution', function () { distChart(document.getElementById('chart-distribution')); });
    });
  }

  // ==== tables =============================================================

  var NAME_COLS = [
    { key: 'line', label: 'Line', text: false },
    { key: 'name', label: 'Name', text: true },
    { key: 'kind', label: 'Kind', text: true },
    { key: 'count', label: 'Count', f: fmtInt },
    { key: 'errors', label: 'Errors', f: fmtInt },
    { key: 'err_pct', label: 'Errors %', f: function (v) { return num(v) ? v.toFixed(v && v < 0.1 ? 3 : 2) : '–'; } },
    { key: 'throughput', label: 'Rate /s', f: fmt },
    { key: 'min', label: 'Min', f: fmtMs }, { key: 'mean', label: 'Mean', f: fmtMs },
    { key: 'p50', label: 'p50', f: fmtMs }, { key: 'p90', label: 'p90', f: fmtMs },
    { key: 'p95', label: 'p95', f: fmtMs }, { key: 'p99', label: 'p99', f: fmtMs },
    { key: 'p99.9', label: 'p99.9', f: fmtMs }, { key: 'max', label: 'Max', f: fmtMs }];

  function nameRows() {
    var out = [];
    arr(base.lines).forEach(function (ln) {
      arr(ln.rows).forEach(function (r) {
        var o = { line: ln.line };
        NAME_COLS.forEach(function (c) { if (c.key in r) o[c.key] = r[c.key]; });
        o.err_pct = num(r.count) && r.count > 0 ? 100 * (r.errors || 0) / r.count : null;
        out.push(o);
      });
    });
    return out;
  }

  function namesTable(box) {
    var rows = nameRows(), sort = { key: null, dir: 1 };
    box.textContent = '';
    if (!rows.length) return noData(box, 'no request or transaction name');
    var table = el('table', { 'data-table': 'names' }), thead = el('thead'), tbody = el('tbody');
    var tr = el('tr');
    NAME_COLS.forEach(function (c) {
      var th = el('th', { class: 'sortable' + (c.text ? ' text' : ''), 'data-key': c.key, scope: 'col' }, c.label);
      th.addEventListener('click', function () {
        sort.dir = sort.key === c.key ? -sort.dir : (c.text ? 1 : -1);
        sort.key = c.key;
        Array.prototype.forEach.call(tr.children, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
        rows.sort(function (a, b) {
          var x = a[c.key], y = b[c.key];
          if (x === y) return 0;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (x < y ? -1 : 1) * sort.dir;
        });
        fill();
      });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    function fill() {
      tbody.textContent = '';
      rows.forEach(function (r) {
        var row = el('tr', { 'data-name': r.name === null ? '' : r.name });
        NAME_COLS.forEach(function (c) {
          var v = r[c.key], td = el('td', { class: (c.text ? 'text' : '') + (c.key === 'errors' && v > 0 ? ' bad' : ''),
            'data-value': v === null || v === undefined ? '' : String(v) }, c.f ? c.f(v) : (v === null ? '–' : v));
          row.appendChild(td);
        });
        tbody.appendChild(row);
      });
    }
    fill();
    table.appendChild(thead);
    table.appendChild(tbody);
    box.appendChild(table);
  }

  function simpleTable(heads, rows, attrs) {
    var table = el('table', attrs), tr = el('tr');
    heads.forEach(function (h) { tr.appendChild(el('th', { class: 'text', scope: 'col' }, h)); });
    var thead = el('thead');
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (c) {
        if (c instanceof Node) { var td = el('td', { class: 'text' }); td.appendChild(c); row.appendChild(td); }
        else row.appendChild(el('td', { class: 'text' }, c));
      });
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    return table;
  }

  function thresholdsTable(box) {
    var th = arr(base.thresholds);
    box.textContent = '';
    if (!th.length) return box.appendChild(el('div', { class: 'nodata' }, 'no --threshold given'));
    box.appendChild(simpleTable(['Threshold', 'Line', 'Measured', 'Verdict'], th.map(function (t) {
      return [t.expression, t.line === null ? 'run' : 'L' + t.line, t.measured_text || (t.found ? fmt(t.measured) : 'not found'),
        el('span', { class: 'pill ' + (t.pass ? 'pass' : 'fail') }, t.pass ? 'PASS' : 'FAIL')];
    }), { 'data-table': 'thresholds' }));
  }

  // Each open line's phases as asked and as run, its queue and lateness.
  function openTable(box) {
    var rows = [];
    arr(base.lines).forEach(function (ln) {
      var om = ln.open_model;
      if (!om) return;
      arr(om.phase_table).forEach(function (ph, k) {
        var asked = num(ph.asked_from) ? fmt(ph.asked_from) + (num(ph.asked_to) && ph.asked_to !== ph.asked_from ? ' → ' + fmt(ph.asked_to) : '') : '–';
        rows.push(['L' + ln.line, 'P' + (k + 1), fmt(ph.duration_s) + ' s', asked + ' /s', fmt(ph.achieved) + ' /s',
          fmtInt(ph.generated), fmtInt(ph.processed), fmtInt(ph.dropped),
          k ? '' : fmtInt(get(om, ['queue', 'high_water_mark'])), k ? '' : fmtMs(get(om, ['lateness', 'worst']))]);
      });
    });
    box.textContent = '';
    if (rows.length)
      box.appendChild(simpleTable(['Line', 'Phase', 'Duration', 'Asked', 'Achieved', 'Generated', 'Processed', 'Dropped',
        'Queue peak', 'Worst lateness'], rows, { 'data-table': 'phases' }));
  }

  function model(o) {
    if (!o) return '–';
    if (o.open) return 'open: ' + (o.schedule || '') + (o.arrival ? ', ' + o.arrival : '') + ', prefork ' + o.prefork +
      (o.maxproc ? ', maxproc ' + o.maxproc : '');
    return 'closed: ' + o.process + ' worker' + (o.process === 1 ? '' : 's') + ', ' +
      (o.duration > 0 ? o.duration + ' s' : o.loops + ' loop' + (o.loops === 1 ? '' : 's')) +
      (o.rampup > 0 ? ', ramp-up ' + o.rampup + ' s' : '') + (o.postpone > 0 ? ', postpone ' + o.postpone + ' s' : '');
  }

  function runMeta(box) {
    var m = base.meta || {}, rec = base.records || {}, wk = base.workers || {};
    box.textContent = '';
    box.appendChild(el('pre', { class: 'cmd', 'data-meta': 'argv' }, arr(m.argv).map(shellQuote).join(' ')));
    var dl = el('dl', { class: 'meta' });
    var start = num(m.start_epoch_s) ? new Date(m.start_epoch_s * 1000) : null;
    [['logen', m.version], ['host', m.host],
      ['started', start ? start.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '–'],
      ['load', num(get(base, ['totals', 'load_s'])) ? base.totals.load_s.toFixed(2) + ' s' : '–'],
      ['interval', num(m.interval_s) ? m.interval_s + ' s (' + arr(base.intervals).length + ' intervals)' : '–'],
      ['records', fmtInt(rec.sent) + ' sent, ' + fmtInt(rec.received) + ' received, ' + fmtInt(rec.lost) + ' lost'],
      ['workers', fmtInt(wk.started) + ' started, ' + fmtInt(wk.ended) + ' ended' +
        (arr(wk.not_normal).length ? ', ' + wk.not_normal.length + ' not normally' : '')]].forEach(function (kv) {
      dl.appendChild(el('dt', null, kv[0]));
      dl.appendChild(el('dd', null, kv[1] === undefined ? '–' : kv[1]));
    });
    box.appendChild(dl);
    box.appendChild(simpleTable(['Line', 'CUT', 'Id', 'Model', 'Steps', 'Span', 'Workers'], arr(base.lines).map(function (ln) {
      var o = ln.options || {};
      return ['L' + ln.line, o.cut || '-e code', o.id || '', model(o), arr(o.steps).join(','),
        fmt(ln.begin_s) + '–' + fmt(ln.end_s) + ' s', fmtInt(get(ln, ['workers', 'started']))];
    }), { 'data-table': 'lines' }));
    box.appendChild(allOptions(arr(base.lines)));
  }

  // Every option of every line, one row per option, folded.
  function allOptions(lines) {
    var keys = [];
    lines.forEach(function (ln) {
      Object.keys(ln.options || {}).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    });
    var d = el('details', { class: 'options' });
    d.appendChild(el('summary', null, 'All options of each line'));
    d.appendChild(simpleTable(['Option'].concat(lines.map(function (ln) { return 'L' + ln.line; })), keys.map(function (k) {
      return [k].concat(lines.map(function (ln) {
        var v = (ln.options || {})[k];
        return v === undefined ? '' : v === null ? '–' : Array.isArray(v) ? v.join(',') : String(v);
      }));
    }), { 'data-table': 'options' }));
    return d;
  }

  // ==== sources: a merge, a comparison =====================================

  function runSwatch(faint) {
    var sw = el('span', { class: 'swatch' + (faint ? ' faint' : '') });
    if (faint) sw.style.opacity = C.FAINT;
    return sw;
  }

  // Which run is which, for a comparison: NEW solid, BASE faint.
  function runsLegend(cls) {
    var div = el('div', { class: cls, 'data-legend': 'runs' });
    [primary, 1 - primary].forEach(function (r) {
      var lab = el('span', { class: 'run', 'data-run': runTag(r) });
      lab.appendChild(runSwatch(r !== primary));
      lab.appendChild(el('b', null, runTag(r)));
      lab.appendChild(el('code', null, runs[r].label));
      lab.appendChild(document.createTextNode(r !== primary ? ' (fainter lines)' : ' (solid lines)'));
      div.appendChild(lab);
    });
    return div;
  }

  // What the page was drawn from, when it is not one run.
  function sources(box) {
    var merged = get(base, ['meta', 'merged']);
    if (cmp && runs.length > 1) {
      box.appendChild(el('span', null, 'Comparison, tolerance ' + fmt(cmp.tolerance_pct) + '%:'));
      box.appendChild(runsLegend('runs'));
      box.appendChild(el('span', { class: 'pill ' + (cmp.worse ? 'fail' : 'pass'), 'data-compare': cmp.worse ? 'regressed' : 'ok' },
        cmp.worse ? 'REGRESSED: ' + cmp.worse + ' figure' + (cmp.worse === 1 ? '' : 's') + ' worse' : 'no worse'));
    } else if (num(merged) && merged > 1) {
      box.setAttribute('data-merged', merged);
      box.appendChild(el('span', null, 'A merge of ' + merged + ' summaries, drawn as one run:'));
      box.appendChild(el('code', null, runs[0].label));
    } else {
      return;
    }
    box.hidden = false;
  }

  // The comparison's table (compare.c): per line and name, each figure's
  // relative change, BASE → NEW below it; marked where worse beyond the
  // tolerance, as the text output marks it with `!`.
  function compareTable(box) {
    var figs = arr(cmp.figures), ncol = 3 + figs.length;
    var table = el('table', { 'data-table': 'compare' }), thead = el('thead'), tbody = el('tbody');
    var tr = el('tr');
    ['Line', 'Kind', 'Name'].concat(figs).forEach(function (h, k) { tr.appendChild(el('th', { class: k < 3 ? 'text' : '', scope: 'col' }, h)); });
    thead.appendChild(tr);
    arr(cmp.lines).forEach(function (ln) {
      var head = el('tr', { class: 'line-head' });
      head.appendChild(el('td', { class: 'text', colspan: ncol }, 'L' + ln.line + (ln.only === 'NEW' ? ' of NEW' : '') + ': id ' + (ln.id || '–') + ', cut ' + (ln.cut || '–') +
        (ln.only ? ': only in ' + ln.only : (ln.new_line ? ' (NEW: line ' + ln.new_line + ')' : '') +
        (ln.new_id !== undefined ? ' (NEW: id ' + ln.new_id + ', cut ' + ln.new_cut + ')' : ''))));
      tbody.appendChild(head);
      arr(ln.rows).forEach(function (r) {
        var row = el('tr', { 'data-line': ln.line, 'data-name': r.name });
        row.appendChild(el('td', { class: 'text' }, 'L' + ln.line));
        row.appendChild(el('td', { class: 'text' }, r.kind));
        row.appendChild(el('td', { class: 'text' }, r.name));
        if (r.only) {
          row.appendChild(el('td', { class: 'text only', colspan: figs.length }, 'only in ' + r.only + ' (' + fmtInt(r.count) + ')'));
        } else {
          figs.forEach(function (f, k) {
            var w = !!arr(r.worse)[k], td = el('td', { class: w ? 'worse' : '', 'data-fig': f, 'data-worse': w ? '1' : '0' });
            td.appendChild(el('div', { class: 'chg' }, arr(r.change)[k] + (w ? '!' : '')));
            td.appendChild(el('div', { class: 'bn' }, arr(r.base)[k] + ' → ' + arr(r.new)[k]));
            row.appendChild(td);
          });
        }
        tbody.appendChild(row);
      });
    });
    table.appendChild(thead);
    table.appendChild(tbody);
    box.textContent = '';
    box.appendChild(table);
  }

  // ==== header, overview, selectors ========================================

  function header() {
    var res = base.result || {}, st = res.status || 'unknown';
    var badge = document.getElementById('result');
    badge.textContent = (cmp ? 'NEW run ' : '') + (st === 'ok' ? 'OK' : st.toUpperCase() +
      (res.signal ? ' (signal ' + res.signal + ')' : num(res.exit_status) ? ' (exit ' + res.exit_status + ')' : ''));
    badge.className = 'badge ' + st;
    badge.setAttribute('data-status', st);
    var argv = arr(get(base, ['meta', 'argv'])), lines = arr(base.lines);
    var what = argv[1] === 'scenario' || lines.length > 1 ? 'Scenario of ' + lines.length + ' lines' :
      (get(lines[0], ['options', 'cut']) || 'ad hoc run');
    var start = num(get(base, ['meta', 'start_epoch_s'])) ? new Date(base.meta.start_epoch_s * 1000) : null;
    var title = (cmp ? 'Comparison: ' : '') + what + (base.meta && base.meta.host ? ' on ' + base.meta.host : '') +
      (start ? ', ' + start.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '') + (cmp ? ' against BASE' : '');
    document.getElementById('title').textContent = title;
    document.title = 'logen report: ' + title;
  }

  function card(box, k, v, unit, bad) {
    var c = el('div', { class: 'card' + (bad ? ' bad' : ''), 'data-card': k });
    c.appendChild(el('div', { class: 'k' }, k));
    var val = el('div', { class: 'v' }, v);
    if (unit) val.appendChild(el('small', null, unit));
    c.appendChild(val);
    box.appendChild(c);
  }

  function overview(box) {
    var t = base.totals || {}, all = get(base, ['all_lines', 'requests']) || {};
    box.textContent = '';
    if (base.result && base.result.failure)
      box.parentNode.insertBefore(el('div', { class: 'failure' }, 'The run failed: ' + base.result.failure), box);
    card(box, 'Duration', num(t.load_s) ? fmt(t.load_s) : '–', 's');
    card(box, 'Requests', fmtInt(t.requests));
    card(box, 'Errors', fmtInt(t.errors), num(t.requests) && t.requests ? (100 * t.errors / t.requests).toFixed(2) + '%' : '', t.errors > 0);
    card(box, 'Throughput', fmt(t.throughput), '/s');
    card(box, 'Peak', fmt(t.throughput_high_water_mark), '/s');
    card(box, 'p50', fmtMs(all.p50));
    card(box, 'p99', fmtMs(all.p99));
    card(box, 'Max', fmtMs(all.max));
    if (arr(base.thresholds).length)
      card(box, 'Thresholds', (base.thresholds.length - (base.thresholds_failed || 0)) + '/' + base.thresholds.length, 'met',
        base.thresholds_failed > 0);
  }

  function lineSelect(box) {
    var lines = arr(base.lines);
    box.textContent = '';
    lines.forEach(function (ln, l) {
      var lab = el('label', { 'data-line': ln.line, title: model(ln.options) });
      var cb = el('input', { type: 'checkbox' });
      cb.checked = true;
      cb.addEventListener('change', function () {
        state.hidden[l] = !cb.checked;
        lab.classList.toggle('off', !cb.checked);
        redraw();
      });
      var sw = el('span', { class: 'swatch' });
      sw.style.background = lineColor(l);
      lab.appendChild(cb);
      lab.appendChild(sw);
      lab.appendChild(document.createTextNode(lineLabel(ln)));
      box.appendChild(lab);
    });
    if (lines.length > 2) {
      ['all', 'none'].forEach(function (w) {
        var b = el('label', { 'data-lines': w }, w);
        b.addEventListener('click', function () {
          Array.prototype.forEach.call(box.querySelectorAll('input'), function (cb, l) {
            cb.checked = w === 'all';
            state.hidden[l] = w !== 'all';
            cb.parentNode.classList.toggle('off', w !== 'all');
          });
          redraw();
        });
        box.appendChild(b);
      });
    }
  }

  function pctSelect(box) {
    PCTS.forEach(function (p) {
      var lab = el('label'), cb = el('input', { type: 'checkbox', 'data-pct': p.key });
      cb.checked = true;
      cb.addEventListener('change', function () {
        state.pcts[p.key] = cb.checked;
        lab.classList.toggle('off', !cb.checked);
        guard('chart-latency', drawTimeCharts);
      });
      var sw = el('span', { class: 'swatch' + (p.dash ? ' dash' : '') });
      sw.style.background = '#4d5a6a';
      if (p.dash) sw.style.borderTopStyle = p.key === 'p99' ? 'dotted' : 'dashed';
      lab.appendChild(cb);
      lab.appendChild(sw);
      lab.appendChild(document.createTextNode(p.label));
      box.appendChild(lab);
    });
  }

  // ==== drawing ============================================================

  // Runs f; a failure shows in the box with id and on the console, and the
  // rest of the page is still drawn.
  function guard(id, f) {
    try {
      f();
    } catch (e) {
      var box = document.getElementById(id);
      if (box) noData(box, 'could not be drawn (' + e.message + ')');
      console.error('logen report: ' + id + ': ' + (e.stack || e));
    }
  }

  function redraw() {
    guard('chart-throughput', drawTimeCharts);
    guard('chart-distribution', function () { distChart(document.getElementById('chart-distribution')); });
  }

  function main() {
    if (!base) {
      document.getElementById('title').textContent = 'No summary in this report';
      return;
    }
    guard('title', header);
    guard('sources', function () { sources(document.getElementById('sources')); });
    if (cmp) {
      document.getElementById('compare-panel').hidden = false;
      guard('compare-table', function () { compareTable(document.getElementById('compare-table')); });
    }
    guard('overview', function () { overview(document.getElementById('overview')); });
    guard('line-select', function () { lineSelect(document.getElementById('line-select')); });
    guard('pct-select', function () { pctSelect(document.getElementById('pct-select')); });
    guard('dist-select', distSelect);
    redraw();
    guard('names-table', function () { namesTable(document.getElementById('names-table')); });
    guard('thresholds', function () { thresholdsTable(document.getElementById('thresholds')); });
    guard('run-meta', function () { runMeta(document.getElementById('run-meta')); });
    var width = window.innerWidth, pending = null;
    window.addEventListener('resize', function () {
      if (window.innerWidth === width) return;
      width = window.innerWidth;
      clearTimeout(pending);
      pending = setTimeout(redraw, 150);
    });
    document.body.setAttribute('data-drawn', 'yes');
  }

  main();
})();
