/* collector.c -- records in; event lines, error lines and summaries out
 * (see collector.h).
 *
 * Relies on each worker's records arriving in order (one pipe, whole-record
 * writes) with a gap-free `seq`, so a gap is a loss and is counted. Names
 * are interned per worker; the collector maps them by string to one run-wide
 * table, so the same name from two workers is one statistics row per line.
 * Latencies go into fixed-size histograms (hist.c). Lines are formatted by
 * report.c into a large buffer written with fwrite; the hot path (one
 * request record) allocates nothing once names and workers are known.
 *
 * Throughput intervals are [k*summary, (k+1)*summary) on the run clock; a
 * request counts in the interval its end falls in, or in the oldest open one
 * when it arrives after its interval closed, so no request is dropped from
 * the interval counts. Deliberately absent: any knowledge of pipes, pids or
 * signals beyond what the calls below hand in.
 *
 * Open-model lines add a generator process, which writes to the pipe like a
 * worker (its seq is checked) but counts as none, and event records (JOB,
 * DROP, PHASE) that openstats.c accounts for, one lg_openstats per line. */
#include "collector.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "hist.h"
#include "mem.h"
#include "openstats.h"
#include "report.h"

#define OUT_BUF_BYTES (1 << 20)  /* event lines written in chunks of about this */
#define ERR_BUF_BYTES (256 << 10)
#define RING 1024                /* open intervals tracked; later ends go to the last */
#define NAME_COL_MIN 20
#define NAME_COL_MAX 60

enum { KIND_REQ, KIND_TRA, NKINDS };

struct lg_cstat {                /* one (line, name, kind) row */
    struct lg_hist h;            /* durations, ns */
    uint64_t errors;             /* records with rc != 0 */
};

struct lg_cname {
    char *s;                     /* NUL-terminated, owned */
    size_t len;
    uint64_t hash;
};

struct lg_cline {
    const struct lg_line_info *info;
    int started, ended;          /* workers of the line */
    struct lg_cstat **rows;      /* [name * NKINDS + kind], NULL until used */
    size_t nrows;
    uint64_t hook_errors;        /* ERR records */
    int retired;                 /* workers that stopped with LG_STOP_RETIRED */
    struct lg_openstats *open;   /* open model: its events; NULL when closed */
};

struct lg_cworker {
    int line, pid;
    int generator;               /* an open line's generator: not a worker */
    uint32_t next_seq;           /* seq expected next */
    uint64_t received;           /* records received, all types */
    uint64_t lost;               /* records missing in seq gaps */
    uint64_t disorder;           /* records with a seq already passed */
    int started, stopped, reaped, counted_end;
    int status;                  /* waitpid status once reaped */
    lg_ns_t start_ns;            /* START begin_ns: its load start */
    struct lg_record stop;       /* its STOP record once stopped */
    char *fail_msg;              /* message of a LG_STOP_FAILED, owned */
    int32_t *names;              /* worker name id -> run-wide index, -1 unknown */
    size_t nnames;
    char name_buf[LG_NAME_MAX + 1]; /* NAME chunks so far */
    size_t name_len;
    char text[LG_TEXT_MAX + 1];  /* TEXT chunks: the next REQ/ERR's message */
    size_t text_len;
    int text_done;               /* the last chunk came: text is whole */
    /* jtl only: a transaction line held until its requests are counted */
    int pend;
    struct lg_record pend_rec;
    int pend_name;
    uint64_t pend_n, pend_m;
    char pend_err[LG_TEXT_MAX + 1]; /* first failing request's message */
};

struct lg_outbuf {
    FILE *f;
    char *buf;
    size_t len, cap;
    int failed;                  /* a write failed */
};

struct lg_collector {
    struct lg_collector_opts o;
    struct lg_line_info fallback_line; /* when the caller gives no line */
    struct lg_report rep;
    struct lg_outbuf out, err;
    struct lg_cline *lines;
    int nlines;
    struct lg_cworker **workers; /* by run-wide index, NULL: never seen */
    int nworkers;
    struct lg_cname *names;
    size_t nnames, names_cap;
    uint32_t *slots;             /* name hash table: index + 1, 0 empty */
    size_t nslots;
    struct lg_collector_totals t;
    uint64_t bad_records;        /* records of an unknown type */
    /* intervals */
    lg_ns_t summary_ns;
    int64_t first_open;          /* index of the oldest open interval */
    uint64_t ring[RING];         /* requests ended, per open interval */
    double last_thru;            /* req/s of the last full interval in the load */
    int thru_valid;
    double hwm_thru;
    lg_ns_t hwm_thru_at;         /* end of that interval */
    int namecol;                 /* summary: width of the name column */
    /* pipe and run span */
    long backlog, hwm_backlog;   /* records */
    lg_ns_t hwm_backlog_at;
    int have_begin;
    lg_ns_t first_begin;         /* earliest load start */
    lg_ns_t last_end;            /* latest end of anything */
};

/* ==== output buffers ===================================================== */

static void buf_init(struct lg_outbuf *b, FILE *f, size_t cap)
{
    b->f = f;
    b->cap = cap;
    b->len = 0;
    b->buf = lg_malloc(cap);
}

static void buf_flush(struct lg_outbuf *b)
{
    if (b->len && b->f && fwrite(b->buf, 1, b->len, b->f) != b->len)
        b->failed = 1;
    b->len = 0;
}

/* Room for one more line of any format. */
static char *buf_room(struct lg_outbuf *b)
{
    if (b->cap - b->len < LG_REPORT_LINE_MAX)
        buf_flush(b);
    return b->buf + b->len;
}

__attribute__((format(printf, 2, 3))) static void err_printf(struct lg_collector *c,
                                                            const char *fmt, ...)
{
    char *p = buf_room(&c->err);
    size_t room = c->err.cap - c->err.len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        c->err.len += (size_t)n < room ? (size_t)n : room - 1;
}

/* "HH:MM:SS.uuuuuu " of run time t, before a rare error line (event and
 * request error lines use report.c's cached second instead). */
static void err_stamp(struct lg_collector *c, lg_ns_t t)
{
    int64_t wall = lg_clock_wall_ns(t);
    time_t sec = (time_t)(wall / LG_NS_PER_S);
    struct tm tm;
    if (!localtime_r(&sec, &tm))
        memset(&tm, 0, sizeof tm);
    err_printf(c, "%02d:%02d:%02d.%06lld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
               (long long)(wall % LG_NS_PER_S / 1000));
}

static void flush_all(struct lg_collector *c)
{
    buf_flush(&c->out);
    buf_flush(&c->err);
    if (c->out.f && fflush(c->out.f) != 0)
        c->out.failed = 1;
    if (c->err.f)
        fflush(c->err.f);
}

/* ==== names ============================================================== */

static uint64_t name_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void names_rehash(struct lg_collector *c)
{
    size_t n = c->nslots ? c->nslots * 2 : 64;
    free(c->slots);
    c->slots = lg_calloc(n, sizeof *c->slots);
    c->nslots = n;
    for (size_t i = 0; i < c->nnames; i++) {
        size_t j = c->names[i].hash & (n - 1);
        while (c->slots[j])
            j = (j + 1) & (n - 1);
        c->slots[j] = (uint32_t)i + 1;
    }
}

/* The run-wide index of name s, added if new. O(1) expected. */
static int name_intern(struct lg_collector *c, const char *s, size_t len)
{
    uint64_t h = name_hash(s, len);
    size_t j = h & (c->nslots - 1);
    for (; c->slots[j]; j = (j + 1) & (c->nslots - 1)) {
        const struct lg_cname *n = &c->names[c->slots[j] - 1];
        if (n->hash == h && n->len == len && memcmp(n->s, s, len) == 0)
            return (int)c->slots[j] - 1;
    }
    if (c->nnames == c->names_cap) {
        c->names_cap = c->names_cap ? c->names_cap * 2 : 32;
        c->names = lg_realloc(c->names, c->names_cap * sizeof *c->names);
    }
    struct lg_cname *n = &c->names[c->nnames];
    n->s = lg_malloc(len + 1);
    memcpy(n->s, s, len);
    n->s[len] = '\0';
    n->len = len;
    n->hash = h;
    c->slots[j] = (uint32_t)++c->nnames;
    if (c->nnames * 2 > c->nslots)
        names_rehash(c);
    return (int)c->nnames - 1;
}

static void worker_map_name(struct lg_cworker *w, unsigned id, int index)
{
    if (id >= w->nnames) {
        size_t n = w->nnames ? w->nnames : 16;
        while (n <= id)
            n *= 2;
        w->names = lg_realloc(w->names, n * sizeof *w->names);
        for (size_t i = w->nnames; i < n; i++)
            w->names[i] = -1;
        w->nnames = n;
    }
    w->names[id] = index;
}

/* The run-wide index of worker name id `id`; an id never defined (its NAME
 * records were lost) gets a visible placeholder. */
static int worker_name(struct lg_collector *c, struct lg_cworker *w, unsigned id)
{
    if (id < w->nnames && w->names[id] >= 0)
        return w->names[id];
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "?name%u", id);
    int index = name_intern(c, tmp, (size_t)n);
    worker_map_name(w, id, index);
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

static struct lg_cstat *stat_row(struct lg_collector *c, int line, int name, int kind)
{
    struct lg_cline *l = &c->lines[line];
    size_t i = (size_t)name * NKINDS + (size_t)kind;
    if (i >= l->nrows) {
        size_t n = c->nnames * NKINDS > i ? c->nnames * NKINDS : i + 1;
        l->rows = lg_realloc(l->rows, n * sizeof *l->rows);
        memset(l->rows + l->nrows, 0, (n - l->nrows) * sizeof *l->rows);
        l->nrows = n;
    }
    if (!l->rows[i]) {
        l->rows[i] = lg_malloc(sizeof *l->rows[i]);
        lg_hist_init(&l->rows[i]->h);
        l->rows[i]->errors = 0;
    }
    return l->rows[i];
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

/* Tells an open line's accounting how its workers stand. */
static void line_workers(struct lg_collector *c, int l)
{
    const struct lg_cline *cl = &c->lines[l];
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

static void note_begin(struct lg_collector *c, lg_ns_t t)
{
    if (!c->have_begin || t < c->first_begin)
        c->first_begin = t;
    c->have_begin = 1;
}

static void note_end(struct lg_collector *c, lg_ns_t t)
{
    if (t > c->last_end)
        c->last_end = t;
}

/* ==== event lines ======================================================== */

static double global_thru(const struct lg_collector *c, lg_ns_t end_ns)
{
    if (c->thru_valid)
        return c->last_thru;
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
    ev->id = li->id ? li->id : "";
    ev->cut = li->cut ? li->cut : "";
    ev->name = c->names[name].s;
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

static void event_write(struct lg_collector *c, const struct lg_event *ev)
{
    char *p = buf_room(&c->out);
    c->out.len += lg_report_event(&c->rep, ev, p);
}

static void error_write(struct lg_collector *c, const struct lg_event *ev)
{
    char *p = buf_room(&c->err);
    c->err.len += lg_report_error(&c->rep, ev, p);
}

/* jtl: writes the held transaction line, now that its requests are in. */
static void pend_flush(struct lg_collector *c, struct lg_cworker *w)
{
    struct lg_event ev;
    if (!w->pend)
        return;
    w->pend = 0;
    event_fill(c, w, &w->pend_rec, w->pend_name, &ev);
    ev.tra_samples = w->pend_n;
    ev.tra_failing = w->pend_m;
    ev.error = w->pend_err[0] ? w->pend_err : NULL;
    event_write(c, &ev);
}

/* Does rec belong to the held transaction (or may come inside it)? */
static int pend_continues(const struct lg_cworker *w, const struct lg_record *rec)
{
    if (rec->type == LG_REC_NAME || rec->type == LG_REC_TEXT)
        return 1;
    return rec->type == LG_REC_REQ && rec->u.ev.tra != 0 &&
           rec->u.ev.tra == w->pend_rec.u.ev.tra;
}

static void pend_count(struct lg_cworker *w, const struct lg_record *rec, const char *err)
{
    w->pend_n++;
    if (rec->rc == 0)
        return;
    w->pend_m++;
    if (err && !w->pend_err[0])
        memcpy(w->pend_err, err, strlen(err) + 1);
}

/* ==== record handlers ==================================================== */

/* The pending message, consumed: valid until the next TEXT record. */
static const char *text_take(struct lg_cworker *w)
{
    if (!w->text_len)
        return NULL;
    w->text[w->text_len] = '\0';
    w->text_len = 0;
    w->text_done = 0;
    return w->text;
}

static void count_interval(struct lg_collector *c, lg_ns_t end_ns)
{
    int64_t k = end_ns > 0 ? end_ns / c->summary_ns : 0;
    if (k < c->first_open)
        k = c->first_open;
    if (k >= c->first_open + RING)
        k = c->first_open + RING - 1;
    c->ring[k % RING]++;
}

static void on_req(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    int name = worker_name(c, w, rec->name);
    struct lg_cstat *s = stat_row(c, w->line, name, KIND_REQ);
    const char *err = text_take(w);
    lg_hist_record(&s->h, rec->u.ev.end_ns - rec->u.ev.begin_ns);
    c->t.requests++;
    if (rec->rc) {
        s->errors++;
        c->t.errors++;
    } else {
        err = NULL; /* a message with no failure belongs to nothing */
    }
    if (!c->have_begin)
        note_begin(c, rec->u.ev.begin_ns);
    note_end(c, rec->u.ev.end_ns);
    count_interval(c, rec->u.ev.end_ns);

    struct lg_event ev;
    event_fill(c, w, rec, name, &ev);
    ev.error = err;
    if (rec->rc)
        error_write(c, &ev);
    event_write(c, &ev);
    if (w->pend)
        pend_count(w, rec, err);
}

static void on_tra(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    int name = worker_name(c, w, rec->name);
    struct lg_cstat *s = stat_row(c, w->line, name, KIND_TRA);
    lg_hist_record(&s->h, rec->u.ev.end_ns - rec->u.ev.begin_ns);
    c->t.transactions++;
    if (rec->rc) {
        s->errors++;
        c->t.errors++;
    }
    if (!c->have_begin)
        note_begin(c, rec->u.ev.begin_ns);
    note_end(c, rec->u.ev.end_ns);
    if (c->o.format == LG_OUT_JTL) {
        /* JMeter wants the sample count in the line: wait for the requests */
        w->pend = 1;
        w->pend_rec = *rec;
        w->pend_name = name;
        w->pend_n = w->pend_m = 0;
        w->pend_err[0] = '\0';
        return;
    }
    struct lg_event ev;
    event_fill(c, w, rec, name, &ev);
    event_write(c, &ev);
}

static void on_err(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    int name = worker_name(c, w, rec->name);
    struct lg_event ev;
    c->t.errors++;
    c->lines[w->line].hook_errors++;
    event_fill(c, w, rec, name, &ev);
    ev.error = text_take(w);
    error_write(c, &ev);
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
    note_begin(c, rec->u.ev.begin_ns);
}

static void on_stop(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    const char *msg = text_take(w);
    int retired = rec->rc == LG_STOP_RETIRED && !w->stopped && !w->generator;
    w->stopped = 1;
    w->stop = *rec;
    c->t.sent += rec->u.stop.sent;
    note_end(c, rec->u.stop.end_ns);
    if (rec->rc == LG_STOP_FAILED) {
        free(w->fail_msg);
        w->fail_msg = lg_strdup(msg ? msg : "(no message)");
        err_stamp(c, rec->u.stop.end_ns);
        err_printf(c, "ERROR worker %d (pid %d) could not run its CUT: %s\n", rec->worker, w->pid,
                   w->fail_msg);
    }
    if (retired) {
        c->lines[w->line].retired++;
        line_workers(c, w->line);
    }
    worker_ended(c, w);
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
    note_end(c, rec->u.job.end_ns);
}

/* NAME and TEXT chunks; text beyond the kept maximum is cut. */
static void on_name(struct lg_collector *c, struct lg_cworker *w, const struct lg_record *rec)
{
    size_t n = rec->u.text.len < LG_TEXT_CHUNK ? rec->u.text.len : LG_TEXT_CHUNK;
    if (n > LG_NAME_MAX - w->name_len)
        n = LG_NAME_MAX - w->name_len;
    memcpy(w->name_buf + w->name_len, rec->u.text.bytes, n);
    w->name_len += n;
    if (rec->u.text.more)
        return;
    worker_map_name(w, rec->name, name_intern(c, w->name_buf, w->name_len));
    w->name_len = 0;
}

static void on_text(struct lg_cworker *w, const struct lg_record *rec)
{
    if (w->text_done) { /* a whole message nobody took: a new one starts */
        w->text_len = 0;
        w->text_done = 0;
    }
    size_t n = rec->u.text.len < LG_TEXT_CHUNK ? rec->u.text.len : LG_TEXT_CHUNK;
    if (n > LG_TEXT_MAX - w->text_len)
        n = LG_TEXT_MAX - w->text_len;
    memcpy(w->text + w->text_len, rec->u.text.bytes, n);
    w->text_len += n;
    w->text_done = !rec->u.text.more;
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
        err_printf(c, "ERROR worker %d (pid %d): record %u arrived after record %u\n",
                   rec->worker, w->pid, rec->seq, w->next_seq - 1);
        return;
    }
    uint32_t gap = rec->seq - w->next_seq;
    w->lost += gap;
    c->t.lost += gap;
    err_printf(c, "ERROR worker %d (pid %d): %u records lost (records %u to %u)\n", rec->worker,
               w->pid, gap, w->next_seq, rec->seq - 1);
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
    if (w->pend && !pend_continues(w, rec))
        pend_flush(c, w);
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
        on_name(c, w, rec);
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
    c->o = *opts;
    c->summary_ns = opts->summary_ns > 0 ? opts->summary_ns : LG_NS_PER_S;
    c->fallback_line = (struct lg_line_info){ .id = "logen", .cut = "?" };
    c->nlines = opts->nlines > 0 ? opts->nlines : 1;
    c->lines = lg_calloc((size_t)c->nlines, sizeof *c->lines);
    for (int i = 0; i < c->nlines; i++) {
        c->lines[i].info = opts->nlines > 0 ? &opts->lines[i] : &c->fallback_line;
        if (c->lines[i].info->open)
            line_open(c, i);
    }
    lg_report_init(&c->rep, opts->format);
    buf_init(&c->out, opts->out, OUT_BUF_BYTES);
    buf_init(&c->err, opts->err, ERR_BUF_BYTES);
    names_rehash(c);
    c->hwm_thru_at = -1;
    c->hwm_backlog_at = -1;
    c->out.len = lg_report_header(&c->rep, c->out.buf);
    return c;
}

void lg_collector_free(struct lg_collector *c)
{
    if (!c)
        return;
    flush_all(c);
    for (int i = 0; i < c->nworkers; i++) {
        if (c->workers[i]) {
            free(c->workers[i]->names);
            free(c->workers[i]->fail_msg);
            free(c->workers[i]);
        }
    }
    for (int l = 0; l < c->nlines; l++) {
        for (size_t i = 0; i < c->lines[l].nrows; i++)
            free(c->lines[l].rows[i]);
        free(c->lines[l].rows);
        lg_openstats_free(c->lines[l].open);
    }
    for (size_t i = 0; i < c->nnames; i++)
        free(c->names[i].s);
    free(c->names);
    free(c->slots);
    free(c->workers);
    free(c->lines);
    free(c->out.buf);
    free(c->err.buf);
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
    if (line >= 0 && line < c->nlines)
        lg_openstats_queue(line_open(c, line), depth, now);
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

void lg_collector_backlog(struct lg_collector *c, long bytes, lg_ns_t now)
{
    c->backlog = bytes > 0 ? bytes / (long)sizeof(struct lg_record) : 0;
    if (c->backlog > c->hwm_backlog) {
        c->hwm_backlog = c->backlog;
        c->hwm_backlog_at = now;
    }
}

void lg_collector_worker_exit(struct lg_collector *c, int worker, int status, lg_ns_t now)
{
    struct lg_cworker *w = worker_get(c, worker, 0);
    (void)now;
    pend_flush(c, w);
    w->reaped = 1;
    w->status = status;
    worker_ended(c, w);
}

void lg_collector_totals(const struct lg_collector *c, struct lg_collector_totals *t)
{
    *t = c->t;
    t->active = c->t.started - c->t.ended;
}

/* ==== intervals ========================================================== */

/* The periodic line's open-model part: queue depth, events processed and
 * dropped; each line prefixed with its number when there are several. */
static void interval_open_lines(struct lg_collector *c)
{
    int nopen = 0;
    for (int l = 0; l < c->nlines; l++)
        nopen += c->lines[l].open != NULL;
    for (int l = 0; l < c->nlines; l++) {
        struct lg_openstats_counts k;
        if (!c->lines[l].open)
            continue;
        lg_openstats_counts(c->lines[l].open, &k);
        if (nopen > 1)
            err_printf(c, " | L%d queue %ld done %llu drop %llu", l + 1, k.depth,
                       (unsigned long long)k.processed, (unsigned long long)k.dropped);
        else
            err_printf(c, " | queue %ld done %llu drop %llu", k.depth,
                       (unsigned long long)k.processed, (unsigned long long)k.dropped);
    }
}

/* Closes the oldest open interval: its throughput, the high-water mark and
 * one periodic summary line. */
static void interval_close(struct lg_collector *c)
{
    int64_t k = c->first_open;
    uint64_t n = c->ring[k % RING];
    c->ring[k % RING] = 0;
    c->first_open++;
    lg_ns_t begin = k * c->summary_ns, end = begin + c->summary_ns;
    double thru = (double)n * 1e9 / (double)c->summary_ns;
    if (thru > c->hwm_thru) {
        c->hwm_thru = thru;
        c->hwm_thru_at = end;
    }
    /* an interval that began before the load is only partly loaded: the
     * event lines keep using the running average until a full one closes */
    if (c->have_begin && begin >= c->first_begin) {
        c->last_thru = thru;
        c->thru_valid = 1;
    }
    err_printf(c,
               "[%6.1fs] reqs %llu tra %llu err %llu | %.1f/s | workers %d started %d ended "
               "%d active | backlog %ld",
               (double)end / 1e9, (unsigned long long)c->t.requests,
               (unsigned long long)c->t.transactions, (unsigned long long)c->t.errors, thru,
               c->t.started, c->t.ended, c->t.started - c->t.ended, c->backlog);
    interval_open_lines(c);
    err_printf(c, "\n");
}

lg_ns_t lg_collector_tick(struct lg_collector *c, lg_ns_t now)
{
    while ((c->first_open + 1) * c->summary_ns <= now)
        interval_close(c);
    flush_all(c);
    return (c->first_open + 1) * c->summary_ns;
}

/* ==== end summary ======================================================== */

static double ns_to_ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static double per_s(uint64_t n, lg_ns_t span_ns)
{
    return span_ns > 0 ? (double)n * 1e9 / (double)span_ns : 0.0;
}

/* Width of the name column: the longest name, within bounds. */
static int name_col(const struct lg_collector *c)
{
    size_t w = NAME_COL_MIN;
    for (size_t i = 0; i < c->nnames; i++)
        if (c->names[i].len > w)
            w = c->names[i].len;
    return (int)(w > NAME_COL_MAX ? NAME_COL_MAX : w);
}

static void summary_row(struct lg_collector *c, const char *kind, const char *name,
                        const struct lg_hist *h, uint64_t errors, lg_ns_t span)
{
    err_printf(c, "  %-4s %-*s %10llu %8llu %10.2f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", kind,
               c->namecol, name, (unsigned long long)lg_hist_count(h),
               (unsigned long long)errors, per_s(lg_hist_count(h), span),
               ns_to_ms(lg_hist_min(h)), lg_hist_mean(h) / 1e6,
               ns_to_ms(lg_hist_percentile(h, 50)), ns_to_ms(lg_hist_percentile(h, 90)),
               ns_to_ms(lg_hist_percentile(h, 99)), ns_to_ms(lg_hist_max(h)));
}

static void summary_head(struct lg_collector *c)
{
    err_printf(c, "  %-4s %-*s %10s %8s %10s %9s %9s %9s %9s %9s %9s\n", "kind", c->namecol,
               "name", "count", "errors", "thru/s", "min ms", "mean ms", "p50 ms", "p90 ms",
               "p99 ms", "max ms");
}

/* Adds the rows of line l into tot[kind] (and the errors into errs[kind]). */
static void line_merge(const struct lg_cline *l, struct lg_hist *tot, uint64_t *errs)
{
    for (size_t i = 0; i < l->nrows; i++) {
        if (l->rows[i]) {
            lg_hist_merge(&tot[i % NKINDS], &l->rows[i]->h);
            errs[i % NKINDS] += l->rows[i]->errors;
        }
    }
}

static void summary_totals(struct lg_collector *c, const struct lg_hist *tot, const uint64_t *errs,
                           uint64_t hook_errors, lg_ns_t span)
{
    summary_row(c, "req", "(all requests)", &tot[KIND_REQ], errs[KIND_REQ], span);
    if (lg_hist_count(&tot[KIND_TRA]))
        summary_row(c, "tra", "(all transactions)", &tot[KIND_TRA], errs[KIND_TRA], span);
    if (hook_errors)
        err_printf(c, "  %-4s %-*s %10s %8llu\n", "err", c->namecol, "(outside requests)", "",
                   (unsigned long long)hook_errors);
}

static void emit_cb(void *ctx, const char *line)
{
    err_printf(ctx, "%s", line);
}

/* One table per line, then the run's totals when there are several lines.
 * `all` holds NKINDS histograms of scratch space. */
static void summary_lines(struct lg_collector *c, struct lg_hist *all, lg_ns_t span)
{
    static const char *const kinds[NKINDS] = { "req", "tra" };
    struct lg_hist *tot = all + NKINDS;
    uint64_t all_errs[NKINDS] = { 0 }, all_hook = 0;
    for (int l = 0; l < c->nlines; l++) {
        const struct lg_cline *cl = &c->lines[l];
        uint64_t errs[NKINDS] = { 0 };
        err_printf(c, "line %d: id %s, cut %s, %d workers started\n", l + 1,
                   cl->info->id ? cl->info->id : "", cl->info->cut ? cl->info->cut : "",
                   cl->started);
        summary_head(c);
        for (size_t i = 0; i < cl->nrows; i++)
            if (cl->rows[i])
                summary_row(c, kinds[i % NKINDS], c->names[i / NKINDS].s, &cl->rows[i]->h,
                            cl->rows[i]->errors, span);
        lg_hist_init(&tot[KIND_REQ]);
        lg_hist_init(&tot[KIND_TRA]);
        line_merge(cl, tot, errs);
        summary_totals(c, tot, errs, cl->hook_errors, span);
        if (cl->open)
            lg_openstats_summary(cl->open, "  ", emit_cb, c);
        line_merge(cl, all, all_errs);
        all_hook += cl->hook_errors;
    }
    if (c->nlines > 1) {
        err_printf(c, "all lines:\n");
        summary_head(c);
        summary_totals(c, all, all_errs, all_hook, span);
    }
}

/* Sum of the workers' own throughputs, and their time blocked on the pipe. */
static void summary_workers_thru(struct lg_collector *c, lg_ns_t span)
{
    double local = 0;
    int64_t blocked = 0, max_blocked = 0;
    int max_worker = -1;
    for (int i = 0; i < c->nworkers; i++) {
        const struct lg_cworker *w = c->workers[i];
        if (!w || !w->stopped || w->generator)
            continue;
        local += per_s(w->stop.u.stop.opcount, w->stop.u.stop.end_ns - w->stop.u.stop.start_ns);
        blocked += w->stop.u.stop.wait_ns;
        if (max_worker < 0 || w->stop.u.stop.wait_ns > max_blocked) {
            max_blocked = w->stop.u.stop.wait_ns;
            max_worker = i;
        }
    }
    err_printf(c, "throughput: global %.2f req/s (requests / run span), sum of local %.2f ops/s\n",
               per_s(c->t.requests, span), local);
    if (c->hwm_thru_at >= 0)
        err_printf(c, "throughput high-water mark: %.2f req/s in the interval ending at %.1f s\n",
                   c->hwm_thru, (double)c->hwm_thru_at / 1e9);
    else
        err_printf(c, "throughput high-water mark: none (no request in a closed interval)\n");
    if (max_worker >= 0)
        err_printf(c, "blocked on the pipe: %.3f s in total, at most %.3f s (worker %d)\n",
                   (double)blocked / 1e9, (double)max_blocked / 1e9, max_worker);
}

static void summary_pipe(struct lg_collector *c)
{
    if (c->hwm_backlog_at >= 0)
        err_printf(c, "pipe backlog high-water mark: %ld records at %.3f s\n", c->hwm_backlog,
                   (double)c->hwm_backlog_at / 1e9);
    else
        err_printf(c, "pipe backlog high-water mark: 0 records\n");
    uint64_t recv_stopped = 0, missing = 0;
    for (int i = 0; i < c->nworkers; i++) {
        const struct lg_cworker *w = c->workers[i];
        if (!w || !w->stopped)
            continue;
        recv_stopped += w->received;
        if (w->stop.u.stop.sent > w->received)
            missing += w->stop.u.stop.sent - w->received;
    }
    err_printf(c, "records: sent %llu, received %llu from the workers that stopped (%llu in all), "
                  "lost %llu\n",
               (unsigned long long)c->t.sent, (unsigned long long)recv_stopped,
               (unsigned long long)c->t.received, (unsigned long long)c->t.lost);
    if (c->t.lost || missing)
        err_printf(c, "*** RECORDS LOST: %llu missing in sequence gaps, %llu fewer received than "
                      "sent: the figures above are incomplete ***\n",
                   (unsigned long long)c->t.lost, (unsigned long long)missing);
    if (c->bad_records)
        err_printf(c, "*** %llu records of an unknown type ignored ***\n",
                   (unsigned long long)c->bad_records);
}

/* Reports a worker that did not end normally; returns 1 if it did not. */
static int summary_worker(struct lg_collector *c, int i, const struct lg_cworker *w)
{
    int bad = 0;
    unsigned long long got = (unsigned long long)w->received;
    if (w->reaped && WIFSIGNALED(w->status)) {
        err_printf(c, "worker %d (pid %d) killed by signal %d after %llu records\n", i, w->pid,
                   WTERMSIG(w->status), got);
        bad = 1;
    } else if (w->reaped && WIFEXITED(w->status) && WEXITSTATUS(w->status) != 0) {
        err_printf(c, "worker %d (pid %d) exited with code %d after %llu records\n", i, w->pid,
                   WEXITSTATUS(w->status), got);
        bad = 1;
    }
    if (!w->stopped && w->generator) { /* it need not say goodbye */
        if (w->disorder)
            err_printf(c, "generator %d (pid %d): %llu records out of order\n", i, w->pid,
                       (unsigned long long)w->disorder);
        return bad || w->disorder;
    }
    if (!w->stopped) {
        if (!bad)
            err_printf(c, "worker %d (pid %d) sent no STOP record (%llu records received)\n", i,
                       w->pid, got);
        return 1;
    }
    if (w->stop.rc == LG_STOP_FAILED) {
        err_printf(c, "worker %d (pid %d) failed: %s\n", i, w->pid,
                   w->fail_msg ? w->fail_msg : "(no message)");
        bad = 1;
    }
    if (w->stop.u.stop.sent != w->received || w->lost || w->disorder) {
        err_printf(c, "worker %d (pid %d) sent %llu records, %llu received, %llu lost, %llu out of "
                      "order\n",
                   i, w->pid, (unsigned long long)w->stop.u.stop.sent, got,
                   (unsigned long long)w->lost, (unsigned long long)w->disorder);
        bad = 1;
    }
    return bad;
}

/* Open lines, unless interrupted: every event generated was processed or
 * dropped, and the generator reported every phase. Returns the failures. */
static int summary_events(struct lg_collector *c, int interrupted)
{
    int bad = 0;
    for (int l = 0; l < c->nlines && !interrupted; l++) {
        struct lg_openstats_counts k;
        if (!c->lines[l].open)
            continue;
        lg_openstats_counts(c->lines[l].open, &k);
        uint64_t done = k.processed + k.dropped;
        if (k.generated != done) {
            err_printf(c, "*** line %d: %llu events %s: generated %llu, processed %llu, dropped "
                          "%llu ***\n",
                       l + 1,
                       (unsigned long long)(k.generated > done ? k.generated - done
                                                               : done - k.generated),
                       k.generated > done ? "LOST" : "more accounted for than generated",
                       (unsigned long long)k.generated, (unsigned long long)k.processed,
                       (unsigned long long)k.dropped);
            bad++;
        }
        if (k.phases_done < k.phases) {
            err_printf(c, "*** line %d: the generator reported %d of %d phases ***\n", l + 1,
                       k.phases_done, k.phases);
            bad++;
        }
    }
    return bad;
}

static int summary_health(struct lg_collector *c, int interrupted)
{
    int bad = summary_events(c, interrupted);
    for (int i = 0; i < c->nworkers; i++)
        if (c->workers[i])
            bad += summary_worker(c, i, c->workers[i]);
    if (c->t.lost || c->bad_records)
        bad++;
    if (interrupted)
        err_printf(c, "run interrupted by a signal: the figures cover the run until then\n");
    if (c->out.failed)
        err_printf(c, "*** writing the event lines failed: the output is incomplete ***\n");
    err_printf(c, "result: %s\n", bad || c->out.failed ? "FAILED (see above)" : "OK");
    return bad || c->out.failed ? 1 : 0;
}

int lg_collector_finish(struct lg_collector *c, int interrupted, lg_ns_t now)
{
    for (int i = 0; i < c->nworkers; i++)
        if (c->workers[i])
            pend_flush(c, c->workers[i]);
    lg_collector_tick(c, now);
    buf_flush(&c->out);
    if (c->out.f && fflush(c->out.f) != 0)
        c->out.failed = 1;

    lg_ns_t span = c->have_begin && c->last_end > c->first_begin ? c->last_end - c->first_begin : 0;
    err_printf(c, "==== summary: %.3f s of load, %d workers started, %d ended ====\n",
               (double)span / 1e9, c->t.started, c->t.ended);
    c->namecol = name_col(c);
    struct lg_hist *scratch = lg_malloc(2 * NKINDS * sizeof *scratch);
    for (int k = 0; k < 2 * NKINDS; k++)
        lg_hist_init(&scratch[k]);
    summary_lines(c, scratch, span);
    free(scratch);
    err_printf(c, "totals: %llu requests, %llu transactions, %llu errors\n",
               (unsigned long long)c->t.requests, (unsigned long long)c->t.transactions,
               (unsigned long long)c->t.errors);
    summary_workers_thru(c, span);
    summary_pipe(c);
    int rc = summary_health(c, interrupted);
    flush_all(c);
    return rc;
}
