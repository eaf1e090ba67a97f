/* collector.h -- turns the records of every worker into event lines and
 * aggregated statistics.
 *
 * The parent owns one collector. It feeds it each record read from the
 * stats pipe, the pipe backlog it observed, a tick when a summary is due,
 * and how each worker process ended. Event lines (and nothing else) go to
 * the `out` stream in the chosen format (report.c formats them); error
 * lines and the periodic summary lines (summary.c renders them) go to the
 * `err` stream. At the end, lg_collector_close, then the read-only view
 * below is copied into a run's results (results_collect.c), which every
 * end summary renders: the collector knows of no end summary. It knows nothing of
 * pipes or processes: everything arrives through these calls, so it is
 * unit-testable. */
#ifndef LG_COLLECTOR_H
#define LG_COLLECTOR_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "clock.h"
#include "schedule.h"
#include "record.h"

struct lg_hist;      /* hist.h */
struct lg_names;     /* names.h */
struct lg_openstats; /* openstats.h */

/* One line of the run (the whole run, or one scenario line). Borrowed: the
 * strings must outlive the collector. */
struct lg_line_info {
    const char *id;            /* --id, prefixes fullId and transaction ids */
    const char *event_id;      /* prefixes them instead when set (a shard's "ID-sI") */
    const char *cut;           /* CUT class name, e.g. "Dummy" */
    char *const *steps;        /* the line's steps, indexed by record.step */
    int nsteps;
    int open;                  /* open model: records carry intended times */
    const struct lg_schedule *schedule; /* open model: its phases; NULL when closed */
};

struct lg_collector_opts {
    FILE *out;                 /* event lines */
    int out_nonblock;          /* out a pipe, socket or tty: never block on it (outbuf.h) */
    FILE *err;                 /* error lines and summaries */
    int err_nonblock;          /* err a pipe, socket or tty: never block on it either */
    enum lg_outformat format;
    lg_ns_t summary_ns;        /* period of throughput and periodic summaries */
    int quiet;                 /* no periodic summary lines (--quiet) */
    const struct lg_line_info *lines;
    int nlines;
    FILE *hdr_log;             /* --hdr-log: an HdrHistogram interval log (hdrlog.h); NULL: none */
    int keep_series;           /* keep the interval series to the end (--summary-json) */
};

struct lg_collector;

/* Returns a new collector (abort on OOM); free it with lg_collector_free. */
struct lg_collector *lg_collector_new(const struct lg_collector_opts *opts);
void lg_collector_free(struct lg_collector *c);

/* Declares worker `worker` (run-wide index) of line `line`, spawned as `pid`
 * at run time `now`. Called before any of its records arrive. */
void lg_collector_add_worker(struct lg_collector *c, int worker, int line, int pid, lg_ns_t now);

/* One record from the pipe, received at run time `now`. */
void lg_collector_feed(struct lg_collector *c, const struct lg_record *rec, lg_ns_t now);

/* The pipe held `bytes` unread bytes at `now` (high-water mark). */
void lg_collector_backlog(struct lg_collector *c, long bytes, lg_ns_t now);

/* Called at least every summary period: closes the intervals that ended by
 * `now` (global throughput, throughput high-water mark) and writes one
 * periodic summary line to err for each. Returns the run time of the next
 * tick. Event and error lines are buffered; every tick flushes them to
 * their streams (a tick before the next interval's end only flushes). */
lg_ns_t lg_collector_tick(struct lg_collector *c, lg_ns_t now);

/* The durations of the requests ended since the last call, for a live
 * view: added into h (initialised by the caller), then forgotten. The
 * first call starts keeping them: until then the collector keeps none and
 * pays nothing for it. */
void lg_collector_recent(struct lg_collector *c, struct lg_hist *h);

/* Worker `worker` was reaped: wait status as from waitpid(2). */
void lg_collector_worker_exit(struct lg_collector *c, int worker, int status, lg_ns_t now);

/* The run is over (every worker reaped, the pipe drained): writes the
 * transaction lines still held, closes the intervals that ended by `now`
 * and flushes both streams. The view below is then final: collect the
 * run's results from it (lg_results_collect in results.h). */
void lg_collector_close(struct lg_collector *c, lg_ns_t now);

/* The event-line output, for a caller that must never block on it (with
 * opts.out_nonblock): event lines the output does not take at once are
 * held, up to a bound, until the caller sees POLLOUT on `fd`. */
struct lg_collector_output {
    int fd;                    /* poll it for POLLOUT while pending; -1: writes block */
    size_t pending;            /* bytes of event lines held, not yet written */
    int failed;                /* writing failed, or lines were dropped */
    int err_fd;                /* the same for the error and periodic summary lines */
    size_t err_pending;
};
void lg_collector_output(const struct lg_collector *c, struct lg_collector_output *o);
/* Writes what the outputs (event lines, error lines) take now. */
void lg_collector_output_write(struct lg_collector *c);
/* Gives up on the outputs: the lines held and every later one are dropped,
 * and counted (the view's out_lost for event lines). */
void lg_collector_output_abandon(struct lg_collector *c);

/* Open model: the generator process of line `line` writes to the pipe as
 * `worker` (LG_REC_PHASE records); it is not a worker in any count. */
void lg_collector_add_generator(struct lg_collector *c, int worker, int line, int pid, lg_ns_t now);

/* Open model: the job queue of line `line` held `depth` events at `now`. */
void lg_collector_queue(struct lg_collector *c, int line, long depth, lg_ns_t now);
/* Open model: the events line `line`'s workers hold now (for the metrics). */
void lg_collector_inflight(struct lg_collector *c, int line, long n);

/* What the controller needs to know of an open line. */
struct lg_line_state {
    int ready;            /* workers whose START arrived */
    int live;             /* ready workers not yet ended */
    int phases_done;      /* LG_REC_PHASE records received */
    uint64_t generated;   /* events queued, from the PHASE records */
    uint64_t processed;   /* LG_REC_JOB records */
    uint64_t dropped;     /* LG_REC_DROP records */
};
void lg_collector_line_state(const struct lg_collector *c, int line, struct lg_line_state *st);

/* Counters the tests and the caller read. */
struct lg_collector_totals {
    uint64_t received;         /* records received (all types) */
    uint64_t sent;             /* records the workers said they sent (STOP) */
    uint64_t lost;             /* sequence gaps seen */
    uint64_t requests;         /* REQ records */
    uint64_t transactions;     /* TRA records */
    uint64_t errors;           /* records with rc != 0, and ERR records */
    uint64_t timeouts;         /* REQ and ERR records with rc LG_RC_TIMEOUT */
    int started, ended, active;
};
void lg_collector_totals(const struct lg_collector *c, struct lg_collector_totals *t);

/* ---- the read-only view, for the summaries ----------------------------
 * Everything the collector aggregated, without its internals: what an end
 * summary in any format (text, JSON, a merge of several runs) is rendered
 * from. Pointers are borrowed from the collector: valid until its next
 * call that takes it non-const. Spans are on the run clock; a span whose
 * end is not after its begin is empty. */

enum { LG_KIND_REQ, LG_KIND_TRA, LG_NKINDS }; /* statistics row kinds */

struct lg_collector_view {
    struct lg_collector_totals t;
    uint64_t bad_records;        /* records of an unknown type, ignored */
    uint64_t names_refused;      /* names past the run's cap (LG_NAMES_MAX), refused */
    uint64_t unnamed;            /* REQ, TRA, ERR records named past the cap: in no figure */
    lg_ns_t begin_ns, end_ns;    /* run span: earliest load start, latest end of anything */
    double hwm_thru;             /* best closed interval's requests/s */
    lg_ns_t hwm_thru_at;         /* its end; -1: no request in a closed interval */
    long backlog, hwm_backlog;   /* pipe backlog now and at most, records */
    lg_ns_t hwm_backlog_at;      /* when at most; -1: never above 0 */
    int out_failed;              /* writing the event lines failed */
    uint64_t out_lost;           /* event lines dropped, never written */
    int nlines;                  /* lines, 0..nlines-1 */
    int nworkers;                /* worker slots, 0..nworkers-1 (some empty) */
    const struct lg_names *names; /* every name seen, run-wide */
};
void lg_collector_view(const struct lg_collector *c, struct lg_collector_view *v);

/* Line l. Its span runs from the earliest load start of its workers (their
 * START records; the first request's begin if none came) to the latest end
 * of anything on it (a request, a transaction, an event, a worker's STOP):
 * its own throughput is over that span, not the run's. */
struct lg_collector_line {
    const struct lg_line_info *info;
    int started, ended, retired; /* its workers */
    uint64_t hook_errors;        /* ERR records */
    lg_ns_t begin_ns, end_ns;    /* its span */
    const struct lg_openstats *open; /* open model: its events; NULL when closed */
};
void lg_collector_line(const struct lg_collector *c, int l, struct lg_collector_line *lv);

/* One statistics row of a line: a (name, kind) that occurred. */
struct lg_collector_row {
    int name;                    /* index in the view's names */
    int kind;                    /* LG_KIND_REQ or LG_KIND_TRA */
    const struct lg_hist *h;     /* durations, ns */
    uint64_t errors;             /* records with rc != 0 */
};
/* The rows of line l in a stable order (by name index, then kind): start
 * with *pos = 0; each call fills *row and returns 1, then 0 at the end. */
int lg_collector_row_next(const struct lg_collector *c, int l, size_t *pos,
                          struct lg_collector_row *row);

/* Worker slot i: returns 0 when no worker (or generator) was ever seen
 * there, else fills *wv and returns 1. */
struct lg_collector_worker {
    int pid, line;
    int generator;               /* an open line's generator: not a worker */
    int started, stopped, reaped;
    int status;                  /* waitpid status once reaped */
    uint64_t received;           /* records received, all types */
    uint64_t lost;               /* records missing in seq gaps */
    uint64_t disorder;           /* records with a seq already passed */
    const struct lg_record *stop; /* its STOP record; NULL if none came */
    const char *fail_msg;        /* the message of a LG_STOP_FAILED, or NULL */
};
int lg_collector_worker(const struct lg_collector *c, int i, struct lg_collector_worker *wv);

/* The interval series (interval.h): per interval and per line, requests,
 * errors, durations, workers and open-model events; empty unless
 * opts.keep_series. Final after lg_collector_close, which keeps the last,
 * partial interval too. */
struct lg_intervals;
const struct lg_intervals *lg_collector_intervals(const struct lg_collector *c);

#endif
