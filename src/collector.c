/* collector.c -- records in; event lines, error lines and aggregated
 * statistics out (see collector.h).
 *
 * Relies on each worker's records arriving in order (one pipe, whole-record
 * writes) with a gap-free `seq`, so a gap is a loss and is counted. Names
 * are interned per worker; the collector maps them by string to one run-wide
 * table (names.c), so the same name from two workers is one statistics row
 * per line. Latencies go into fixed-size histograms (hist.c). Event and
 * error lines are formatted by report.c into large output buffers
 * (outbuf.c); the hot path (one request record) allocates nothing once
 * names and workers are known.
 *
 * Throughput intervals are [k*summary, (k+1)*summary) on the run clock,
 * kept with their figures per line by interval.c (which says in which
 * interval a late or early request counts). Each closed interval's periodic
 * line is rendered by summary.c; the end summary is not written here at all, only exposed as a
 * read-only view. Deliberately absent: any knowledge of pipes, pids or
 * signals beyond what the calls below hand in.
 *
 * Open-model lines add a generator process, which writes to the pipe like a
 * worker (its seq is checked) but counts as none, and event records (JOB,
 * DROP, PHASE) that openstats.c accounts for, one lg_openstats per line.
 * With --hdr-log, each row's values (and an open line's event times) also
 * go to their interval histograms, written at each interval's close
 * (hdrlog.c). */
#include "collector.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector_impl.h"
#include "mem.h"
#include "outbuf.h"
#include "report.h"
#include "summary.h"

#define OUT_BUF_BYTES (1 << 20)  /* event lines written in chunks of about this */
#define OUT_MAX_BYTES (64 << 20) /* event lines held while a non-blocking output takes none */
#define ERR_BUF_BYTES (256 << 10)
#define ERR_MAX_BYTES (16 << 20) /* error lines held while a non-blocking stderr takes none */

/* "HH:MM:SS.uuuuuu " of run time t, before a rare error line (event and
 * request error lines use report.c's cached second instead). */
static void err_stamp(struct lg_collector *c, lg_ns_t t)
{
    int64_t wall = lg_clock_wall_ns(t);
    time_t sec = (time_t)(wall / LG_NS_PER_S);
    struct tm tm;
    if (!localtime_r(&sec, &tm))
        memset(&tm, 0, sizeof tm);
    lg_outbuf_printf(&c->err, "%02d:%02d:%02d.%06lld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (long long)(wall % LG_NS_PER_S / 1000));
}

static void flush_all(struct lg_collector *c)
{
    lg_outbuf_sync(&c->out);
    lg_outbuf_sync(&c->err);
}

/* ==== names ============================================================== */

/* A name the run-wide table refused (it is full), or a record that has
 * none (LG_NAME_NONE: its worker's ids were used up): said once a run,
 * counted always. */
static void name_over(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec,
                      lg_ns_t t)
{
    if (c->names_refused + c->unnamed > 0)
        return;
    err_stamp(c, t);
    lg_outbuf_printf(&c->err,
                     "ERROR worker %d (pid %d): more than %d request names in the run: the "
                     "names past the cap are refused, their records counted, never named\n",
                     rec->worker, w->pid, LG_NAMES_MAX);
}

/* The run-wide index of worker name id `id`, or -1 when it has none (over
 * the cap); an id never defined (its NAME records were lost) gets a
 * visible placeholder. */
static int worker_name(struct lg_collector *c, struct lg_cworker *w, unsigned id)
{
    int index = id == LG_NAME_NONE ? LG_NAMEMAP_REFUSED : lg_namemap_get(&w->names, id);
    if (index >= 0 || index == LG_NAMEMAP_REFUSED)
        return index >= 0 ? index : -1;
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "?name%u", id);
    index = lg_names_intern(&c->names, tmp, (size_t)n);
    lg_namemap_set(&w->names, id, index >= 0 ? index : LG_NAMEMAP_REFUSED);
    return index;
}


/* ==== workers and lines ================================================== */

static struct lg_cworker *worker_get(struct lg_collector *c, int index, int pid)
{
    if (index >= c->nworkers) {
        int n = c->nworkers ? c->nworkers : 16;
        while (n <= index)
            n *= 2;
        c->workers = lg_realloc(c->workers, (size_t)n * sizeof *c->workers);
        memset(c->workers + c->nworkers, 0, (size_t)(n - c->nworkers) * sizeof *c->workers);
        c->nworkers = n;
    }
    struct lg_cworker *w = c->workers[index];
    if (!w) {
        w = c->workers[index] = lg_calloc(1, sizeof *w);
        w->pid = pid;
    }
    return w;
}

/* w's live buffers, allocated on first use. */
static struct lg_cwlive *worker_live(struct lg_cworker *w)
{
    if (!w->live)
        w->live = lg_calloc(1, sizeof *w->live);
    return w->live;
}

/* Frees what w needed only while sending, once it has stopped and been
 * reaped: no record of it can come after both (a late one would find an
 * unknown name id, and buffers allocated anew). Its held line, if any, must
 * have been written. */
static void worker_release(struct lg_cworker *w)
{
    if (!w->stopped || !w->reaped)
        return;
    lg_namemap_free(&w->names);
    free(w->live);
    w->live = NULL;
}

static struct lg_cstat *stat_row(struct lg_collector *c, int line, int name, int kind)
{
    struct lg_cline *l = &c->lines[line];
    size_t i = (size_t)name * LG_NKINDS + (size_t)kind;
    if (i >= l->nrows) {
        size_t nn = lg_names_count(&c->names) * LG_NKINDS;
        size_t n = nn > i ? nn : i + 1;
        l->rows = lg_realloc(l->rows, n * sizeof *l->rows);
        memset(l->rows + l->nrows, 0, (n - l->nrows) * sizeof *l->rows);
        l->nrows = n;
    }
    if (!l->rows[i]) {
        l->rows[i] = lg_malloc(sizeof *l->rows[i]);
        lg_hist_init(&l->rows[i]->h);
        l->rows[i]->errors = 0;
        l->rows[i]->iv = NULL;
    }
    return l->rows[i];
}

/* --hdr-log: the duration of rec into row s's interval histogram. */
static void stat_interval(struct lg_collector *c, struct lg_cstat *s, int line, int name, int kind,
                          const struct lg_record *rec)
{
    if (!s->iv)
        s->iv = lg_hdrlog_row_new(c->hdr, c->lines[line].info->id ? c->lines[line].info->id : "",
                                  lg_names_str(&c->names, name), kind == LG_KIND_REQ ? "req" : "tra");
    lg_hdrlog_record(c->hdr, s->iv, rec->u.ev.end_ns, rec->u.ev.end_ns - rec->u.ev.begin_ns);
}

/* The accounting of open line l, created on first use (records of the
 * open model on a line not declared open are still counted). */
static struct lg_openstats *line_open(struct lg_collector *c, int l)
{
    struct lg_cline *cl = &c->lines[l];
    if (!cl->open)
        cl->open = lg_openstats_new(cl->info->schedule);
    return cl->open;
}

/* Tells the series, and an open line's accounting, how its workers stand. */
static void line_workers(struct lg_collector *c, int l)
{
    const struct lg_cline *cl = &c->lines[l];
    lg_intervals_workers(c->iv, l, cl->started - cl->ended);
    if (cl->open)
        lg_openstats_workers(cl->open, cl->started, cl->started - cl->ended, cl->retired);
}

/* A worker's end counts once, whether the STOP or the reaping comes first,
 * and only for a worker that started. */
static void worker_ended(struct lg_collector *c, struct lg_cworker *w)
{
    if (!w->started || w->counted_end)
        return;
    w->counted_end = 1;
    c->t.ended++;
    c->lines[w->line].ended++;
    line_workers(c, w->line);
}

/* A load start on line l (a START record): the earliest is the line's
 * begin, and the run's. */
static void note_begin(struct lg_collector *c, struct lg_cline *l, lg_ns_t t)
{
    if (!l->have_begin || t < l->first_begin)
        l->first_begin = t;
    l->have_begin = 1;
    if (!c->have_begin || t < c->first_begin)
        c->first_begin = t;
    c->have_begin = 1;
}

/* A request or transaction began at t on line l: the begin of a line (and
 * of the run) that has none yet, as when its START record was lost. */
static void note_first(struct lg_collector *c, struct lg_cline *l, lg_ns_t t)
{
    l->first_begin = t;
    l->have_begin = 1;
    if (!c->have_begin) {
        c->first_begin = t;
        c->have_begin = 1;
    }
}

/* Something on line l ended at t; the run's end is the latest line's. */
static void note_end(struct lg_cline *l, lg_ns_t t)
{
    if (t > l->last_end)
        l->last_end = t;
}

/* ==== event lines ======================================================== */

static double global_thru(const struct lg_collector *c, lg_ns_t end_ns)
{
    struct lg_intervals_thru t;
    lg_intervals_thru(c->iv, &t);
    if (t.valid)
        return t.last;
    lg_ns_t elapsed = c->have_begin ? end_ns - c->first_begin : 0;
    return elapsed > 0 ? (double)c->t.requests * 1e9 / (double)elapsed : 0.0;
}

static double local_thru(const struct lg_cworker *w, const struct lg_record *rec)
{
    lg_ns_t start = w->started ? w->start_ns : rec->u.ev.begin_ns;
    lg_ns_t elapsed = rec->u.ev.end_ns - start;
    return elapsed > 0 ? (double)rec->u.ev.opcount * 1e9 / (double)elapsed : 0.0;
}

static void event_fill(struct lg_collector *c, const struct lg_cworker *w,
                       const struct lg_record *rec, int name, struct lg_event *ev)
{
    const struct lg_line_info *li = c->lines[w->line].info;
    memset(ev, 0, sizeof *ev);
    ev->rec = rec;
    ev->id = li->event_id ? li->event_id : li->id ? li->id : "";
    ev->cut = li->cut ? li->cut : "";
    ev->name = lg_names_str(&c->names, name);
    ev->step = rec->step < li->nsteps && li->steps ? li->steps[rec->step] : NULL;
    ev->line = w->line;
    ev->open = li->open;
    ev->global_ops = c->t.requests;
    ev->global_thru = global_thru(c, rec->u.ev.end_ns);
    ev->local_thru = local_thru(w, rec);
    ev->started = c->t.started;
    ev->ended = c->t.ended;
    ev->active = c->t.started - c->t.ended;
    ev->line_active = c->lines[w->line].started - c->lines[w->line].ended;
    ev->backlog = c->backlog;
}

/* jtl: writes the held transaction line, now that its requests are in. */
static void hold_flush(struct lg_collector *c, struct lg_cworker *w)
{
    struct lg_event ev;
    if (!w->live || !w->live->hold.held)
        return;
    event_fill(c, w, &w->live->hold.rec, w->live->hold.name, &ev);
    lg_report_hold_release(&w->live->hold, &ev);
    lg_report_put_event(&c->rep, &c->out, &ev);
}

/* ==== record handlers ==================================================== */

/* The pending message, consumed: valid until the next TEXT record. */
static const char *text_take(struct lg_cworker *w)
{
    struct lg_cwlive *lv = w->live;
    if (!lv || !lv->text_len)
        return NULL;
    lv->text[lv->text_len] = '\0';
    lv->text_len = 0;
    lv->text_done = 0;
    return lv->text;
}

/* A REQ, TRA or ERR record with no name: counted apart, in no figure. */
static void on_unnamed(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    name_over(c, w, rec, rec->u.ev.end_ns);
    c->unnamed++;
    text_take(w);
}

static void on_req(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    struct lg_cline *l = &c->lines[w->line];
    int name = worker_name(c, w, rec->name);
    if (name < 0) {
        on_unnamed(c, w, rec);
        return;
    }
    struct lg_cstat *s = stat_row(c, w->line, name, LG_KIND_REQ);
    const char *err = text_take(w);
    lg_hist_record(&s->h, rec->u.ev.end_ns - rec->u.ev.begin_ns);
    if (c->recent)
        lg_hist_record(c->recent, rec->u.ev.end_ns - rec->u.ev.begin_ns);
    if (c->hdr)
        stat_interval(c, s, w->line, name, LG_KIND_REQ, rec);
    c->t.requests++;
    c->t.timeouts += rec->rc == LG_RC_TIMEOUT;
    if (rec->rc) {
        s->errors++;
        c->t.errors++;
    } else {
        err = NULL; /* a message with no failure belongs to nothing */
    }
    if (!l->have_begin)
        note_first(c, l, rec->u.ev.begin_ns);
    note_end(l, rec->u.ev.end_ns);
    lg_intervals_request(c->iv, w->line, rec->u.ev.end_ns, rec->u.ev.end_ns - rec->u.ev.begin_ns,
                         rec->rc != 0);

    struct lg_event ev;
    event_fill(c, w, rec, name, &ev);
    ev.error = err;
    if (rec->rc)
        lg_report_put_error(&c->rep, &c->err, &ev);
    lg_report_put_event(&c->rep, &c->out, &ev);
    if (w->live && w->live->hold.held)
        lg_report_hold_count(&w->live->hold, rec, err);
}

static void on_tra(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    struct lg_cline *l = &c->lines[w->line];
    int name = worker_name(c, w, rec->name);
    if (name < 0) {
        on_unnamed(c, w, rec);
        return;
    }
    struct lg_cstat *s = stat_row(c, w->line, name, LG_KIND_TRA);
    lg_hist_record(&s->h, rec->u.ev.end_ns - rec->u.ev.begin_ns);
    if (c->hdr)
        stat_interval(c, s, w->line, name, LG_KIND_TRA, rec);
    c->t.transactions++;
    if (rec->rc) {
        s->errors++;
        c->t.errors++;
    }
    if (!l->have_begin)
        note_first(c, l, rec->u.ev.begin_ns);
    note_end(l, rec->u.ev.end_ns);
    if (lg_report_holds(&c->rep)) {
        lg_report_hold(&worker_live(w)->hold, rec, name);
        return;
    }
    struct lg_event ev;
    event_fill(c, w, rec, name, &ev);
    lg_report_put_event(&c->rep, &c->out, &ev);
}

static void on_err(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    int name = worker_name(c, w, rec->name);
    struct lg_event ev;
    if (name < 0) {
        on_unnamed(c, w, rec);
        return;
    }
    c->t.errors++;
    c->t.timeouts += rec->rc == LG_RC_TIMEOUT;
    c->lines[w->line].hook_errors++;
    lg_intervals_error(c->iv, w->line, rec->u.ev.end_ns);
    event_fill(c, w, rec, name, &ev);
    ev.error = text_take(w);
    lg_report_put_error(&c->rep, &c->err, &ev);
}

static void on_start(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    if (w->started || w->generator)
        return;
    w->started = 1;
    w->start_ns = rec->u.ev.begin_ns;
    c->t.started++;
    c->lines[w->line].started++;
    line_workers(c, w->line);
    note_begin(c, &c->lines[w->line], rec->u.ev.begin_ns);
}

static void on_stop(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    const char *msg = text_take(w);
    int retired = rec->rc == LG_STOP_RETIRED && !w->stopped && !w->generator;
    w->stopped = 1;
    w->stop = *rec;
    c->t.sent += rec->u.stop.sent;
    note_end(&c->lines[w->line], rec->u.stop.end_ns);
    if (rec->rc == LG_STOP_FAILED) {
        free(w->fail_msg);
        w->fail_msg = lg_strdup(msg ? msg : "(no message)");
        err_stamp(c, rec->u.stop.end_ns);
        lg_outbuf_printf(&c->err, "ERROR worker %d (pid %d) could not run its CUT: %s\n",
                         rec->worker, w->pid, w->fail_msg);
    }
    if (retired) {
        c->lines[w->line].retired++;
        line_workers(c, w->line);
    }
    worker_ended(c, w);
    hold_flush(c, w);
    worker_release(w);
}

/* Open model: JOB and DROP from the workers, PHASE from the generator. */
static void on_event(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    struct lg_openstats *o = line_open(c, w->line);
    if (rec->type == LG_REC_PHASE) {
        lg_openstats_phase(o, rec);
        return;
    }
    lg_openstats_job(o, rec);
    if (c->hdr && rec->type == LG_REC_JOB)
        lg_hdrlog_event(c->hdr, c->lines[w->line].hdr_ev, c->lines[w->line].info->id ?
                        c->lines[w->line].info->id : "", rec->u.job.intended_ns,
                        rec->u.job.begin_ns, rec->u.job.end_ns);
    lg_intervals_event(c->iv, w->line, rec->u.job.dispatched_ns, rec->u.job.end_ns,
                       rec->type == LG_REC_DROP);
    note_end(&c->lines[w->line], rec->u.job.end_ns);
}

/* NAME and TEXT chunks; text beyond the kept maximum is cut. */
static void on_name(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec,
                    lg_ns_t now)
{
    struct lg_cwlive *lv = worker_live(w);
    size_t n = rec->u.text.len < LG_TEXT_CHUNK ? rec->u.text.len : LG_TEXT_CHUNK;
    if (n > LG_NAME_MAX - lv->name_len)
        n = LG_NAME_MAX - lv->name_len;
    memcpy(lv->name_buf + lv->name_len, rec->u.text.bytes, n);
    lv->name_len += n;
    if (rec->u.text.more)
        return;
    int index = lg_names_intern(&c->names, lv->name_buf, lv->name_len);
    if (index < 0) {
        name_over(c, w, rec, now);
        c->names_refused++;
        index = LG_NAMEMAP_REFUSED;
    }
    lg_namemap_set(&w->names, rec->name, index);
    lv->name_len = 0;
}

static void on_text(struct lg_cworker *w, const struct lg_record *rec)
{
    struct lg_cwlive *lv = worker_live(w);
    if (lv->text_done) { /* a whole message nobody took: a new one starts */
        lv->text_len = 0;
        lv->text_done = 0;
    }
    size_t n = rec->u.text.len < LG_TEXT_CHUNK ? rec->u.text.len : LG_TEXT_CHUNK;
    if (n > LG_TEXT_MAX - lv->text_len)
        n = LG_TEXT_MAX - lv->text_len;
    memcpy(lv->text + lv->text_len, rec->u.text.bytes, n);
    lv->text_len += n;
    lv->text_done = !rec->u.text.more;
}

/* Counts the records missing before rec (a gap in seq); `now` stamps the
 * message, as the lost records carry no time of their own. */
static void check_seq(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec,
                      lg_ns_t now)
{
    if (rec->seq == w->next_seq) {
        w->next_seq++;
        return;
    }
    err_stamp(c, now);
    if (rec->seq < w->next_seq) {
        w->disorder++;
        lg_outbuf_printf(&c->err, "ERROR worker %d (pid %d): record %u arrived after record %u\n",
                         rec->worker, w->pid, rec->seq, w->next_seq - 1);
        return;
    }
    uint32_t gap = rec->seq - w->next_seq;
    w->lost += gap;
    c->t.lost += gap;
    lg_outbuf_printf(&c->err, "ERROR worker %d (pid %d): %u records lost (records %u to %u)\n",
                     rec->worker, w->pid, gap, w->next_seq, rec->seq - 1);
    w->next_seq = rec->seq + 1;
}

void lg_collector_feed(struct lg_collector *c, const struct lg_record *rec, lg_ns_t now)
{
    struct lg_cworker *w = worker_get(c, rec->worker, rec->pid);
    if (!w->pid)
        w->pid = rec->pid;
    check_seq(c, w, rec, now);
    w->received++;
    c->t.received++;
    if (w->live && w->live->hold.held && !lg_report_hold_continues(&w->live->hold, rec))
        hold_flush(c, w);
    switch (rec->type) {
    case LG_REC_REQ:
        on_req(c, w, rec);
        break;
    case LG_REC_TRA:
        on_tra(c, w, rec);
        break;
    case LG_REC_ERR:
        on_err(c, w, rec);
        break;
    case LG_REC_START:
        on_start(c, w, rec);
        break;
    case LG_REC_STOP:
        on_stop(c, w, rec);
        break;
    case LG_REC_NAME:
        on_name(c, w, rec, now);
        break;
    case LG_REC_TEXT:
        on_text(w, rec);
        break;
    case LG_REC_JOB:
    case LG_REC_DROP:
    case LG_REC_PHASE:
        on_event(c, w, rec);
        break;
    default:
        c->bad_records++;
        break;
    }
}

/* ==== calls from the parent ============================================== */

struct lg_collector *lg_collector_new(const struct lg_collector_opts *opts)
{
    struct lg_collector *c = lg_calloc(1, sizeof *c);
    c->summary_ns = opts->summary_ns > 0 ? opts->summary_ns : LG_NS_PER_S;
    c->quiet = opts->quiet;
    c->fallback_line = (struct lg_line_info){ .id = "logen", .cut = "?" };
    c->nlines = opts->nlines > 0 ? opts->nlines : 1;
    c->lines = lg_calloc((size_t)c->nlines, sizeof *c->lines);
    for (int i = 0; i < c->nlines; i++) {
        c->lines[i].info = opts->nlines > 0 ? &opts->lines[i] : &c->fallback_line;
        if (c->lines[i].info->open)
            line_open(c, i);
    }
    lg_report_init(&c->rep, opts->format);
    lg_outbuf_init(&c->out, opts->out, OUT_BUF_BYTES);
    if (opts->out_nonblock)
        lg_outbuf_nonblock(&c->out, OUT_MAX_BYTES);
    lg_outbuf_init(&c->err, opts->err, ERR_BUF_BYTES);
    if (opts->err_nonblock)
        lg_outbuf_nonblock(&c->err, ERR_MAX_BYTES);
    lg_names_init(&c->names);
    if (opts->hdr_log)
        c->hdr = lg_hdrlog_new(opts->hdr_log, c->summary_ns, lg_clock_wall_ns(0));
    c->iv = lg_intervals_new(c->summary_ns, c->nlines, opts->keep_series);
    c->hwm_backlog_at = -1;
    lg_report_put_header(&c->rep, &c->out);
    return c;
}

void lg_collector_free(struct lg_collector *c)
{
    if (!c)
        return;
    flush_all(c);
    for (int i = 0; i < c->nworkers; i++) {
        if (c->workers[i]) {
            lg_namemap_free(&c->workers[i]->names);
            free(c->workers[i]->live);
            free(c->workers[i]->fail_msg);
            free(c->workers[i]);
        }
    }
    for (int l = 0; l < c->nlines; l++) {
        for (size_t i = 0; i < c->lines[l].nrows; i++) {
            if (c->lines[l].rows[i])
                lg_hist_fini(&c->lines[l].rows[i]->h);
            free(c->lines[l].rows[i]);
        }
        free(c->lines[l].rows);
        lg_openstats_free(c->lines[l].open);
    }
    lg_names_free(&c->names);
    if (c->recent)
        lg_hist_fini(c->recent);
    free(c->recent);
    lg_hdrlog_free(c->hdr);
    lg_intervals_free(c->iv);
    free(c->workers);
    free(c->lines);
    lg_outbuf_free(&c->out);
    lg_outbuf_free(&c->err);
    free(c);
}

void lg_collector_add_worker(struct lg_collector *c, int worker, int line, int pid, lg_ns_t now)
{
    struct lg_cworker *w = worker_get(c, worker, pid);
    (void)now;
    w->line = line >= 0 && line < c->nlines ? line : 0;
    w->pid = pid;
}

void lg_collector_add_generator(struct lg_collector *c, int worker, int line, int pid, lg_ns_t now)
{
    lg_collector_add_worker(c, worker, line, pid, now);
    c->workers[worker]->generator = 1;
    line_open(c, c->workers[worker]->line);
}

void lg_collector_queue(struct lg_collector *c, int line, long depth, lg_ns_t now)
{
    if (line >= 0 && line < c->nlines) {
        lg_openstats_queue(line_open(c, line), depth, now);
        lg_intervals_queue(c->iv, line, depth);
    }
}

void lg_collector_inflight(struct lg_collector *c, int line, long n)
{
    if (line >= 0 && line < c->nlines)
        lg_openstats_inflight(line_open(c, line), n);
}

void lg_collector_backlog(struct lg_collector *c, long bytes, lg_ns_t now)
{
    c->backlog = bytes > 0 ? bytes / (long)sizeof(struct lg_record) : 0;
    if (c->backlog > c->hwm_backlog) {
        c->hwm_backlog = c->backlog;
        c->hwm_backlog_at = now;
    }
}

void lg_collector_output_write(struct lg_collector *c)
{
    lg_outbuf_flush(&c->out);
    lg_outbuf_flush(&c->err);
}

void lg_collector_output_abandon(struct lg_collector *c)
{
    lg_outbuf_abandon(&c->out);
    lg_outbuf_abandon(&c->err);
}

void lg_collector_worker_exit(struct lg_collector *c, int worker, int status, lg_ns_t now)
{
    struct lg_cworker *w = worker_get(c, worker, 0);
    (void)now;
    hold_flush(c, w);
    w->reaped = 1;
    w->status = status;
    worker_ended(c, w);
    worker_release(w);
}

void lg_collector_recent(struct lg_collector *c, struct lg_hist *h)
{
    if (!c->recent) {
        c->recent = lg_malloc(sizeof *c->recent);
        lg_hist_init(c->recent);
        return;
    }
    lg_hist_merge(h, c->recent);
    lg_hist_fini(c->recent);
    lg_hist_init(c->recent);
}

/* ==== intervals ========================================================== */

/* Closes the oldest open interval (interval.c keeps its figures and the
 * throughput), writes its periodic summary line (summary.c) and its
 * --hdr-log lines. */
static void interval_close(struct lg_collector *c)
{
    double thru;
    lg_ns_t end = lg_intervals_next_end(c->iv);
    int64_t k = lg_intervals_close(c->iv, c->have_begin ? c->first_begin : -1, &thru);
    if (!c->quiet)
        lg_summary_interval(&c->err, c, end, thru);
    if (c->hdr)
        lg_hdrlog_close(c->hdr, k);
}

lg_ns_t lg_collector_tick(struct lg_collector *c, lg_ns_t now)
{
    while (lg_intervals_next_end(c->iv) <= now)
        interval_close(c);
    flush_all(c);
    return lg_intervals_next_end(c->iv);
}

/* Writes every held line, closes the intervals ended by now, flushes. */
void lg_collector_close(struct lg_collector *c, lg_ns_t now)
{
    for (int i = 0; i < c->nworkers; i++)
        if (c->workers[i])
            hold_flush(c, c->workers[i]);
    lg_collector_tick(c, now);
    if (c->hdr)
        lg_hdrlog_end(c->hdr, now);
    struct lg_collector_view v;
    lg_collector_view(c, &v);
    lg_intervals_end(c->iv, v.end_ns);
}
