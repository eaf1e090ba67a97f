/* results_collect.c -- a finished run's figures, copied out of the
 * collector's read-only view into a struct lg_results (see results.h), so
 * the end summaries render plain data and the collector may be freed.
 *
 * Copies, never borrows: histograms are merged into fresh ones, strings
 * duplicated. The run-wide figures summary.c used to compute from the
 * workers at render time (records from the workers that stopped and
 * missing, the sum of their own ops/s, time blocked on the pipe, workers
 * ended at the hard end) are computed here, once, as it did. A line's
 * options become compact JSON with sorted keys (libjansson), what the
 * summary JSON shows as its "options". The interval series keeps the
 * encoded histograms interval.c kept (results.h says why). Renders
 * nothing. */
#include "results.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "controller.h"
#include "interval.h"
#include "mem.h"
#include "names.h"
#include "summary.h"
#include "threshold.h"
#include "version.h"

/* ==== a line's options =================================================== */

static json_t *strings(char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i] ? v[i] : ""));
    return a;
}

/* The parsed options of a line. */
static json_t *options(const struct lg_run_line *rl)
{
    const struct lg_config *c = rl->cfg;
    json_t *o = json_pack("{s:s?, s:s?, s:s?, s:I, s:f, s:I, s:o, s:f, s:f, s:f, s:f, s:f, s:f,"
                          " s:f, s:b, s:o, s:s?}",
                          "id", c->id, "cut", rl->cut_name, "cut_path", rl->cut_path,
                          "process", (json_int_t)c->process, "duration", c->duration, "loops",
                          (json_int_t)c->loops, "steps", strings(c->steps, c->nsteps),
                          "postpone", c->postpone, "rampup", c->rampup, "pauseloop",
                          c->pauseloop, "pausestep", c->pausestep, "summary", c->summary,
                          "timeout", c->timeout, "grace", c->grace, "open", c->openedmodel,
                          "thresholds", strings(c->thresholds, c->nthresholds), "extra",
                          c->extra);
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

/* Line l's options as compact JSON with sorted keys; "{}" when the caller
 * gave none (a collector fed by a test). */
static char *options_json(const struct lg_results_meta *m, int l)
{
    if (!m->lines || l >= m->nlines || !m->lines[l].cfg)
        return lg_strdup("{}");
    json_t *o = options(&m->lines[l]);
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!s)
        abort(); /* out of memory: the one policy (mem.h) */
    char *copy = lg_strdup(s);
    free(s);
    return copy;
}

/* ==== lines ============================================================== */

static void hist_copy(struct lg_hist *dst, const struct lg_hist *src)
{
    lg_hist_init(dst);
    lg_hist_merge(dst, src);
}

static struct lg_results_open *open_copy(const struct lg_openstats *o)
{
    struct lg_results_open *ro = lg_calloc(1, sizeof *ro);
    struct lg_openstats_counts k;
    struct lg_openstats_detail d;
    lg_openstats_counts(o, &k);
    lg_openstats_detail(o, &d);
    *ro = (struct lg_results_open){ .phases = k.phases, .phases_done = k.phases_done,
                                    .generated = k.generated, .processed = k.processed,
                                    .dropped = k.dropped, .requests = d.requests,
                                    .late1 = d.late1, .late2 = d.late2,
                                    .late_max_ns = d.late_max_ns, .hwm_depth = d.hwm_depth,
                                    .hwm_depth_at = d.hwm_depth_at, .started = d.started,
                                    .retired = d.retired, .peak_live = d.peak_live,
                                    .nphases = d.nphases };
    for (int i = 0; i < LG_OPEN_NTIMES; i++)
        hist_copy(&ro->times[i], d.times[i]);
    ro->phase = lg_calloc(d.nphases > 0 ? (size_t)d.nphases : 1, sizeof *ro->phase);
    for (int i = 0; i < d.nphases; i++) {
        struct lg_openstats_phase p;
        lg_openstats_phase_get(o, i, &p);
        ro->phase[i] = (struct lg_results_phase){ .duration_s = p.duration_s,
                                                  .asked_r1 = p.asked_r1, .asked_r2 = p.asked_r2,
                                                  .achieved = p.achieved, .done = p.done,
                                                  .generated = p.generated,
                                                  .processed = p.processed,
                                                  .dropped = p.dropped };
    }
    return ro;
}

static void rows_copy(struct lg_results_line *rl, const struct lg_collector *c, int l,
                      const struct lg_names *names)
{
    struct lg_collector_row row;
    size_t pos = 0, cap = 0;
    while (lg_collector_row_next(c, l, &pos, &row)) {
        if (rl->nrows == cap) {
            cap = cap ? 2 * cap : 8;
            rl->rows = lg_realloc(rl->rows, cap * sizeof *rl->rows);
        }
        struct lg_results_row *r = &rl->rows[rl->nrows++];
        r->name = lg_strdup(lg_names_str(names, row.name));
        r->kind = row.kind;
        r->errors = row.errors;
        hist_copy(&r->h, row.h);
    }
}

static void lines_copy(struct lg_results *r, const struct lg_collector *c,
                       const struct lg_collector_view *v, const struct lg_results_meta *m)
{
    r->nlines = v->nlines;
    r->lines = lg_calloc((size_t)v->nlines, sizeof *r->lines);
    for (int l = 0; l < v->nlines; l++) {
        struct lg_results_line *rl = &r->lines[l];
        struct lg_collector_line lv;
        lg_collector_line(c, l, &lv);
        *rl = (struct lg_results_line){ .id = lg_strdup(lv.info->id ? lv.info->id : ""),
                                        .cut = lg_strdup(lv.info->cut ? lv.info->cut : ""),
                                        .options_json = options_json(m, l),
                                        .started = lv.started, .ended = lv.ended,
                                        .retired = lv.retired, .hook_errors = lv.hook_errors,
                                        .begin_ns = lv.begin_ns, .end_ns = lv.end_ns,
                                        .open = lv.open ? open_copy(lv.open) : NULL };
        rows_copy(rl, c, l, v->names);
    }
}

/* ==== workers ============================================================ */

static double per_s(uint64_t n, lg_ns_t span_ns)
{
    return span_ns > 0 ? (double)n * 1e9 / (double)span_ns : 0.0;
}

/* What the workers that stopped add up to (summary.c's figures). */
static void stopped_figures(struct lg_results *r, int i, const struct lg_collector_worker *w)
{
    const struct lg_record *st = w->stop;
    r->hard_ended += st->rc == LG_STOP_HARD_END;
    r->received_stopped += w->received;
    if (st->u.stop.sent > w->received)
        r->missing += st->u.stop.sent - w->received;
    if (w->generator)
        return;
    r->local_ops += per_s(st->u.stop.opcount, st->u.stop.end_ns - st->u.stop.start_ns);
    r->blocked_ns += st->u.stop.wait_ns;
    if (r->blocked_max_worker < 0 || st->u.stop.wait_ns > r->blocked_max_ns) {
        r->blocked_max_ns = st->u.stop.wait_ns;
        r->blocked_max_worker = i;
    }
}

static void bad_add(struct lg_results *r, int i, const struct lg_collector_worker *w, unsigned f,
                    int *cap)
{
    if (r->nbad == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        r->bad = lg_realloc(r->bad, (size_t)*cap * sizeof *r->bad);
    }
    r->bad[r->nbad++] = (struct lg_results_worker){
        .worker = i, .pid = w->pid, .line = w->line, .generator = w->generator, .faults = f,
        .signal = f & LG_FAULT_SIGNAL ? WTERMSIG(w->status) : 0,
        .exit_code = f & LG_FAULT_EXIT ? WEXITSTATUS(w->status) : 0,
        .sent = w->stop ? w->stop->u.stop.sent : 0, .received = w->received, .lost = w->lost,
        .disorder = w->disorder, .message = w->fail_msg ? lg_strdup(w->fail_msg) : NULL };
}

static void workers_copy(struct lg_results *r, const struct lg_collector *c,
                         const struct lg_collector_view *v)
{
    struct lg_collector_worker w;
    int cap = 0;
    r->blocked_max_worker = -1;
    for (int i = 0; i < v->nworkers; i++) {
        if (!lg_collector_worker(c, i, &w))
            continue;
        if (w.stop)
            stopped_figures(r, i, &w);
        unsigned f = lg_summary_worker_faults(&w);
        if (f)
            bad_add(r, i, &w, f, &cap);
    }
}

/* ==== the series and the rest ============================================ */

static void series_copy(struct lg_results *r, const struct lg_intervals *iv)
{
    r->niv = lg_intervals_count(iv);
    r->iv = lg_calloc(r->niv ? r->niv : 1, sizeof *r->iv);
    for (size_t i = 0; i < r->niv; i++) {
        struct lg_results_ivl *ri = &r->iv[i];
        lg_intervals_span(iv, i, &ri->begin_ns, &ri->end_ns);
        ri->lines = lg_calloc((size_t)r->nlines, sizeof *ri->lines);
        for (int l = 0; l < r->nlines; l++) {
            const struct lg_interval_line *il = lg_intervals_line(iv, i, l);
            struct lg_results_ivl_line *rl = &ri->lines[l];
            *rl = (struct lg_results_ivl_line){ .requests = il->requests, .errors = il->errors,
                                                .max_ns = il->max_ns, .workers = il->workers,
                                                .queue_depth = il->queue_depth,
                                                .generated = il->generated,
                                                .dropped = il->dropped };
            rl->histogram = il->histogram ? lg_strdup(il->histogram) : NULL;
        }
    }
}

static void meta_copy(struct lg_results *r, const struct lg_results_meta *m)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) < 0)
        host[0] = '\0';
    r->version = lg_strdup(LG_VERSION);
    r->host = lg_strdup(host);
    r->argc = m->argc;
    r->argv = lg_calloc(m->argc > 0 ? (size_t)m->argc : 1, sizeof *r->argv);
    for (int i = 0; i < m->argc; i++)
        r->argv[i] = lg_strdup(m->argv[i] ? m->argv[i] : "");
    r->start_epoch_s = m->start_epoch_s;
    r->interval_ns = m->interval_ns;
    r->shard = m->nshards > 1 ? m->shard : 0;
    r->nshards = m->nshards > 1 ? m->nshards : 1;
    r->merged = 1;
    const struct lg_clock_sync *cs = m->clock;
    int known = cs && cs->maxerror_ns >= 0;
    r->clock.synced = known ? cs->synced != 0 : -1;
    r->clock.max_error_s = known ? (double)cs->maxerror_ns / 1e9 : -1;
    r->clock.est_error_s = known && cs->esterror_ns >= 0 ? (double)cs->esterror_ns / 1e9 : -1;
    r->signal = m->signal;
    r->failure = m->failure ? lg_strdup(m->failure) : NULL;
    const struct lg_thresholds *th = m->thresholds;
    r->nthr = th ? th->n : 0;
    r->thr = lg_calloc(r->nthr ? (size_t)r->nthr : 1, sizeof *r->thr);
    for (int i = 0; i < r->nthr; i++) {
        r->thr[i].expression = lg_strdup(th->v[i].text);
        r->thr[i].own_line = th->v[i].own_line;
    }
}

struct lg_results *lg_results_collect(const struct lg_collector *c,
                                      const struct lg_results_meta *m)
{
    struct lg_results *r = lg_calloc(1, sizeof *r);
    struct lg_collector_view v;
    lg_collector_view(c, &v);
    meta_copy(r, m);
    /* the view's run-wide figures, as they are */
    r->begin_ns = v.begin_ns, r->end_ns = v.end_ns, r->t = v.t;
    r->bad_records = v.bad_records, r->names_refused = v.names_refused, r->unnamed = v.unnamed;
    r->hwm_thru = v.hwm_thru, r->hwm_thru_at = v.hwm_thru_at;
    r->hwm_backlog = v.hwm_backlog, r->hwm_backlog_at = v.hwm_backlog_at;
    r->out_failed = v.out_failed, r->out_lost = v.out_lost;
    lines_copy(r, c, &v, m);
    workers_copy(r, c, &v);
    series_copy(r, lg_collector_intervals(c));
    return r;
}
