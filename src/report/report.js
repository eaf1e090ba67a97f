/* report.js -- draws logen's HTML report from the summaries embedded in
 * the page (<script id="logen-data">: {"report": "logen-report/1", "runs":
 * [{"label", "summary"}]}, each summary a logen-summary/1 document whose
 * histograms report_html.c turned into percentile curves).
 *
 * Everything is drawn here as SVG: no library, nothing loaded. What a
 * summary lacks (per-interval latency, workers or queue figures from an
 * older logen) is shown as "no data", never as an error. A long run keeps
 * its shape: beyond two points per pixel, a series is drawn as the min and
 * max of each pixel column. Each chart's SVG says what it holds
 * (data-chart; each series path: data-series, data-points = the points it
 * was given, data-drawn = the points drawn), which the tests read.
 * A second run (a comparison) is drawn on the same charts, fainter. */
(function () {
  'use strict';

  var SVGNS = 'http://www.w3.org/2000/svg';
  // Ten colours that stay apart on white and for the common colour blindnesses.
  var PALETTE = ['#2458c6', '#e8710a', '#1a9850', '#c8283b', '#7b4fbf',
    '#8c5a3c', '#d6449a', '#4d5a6a', '#a39a0f', '#129bb0'];
  var PCTS = [
    { key: 'p50', label: 'p50', dash: '' },
    { key: 'p90', label: 'p90', dash: '7 4' },
    { key: 'p99', label: 'p99', dash: '2 3' },
    { key: 'max', label: 'max', dash: '10 3 2 3' }];
  var CHART_H = 250;
  var M = { l: 62, r: 18, t: 22, b: 30 }; // plot margins, px

  var data = readData();
  var runs = (data && data.runs) || [];
  var base = runs.length ? runs[0].summary : null;
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

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function num(v) { return typeof v === 'number' && isFinite(v); }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function get(o, path) {
    for (var i = 0; i < path.length; i++) {
      if (o === null || o === undefined) return undefined;
      o = o[path[i]];
    }
    return o;
  }

  function fmt(v) {
    if (!num(v)) return '–';
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 1 : 2) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
    if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return v === 0 ? '0' : v.toPrecision(2);
  }

  function fmtInt(v) { return num(v) ? Math.round(v).toLocaleString('en-US') : '–'; }

  function fmtMs(v) {
    if (!num(v)) return '–';
    if (v === 0) return '0';
    if (v >= 1000) return (v / 1000).toFixed(v >= 1e4 ? 1 : 2) + ' s';
    if (v >= 100) return v.toFixed(0) + ' ms';
    if (v >= 1) return v.toFixed(2) + ' ms';
    return (v * 1000).toFixed(v >= 0.1 ? 0 : 1) + ' µs';
  }

  function fmtTime(s, span) {
    if (!num(s)) return '–';
    if (span < 120) return (Math.round(s * 100) / 100) + 's';
    var t = Math.round(s), h = Math.floor(t / 3600), m = Math.floor(t % 3600 / 60), x = t % 60;
    var mm = (h ? String(m).padStart(2, '0') : String(m)) + ':' + String(x).padStart(2, '0');
    return h ? h + ':' + mm : mm;
  }

  function shellQuote(a) {
    return /^[A-Za-z0-9_@%+=:,.\/-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'";
  }

  // A nice step for about n ticks over span.
  function niceStep(span, n) {
    var raw = span / Math.max(1, n), p = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
  }

  function timeStep(span, n) {
    var steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
      10800, 21600, 43200, 86400];
    var raw = span / Math.max(1, n);
    for (var i = 0; i < steps.length; i++) if (steps[i] >= raw) return steps[i];
    return niceStep(span, n);
  }

  // ==== the model: lines, series ===========================================

  function lineLabel(ln) {
    var o = ln.options || {}, id = o.id && o.id !== 'customId' ? ' [' + o.id + ']' : '';
    return 'L' + ln.line + ' ' + (o.cut || '-e code') + id + (o.open ? ' (open)' : '');
  }

  function lineColor(l) { return PALETTE[l % PALETTE.length]; }

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
        if (state.hidden[l]) return;
        var vs = values(run.summary, l, f);
        if (!hasAny(vs)) return;
        var s = { label: lineLabel(ln) + (r ? ' · ' + run.label : ''), color: lineColor(l),
          values: vs, faint: r > 0, dash: '' };
        if (extra) extra(s, ln, l);
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

  // Points to draw for vs over [x0, x1) px: all of them, or beyond two a
  // pixel the min and max of each pixel column, in time order. Nulls cut.
  function decimate(xs, vs, X, width) {
    var pts = [], n = vs.length;
    if (n <= width * 2) {
      for (var i = 0; i < n; i++) pts.push(vs[i] === null ? null : [X(xs[i]), vs[i]]);
      return pts;
    }
    var col = -1, lo = null, hi = null, gap = false;
    function flush() {
      if (lo === null) { if (gap) pts.push(null); return; }
      if (lo[0] <= hi[0]) { pts.push(lo); if (hi !== lo) pts.push(hi); } else { pts.push(hi); pts.push(lo); }
    }
    for (var j = 0; j < n; j++) {
      var px = Math.floor(X(xs[j]));
      if (px !== col) { flush(); col = px; lo = hi = null; gap = false; }
      if (vs[j] === null) { gap = true; continue; }
      var p = [X(xs[j]), vs[j]];
      if (lo === null || vs[j] < lo[1]) lo = p;
      if (hi === null || vs[j] > hi[1]) hi = p;
    }
    flush();
    return pts.map(function (p) { return p && [p[0], p[1]]; });
  }

  function pathOf(pts, Y, step) {
    var d = '', pen = false, prev = null;
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i];
      if (!p) { pen = false; continue; }
      var y = Y(p[1]).toFixed(1), x = p[0].toFixed(1);
      if (!pen) d += 'M' + x + ' ' + y;
      else if (step) d += 'H' + x + 'V' + y;
      else d += 'L' + x + ' ' + y;
      pen = true;
      prev = p;
    }
    return prev ? d : '';
  }

  function noData(box, what) {
    box.textContent = '';
    box.appendChild(el('div', { class: 'nodata', 'data-nodata': what }, 'no data: ' + what));
  }

  function chartWidth(box) {
    return Math.max(480, Math.round(box.clientWidth || 1100));
  }

  function yAxis(g, Y, ymax, W, fmtY) {
    var step = niceStep(ymax, 5);
    for (var v = 0; v <= ymax + step * 1e-9; v += step) {
      var y = Y(v);
      g.grid.appendChild(svg('line', { x1: M.l, x2: W - M.r, y1: y, y2: y }));
      g.axis.appendChild(svg('text', { x: M.l - 8, y: y + 4, 'text-anchor': 'end' }, fmtY(v)));
    }
  }

  function xAxis(g, X, t0, t1, H) {
    var span = t1 - t0, step = timeStep(span, 8);
    for (var t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
      var x = X(t);
      g.grid.appendChild(svg('line', { x1: x, x2: x, y1: M.t, y2: H - M.b }));
      g.axis.appendChild(svg('text', { x: x, y: H - M.b + 16, 'text-anchor': 'middle' }, fmtTime(t, span)));
    }
  }

  function drawMarks(g, X, tm, H, t0, t1) {
    tm.bands.forEach(function (b, k) {
      var a = Math.max(t0, b.t0), z = Math.min(t1, b.t1);
      if (z <= a) return;
      var ph = svg('g', { class: 'phase', 'data-phase': b.label });
      ph.appendChild(svg('rect', { x: X(a), y: M.t, width: Math.max(1, X(z) - X(a)), height: H - M.t - M.b }));
      ph.appendChild(svg('text', { x: X(a) + 3, y: M.t + 11 + (k % 2) * 11 }, b.label));
      g.bands.appendChild(ph);
    });
    tm.marks.forEach(function (m, k) {
      if (m.t < t0 || m.t > t1) return;
      var x = X(m.t), mk = svg('g', { class: 'marker', 'data-mark': m.label });
      mk.appendChild(svg('line', { x1: x, x2: x, y1: M.t - 4, y2: H - M.b, style: 'stroke:' + m.color }));
      mk.appendChild(svg('text', { x: m.end ? x - 3 : x + 3, y: M.t - 8 + 0 * k, 'text-anchor': m.end ? 'end' : 'start',
        style: 'fill:' + m.color }, m.label));
      g.marks.appendChild(mk);
    });
  }

  // A time chart of series (each {label, color, dash, values}) over sum's
  // intervals into box; opts: name, what, fmtY, step.
  function timeChart(box, sum, series, opts) {
    box.textContent = '';
    if (!series.length) return noData(box, opts.what);
    var xs = times(sum), W = chartWidth(box), H = opts.h || CHART_H;
    var t0 = Math.min(0, arr(sum.intervals).length ? sum.intervals[0].start_s || 0 : 0);
    var t1 = Math.max.apply(null, [t0 + 1e-3].concat(xs));
    var ymax = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v > ymax) ymax = v; }); });
    ymax = ymax > 0 ? niceStep(ymax * 1.05, 5) * Math.ceil(ymax * 1.05 / niceStep(ymax * 1.05, 5)) : 1;
    var X = function (t) { return M.l + (t - t0) / (t1 - t0) * (W - M.l - M.r); };
    var Y = function (v) { return H - M.b - v / ymax * (H - M.t - M.b); };
    var root = svg('svg', { class: 'chart', 'data-chart': opts.name, 'data-series-count': series.length,
      viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-label': opts.what });
    var g = {};
    ['bands', 'grid', 'axis', 'marks', 'series'].forEach(function (k) { root.appendChild(g[k] = svg('g', { class: k })); });
    yAxis(g, Y, ymax, W, opts.fmtY || fmt);
    xAxis(g, X, t0, t1, H);
    drawMarks(g, X, timeMarks(sum), H, t0, t1);
    series.forEach(function (s) {
      var pts = decimate(xs, s.values, X, W - M.l - M.r);
      var drawn = pts.filter(function (p) { return p; }).length;
      g.series.appendChild(svg('path', { d: pathOf(pts, Y, opts.step), stroke: s.color,
        'stroke-dasharray': s.dash || null, 'stroke-opacity': s.faint ? 0.5 : 1,
        'data-series': s.label, 'data-points': s.values.length, 'data-drawn': drawn }));
    });
    box.appendChild(root);
    hover(root, box, xs, series, X, t0, t1, W, H, opts);
  }

  // A cursor and a tooltip with every series' value at the nearest interval.
  function hover(root, box, xs, series, X, t0, t1, W, H, opts) {
    var tip = document.getElementById('tooltip');
    var cursor = svg('line', { class: 'cursor', y1: M.t, y2: H - M.b, x1: M.l, x2: M.l, visibility: 'hidden' });
    root.appendChild(cursor);
    root.addEventListener('mousemove', function (ev) {
      var r = root.getBoundingClientRect(), px = (ev.clientX - r.left) * W / r.width;
      var t = t0 + (px - M.l) / (W - M.l - M.r) * (t1 - t0), i = nearest(xs, t);
      if (i < 0 || px < M.l || px > W - M.r) { tip.hidden = true; return; }
      cursor.setAttribute('x1', X(xs[i]));
      cursor.setAttribute('x2', X(xs[i]));
      cursor.setAttribute('visibility', 'visible');
      tip.textContent = '';
      tip.appendChild(el('div', null, 't = ' + fmtTime(xs[i], t1 - t0)));
      series.slice(0, 16).forEach(function (s) {
        var row = el('div', { class: 'row' });
        var sw = el('span', { class: 'swatch' });
        sw.style.background = s.color;
        row.appendChild(sw);
        row.appendChild(el('span', null, s.label));
        row.appendChild(el('b', null, (opts.fmtY || fmt)(s.values[i])));
        tip.appendChild(row);
      });
      tip.hidden = false;
      tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
      tip.style.top = (ev.clientY + 14) + 'px';
    });
    root.addEventListener('mouseleave', function () {
      tip.hidden = true;
      cursor.setAttribute('visibility', 'hidden');
    });
  }

  function nearest(xs, t) {
    var lo = 0, hi = xs.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] < t) lo = mid + 1; else hi = mid;
    }
    return lo > 0 && Math.abs(xs[lo - 1] - t) < Math.abs(xs[lo] - t) ? lo - 1 : lo;
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
          if (state.hidden[l]) return;
          out.push({ label: lineLabel(ln) + ' all requests' + (r ? ' · ' + run.label : ''),
            color: lineColor(l), curve: get(ln, ['all', 'requests', 'curve']), faint: r > 0 });
        });
        if (lines.length > 1)
          out.push({ label: 'all lines' + (r ? ' · ' + run.label : ''), color: '#17202e',
            curve: get(run.summary, ['all_lines', 'requests', 'curve']), faint: r > 0, dash: '5 3' });
      } else {
        var ln = lines[Number(sel)];
        arr(ln && ln.rows).forEach(function (row, k) {
          out.push({ label: (row.name || 'all') + (row.kind === 'transaction' ? ' (tx)' : '') + (r ? ' · ' + run.label : ''),
            color: PALETTE[k % PALETTE.length], curve: row.curve, faint: r > 0, dash: k >= PALETTE.length ? '5 3' : '' });
        });
      }
    });
    return out.filter(function (s) { return Array.isArray(s.curve) && s.curve.length; });
  }

  function distChart(box) {
    box.textContent = '';
    var series = distRows();
    if (!series.length) return noData(box, 'latency distribution (no histogram in this summary)');
    var W = chartWidth(box), H = CHART_H + 40;
    var xmax = 1, ymax = 0;
    var xOf = function (p) { return Math.log10(1 / Math.max(1e-12, 1 - p / 100)); };
    series.forEach(function (s) {
      s.curve.forEach(function (pt) { xmax = Math.max(xmax, xOf(pt[0])); ymax = Math.max(ymax, pt[1]); });
    });
    xmax = Math.ceil(xmax);
    ymax = ymax > 0 ? niceStep(ymax * 1.05, 5) * Math.ceil(ymax * 1.05 / niceStep(ymax * 1.05, 5)) : 1;
    var X = function (x) { return M.l + x / xmax * (W - M.l - M.r); };
    var Y = function (v) { return H - M.b - v / ymax * (H - M.t - M.b); };
    var root = svg('svg', { class: 'chart', 'data-chart': 'distribution', 'data-series-count': series.length,
      viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-label': 'latency distribution' });
    var g = {};
    ['grid', 'axis', 'series'].forEach(function (k) { root.appendChild(g[k] = svg('g', { class: k })); });
    yAxis(g, Y, ymax, W, fmtMs);
    for (var k = 0; k <= xmax; k++) {
      var x = X(k), label = k === 0 ? '0%' : (100 - Math.pow(10, 2 - k)).toFixed(Math.max(0, k - 2)) + '%';
      g.grid.appendChild(svg('line', { x1: x, x2: x, y1: M.t, y2: H - M.b }));
      g.axis.appendChild(svg('text', { x: x, y: H - M.b + 16, 'text-anchor': 'middle' }, label));
    }
    g.axis.appendChild(svg('text', { x: W - M.r, y: H - 2, 'text-anchor': 'end' }, 'percentile (log scale of 1/(1-p))'));
    series.forEach(function (s) {
      var d = s.curve.map(function (pt, i) {
        return (i ? 'L' : 'M') + X(xOf(pt[0])).toFixed(1) + ' ' + Y(pt[1]).toFixed(1);
      }).join('');
      g.series.appendChild(svg('path', { d: d, stroke: s.color, 'stroke-dasharray': s.dash || null,
        'stroke-opacity': s.faint ? 0.5 : 1, 'data-series': s.label, 'data-points': s.curve.length }));
    });
    box.appendChild(root);
    box.appendChild(legend(series));
  }

  function legend(series) {
    var div = el('div', { class: 'toggles', style: 'margin-top:8px' });
    series.forEach(function (s) {
      var lab = el('label');
      var sw = el('span', { class: 'swatch' });
      sw.style.background = s.color;
      lab.appendChild(sw);
      lab.appendChild(document.createTextNode(s.label));
      div.appendChild(lab);
    });
    return div;
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
      ['records', fmtInt(rec.received) + ' received of ' + fmtInt(rec.sent) + ' sent, ' + fmtInt(rec.lost) + ' lost'],
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
  }

  // ==== header, overview, selectors ========================================

  function header() {
    var res = base.result || {}, st = res.status || 'unknown';
    var badge = document.getElementById('result');
    badge.textContent = st === 'ok' ? 'OK' : st.toUpperCase() +
      (res.signal ? ' (signal ' + res.signal + ')' : num(res.exit_status) ? ' (exit ' + res.exit_status + ')' : '');
    badge.className = 'badge ' + st;
    badge.setAttribute('data-status', st);
    var argv = arr(get(base, ['meta', 'argv'])), lines = arr(base.lines);
    var what = argv[1] === 'scenario' || lines.length > 1 ? 'Scenario of ' + lines.length + ' lines' :
      (get(lines[0], ['options', 'cut']) || 'ad hoc run');
    var start = num(get(base, ['meta', 'start_epoch_s'])) ? new Date(base.meta.start_epoch_s * 1000) : null;
    var title = what + (base.meta && base.meta.host ? ' on ' + base.meta.host : '') +
      (start ? ', ' + start.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '');
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
