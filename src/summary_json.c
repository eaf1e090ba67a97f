/* summary_json.c -- --summary-json: the end summary as JSON (see
 * summary_json.h and src/summary-1.schema.json).
 *
 * The figures are summary.c's, from the same results: a line's throughputs
 * over its own span, the run's over the run's span, the `all` rows merged
 * histograms (never averaged percentiles), the verdict's faults. Latencies
 * are milliseconds as floats ("unit": "ms"); each histogram is also given
 * whole, HdrHistogram V2 compressed in base64, in nanoseconds, with the
 * exact sum of its values (sum_ns) that the encoding lacks. The interval
 * series gives per line the requests, errors and throughput of each
 * interval, its p50/p90/p99/max and histogram, the live workers at its
 * end and, on open lines, the queue depth, events generated and dropped.
 * Does not format text itself: libjansson builds and dumps the document. */
#include "summary_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "summary.h"
#include "threshold.h"

#define SCHEMA_ID "logen-summary/1"

static double ns_ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static double ns_s(lg_ns_t ns)
{
    return (double)ns / 1e9;
}

static double per_s(uint64_t n, lg_ns_t begin, lg_ns_t end)
{
    return end > begin ? (double)n * 1e9 / (double)(end - begin) : 0.0;
}

/* t in s, or null when negative (never happened). */
static json_t *at_s(lg_ns_t t)
{
    return t >= 0 ? json_real(ns_s(t)) : json_null();
}

/* ==== rows =============================================================== */

static json_t *encoding(const struct lg_hist *h)
{
    char *enc = lg_hist_encode(h, NULL);
    json_t *j = enc ? json_string(enc) : json_null();
    free(enc);
    return j;
}

/* The latency figures of h, in ms, its encoding and exact sum, into o. */
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
    json_object_set_new(o, "histogram", encoding(h));
    json_object_set_new(o, "sum_ns", json_integer((json_int_t)h->sum_ns));
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

static json_t *open_phases(const struct lg_results_open *o)
{
    json_t *a = json_array();
    for (int i = 0; i < o->nphases; i++) {
        const struct lg_results_phase *p = &o->phase[i];
        json_array_append_new(
            a, json_pack("{s:f, s:o, s:o, s:o, s:b, s:o, s:I, s:I}", "duration_s", p->duration_s,
                         "asked_from", p->asked_r1 < 0 ? json_null() : json_real(p->asked_r1),
                         "asked_to", p->asked_r2 < 0 ? json_null() : json_real(p->asked_r2),
                         "achieved", p->achieved < 0 ? json_null() : json_real(p->achieved),
                         "done", p->done,
                         "generated", p->done ? json_integer((json_int_t)p->generated) : json_null(),
                         "processed", (json_int_t)p->processed, "dropped", (json_int_t)p->dropped));
    }
    return a;
}

/* The open-model tables of a line. */
static json_t *open_model(const struct lg_results_open *o)
{
    static const char *const times[LG_OPEN_NTIMES] = { "wait", "response", "service", "lateness" };
    json_t *t = json_object();
    for (int i = 0; i < LG_OPEN_NTIMES; i++) {
        json_t *h = json_pack("{s:I}", "count", (json_int_t)lg_hist_count(&o->times[i]));
        latency(h, &o->times[i]);
        json_object_set_new(t, times[i], h);
    }
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:o, s:{s:I, s:I, s:f}, s:{s:I, s:o}, s:o, s:{s:i, s:i, s:i},"
        " s:I}",
        "phases", (json_int_t)o->phases, "phases_done", (json_int_t)o->phases_done, "generated",
        (json_int_t)o->generated, "processed", (json_int_t)o->processed, "dropped",
        (json_int_t)o->dropped, "phase_table", open_phases(o), "lateness", "late_1ms",
        (json_int_t)o->late1, "late_10ms", (json_int_t)o->late2, "worst",
        ns_ms((uint64_t)o->late_max_ns), "queue", "high_water_mark", (json_int_t)o->hwm_depth,
        "high_water_at_s", at_s(o->hwm_depth_at), "times", t, "workers", "started", o->started,
        "retired", o->retired, "peak_live", o->peak_live, "requests", (json_int_t)o->requests);
}

/* Line l's parsed options, an object (results.h keeps them as JSON text). */
static json_t *options(const struct lg_results_line *rl)
{
    json_t *o = rl->options_json ? json_loads(rl->options_json, 0, NULL) : NULL;
    return o ? o : json_object();
}

/* Line l; its rows are added into all[] and all_errs[]. */
static json_t *line(const struct lg_results *r, int l, struct lg_hist *all, uint64_t *all_errs)
{
    const struct lg_results_line *rl = &r->lines[l];
    struct lg_hist tot[LG_NKINDS];
    uint64_t errs[LG_NKINDS] = { 0 };
    json_t *rows = json_array();
    lg_hist_init(&tot[0]);
    lg_hist_init(&tot[1]);
    for (size_t i = 0; i < rl->nrows; i++) {
        const struct lg_results_row *rr = &rl->rows[i];
        json_array_append_new(rows, row(rr->name, rr->kind, &rr->h, rr->errors, rl->begin_ns,
                                        rl->end_ns));
        lg_hist_merge(&tot[rr->kind], &rr->h);
        lg_hist_merge(&all[rr->kind], &rr->h);
        errs[rr->kind] += rr->errors;
        all_errs[rr->kind] += rr->errors;
    }
    json_t *o = json_pack(
        "{s:i, s:o, s:f, s:f, s:{s:i, s:i, s:i}, s:o, s:o, s:o, s:s, s:s}", "line", l + 1,
        "options", options(rl), "begin_s", ns_s(rl->begin_ns), "end_s", ns_s(rl->end_ns),
        "workers", "started", rl->started, "ended", rl->ended, "retired", rl->retired, "rows",
        rows, "all", all_rows(tot, errs, rl->hook_errors, rl->begin_ns, rl->end_ns),
        "open_model", rl->open ? open_model(rl->open) : json_null(), "id", rl->id, "cut", rl->cut);
    lg_hist_fini(&tot[0]);
    lg_hist_fini(&tot[1]);
    return o;
}

/* ==== the series ========================================================= */

/* Line l in interval iv: counts, latency, workers, open-model events. */
static json_t *series_line(const struct lg_results *r, const struct lg_results_ivl *iv, int l)
{
    const struct lg_results_ivl_line *il = &iv->lines[l];
    double len_s = ns_s(iv->end_ns - iv->begin_ns);
    struct lg_hist h;
    int have = il->requests && lg_results_ivl_hist(il, &h) == 0 && lg_hist_count(&h);
    json_t *o = json_pack("{s:I, s:I, s:f}", "requests", (json_int_t)il->requests, "errors",
                          (json_int_t)il->errors, "throughput",
                          len_s > 0 ? (double)il->requests / len_s : 0.0);
    static const struct { const char *key; double p; } pc[] = {
        { "p50", 50 }, { "p90", 90 }, { "p99", 99 } };
    for (size_t i = 0; i < sizeof pc / sizeof pc[0]; i++)
        json_object_set_new(o, pc[i].key,
                            have ? json_real(ns_ms(lg_hist_percentile(&h, pc[i].p))) : json_null());
    json_object_set_new(o, "max", have ? json_real(ns_ms(il->max_ns)) : json_null());
    json_object_set_new(o, "workers", json_integer(il->workers));
    json_object_set_new(o, "histogram", il->histogram ? json_string(il->histogram) : json_null());
    int open = r->lines[l].open != NULL;
    json_object_set_new(o, "queue_depth", open ? json_integer(il->queue_depth) : json_null());
    json_object_set_new(o, "generated",
                        open ? json_integer((json_int_t)il->generated) : json_null());
    json_object_set_new(o, "dropped", open ? json_integer((json_int_t)il->dropped) : json_null());
    if (have)
        lg_hist_fini(&h);
    return o;
}

static json_t *series(const struct lg_results *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->niv; i++) {
        json_t *lines = json_array();
        for (int l = 0; l < r->nlines; l++)
            json_array_append_new(lines, series_line(r, &r->iv[i], l));
        json_array_append_new(a, json_pack("{s:f, s:f, s:o}", "start_s", ns_s(r->iv[i].begin_ns),
                                           "end_s", ns_s(r->iv[i].end_ns), "lines", lines));
    }
    return a;
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

/* Workers started and ended, their own figures, and each one that did not
 * end normally. */
static json_t *workers(const struct lg_results *r)
{
    json_t *bad = json_array();
    for (int i = 0; i < r->nbad; i++) {
        const struct lg_results_worker *w = &r->bad[i];
        json_t *o = json_pack("{s:i, s:i, s:i, s:b, s:o, s:I, s:I, s:I, s:s?, s:I}", "worker",
                              w->worker, "pid", w->pid, "line", w->line + 1, "generator",
                              w->generator, "faults", fault_names(w->faults), "received",
                              (json_int_t)w->received, "lost", (json_int_t)w->lost, "disorder",
                              (json_int_t)w->disorder, "message", w->message, "sent",
                              (json_int_t)w->sent);
        if (w->faults & LG_FAULT_SIGNAL)
            json_object_set_new(o, "signal", json_integer(w->signal));
        if (w->faults & LG_FAULT_EXIT)
            json_object_set_new(o, "exit_code", json_integer(w->exit_code));
        json_array_append_new(bad, o);
    }
    return json_pack("{s:i, s:i, s:o, s:i, s:f, s:f, s:f, s:o}", "started", r->t.started,
                     "ended", r->t.ended, "not_normal", bad, "hard_ended", r->hard_ended,
                     "local_ops", r->local_ops, "blocked_s", ns_s(r->blocked_ns), "blocked_max_s",
                     ns_s(r->blocked_max_ns), "blocked_max_worker",
                     r->blocked_max_worker >= 0 ? json_integer(r->blocked_max_worker)
                                                : json_null());
}

/* Each threshold with what it measured; *failed counts those not met. */
static json_t *thresholds(const struct lg_thresholds *th, const struct lg_results *r,
                          int *failed)
{
    json_t *a = json_array();
    char measured[96];
    *failed = 0;
    for (int i = 0; th && i < th->n; i++) {
        const struct lg_threshold *t = &th->v[i];
        struct lg_threshold_result res;
        lg_threshold_eval(t, r, &res);
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

static json_t *result(const struct lg_results *r, int status)
{
    const char *s = r->signal ? "interrupted" : status ? "failed" : "ok";
    return json_pack("{s:s, s:i, s:o, s:s?}", "status", s, "exit_status", status, "signal",
                     r->signal ? json_integer(r->signal) : json_null(), "failure", r->failure);
}

static json_t *records(const struct lg_results *r)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:o}, s:I, s:I}", "sent",
                     (json_int_t)r->t.sent, "received", (json_int_t)r->t.received, "lost",
                     (json_int_t)r->t.lost, "unknown_type", (json_int_t)r->bad_records,
                     "names_refused", (json_int_t)r->names_refused, "unnamed",
                     (json_int_t)r->unnamed, "pipe_backlog", "high_water_mark",
                     (json_int_t)r->hwm_backlog, "high_water_at_s", at_s(r->hwm_backlog_at),
                     "received_from_stopped", (json_int_t)r->received_stopped, "missing",
                     (json_int_t)r->missing);
}

/* A clock figure, s; null when unknown (negative). */
static json_t *clock_s(double s)
{
    return s >= 0 ? json_real(s) : json_null();
}

static json_t *meta(const struct lg_results *r)
{
    json_t *argv = json_array();
    for (int i = 0; i < r->argc; i++)
        json_array_append_new(argv, json_string(r->argv[i]));
    json_t *clock = json_pack("{s:o, s:o, s:o}", "synced",
                              r->clock.synced < 0 ? json_null() : json_boolean(r->clock.synced),
                              "max_error_s", clock_s(r->clock.max_error_s), "est_error_s",
                              clock_s(r->clock.est_error_s));
    json_t *index = r->shard >= 0 ? json_integer(r->shard) : json_null(); /* null: all merged */
    return json_pack("{s:s, s:o, s:f, s:s, s:f, s:i, s:{s:o, s:i}, s:o}", "version", r->version,
                     "argv", argv, "start_epoch_s", r->start_epoch_s, "host", r->host,
                     "interval_s", ns_s(r->interval_ns), "merged", r->merged, "shard", "index",
                     index, "count", r->nshards, "clock", clock);
}

/* The run-wide figures (totals, throughput, the all-lines rows) into o;
 * the lines into o's "lines". */
static void run_figures(json_t *o, const struct lg_results *r)
{
    struct lg_hist all[LG_NKINDS];
    uint64_t errs[LG_NKINDS] = { 0 }, hook = 0;
    json_t *lines = json_array();
    lg_hist_init(&all[0]);
    lg_hist_init(&all[1]);
    for (int l = 0; l < r->nlines; l++) {
        hook += r->lines[l].hook_errors;
        json_array_append_new(lines, line(r, l, all, errs));
    }
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "all_lines", all_rows(all, errs, hook, r->begin_ns, r->end_ns));
    lg_hist_fini(&all[0]);
    lg_hist_fini(&all[1]);
    json_object_set_new(
        o, "totals",
        json_pack("{s:f, s:I, s:I, s:I, s:I, s:f, s:f, s:o, s:f, s:f}", "load_s",
                  ns_s(r->end_ns > r->begin_ns ? r->end_ns - r->begin_ns : 0), "requests",
                  (json_int_t)r->t.requests, "transactions", (json_int_t)r->t.transactions,
                  "errors", (json_int_t)r->t.errors, "timeouts", (json_int_t)r->t.timeouts,
                  "throughput", per_s(r->t.requests, r->begin_ns, r->end_ns),
                  "throughput_high_water_mark", r->hwm_thru, "throughput_high_water_at_s",
                  at_s(r->hwm_thru_at), "begin_s", ns_s(r->begin_ns), "end_s", ns_s(r->end_ns)));
}

int lg_sumjson_write(const struct lg_results *r, const struct lg_thresholds *th, int status,
                     FILE *f)
{
    int thr_failed;
    json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "schema", SCHEMA_ID, "unit", "ms",
                          "histogram_unit", "ns", "meta", meta(r));
    run_figures(o, r);
    json_object_set_new(o, "records", records(r));
    json_object_set_new(o, "event_lines",
                        json_pack("{s:b, s:I}", "failed", r->out_failed, "lost",
                                  (json_int_t)r->out_lost));
    json_object_set_new(o, "workers", workers(r));
    json_object_set_new(o, "thresholds", thresholds(th, r, &thr_failed));
    json_object_set_new(o, "thresholds_failed", json_integer(thr_failed));
    json_object_set_new(o, "intervals", series(r));
    json_object_set_new(o, "result", result(r, status));
    int rc = json_dumpf(o, f, JSON_INDENT(1) | JSON_REAL_PRECISION(15)) < 0 ? -1 : 0;
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    json_decref(o);
    return rc;
}
