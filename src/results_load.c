/* results_load.c -- a summary JSON read back into a struct lg_results
 * (results.h): for `logen merge`, `logen compare` and `logen report`.
 *
 * Reads the schema summary_json.c writes (src/summary-1.schema.json),
 * strictly: a file that is not JSON (line and column given), not a logen
 * summary (no "schema"), of another schema version, with a field missing
 * or of the wrong type (its JSON path named, jread.h), or a histogram that
 * does not decode (lg_hist_decode says why) or does not hold its row's
 * count, or a value no run gives (a time beyond LG_JREAD_MAX_S, a line
 * index no line has), is refused with one line naming the file, so what
 * it returns is safe to render and merge. Figures the renderers
 * derive (percentiles, throughputs, the all-lines rows) are not read: they
 * are recomputed from the histograms and spans read, so a summary loaded
 * and written again is the same document. Nothing is printed. */
#include "results.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jread.h"
#include "mem.h"

#define SCHEMA_NAME "logen-summary/"
#define SCHEMA_ID "logen-summary/1"

/* ==== histograms ========================================================= */

/* The histogram of latency object o (its "histogram", of "count" values),
 * into h (initialised here). The exact min, max and sum the encoding
 * lacks come from o's "min", "max" (ms) and "sum_ns". */
static void hist_read(struct lg_jread *r, const json_t *o, struct lg_hist *h)
{
    const char *why = NULL;
    lg_hist_init(h);
    char *text = lg_jread_str(r, o, "histogram");
    uint64_t count = lg_jread_count(r, o, "count");
    uint64_t min_ns = lg_jread_ms_ns(r, o, "min"), max_ns = lg_jread_ms_ns(r, o, "max");
    uint64_t sum_ns = lg_jread_count(r, o, "sum_ns");
    if (!lg_jread_failed(r) && lg_hist_decode(h, text, strlen(text), &why) < 0)
        lg_jread_fail(r, "histogram", "does not decode: %s", why);
    else if (!lg_jread_failed(r) && h->count != count)
        lg_jread_fail(r, "histogram", "holds %llu values, its count says %llu",
                      (unsigned long long)h->count, (unsigned long long)count);
    free(text);
    if (lg_jread_failed(r) || !h->count)
        return;
    h->min_ns = min_ns;
    h->max_ns = max_ns;
    h->sum_ns = sum_ns;
}

/* ==== lines ============================================================== */

static void row_read(struct lg_jread *r, const json_t *o, void *to)
{
    struct lg_results_row *row = to;
    row->name = lg_jread_str(r, o, "name");
    char *kind = lg_jread_str(r, o, "kind");
    if (kind && strcmp(kind, "request") != 0 && strcmp(kind, "transaction") != 0)
        lg_jread_fail(r, "kind", "\"request\" or \"transaction\" expected, found \"%s\"", kind);
    row->kind = kind && strcmp(kind, "transaction") == 0 ? LG_KIND_TRA : LG_KIND_REQ;
    free(kind);
    row->errors = lg_jread_count(r, o, "errors");
    hist_read(r, o, &row->h);
}

static void phase_read(struct lg_jread *r, const json_t *o, void *to)
{
    struct lg_results_phase *p = to;
    p->duration_s = lg_jread_num(r, o, "duration_s");
    p->asked_r1 = lg_jread_num_or(r, o, "asked_from", -1);
    p->asked_r2 = lg_jread_num_or(r, o, "asked_to", -1);
    p->achieved = lg_jread_num_or(r, o, "achieved", -1);
    p->done = lg_jread_bool(r, o, "done");
    p->generated = (uint64_t)lg_jread_int_or(r, o, "generated", 0);
    p->processed = lg_jread_count(r, o, "processed");
    p->dropped = lg_jread_count(r, o, "dropped");
}

/* Each element of array `key` of o (objects), read by fn into
 * base[i * size]; base is allocated here (zeroed, one more element than
 * the array). *n is the number of elements fn was given (the last may
 * have failed half read: fn leaves it freeable). */
static void *each_read(struct lg_jread *r, const json_t *o, const char *key, size_t size,
                       size_t *n, void (*fn)(struct lg_jread *, const json_t *, void *))
{
    size_t len;
    json_t *a = lg_jread_array(r, o, key, &len);
    char *base = lg_calloc(len + 1, size);
    size_t at = lg_jread_push(r, key);
    *n = 0;
    for (size_t i = 0; i < len && !lg_jread_failed(r); i++, ++*n) {
        size_t m = lg_jread_push_index(r, i);
        json_t *e = json_array_get(a, i);
        if (!json_is_object(e))
            lg_jread_fail(r, NULL, "an object expected");
        else
            fn(r, e, base + i * size);
        lg_jread_pop(r, m);
    }
    lg_jread_pop(r, at);
    return base;
}

static void open_read(struct lg_jread *r, const json_t *o, struct lg_results_open *op)
{
    static const char *const times[LG_OPEN_NTIMES] = { "wait", "response", "service", "lateness" };
    size_t n;
    op->phases = (int)lg_jread_count(r, o, "phases");
    op->phases_done = (int)lg_jread_count(r, o, "phases_done");
    op->generated = lg_jread_count(r, o, "generated");
    op->processed = lg_jread_count(r, o, "processed");
    op->dropped = lg_jread_count(r, o, "dropped");
    op->requests = lg_jread_count(r, o, "requests");
    op->phase = each_read(r, o, "phase_table", sizeof *op->phase, &n, phase_read);
    op->nphases = (int)n;
    size_t at;
    json_t *late = lg_jread_enter(r, o, "lateness", &at);
    op->late1 = lg_jread_count(r, late, "late_1ms");
    op->late2 = lg_jread_count(r, late, "late_10ms");
    op->late_max_ns = (lg_ns_t)lg_jread_ms_ns(r, late, "worst");
    lg_jread_pop(r, at);
    json_t *q = lg_jread_enter(r, o, "queue", &at);
    op->hwm_depth = (long)lg_jread_count(r, q, "high_water_mark");
    op->hwm_depth_at = lg_jread_s_ns_or_none(r, q, "high_water_at_s");
    lg_jread_pop(r, at);
    json_t *w = lg_jread_enter(r, o, "workers", &at);
    op->started = (int)lg_jread_count(r, w, "started");
    op->retired = (int)lg_jread_count(r, w, "retired");
    op->peak_live = (int)lg_jread_count(r, w, "peak_live");
    lg_jread_pop(r, at);
    json_t *t = lg_jread_enter(r, o, "times", &at);
    for (int i = 0; i < LG_OPEN_NTIMES; i++) {
        size_t m;
        hist_read(r, lg_jread_enter(r, t, times[i], &m), &op->times[i]);
        lg_jread_pop(r, m);
    }
    lg_jread_pop(r, at);
}

static void line_read(struct lg_jread *r, const json_t *o, void *to)
{
    struct lg_results_line *l = to;
    size_t at, n;
    l->id = lg_jread_str(r, o, "id");
    l->cut = lg_jread_str(r, o, "cut");
    json_t *opt = lg_jread_object(r, o, "options");
    l->options_json = opt ? json_dumps(opt, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    l->begin_ns = lg_jread_s_ns(r, o, "begin_s");
    l->end_ns = lg_jread_s_ns(r, o, "end_s");
    json_t *w = lg_jread_enter(r, o, "workers", &at);
    l->started = (int)lg_jread_count(r, w, "started");
    l->ended = (int)lg_jread_count(r, w, "ended");
    l->retired = (int)lg_jread_count(r, w, "retired");
    lg_jread_pop(r, at);
    l->rows = each_read(r, o, "rows", sizeof *l->rows, &n, row_read);
    l->nrows = n;
    json_t *all = lg_jread_enter(r, o, "all", &at);
    l->hook_errors = lg_jread_count(r, all, "errors_outside_requests");
    lg_jread_pop(r, at);
    json_t *om = lg_jread_object_or_null(r, o, "open_model");
    if (!om)
        return;
    l->open = lg_calloc(1, sizeof *l->open);
    at = lg_jread_push(r, "open_model");
    open_read(r, om, l->open);
    lg_jread_pop(r, at);
}

/* ==== the run ============================================================ */

/* meta.clock (absent from summaries written before it: unknown). */
static void clock_read(struct lg_jread *r, const json_t *m, struct lg_results *res)
{
    size_t k;
    res->clock = (struct lg_results_clock){ .synced = -1, .max_error_s = -1, .est_error_s = -1 };
    if (!json_object_get(m, "clock"))
        return;
    json_t *c = lg_jread_enter(r, m, "clock", &k);
    json_t *s = json_object_get(c, "synced");
    if (json_is_boolean(s))
        res->clock.synced = json_is_true(s);
    else if (!json_is_null(s))
        lg_jread_fail(r, "synced", "true, false or null expected");
    res->clock.max_error_s = lg_jread_num_or(r, c, "max_error_s", -1);
    res->clock.est_error_s = lg_jread_num_or(r, c, "est_error_s", -1);
    lg_jread_pop(r, k);
}

static void meta_read(struct lg_jread *r, const json_t *doc, struct lg_results *res)
{
    size_t at, n;
    json_t *m = lg_jread_enter(r, doc, "meta", &at);
    res->version = lg_jread_str(r, m, "version");
    res->host = lg_jread_str(r, m, "host");
    json_t *argv = lg_jread_array(r, m, "argv", &n);
    res->argv = lg_calloc(n + 1, sizeof *res->argv);
    for (size_t i = 0; i < n && !lg_jread_failed(r); i++, res->argc++) {
        json_t *s = json_array_get(argv, i);
        if (!json_is_string(s)) {
            size_t k = lg_jread_push(r, "argv");
            lg_jread_push_index(r, i);
            lg_jread_fail(r, NULL, "a string expected");
            lg_jread_pop(r, k);
            break;
        }
        res->argv[i] = lg_strdup(json_string_value(s));
    }
    res->start_epoch_s = lg_jread_num(r, m, "start_epoch_s");
    if (!lg_jread_failed(r) && !(res->start_epoch_s >= 0 && res->start_epoch_s <= 1e11))
        lg_jread_fail(r, "start_epoch_s", "%g: seconds since 1970 expected", res->start_epoch_s);
    res->interval_ns = lg_jread_s_ns(r, m, "interval_s");
    if (!lg_jread_failed(r) && res->interval_ns < LG_NS_PER_S / 1000)
        lg_jread_fail(r, "interval_s", "%g s: at least 0.001 expected",
                      (double)res->interval_ns / 1e9);
    res->merged = (int)lg_jread_int(r, m, "merged");
    if (!lg_jread_failed(r) && res->merged < 1)
        lg_jread_fail(r, "merged", "%d: at least 1 expected", res->merged);
    size_t k;
    json_t *sh = lg_jread_enter(r, m, "shard", &k);
    int all = json_is_null(json_object_get(sh, "index")); /* all of a run's shards, merged */
    res->shard = all ? -1 : (int)lg_jread_int(r, sh, "index");
    res->nshards = (int)lg_jread_int(r, sh, "count");
    if (!lg_jread_failed(r) && (all ? res->nshards < 2 : res->nshards < 1 || res->shard < 0 ||
                                                         res->shard >= res->nshards))
        lg_jread_fail(r, NULL, "shard %d of %d: 0 <= index < count (or index null and count "
                      "at least 2) expected", res->shard, res->nshards);
    lg_jread_pop(r, k);
    clock_read(r, m, res);
    lg_jread_pop(r, at);
}

/* A count of the document and the uint64_t of struct lg_results it goes
 * to. */
struct count_field {
    const char *key;
    size_t off;
};

#define CF(key, member) { key, offsetof(struct lg_results, member) }

static void counts_read(struct lg_jread *r, const json_t *o, struct lg_results *res,
                        const struct count_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *(uint64_t *)((char *)res + f[i].off) = lg_jread_count(r, o, f[i].key);
}

static void totals_read(struct lg_jread *r, const json_t *doc, struct lg_results *res)
{
    static const struct count_field totals[] = {
        CF("requests", t.requests), CF("transactions", t.transactions),
        CF("errors", t.errors), CF("timeouts", t.timeouts),
    };
    static const struct count_field records[] = {
        CF("sent", t.sent), CF("received", t.received), CF("lost", t.lost),
        CF("unknown_type", bad_records), CF("names_refused", names_refused),
        CF("unnamed", unnamed), CF("received_from_stopped", received_stopped),
        CF("missing", missing),
    };
    size_t at, m;
    json_t *t = lg_jread_enter(r, doc, "totals", &at);
    counts_read(r, t, res, totals, sizeof totals / sizeof totals[0]);
    res->hwm_thru = lg_jread_num(r, t, "throughput_high_water_mark");
    res->hwm_thru_at = lg_jread_s_ns_or_none(r, t, "throughput_high_water_at_s");
    res->begin_ns = lg_jread_s_ns(r, t, "begin_s");
    res->end_ns = lg_jread_s_ns(r, t, "end_s");
    lg_jread_pop(r, at);
    json_t *rec = lg_jread_enter(r, doc, "records", &at);
    counts_read(r, rec, res, records, sizeof records / sizeof records[0]);
    json_t *bl = lg_jread_enter(r, rec, "pipe_backlog", &m);
    res->hwm_backlog = (long)lg_jread_count(r, bl, "high_water_mark");
    res->hwm_backlog_at = lg_jread_s_ns_or_none(r, bl, "high_water_at_s");
    lg_jread_pop(r, m);
    lg_jread_pop(r, at);
    json_t *ev = lg_jread_enter(r, doc, "event_lines", &at);
    res->out_failed = lg_jread_bool(r, ev, "failed");
    res->out_lost = lg_jread_count(r, ev, "lost");
    lg_jread_pop(r, at);
}

/* Element i of array `key` names line `line` (0-based; -1 for the whole
 * run where run_ok): one of the summary's nlines, else failed. */
static void line_known(struct lg_jread *r, const char *key, int i, int line, int run_ok,
                       int nlines)
{
    if (lg_jread_failed(r) || (line >= 0 && line < nlines) || (run_ok && line == -1))
        return;
    size_t k = lg_jread_push(r, key);
    lg_jread_push_index(r, (size_t)i);
    lg_jread_fail(r, "line", "%d: no such line (the summary has %d)", line + 1, nlines);
    lg_jread_pop(r, k);
}

/* LG_FAULT_* are summary.h's; their names are the schema's "faults". */
static void worker_read(struct lg_jread *r, const json_t *o, void *to)
{
    struct lg_results_worker *w = to;
    static const char *const names[] = { "signal", "exit", "no_stop", "failed", "records" };
    size_t n;
    w->worker = (int)lg_jread_int(r, o, "worker");
    w->pid = (int)lg_jread_int(r, o, "pid");
    w->line = (int)lg_jread_int(r, o, "line") - 1;
    w->generator = lg_jread_bool(r, o, "generator");
    w->received = lg_jread_count(r, o, "received");
    w->lost = lg_jread_count(r, o, "lost");
    w->disorder = lg_jread_count(r, o, "disorder");
    w->sent = lg_jread_count(r, o, "sent");
    w->message = lg_jread_str_or_null(r, o, "message");
    json_t *f = lg_jread_array(r, o, "faults", &n);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(f, i));
        size_t b = 0;
        while (b < sizeof names / sizeof names[0] && !(s && strcmp(s, names[b]) == 0))
            b++;
        if (b == sizeof names / sizeof names[0]) {
            size_t k = lg_jread_push(r, "faults");
            lg_jread_push_index(r, i);
            lg_jread_fail(r, NULL, "one of signal, exit, no_stop, failed, records expected");
            lg_jread_pop(r, k);
        }
        w->faults |= 1u << b;
    }
    if (json_object_get(o, "signal"))
        w->signal = (int)lg_jread_int(r, o, "signal");
    if (json_object_get(o, "exit_code"))
        w->exit_code = (int)lg_jread_int(r, o, "exit_code");
}

static void workers_read(struct lg_jread *r, const json_t *doc, struct lg_results *res)
{
    size_t at, n;
    json_t *w = lg_jread_enter(r, doc, "workers", &at);
    res->t.started = (int)lg_jread_count(r, w, "started");
    res->t.ended = (int)lg_jread_count(r, w, "ended");
    res->hard_ended = (int)lg_jread_count(r, w, "hard_ended");
    res->local_ops = lg_jread_num(r, w, "local_ops");
    res->blocked_ns = lg_jread_s_ns(r, w, "blocked_s");
    res->blocked_max_ns = lg_jread_s_ns(r, w, "blocked_max_s");
    res->blocked_max_worker = (int)lg_jread_int_or(r, w, "blocked_max_worker", -1);
    res->bad = each_read(r, w, "not_normal", sizeof *res->bad, &n, worker_read);
    res->nbad = (int)n;
    for (int i = 0; i < res->nbad; i++)
        line_known(r, "not_normal", i, res->bad[i].line, 0, res->nlines);
    lg_jread_pop(r, at);
}

static void threshold_read(struct lg_jread *r, const json_t *o, void *to)
{
    struct lg_results_threshold *t = to;
    t->expression = lg_jread_str(r, o, "expression");
    t->own_line = (int)lg_jread_int_or(r, o, "line", 0) - 1;
}

static void result_read(struct lg_jread *r, const json_t *doc, struct lg_results *res)
{
    size_t at;
    json_t *o = lg_jread_enter(r, doc, "result", &at);
    res->signal = (int)lg_jread_int_or(r, o, "signal", 0);
    res->failure = lg_jread_str_or_null(r, o, "failure");
    lg_jread_pop(r, at);
}

/* ==== the series ========================================================= */

static void ivl_line_read(struct lg_jread *r, const json_t *o, struct lg_results_ivl_line *l)
{
    l->requests = lg_jread_count(r, o, "requests");
    l->errors = lg_jread_count(r, o, "errors");
    l->workers = (int)lg_jread_count(r, o, "workers");
    l->queue_depth = (long)lg_jread_int_or(r, o, "queue_depth", 0);
    l->generated = (uint64_t)lg_jread_int_or(r, o, "generated", 0);
    l->dropped = (uint64_t)lg_jread_int_or(r, o, "dropped", 0);
    l->histogram = lg_jread_str_or_null(r, o, "histogram");
    l->max_ns = json_is_null(json_object_get(o, "max")) ? 0 : lg_jread_ms_ns(r, o, "max");
    struct lg_hist h;
    const char *why = NULL;
    if (l->histogram && !lg_jread_failed(r)) {
        if (lg_hist_decode(&h, l->histogram, strlen(l->histogram), &why) < 0)
            lg_jread_fail(r, "histogram", "does not decode: %s", why);
        else if (h.count != l->requests)
            lg_jread_fail(r, "histogram", "holds %llu values, its requests say %llu",
                          (unsigned long long)h.count, (unsigned long long)l->requests);
        lg_hist_fini(&h);
    }
}

/* Interval i of the series: its lines are as many as the run's, allocated
 * whatever the document holds, so the result frees as any other. */
static void ivl_read(struct lg_jread *r, const json_t *o, struct lg_results_ivl *v, int nlines)
{
    size_t n;
    v->lines = lg_calloc((size_t)nlines + 1, sizeof *v->lines);
    v->begin_ns = lg_jread_s_ns(r, o, "start_s");
    v->end_ns = lg_jread_s_ns(r, o, "end_s");
    json_t *a = lg_jread_array(r, o, "lines", &n);
    size_t at = lg_jread_push(r, "lines");
    if (!lg_jread_failed(r) && n != (size_t)nlines)
        lg_jread_fail(r, NULL, "%d lines expected, as in \"lines\", found %zu", nlines, n);
    for (size_t l = 0; l < n && !lg_jread_failed(r); l++) {
        size_t m = lg_jread_push_index(r, l);
        json_t *e = json_array_get(a, l);
        if (!json_is_object(e))
            lg_jread_fail(r, NULL, "an object expected");
        ivl_line_read(r, e, &v->lines[l]);
        lg_jread_pop(r, m);
    }
    lg_jread_pop(r, at);
}

static void series_read(struct lg_jread *r, const json_t *doc, struct lg_results *res)
{
    size_t n;
    json_t *a = lg_jread_array(r, doc, "intervals", &n);
    size_t at = lg_jread_push(r, "intervals");
    res->iv = lg_calloc(n + 1, sizeof *res->iv);
    for (size_t i = 0; i < n && !lg_jread_failed(r); i++, res->niv++) {
        size_t m = lg_jread_push_index(r, i);
        json_t *e = json_array_get(a, i);
        if (!json_is_object(e))
            lg_jread_fail(r, NULL, "an object expected");
        ivl_read(r, e, &res->iv[i], res->nlines);
        lg_jread_pop(r, m);
    }
    lg_jread_pop(r, at);
}

/* ==== the document ======================================================= */

/* "schema": a logen summary of the version this reads. */
static int schema_check(const char *path, const json_t *doc, char *err, size_t errlen)
{
    const json_t *s = json_is_object(doc) ? json_object_get(doc, "schema") : NULL;
    const char *id = json_string_value(s);
    if (!s || !id || strncmp(id, SCHEMA_NAME, strlen(SCHEMA_NAME)) != 0) {
        snprintf(err, errlen, "%s: not a logen summary (%s)", path,
                 !json_is_object(doc) ? "not a JSON object"
                 : !s                 ? "no \"schema\""
                                      : "its \"schema\" is not logen-summary/N");
        return -1;
    }
    if (strcmp(id, SCHEMA_ID) != 0) {
        snprintf(err, errlen, "%s: schema %s; this logen reads %s", path, id, SCHEMA_ID);
        return -1;
    }
    return 0;
}

static void doc_read(struct lg_jread *r, const json_t *doc, struct lg_results *res)
{
    size_t n;
    meta_read(r, doc, res);
    res->lines = each_read(r, doc, "lines", sizeof *res->lines, &n, line_read);
    res->nlines = (int)n;
    if (!lg_jread_failed(r) && n == 0)
        lg_jread_fail(r, "lines", "no line");
    totals_read(r, doc, res);
    workers_read(r, doc, res);
    res->thr = each_read(r, doc, "thresholds", sizeof *res->thr, &n, threshold_read);
    res->nthr = (int)n;
    for (int i = 0; i < res->nthr; i++)
        line_known(r, "thresholds", i, res->thr[i].own_line, 1, res->nlines);
    if (!lg_jread_failed(r))
        series_read(r, doc, res);
    result_read(r, doc, res);
}

struct lg_results *lg_results_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        if (je.line > 0)
            snprintf(err, errlen, "%s: not JSON: line %d, column %d: %s", path, je.line,
                     je.column, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        return NULL;
    }
    if (schema_check(path, doc, err, errlen) < 0) {
        json_decref(doc);
        return NULL;
    }
    struct lg_results *res = lg_calloc(1, sizeof *res);
    struct lg_jread r;
    lg_jread_init(&r, path, err, errlen);
    doc_read(&r, doc, res);
    json_decref(doc);
    if (!lg_jread_failed(&r))
        return res;
    lg_results_free(res);
    return NULL;
}
