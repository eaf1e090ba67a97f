/* collector_view.c -- what the collector aggregated, read only (see the
 * view in collector.h): run totals and spans, each line's statistics rows,
 * each worker's outcome, and an open line's state for the controller.
 * Copies out of the collector's state (collector_impl.h); never changes
 * it, never formats anything. */
#include <string.h>

#include "collector_impl.h"

void lg_collector_totals(const struct lg_collector *c, struct lg_collector_totals *t)
{
    *t = c->t;
    t->active = c->t.started - c->t.ended;
}

void lg_collector_line_state(const struct lg_collector *c, int line, struct lg_line_state *st)
{
    memset(st, 0, sizeof *st);
    if (line < 0 || line >= c->nlines)
        return;
    const struct lg_cline *cl = &c->lines[line];
    st->ready = cl->started;
    st->live = cl->started - cl->ended;
    if (cl->open) {
        struct lg_openstats_counts k;
        lg_openstats_counts(cl->open, &k);
        st->phases_done = k.phases_done;
        st->generated = k.generated;
        st->processed = k.processed;
        st->dropped = k.dropped;
    }
}

void lg_collector_view(const struct lg_collector *c, struct lg_collector_view *v)
{
    memset(v, 0, sizeof *v);
    lg_collector_totals(c, &v->t);
    v->bad_records = c->bad_records;
    v->names_refused = c->names_refused;
    v->unnamed = c->unnamed;
    for (int l = 0; l < c->nlines; l++)
        if (c->lines[l].last_end > v->end_ns)
            v->end_ns = c->lines[l].last_end;
    v->begin_ns = c->have_begin ? c->first_begin : v->end_ns; /* no load start: empty */
    struct lg_intervals_thru th;
    lg_intervals_thru(c->iv, &th);
    v->hwm_thru = th.hwm;
    v->hwm_thru_at = th.hwm_at;
    v->backlog = c->backlog;
    v->hwm_backlog = c->hwm_backlog;
    v->hwm_backlog_at = c->hwm_backlog_at;
    v->out_failed = c->out.failed;
    v->out_lost = c->out.lost_lines;
    v->nlines = c->nlines;
    v->nworkers = c->nworkers;
    v->names = &c->names;
}

void lg_collector_line(const struct lg_collector *c, int l, struct lg_collector_line *lv)
{
    const struct lg_cline *cl = &c->lines[l];
    lv->info = cl->info;
    lv->started = cl->started;
    lv->ended = cl->ended;
    lv->retired = cl->retired;
    lv->hook_errors = cl->hook_errors;
    lv->begin_ns = cl->have_begin ? cl->first_begin : cl->last_end; /* none: empty */
    lv->end_ns = cl->last_end;
    lv->open = cl->open;
}

int lg_collector_row_next(const struct lg_collector *c, int l, size_t *pos,
                          struct lg_collector_row *row)
{
    const struct lg_cline *cl = &c->lines[l];
    for (; *pos < cl->nrows; ++*pos) {
        const struct lg_cstat *s = cl->rows[*pos];
        if (!s)
            continue;
        row->name = (int)(*pos / LG_NKINDS);
        row->kind = (int)(*pos % LG_NKINDS);
        row->h = &s->h;
        row->errors = s->errors;
        ++*pos;
        return 1;
    }
    return 0;
}

const struct lg_intervals *lg_collector_intervals(const struct lg_collector *c)
{
    return c->iv;
}

void lg_collector_output(const struct lg_collector *c, struct lg_collector_output *o)
{
    o->fd = c->out.fd;
    o->pending = lg_outbuf_pending(&c->out);
    o->failed = c->out.failed;
    o->err_fd = c->err.fd;
    o->err_pending = lg_outbuf_pending(&c->err);
}

int lg_collector_worker(const struct lg_collector *c, int i, struct lg_collector_worker *wv)
{
    const struct lg_cworker *w = i >= 0 && i < c->nworkers ? c->workers[i] : NULL;
    if (!w)
        return 0;
    wv->pid = w->pid;
    wv->line = w->line;
    wv->generator = w->generator;
    wv->started = w->started;
    wv->stopped = w->stopped;
    wv->reaped = w->reaped;
    wv->status = w->status;
    wv->received = w->received;
    wv->lost = w->lost;
    wv->disorder = w->disorder;
    wv->stop = w->stopped ? &w->stop : NULL;
    wv->fail_msg = w->fail_msg;
    return 1;
}
