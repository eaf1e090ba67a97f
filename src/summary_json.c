/* summary_json.c -- --summary-json: the end summary as JSON (see
 * summary_json.h and src/summary-1.schema.json).
 *
 * The figures are summary.c's, from the same view: a line's throughputs
 * over its own span, the run's over the run's span, the `all` rows merged
 * histograms (never averaged percentiles), the verdict from
 * lg_summary_worker_faults. Latencies are milliseconds as floats ("unit":
 * "ms"); each histogram is also given whole, HdrHistogram V2 compressed in
 * base64, in nanoseconds. The per-interval series holds counts, errors and
 * throughput only: latency per interval would need the collector to keep
 * interval histograms for every run (it keeps them for --hdr-log only).
 * Does not format text itself: libjansson builds and dumps the document. */
#include "summary_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hist.h"
#include "mem.h"
#include "names.h"
#include "openstats.h"
#include "summary.h"
#include "threshold.h"
#include "version.h"

#define SCHEMA_ID "logen-summary/1"

/* One closed interval of the series: per line, cumulative counts. */
struct ivl {
    lg_ns_t end_ns;
    uint64_t *req, *err;       /* nlines each, cumulative at end_ns */
};

struct lg_sumjson {
    struct lg_sumjson_meta m;
    double start_s;            /* the run epoch, wall clock, s since 1970 */
    lg_ns_t next_ns;           /* the next interval's end */
    struct ivl *iv;
    size_t n, cap;
};

struct lg_sumjson *lg_sumjson_new(const struct lg_sumjson_meta *m)
{
    struct lg_sumjson *s = lg_calloc(1, sizeof *s);
    s->m = *m;
    s->start_s = (double)lg_clock_wall_ns(0) / 1e9;
    s->next_ns = m->period_ns;
    return s;
}

void lg_sumjson_free(struct lg_sumjson *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->iv[i].req);
        free(s->iv[i].err);
    }
    free(s->iv);
    free(s);
}

/* ==== the series ========================================================= */

/* Requests of line l, and its errors (failed requests and ERR records). */
static void line_counts(const struct lg_collector *c, int l, uint64_t *req, uint64_t *err)
{
    struct lg_collector_line lv;
    struct lg_collector_row r;
    size_t pos = 0;
    lg_collector_line(c, l, &lv);
    *req = 0;
    *err = lv.hook_errors;
    while (lg_collector_row_next(c, l, &pos, &r)) {
        if (r.kind != LG_KIND_REQ)
            continue;
        *req += lg_hist_count(r.h);
        *err += r.errors;
    }
}

static void sample(struct lg_sumjson *s, const struct lg_collector *c, lg_ns_t end)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->iv = lg_realloc(s->iv, s->cap * sizeof *s->iv);
    }
    struct ivl *v = &s->iv[s->n++];
    v->end_ns = end;
    v->req = lg_calloc((size_t)s->m.nlines, sizeof *v->req);
    v->err = lg_calloc((size_t)s->m.nlines, sizeof *v->err);
    for (int l = 0; l < s->m.nlines; l++)
        line_counts(c, l, &v->req[l], &v->err[l]);
}

void lg_sumjson_tick(struct lg_sumjson *s, const struct lg_collector *c, lg_ns_t now)
{
    if (s->m.period_ns <= 0 || now < s->next_ns)
        return;
    lg_ns_t end = s->next_ns;
    while (end + s->m.period_ns <= now)
        end += s->m.period_ns;
    sample(s, c, end);
    s->next_ns = end + s->m.period_ns;
}

static json_t *series(const struct lg_sumjson *s)
{
    json_t *a = json_array();
    for (size_t i = 0; i < s->n; i++) {
        const struct ivl *v = &s->iv[i];
        lg_ns_t begin = i ? s->iv[i - 1].end_ns : 0;
        double len_s = (double)(v->end_ns - begin) / 1e9;
        json_t *lines = json_array();
        for (int l = 0; l < s->m.nlines; l++) {
            uint64_t req = v->req[l] - (i ? s->iv[i - 1].req[l] : 0);
            uint64_t err = v->err[l] - (i ? s->iv[i - 1].err[l] : 0);
            json_array_append_new(lines, json_pack("{s:I, s:I, s:f}", "requests", (json_int_t)req,
                                                   "errors", (json_int_t)err, "throughput",
                                                   len_s > 0 ? (double)req / len_s : 0.0));
        }
        json_array_append_new(a, json_pack("{s:f, s:f, s:o}", "start_s", (double)begin / 1e9,
                                           "end_s", (double)v->end_ns / 1e9, "lines", lines));
    }
    return a;
}

/* ==== rows =============================================================== */

static double ns_ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static double per_s(uint64_t n, lg_ns_t begin, lg_ns_t end)
{
    return end > begin ? (double)n * 1e9 / (double)(end - begin) : 0.0;
}

/* The latency figures of h, in ms, and its encoding, into o. */
static void latency(json_t *o, const struct lg_hist *h)
{
    static const struct { const char *key; double p; } pc[] = {
        { "p50", 50 }, { "p75", 75 }, { "p90", 90 }, { "p95", 95 },
        { "p99", 99 }, { "p99.9", 99.9 }, { "p99.99", 99.99 } };
    json_object_set_new(o, "min", json_real(ns_ms(lg_hist_min(h))));
    json_object_set_new(o, "mean", json_real(lg_hist_mean(h) / 1e6));
    for (size_t i = 0; i < sizeof pc / sizeof pc[0]; i++)
        json_object_set_new(o, pc[i].key, json_real(ns_ms(lg_hist_percentile(h, pc[i].p))));
    json_object_set_new(o, "max", json_real(ns_ms(lg_hist_max(h))));
    char *enc = lg_hist_encode(h, NULL);
    json_object_set_new(o, "histogram", enc ? json_string(enc) : json_null());
    free(enc);
}

/* One statistics row: name (NULL for an `all` row), kind, counts, latency. */
static json_t *row(const char *name, int kind, const struct lg_hist *h, uint64_t errors,
                   lg_ns_t begin, lg_ns_t end)
{
    json_t *o = json_pack("{s:s?, s:s, s:I, s:I, s:f}", "name", name, "kind",
                          kind == LG_KIND_TRA ? "transaction" : "request", "count",
                          (json_int_t)lg_hist_count(h), "errors", (json_int_t)errors,
                          "throughput", per_s(lg_hist_count(h), begin, end));
    latency(o, h);
    return o;
}

/* The merged rows: {"requests": row, "transactions": row, "errors_outside_requests": n}. */
static json_t *all_rows(const struct lg_hist *tot, const uint64_t *errs, uint64_t hook,
                        lg_ns_t begin, lg_ns_t end)
{
    return json_pack("{s:o, s:o, s:I}", "requests",
                     row(NULL, LG_KIND_REQ, &tot[LG_KIND_REQ], errs[LG_KIND_REQ], begin, end),
                     "transactions",
                     row(NULL, LG_KIND_TRA, &tot[LG_KIND_TRA], errs[LG_KIND_TRA], begin, end),
                     "errors_outside_requests", (json_int_t)hook);
}

/* ==== lines ============================================================== */

static json_t *strings(char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i] ? v[i] : ""));
    return a;
}

/* The parsed options of line l. */
static json_t *options(const struct lg_run_line *rl)
{
    const struct lg_config *c = rl->cfg;
    json_t *o = json_pack("{s:s?, s:s?, s:s?, s:I, s:f, s:I, s:o, s:f, s:f, s:f, s:f, s:f, s:f,"
                          " s:f, s:b, s:o}",
                          "id", c->id, "cut", rl->cut_name, "cut_path", rl->cut_path,
                          "process", (json_int_t)c->process, "duration", c->duration, "loops",
                          (json_int_t)c->loops, "steps", strings(c->steps, c->nsteps),
                          "postpone", c->postpone, "rampup", c->rampup, "pauseloop",
                          c->pauseloop, "pausestep", c->pausestep, "summary", c->summary,
                          "timeout", c->timeout, "grace", c->grace, "open", c->openedmodel,
                          "thresholds", strings(c->thresholds, c->nthresholds));
    if (c->openedmodel)
        json_object_update_new(
            o, json_pack("{s:s?, s:I, s:I, s:f, s:I, s:s?, s:I, s:f, s:s}", "schedule",
                         c->schedule, "prefork", (json_int_t)c->prefork, "trigger",
                         (json_int_t)c->trigger, "controller_delay", c->controller_delay,
                         "decrease", (json_int_t)c->decrease, "burst", c->burst, "maxproc",
                         (json_int_t)c->maxproc, "maxwait", c->maxwait, "arrival",
                         c->arrival == LG_ARRIVAL_POISSON ? "poisson" : "uniform"));
    return o;
}

static json_t *open_phases(const struct lg_openstats *o, int n)
{
    json_t *a = json_array();
    struct lg_openstats_phase p;
    for (int i = 0; i < n; i++) {
        lg_openstats_phase_get(o, i, &p);
        json_array_append_new(
            a, json_pack("{s:f, s:o, s:o, s:o, s:b, s:o, s:I, s:I}", "duration_s", p.duration_s,
                         "asked_from", p.asked_r1 < 0 ? json_null() : json_real(p.asked_r1),
                         "asked_to", p.asked_r2 < 0 ? json_null() : json_real(p.asked_r2),
                         "achieved", p.achieved < 0 ? json_null() : json_real(p.achieved),
                         "done", p.done,
                         "generated", p.done ? json_integer((json_int_t)p.generated) : json_null(),
                         "processed", (json_int_t)p.processed, "dropped", (json_int_t)p.dropped));
    }
    return a;
}

/* The open-model tables of a line. */
static json_t *open_model(const struct lg_openstats *o)
{
    static const char *const times[LG_OPEN_NTIMES] = { "wait", "response", "service", "lateness" };
    struct lg_openstats_counts k;
    struct lg_openstats_detail d;
    lg_openstats_counts(o, &k);
    lg_openstats_detail(o, &d);
    json_t *t = json_object();
    for (int i = 0; i < LG_OPEN_NTIMES; i++) {
        json_t *h = json_pack("{s:I}", "count", (json_int_t)lg_hist_count(d.times[i]));
        latency(h, d.times[i]);
        json_object_set_new(t, times[i], h);
    }
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:o, s:{s:I, s:I, s:f}, s:{s:I, s:o}, s:o, s:{s:i, s:i, s:i},"
        " s:I}",
        "phases", (json_int_t)k.phases, "phases_done", (json_int_t)k.phases_done, "generated",
        (json_int_t)k.generated, "processed", (json_int_t)k.processed, "dropped",
        (json_int_t)k.dropped, "phase_table", open_phases(o, d.nphases), "lateness", "late_1ms",
        (json_int_t)d.late1, "late_10ms", (json_int_t)d.late2, "worst", ns_ms((uint64_t)d.late_max_ns),
        "queue", "high_water_mark", (json_int_t)d.hwm_depth, "high_water_at_s",
        d.hwm_depth_at >= 0 ? json_real((double)d.hwm_depth_at / 1e9) : json_null(), "times", t,
        "workers", "started", d.started, "retired", d.retired, "peak_live", d.peak_live,
        "requests", (json_int_t)d.requests);
}

/* Line l; its rows are added into all[] and all_errs[]. */
static json_t *line(const struct lg_sumjson *s, const struct lg_collector *c, int l,
                    const struct lg_names *names, struct lg_hist *all, uint64_t *all_errs)
{
    struct lg_collector_line lv;
    struct lg_collector_row r;
    struct lg_hist tot[LG_NKINDS];
    uint64_t errs[LG_NKINDS] = { 0 };
    size_t pos = 0;
    json_t *rows = json_array();
    lg_collector_line(c, l, &lv);
    lg_hist_init(&tot[0]);
    lg_hist_init(&tot[1]);
    while (lg_collector_row_next(c, l, &pos, &r)) {
        json_array_append_new(rows, row(lg_names_str(names, r.name), r.kind, r.h, r.errors,
                                        lv.begin_ns, lv.end_ns));
        lg_hist_merge(&tot[r.kind], r.h);
        lg_hist_merge(&all[r.kind], r.h);
        errs[r.kind] += r.errors;
        all_errs[r.kind] += r.errors;
    }
    json_t *o = json_pack(
        "{s:i, s:o, s:f, s:f, s:{s:i, s:i, s:i}, s:o, s:o, s:o}", "line", l + 1, "options",
        options(&s->m.lines[l]), "begin_s", (double)lv.begin_ns / 1e9, "end_s",
        (double)lv.end_ns / 1e9, "workers", "started", lv.started, "ended", lv.ended, "retired",
        lv.retired, "rows", rows, "all", all_rows(tot, errs, lv.hook_errors, lv.begin_ns, lv.end_ns),
        "open_model", lv.open ? open_model(lv.open) : json_null());
    lg_hist_fini(&tot[0]);
    lg_hist_fini(&tot[1]);
    return o;
}

/* ==== the run ============================================================ */

static json_t *fault_names(unsigned f)
{
    static const char *const names[] = { "signal", "exit", "no_stop", "failed", "records" };
    json_t *a = json_array();
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & (1u << i))
            json_array_append_new(a, json_string(names[i]));
    return a;
}

/* Workers started and ended, and each one that did not end normally. */
static json_t *workers(const struct lg_collector *c, const struct lg_collector_view *v)
{
    struct lg_collector_worker w;
    json_t *bad = json_array();
    for (int i = 0; i < v->nworkers; i++) {
        unsigned f;
        if (!lg_collector_worker(c, i, &w) || !(f = lg_summary_worker_faults(&w)))
            continue;
        json_t *o = json_pack("{s:i, s:i, s:i, s:b, s:o, s:I, s:I, s:I, s:s?}", "worker", i,
                              "pid", w.pid, "line", w.line + 1, "generator", w.generator,
                              "faults", fault_names(f), "received", (json_int_t)w.received,
                              "lost", (json_int_t)w.lost, "disorder", (json_int_t)w.disorder,
                              "message", w.fail_msg);
        if (f & LG_FAULT_SIGNAL)
            json_object_set_new(o, "signal", json_integer(WTERMSIG(w.status)));
        if (f & LG_FAULT_EXIT)
            json_object_set_new(o, "exit_code", json_integer(WEXITSTATUS(w.status)));
        json_array_append_new(bad, o);
    }
    return json_pack("{s:i, s:i, s:o}", "started", v->t.started, "ended", v->t.ended,
                     "not_normal", bad);
}

/* Each threshold with what it measured; *failed counts those not met. */
static json_t *thresholds(const struct lg_thresholds *th, const struct lg_collector *c,
                          int *failed)
{
    json_t *a = json_array();
    char measured[96];
    *failed = 0;
    for (int i = 0; th && i < th->n; i++) {
        const struct lg_threshold *t = &th->v[i];
        struct lg_threshold_result res;
        lg_threshold_eval(t, c, &res);
        *failed += !res.pass;
        json_array_append_new(
            a, json_pack("{s:s, s:o, s:b, s:b, s:o, s:s}", "expression", t->text, "line",
                         t->own_line >= 0 ? json_integer(t->own_line + 1) : json_null(), "pass",
                         res.pass, "found", res.found, "measured",
                         res.found ? json_real(res.measured) : json_null(), "measured_text",
                         lg_threshold_measured(t, &res, measured, sizeof measured)));
    }
    return a;
}

static json_t *result(int signal, const char *failure, int status)
{
    const char *r = signal ? "interrupted" : status ? "failed" : "ok";
    return json_pack("{s:s, s:i, s:o, s:s?}", "status", r, "exit_status", status, "signal",
                     signal ? json_integer(signal) : json_null(), "failure", failure);
}

static json_t *records(const struct lg_collector_view *v)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:o}}", "sent", (json_int_t)v->t.sent,
                     "received", (json_int_t)v->t.received, "lost", (json_int_t)v->t.lost,
                     "unknown_type", (json_int_t)v->bad_records, "names_refused",
                     (json_int_t)v->names_refused, "unnamed", (json_int_t)v->unnamed,
                     "pipe_backlog", "high_water_mark", (json_int_t)v->hwm_backlog,
                     "high_water_at_s",
                     v->hwm_backlog_at >= 0 ? json_real((double)v->hwm_backlog_at / 1e9)
                                            : json_null());
}

static json_t *meta(const struct lg_sumjson *s)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) < 0)
        host[0] = '\0';
    return json_pack("{s:s, s:o, s:f, s:s, s:f}", "version", LG_VERSION, "argv",
                     strings(s->m.argv, s->m.argc), "start_epoch_s", s->start_s, "host", host,
                     "interval_s", (double)s->m.period_ns / 1e9);
}

/* The run-wide figures (totals, throughput, the all-lines rows) into o;
 * the lines into o's "lines". */
static void run_figures(json_t *o, const struct lg_sumjson *s, const struct lg_collector *c,
                        const struct lg_collector_view *v)
{
    struct lg_hist all[LG_NKINDS];
    uint64_t errs[LG_NKINDS] = { 0 }, hook = 0;
    json_t *lines = json_array();
    lg_hist_init(&all[0]);
    lg_hist_init(&all[1]);
    for (int l = 0; l < v->nlines; l++) {
        struct lg_collector_line lv;
        lg_collector_line(c, l, &lv);
        hook += lv.hook_errors;
        json_array_append_new(lines, line(s, c, l, v->names, all, errs));
    }
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "all_lines", all_rows(all, errs, hook, v->begin_ns, v->end_ns));
    lg_hist_fini(&all[0]);
    lg_hist_fini(&all[1]);
    json_object_set_new(
        o, "totals",
        json_pack("{s:f, s:I, s:I, s:I, s:I, s:f, s:f, s:o}", "load_s",
                  (double)(v->end_ns > v->begin_ns ? v->end_ns - v->begin_ns : 0) / 1e9,
                  "requests", (json_int_t)v->t.requests, "transactions",
                  (json_int_t)v->t.transactions, "errors", (json_int_t)v->t.errors, "timeouts",
                  (json_int_t)v->t.timeouts, "throughput",
                  per_s(v->t.requests, v->begin_ns, v->end_ns), "throughput_high_water_mark",
                  v->hwm_thru, "throughput_high_water_at_s",
                  v->hwm_thru_at >= 0 ? json_real((double)v->hwm_thru_at / 1e9) : json_null()));
}

int lg_sumjson_write(struct lg_sumjson *s, const struct lg_collector *c, int signal,
                     const char *failure, const struct lg_thresholds *th, int status, FILE *f)
{
    struct lg_collector_view v;
    int thr_failed;
    lg_collector_view(c, &v);
    lg_ns_t last = s->n ? s->iv[s->n - 1].end_ns : 0;
    if (v.end_ns > last) /* the last, partial interval */
        sample(s, c, v.end_ns);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "schema", SCHEMA_ID, "unit", "ms",
                          "histogram_unit", "ns", "meta", meta(s));
    run_figures(o, s, c, &v);
    json_object_set_new(o, "records", records(&v));
    json_object_set_new(o, "workers", workers(c, &v));
    json_object_set_new(o, "thresholds", thresholds(th, c, &thr_failed));
    json_object_set_new(o, "thresholds_failed", json_integer(thr_failed));
    json_object_set_new(o, "intervals", series(s));
    json_object_set_new(o, "result", result(signal, failure, status));
    int rc = json_dumpf(o, f, JSON_INDENT(1) | JSON_REAL_PRECISION(15)) < 0 ? -1 : 0;
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    json_decref(o);
    return rc;
}
