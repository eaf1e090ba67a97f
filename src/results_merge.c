/* results_merge.c -- the exact sum of several runs' results (results.h),
 * for `logen merge`: injectors of one run, or shards of it (issue 11).
 *
 * Counts add; each row's histogram is the sum of the same (line, name,
 * kind) rows of every input (lg_hist_merge), so a merged percentile is
 * that of the union of the samples; a row present in one input only is
 * kept. Lines are matched by index, once lg_results_merge_check (in
 * results_merge_check.c) has found them compatible.
 *
 * Time: the merged clock starts at the earliest input's start_epoch_s;
 * every span and interval of input k is shifted by its start's offset from
 * there. The merged series has the common period on that clock; an input
 * interval is added whole into the merged interval that holds its middle,
 * so an interval that straddles two merged ones goes where most of it lies
 * (runs started on a common --start-at align exactly, and nothing
 * straddles). Throughputs are the renderers', from counts and spans; the
 * best interval's throughput is recomputed from the merged series.
 *
 * Open model: per-phase counts add, and so do the rates asked and achieved
 * (each injector asked its part). The queue high-water mark is the highest
 * of the inputs', not their sum: each injector has its own queue, and a
 * sum of peaks reached at different times is a depth no queue held. Each
 * interval's queue depth does add (the backlog of all queues at that
 * time). Peak live workers add (an upper bound of the merged peak); the
 * pipe backlog's high-water mark is the highest, like the queue's.
 *
 * What the run was: the first input's version and command line, every
 * input's host (joined by ','), the common period, meta.merged the sum of
 * the inputs'; all the shards of a run give meta.shard index null (-1) of
 * N: the whole run, from its N shards. The clock is synchronised if every
 * input's was, its errors the largest.
 *
 * Workers and records add; every input's workers that did not end
 * normally are kept, their message prefixed with the input's name. The
 * result (signal, failure) is the worst of the inputs; the thresholds are
 * every input's, once each (the caller re-evaluates them on the merge).
 * Allocates the result (lg_results_free); never modifies its inputs. */
#include "results_merge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static char *dup_or_null(const char *s)
{
    return s ? lg_strdup(s) : NULL;
}

/* "NAME: text" (or "NAME" without text), heap. */
static char *noted(const char *name, const char *text)
{
    size_t len = strlen(name) + (text ? strlen(text) + 2 : 0) + 1;
    char *s = lg_malloc(len);
    snprintf(s, len, "%s%s%s", name, text ? ": " : "", text ? text : "");
    return s;
}

/* Widens [*b, *e) to hold [b2, e2) shifted by off; an empty span (end not
 * after begin) adds nothing. */
static void span_add(lg_ns_t *b, lg_ns_t *e, lg_ns_t b2, lg_ns_t e2, lg_ns_t off)
{
    if (e2 <= b2)
        return;
    if (*e <= *b || b2 + off < *b)
        *b = b2 + off;
    if (e2 + off > *e)
        *e = e2 + off;
}

/* A high-water mark: the highest value, its time shifted by off. */
static void hwm_add(long *v, lg_ns_t *at, long v2, lg_ns_t at2, lg_ns_t off)
{
    if (at2 < 0 || (*at >= 0 && v2 <= *v))
        return;
    *v = v2;
    *at = at2 + off;
}

/* ==== rows =============================================================== */

/* A row of some input, for sorting. */
struct rowref {
    const struct lg_results_row *row;
    int k;                       /* its input */
    size_t pos;                  /* its place in its line */
    size_t g;                    /* the merged row it went to */
};

static int same_row(const struct lg_results_row *a, const struct lg_results_row *b)
{
    return a->kind == b->kind && strcmp(a->name ? a->name : "", b->name ? b->name : "") == 0;
}

/* By (name, kind), then by (input, place): a group's first is where the
 * row first occurs. */
static int by_key(const void *x, const void *y)
{
    const struct rowref *a = x, *b = y;
    int c = strcmp(a->row->name ? a->row->name : "", b->row->name ? b->row->name : "");
    if (c || a->row->kind != b->row->kind)
        return c ? c : a->row->kind - b->row->kind;
    return a->k != b->k ? a->k - b->k : (a->pos > b->pos) - (a->pos < b->pos);
}

/* By (input, place) alone. */
static int by_place(const void *x, const void *y)
{
    const struct rowref *a = x, *b = y;
    return a->k != b->k ? a->k - b->k : (a->pos > b->pos) - (a->pos < b->pos);
}

/* The merged rows of line l: each (name, kind) once, the histograms and
 * errors of its rows added, in the order they first occur (input 0's
 * order, then the rows new in input 1, ...). O(rows log rows). */
static void rows_merge(struct lg_results_line *m, struct lg_results *const *in, int n, int l)
{
    size_t total = 0, g = 0;
    for (int k = 0; k < n; k++)
        total += in[k]->lines[l].nrows;
    struct rowref *ref = lg_calloc(total + 1, sizeof *ref);
    struct rowref *first = lg_calloc(total + 1, sizeof *first);
    for (int k = 0, i = 0; k < n; k++)
        for (size_t p = 0; p < in[k]->lines[l].nrows; p++, i++)
            ref[i] = (struct rowref){ &in[k]->lines[l].rows[p], k, p, 0 };
    qsort(ref, total, sizeof *ref, by_key);
    struct lg_results_row *rows = lg_calloc(total + 1, sizeof *rows);
    for (size_t i = 0; i < total; i++) {
        if (i == 0 || !same_row(ref[i].row, ref[i - 1].row)) {
            rows[g].name = dup_or_null(ref[i].row->name);
            rows[g].kind = ref[i].row->kind;
            lg_hist_init(&rows[g].h);
            first[g] = ref[i];
            first[g].g = g;
            g++;
        }
        rows[g - 1].errors += ref[i].row->errors;
        lg_hist_merge(&rows[g - 1].h, &ref[i].row->h);
    }
    free(ref);
    m->rows = lg_calloc(g + 1, sizeof *m->rows);
    m->nrows = g;
    qsort(first, g, sizeof *first, by_place); /* back to the order of first occurrence */
    for (size_t i = 0; i < g; i++)
        m->rows[i] = rows[first[i].g];
    free(rows);
    free(first);
}

/* ==== lines ============================================================== */

/* A rate of some phase, added: -1 (unknown) adds nothing; the sum is -1
 * while every one is. */
static void rate_add(double *sum, double v)
{
    if (v < 0)
        return;
    *sum = *sum < 0 ? v : *sum + v;
}

/* Phase i of every input's open line l added into p. */
static void phase_merge(struct lg_results_phase *p, struct lg_results *const *in, int n, int l,
                        int i)
{
    *p = (struct lg_results_phase){ .asked_r1 = -1, .asked_r2 = -1, .achieved = -1, .done = 1 };
    for (int k = 0; k < n; k++) {
        const struct lg_results_open *o = in[k]->lines[l].open;
        if (i >= o->nphases) {
            p->done = 0; /* this input never heard of it */
            continue;
        }
        const struct lg_results_phase *q = &o->phase[i];
        if (p->duration_s == 0)
            p->duration_s = q->duration_s;
        rate_add(&p->asked_r1, q->asked_r1);
        rate_add(&p->asked_r2, q->asked_r2);
        rate_add(&p->achieved, q->achieved);
        p->done &= q->done != 0;
        p->generated += q->generated;
        p->processed += q->processed;
        p->dropped += q->dropped;
    }
}

/* The sums of an open line's figures over the inputs. */
static void open_add(struct lg_results_open *m, const struct lg_results_open *o, lg_ns_t off)
{
    if (o->phases > m->phases)
        m->phases = o->phases;
    m->generated += o->generated;
    m->processed += o->processed;
    m->dropped += o->dropped;
    m->requests += o->requests;
    m->late1 += o->late1;
    m->late2 += o->late2;
    if (o->late_max_ns > m->late_max_ns)
        m->late_max_ns = o->late_max_ns;
    hwm_add(&m->hwm_depth, &m->hwm_depth_at, o->hwm_depth, o->hwm_depth_at, off);
    m->started += o->started;
    m->retired += o->retired;
    m->peak_live += o->peak_live;
    for (int t = 0; t < LG_OPEN_NTIMES; t++)
        lg_hist_merge(&m->times[t], &o->times[t]);
    if (o->nphases > m->nphases)
        m->nphases = o->nphases;
}

static struct lg_results_open *open_merge(struct lg_results *const *in, int n, int l,
                                          const lg_ns_t *off)
{
    struct lg_results_open *m = lg_calloc(1, sizeof *m);
    m->hwm_depth_at = -1;
    for (int t = 0; t < LG_OPEN_NTIMES; t++)
        lg_hist_init(&m->times[t]);
    for (int k = 0; k < n; k++)
        open_add(m, in[k]->lines[l].open, off[k]);
    m->phase = lg_calloc((size_t)m->nphases + 1, sizeof *m->phase);
    for (int i = 0; i < m->nphases; i++) {
        phase_merge(&m->phase[i], in, n, l, i);
        m->phases_done += m->phase[i].done;
    }
    return m;
}

static void line_merge(struct lg_results_line *m, struct lg_results *const *in, int n, int l,
                       const lg_ns_t *off)
{
    const struct lg_results_line *a = &in[0]->lines[l];
    m->id = dup_or_null(a->id);
    m->cut = dup_or_null(a->cut);
    m->options_json = dup_or_null(a->options_json);
    for (int k = 0; k < n; k++) {
        const struct lg_results_line *b = &in[k]->lines[l];
        m->started += b->started;
        m->ended += b->ended;
        m->retired += b->retired;
        m->hook_errors += b->hook_errors;
        span_add(&m->begin_ns, &m->end_ns, b->begin_ns, b->end_ns, off[k]);
    }
    rows_merge(m, in, n, l);
    m->open = a->open ? open_merge(in, n, l, off) : NULL;
}

/* ==== the series ========================================================= */

/* An input interval, and the merged one it goes into. */
struct contrib {
    size_t slot;
    int k;                       /* its input */
    size_t i;                    /* its index there */
};

static int by_slot(const void *x, const void *y)
{
    const struct contrib *a = x, *b = y;
    if (a->slot != b->slot)
        return (a->slot > b->slot) - (a->slot < b->slot);
    return a->k != b->k ? a->k - b->k : (a->i > b->i) - (a->i < b->i);
}

/* The merged interval that input interval [b, e) (shifted) goes into: the
 * one that holds its middle. */
static size_t ivl_slot(lg_ns_t b, lg_ns_t e, lg_ns_t period)
{
    lg_ns_t mid = b + (e > b ? (e - b) / 2 : 0);
    return mid > 0 ? (size_t)(mid / period) : 0;
}

/* Line l of merged interval d, from the contributions c[0..n) of its
 * slot: counts and histograms add; the figures "at its end" (workers,
 * queue depth) are each input's last interval in the slot, added over the
 * inputs. */
static void ivl_line_merge(struct lg_results_ivl_line *d, struct lg_results *const *in,
                           const struct contrib *c, size_t n, int l)
{
    struct lg_hist acc, h;
    lg_hist_init(&acc);
    for (size_t j = 0; j < n; j++) {
        const struct lg_results_ivl_line *x = &in[c[j].k]->iv[c[j].i].lines[l];
        d->requests += x->requests;
        d->errors += x->errors;
        d->generated += x->generated;
        d->dropped += x->dropped;
        if (j + 1 == n || c[j + 1].k != c[j].k) {
            d->workers += x->workers;
            d->queue_depth += x->queue_depth;
        }
        if (n == 1) /* alone in its slot: its encoding as it is */
            d->histogram = x->histogram ? lg_strdup(x->histogram) : NULL;
        else if (x->histogram && lg_results_ivl_hist(x, &h) == 0) {
            lg_hist_merge(&acc, &h);
            lg_hist_fini(&h);
        }
        if (x->max_ns > d->max_ns)
            d->max_ns = x->max_ns;
    }
    if (n > 1)
        d->histogram = lg_hist_count(&acc) ? lg_hist_encode(&acc, NULL) : NULL;
    lg_hist_fini(&acc);
}

/* Every input interval, shifted, with its slot; sorted by slot. */
static struct contrib *contribs(struct lg_results *const *in, int n, const lg_ns_t *off,
                                lg_ns_t p, size_t *nc)
{
    size_t total = 0, j = 0;
    for (int k = 0; k < n; k++)
        total += in[k]->niv;
    struct contrib *c = lg_calloc(total + 1, sizeof *c);
    for (int k = 0; k < n; k++)
        for (size_t i = 0; i < in[k]->niv; i++, j++) {
            const struct lg_results_ivl *v = &in[k]->iv[i];
            c[j] = (struct contrib){ ivl_slot(v->begin_ns + off[k], v->end_ns + off[k], p), k, i };
        }
    qsort(c, total, sizeof *c, by_slot);
    *nc = total;
    return c;
}

/* The merged series on the common period, from 0 to the last slot any
 * input interval goes into; the last one ends with the latest of them.
 * One slot's histograms are decoded at a time. */
static void series_merge(struct lg_results *m, struct lg_results *const *in, int n,
                         const lg_ns_t *off)
{
    lg_ns_t p = m->interval_ns > 0 ? m->interval_ns : LG_NS_PER_S, last_end = 0;
    size_t nc;
    struct contrib *c = contribs(in, n, off, p, &nc);
    m->niv = nc ? c[nc - 1].slot + 1 : 0;
    m->iv = lg_calloc(m->niv + 1, sizeof *m->iv);
    for (size_t s = 0; s < m->niv; s++) {
        m->iv[s].begin_ns = (lg_ns_t)s * p;
        m->iv[s].end_ns = (lg_ns_t)(s + 1) * p;
        m->iv[s].lines = lg_calloc((size_t)m->nlines + 1, sizeof *m->iv[s].lines);
    }
    for (size_t j = 0, g; j < nc; j = g) {
        for (g = j; g < nc && c[g].slot == c[j].slot; g++) {
            lg_ns_t e = in[c[g].k]->iv[c[g].i].end_ns + off[c[g].k];
            last_end = e > last_end ? e : last_end;
        }
        for (int l = 0; l < m->nlines; l++)
            ivl_line_merge(&m->iv[c[j].slot].lines[l], in, c + j, g - j, l);
    }
    struct lg_results_ivl *last = m->niv ? &m->iv[m->niv - 1] : NULL;
    if (last && last_end < last->end_ns && last_end > last->begin_ns)
        last->end_ns = last_end;
    free(c);
}

/* The best full interval's requests/s, from the merged series. */
static void hwm_thru(struct lg_results *m)
{
    m->hwm_thru = 0;
    m->hwm_thru_at = -1;
    for (size_t s = 0; s < m->niv; s++) {
        const struct lg_results_ivl *v = &m->iv[s];
        uint64_t req = 0;
        if (v->end_ns - v->begin_ns != m->interval_ns)
            continue;
        for (int l = 0; l < m->nlines; l++)
            req += v->lines[l].requests;
        double thru = (double)req * 1e9 / (double)m->interval_ns;
        if (req && thru > m->hwm_thru) {
            m->hwm_thru = thru;
            m->hwm_thru_at = v->end_ns;
        }
    }
}

/* ==== the run ============================================================ */

/* The hosts of the inputs, each once, joined by ','. */
static char *hosts(struct lg_results *const *in, int n)
{
    size_t len = 1;
    for (int k = 0; k < n; k++)
        len += strlen(in[k]->host ? in[k]->host : "") + 1;
    char *s = lg_calloc(1, len);
    for (int k = 0; k < n; k++) {
        const char *h = in[k]->host ? in[k]->host : "";
        int seen = !*h;
        for (int j = 0; j < k && !seen; j++)
            seen = in[j]->host && strcmp(in[j]->host, h) == 0;
        if (!seen)
            strcat(strcat(s, *s ? "," : ""), h);
    }
    return s;
}

/* The hosts' clocks: synchronised only if every one was (unknown if one
 * was and none was not), the largest errors (unknown if one is). */
static void clock_merge(struct lg_results_clock *m, struct lg_results *const *in, int n)
{
    *m = in[0]->clock;
    for (int k = 1; k < n; k++) {
        const struct lg_results_clock *c = &in[k]->clock;
        if (m->synced != 0 && c->synced != 1)
            m->synced = c->synced;
        m->max_error_s = m->max_error_s < 0 || c->max_error_s < 0 ? -1
                         : fmax(m->max_error_s, c->max_error_s);
        m->est_error_s = m->est_error_s < 0 || c->est_error_s < 0 ? -1
                         : fmax(m->est_error_s, c->est_error_s);
    }
}

/* What the run was: input 0's version and command line, the common
 * period, the earliest start; offsets off[k] of each input from it. */
static void meta_merge(struct lg_results *m, struct lg_results *const *in, int n, lg_ns_t *off)
{
    const struct lg_results *a = in[0];
    m->version = dup_or_null(a->version);
    m->host = hosts(in, n);
    m->argc = a->argc;
    m->argv = lg_calloc((size_t)a->argc + 1, sizeof *m->argv);
    for (int i = 0; i < a->argc; i++)
        m->argv[i] = dup_or_null(a->argv[i]);
    m->start_epoch_s = a->start_epoch_s;
    for (int k = 1; k < n; k++)
        if (in[k]->start_epoch_s < m->start_epoch_s)
            m->start_epoch_s = in[k]->start_epoch_s;
    for (int k = 0; k < n; k++)
        off[k] = (lg_ns_t)llround((in[k]->start_epoch_s - m->start_epoch_s) * 1e9);
    m->interval_ns = a->interval_ns;
    /* shards (issue 11), checked to be all of a run's, each once: the
     * merge is all N of them (index -1); other runs merged make one */
    m->shard = n == 1 ? a->shard : lg_results_is_shard(a) ? -1 : 0;
    m->nshards = n == 1 || lg_results_is_shard(a) ? a->nshards : 1;
    clock_merge(&m->clock, in, n);
}

/* The run-wide figures of input b, added into m. */
static void totals_add(struct lg_results *m, const struct lg_results *b, lg_ns_t off)
{
    struct lg_collector_totals *t = &m->t;
    m->merged += b->merged > 0 ? b->merged : 1;
    span_add(&m->begin_ns, &m->end_ns, b->begin_ns, b->end_ns, off);
    t->received += b->t.received;
    t->sent += b->t.sent;
    t->lost += b->t.lost;
    t->requests += b->t.requests;
    t->transactions += b->t.transactions;
    t->errors += b->t.errors;
    t->timeouts += b->t.timeouts;
    t->started += b->t.started;
    t->ended += b->t.ended;
    t->active += b->t.active;
    m->received_stopped += b->received_stopped;
    m->missing += b->missing;
    m->bad_records += b->bad_records;
    m->names_refused += b->names_refused;
    m->unnamed += b->unnamed;
    hwm_add(&m->hwm_backlog, &m->hwm_backlog_at, b->hwm_backlog, b->hwm_backlog_at, off);
    m->out_failed |= b->out_failed;
    m->out_lost += b->out_lost;
    m->local_ops += b->local_ops;
    m->blocked_ns += b->blocked_ns;
    if (b->blocked_max_worker >= 0 && (m->blocked_max_worker < 0 ||
                                       b->blocked_max_ns > m->blocked_max_ns)) {
        m->blocked_max_ns = b->blocked_max_ns;
        m->blocked_max_worker = b->blocked_max_worker;
    }
    m->hard_ended += b->hard_ended;
}

/* Every input's workers that did not end normally, each noted with its
 * input's name. */
static void bad_merge(struct lg_results *m, struct lg_results *const *in, const char *const *name,
                      int n)
{
    for (int k = 0; k < n; k++)
        m->nbad += in[k]->nbad;
    m->bad = lg_calloc((size_t)m->nbad + 1, sizeof *m->bad);
    for (int k = 0, i = 0; k < n; k++)
        for (int j = 0; j < in[k]->nbad; j++, i++) {
            m->bad[i] = in[k]->bad[j];
            m->bad[i].message = noted(name[k], in[k]->bad[j].message);
        }
}

/* Every input's thresholds, each (expression, line) once. */
static void thresholds_merge(struct lg_results *m, struct lg_results *const *in, int n)
{
    int cap = 0;
    for (int k = 0; k < n; k++)
        cap += in[k]->nthr;
    m->thr = lg_calloc((size_t)cap + 1, sizeof *m->thr);
    for (int k = 0; k < n; k++)
        for (int i = 0; i < in[k]->nthr; i++) {
            const char *e = in[k]->thr[i].expression ? in[k]->thr[i].expression : "";
            int line = in[k]->thr[i].own_line, seen = 0;
            for (int j = 0; j < m->nthr && !seen; j++)
                seen = m->thr[j].own_line == line && strcmp(m->thr[j].expression, e) == 0;
            if (seen)
                continue;
            m->thr[m->nthr].expression = lg_strdup(e);
            m->thr[m->nthr++].own_line = line;
        }
}

/* The worst ending: the first signal, the first failure (noted). */
static void result_merge(struct lg_results *m, struct lg_results *const *in,
                         const char *const *name, int n)
{
    for (int k = 0; k < n; k++) {
        if (!m->signal)
            m->signal = in[k]->signal;
        if (!m->failure && in[k]->failure)
            m->failure = noted(name[k], in[k]->failure);
    }
}

static struct lg_results *merge(struct lg_results *const *in, const char *const *name, int n)
{
    struct lg_results *m = lg_calloc(1, sizeof *m);
    lg_ns_t *off = lg_calloc((size_t)n, sizeof *off);
    meta_merge(m, in, n, off);
    m->hwm_thru_at = m->hwm_backlog_at = -1;
    m->blocked_max_worker = -1;
    for (int k = 0; k < n; k++)
        totals_add(m, in[k], off[k]);
    m->nlines = in[0]->nlines;
    m->lines = lg_calloc((size_t)m->nlines + 1, sizeof *m->lines);
    for (int l = 0; l < m->nlines; l++)
        line_merge(&m->lines[l], in, n, l, off);
    bad_merge(m, in, name, n);
    series_merge(m, in, n, off);
    hwm_thru(m);
    thresholds_merge(m, in, n);
    result_merge(m, in, name, n);
    free(off);
    return m;
}

struct lg_results *lg_results_merge_named(struct lg_results *const *in,
                                          const char *const *names, int n, char *err,
                                          size_t errlen)
{
    if (n < 1) {
        snprintf(err, errlen, "nothing to merge");
        return NULL;
    }
    if (lg_results_merge_check(in, names, n, err, errlen) < 0)
        return NULL;
    char (*buf)[32] = lg_calloc((size_t)n, sizeof *buf);
    const char **name = lg_calloc((size_t)n, sizeof *name);
    for (int k = 0; k < n; k++) {
        snprintf(buf[k], sizeof buf[k], "input %d", k + 1);
        name[k] = names && names[k] ? names[k] : buf[k];
    }
    struct lg_results *m = merge(in, name, n);
    free(name);
    free(buf);
    return m;
}

struct lg_results *lg_results_merge(struct lg_results *const *in, int n, char *err, size_t errlen)
{
    return lg_results_merge_named(in, NULL, n, err, errlen);
}
