/* collector.h -- turns the records of every worker into event lines,
 * periodic summaries and the end summary.
 *
 * The parent owns one collector. It feeds it each record read from the
 * stats pipe, the pipe backlog it observed, a tick when a summary is due,
 * and how each worker process ended. Event lines (and nothing else) go to
 * the `out` stream in the chosen format; error lines, periodic and end
 * summaries go to the `err` stream. It knows nothing of pipes or processes:
 * everything arrives through these calls, so it is unit-testable. */
#ifndef LG_COLLECTOR_H
#define LG_COLLECTOR_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "clock.h"
#include "schedule.h"
#include "record.h"

/* One line of the run (the whole run, or one scenario line). Borrowed: the
 * strings must outlive the collector. */
struct lg_line_info {
    const char *id;            /* --id, prefixes fullId and transaction ids */
    const char *cut;           /* CUT class name, e.g. "Dummy" */
    char *const *steps;        /* the line's steps, indexed by record.step */
    int nsteps;
    int open;                  /* open model: records carry intended times */
    const struct lg_schedule *schedule; /* open model: its phases; NULL when closed */
};

struct lg_collector_opts {
    FILE *out;                 /* event lines */
    FILE *err;                 /* error lines and summaries */
    enum lg_outformat format;
    lg_ns_t summary_ns;        /* period of throughput and periodic summaries */
    const struct lg_line_info *lines;
    int nlines;
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

/* Worker `worker` was reaped: wait status as from waitpid(2). */
void lg_collector_worker_exit(struct lg_collector *c, int worker, int status, lg_ns_t now);

/* Writes the end summary to err. `interrupted` says the run was stopped by a
 * signal. Returns 0 when every record every worker sent was received,
 * every worker ended normally and, on open lines, every generated event was
 * processed or dropped and every phase reported; else 1. */
int lg_collector_finish(struct lg_collector *c, int interrupted, lg_ns_t now);

/* Open model: the generator process of line `line` writes to the pipe as
 * `worker` (LG_REC_PHASE records); it is not a worker in any count. */
void lg_collector_add_generator(struct lg_collector *c, int worker, int line, int pid, lg_ns_t now);

/* Open model: the job queue of line `line` held `depth` events at `now`. */
void lg_collector_queue(struct lg_collector *c, int line, long depth, lg_ns_t now);

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
    int started, ended, active;
};
void lg_collector_totals(const struct lg_collector *c, struct lg_collector_totals *t);

#endif
