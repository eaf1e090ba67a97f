/* chart.js -- the HTML report's drawing: SVG time charts and percentile
 * curves, their axes, marks, tooltips, and the number formats they print.
 * Knows nothing of a summary's layout (report.js builds the series); no
 * library, nothing loaded. A long series keeps its shape: beyond two
 * points per pixel, it is drawn as the min and max of each pixel column.
 * Each chart's SVG says what it holds (data-chart; each series path:
 * data-series, data-points = the points it was given, data-drawn = the
 * points drawn), which the tests read. */
var LogenChart = (function () {
  'use strict';

  var SVGNS = 'http://www.w3.org/2000/svg';
  // Ten colours that stay apart on white and for the common colour blindnesses.
  var PALETTE = ['#2458c6', '#e8710a', '#1a9850', '#c8283b', '#7b4fbf',
    '#8c5a3c', '#d6449a', '#4d5a6a', '#a39a0f', '#129bb0'];
  var CHART_H = 250;
  var FAINT = 0.4; // the opacity of a second run's series (a comparison's BASE)
  var M = { l: 62, r: 18, t: 22, b: 30 }; // plot margins, px

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

  // The path through pts (null: a gap); a point alone between gaps is a
  // dot (a zero-length segment, drawn by the round line cap).
  function pathOf(pts, Y, step) {
    var d = '';
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i], pen = i > 0 && pts[i - 1];
      if (!p) continue;
      var y = Y(p[1]).toFixed(1), x = p[0].toFixed(1);
      if (!pen) d += 'M' + x + ' ' + y + (pts[i + 1] ? '' : 'h0');
      else if (step) d += 'H' + x + 'V' + y;
      else d += 'L' + x + ' ' + y;
    }
    return d;
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
      ph.appendChild(svg('text', { x: X(a) + 3, y: H - M.b - 5 - (k % 2) * 11 }, b.label));
      g.bands.appendChild(ph);
    });
    var taken = []; // per row of labels, the x its last label reaches
    tm.marks.slice().sort(function (a, b) { return a.t - b.t; }).forEach(function (m) {
      if (m.t < t0 || m.t > t1) return;
      var x = X(m.t), mk = svg('g', { class: 'marker', 'data-mark': m.label });
      var from = m.end ? x - 34 : x, row = 0;
      while (row < 3 && taken[row] !== undefined && taken[row] > from) row++;
      taken[row] = from + 34;
      mk.appendChild(svg('line', { x1: x, x2: x, y1: M.t - 4, y2: H - M.b, style: 'stroke:' + m.color }));
      mk.appendChild(svg('text', { x: m.end ? x - 3 : x + 3, y: M.t - 8 + row * 11, 'text-anchor': m.end ? 'end' : 'start',
        style: 'fill:' + m.color }, m.label));
      g.marks.appendChild(mk);
    });
  }

  // A time chart of series (each {label, color, dash, faint, values: one
  // number or null per time of s.xs, or of opts.xs when the series has no
  // xs of its own: a second run's intervals}) into box; opts: name, what (said
  // when there is no series), xs, t0, marks ({marks, bands}: timeMarks),
  // fmtY, step (a step line), h (height, px).
  function timeChart(box, series, opts) {
    box.textContent = '';
    if (!series.length) return noData(box, opts.what);
    var xs = opts.xs, W = chartWidth(box), H = opts.h || CHART_H;
    var t0 = Math.min(0, opts.t0 || 0), t1 = t0 + 1e-3;
    series.forEach(function (s) { (s.xs || xs).forEach(function (x) { if (x > t1) t1 = x; }); });
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
    drawMarks(g, X, opts.marks || { marks: [], bands: [] }, H, t0, t1);
    series.forEach(function (s) {
      var pts = decimate(s.xs || xs, s.values, X, W - M.l - M.r);
      var drawn = pts.filter(function (p) { return p; }).length;
      g.series.appendChild(svg('path', { d: pathOf(pts, Y, opts.step), stroke: s.color,
        'stroke-dasharray': s.dash || null, 'stroke-opacity': s.faint ? FAINT : 1,
        'data-faint': s.faint ? 'yes' : 'no', 'data-series': s.label, 'data-points': s.values.length, 'data-drawn': drawn }));
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
        var j = s.xs ? nearest(s.xs, t) : i, row = el('div', { class: 'row' });
        var sw = el('span', { class: 'swatch' });
        sw.style.background = s.color;
        row.appendChild(sw);
        row.appendChild(el('span', null, s.label));
        row.appendChild(el('b', null, (opts.fmtY || fmt)(j < 0 ? null : s.values[j])));
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

  // Percentile curves (each series {label, color, dash, faint, curve:
  // [[p, ms], ...]}) on a log scale of 1/(1-p), as HdrHistogram plots them.
  function curveChart(box, series, what) {
    box.textContent = '';
    if (!series.length) return noData(box, what);
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
      var d = pathOf(s.curve.map(function (pt) { return [X(xOf(pt[0])), pt[1]]; }), Y, false);
      g.series.appendChild(svg('path', { d: d, stroke: s.color, 'stroke-dasharray': s.dash || null,
        'stroke-opacity': s.faint ? FAINT : 1, 'data-faint': s.faint ? 'yes' : 'no', 'data-series': s.label,
        'data-points': s.curve.length }));
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
      if (s.faint) sw.style.opacity = FAINT;
      lab.appendChild(sw);
      lab.appendChild(document.createTextNode(s.label));
      div.appendChild(lab);
    });
    return div;
  }

  return { PALETTE: PALETTE, FAINT: FAINT, el: el, svg: svg, num: num, arr: arr, get: get, fmt: fmt, fmtInt: fmtInt,
    fmtMs: fmtMs, noData: noData, timeChart: timeChart, curveChart: curveChart, legend: legend };
})();
