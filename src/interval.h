/* interval.h -- the run's interval series: per --summary interval and per
 * line, the requests ended in it (their count, errors and durations), the
 * line's live workers and, on open lines, its queue depth and the events
 * generated and dropped in it; and the run's throughput per interval with
 * its high-water mark.
 *
 * Intervals are [k*period, (k+1)*period) on the run clock. A value counts
 * in the interval its end falls in, or in the oldest open one when it
 * arrives after that interval closed, or in the one after the oldest when
 * it arrives more than an interval early (lg_interval_slot: the rule
 * hdrlog.c follows too), so no value is dropped and the intervals of a
 * line add up to its totals. The collector owns one series, feeds it and
 * closes its intervals; the closed ones are kept to the end of the run
 * when asked, compactly (interval.c says how), for the end summaries
 * (results.h). It
 * prints nothing and knows nothing of records but the times it is given. */
#ifndef LG_INTERVAL_H
#define LG_INTERVAL_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

/* The open interval that a value ending at end_ns counts in, given the
 * oldest open one: first_open or first_open + 1. */
int64_t lg_interval_slot(lg_ns_t end_ns, lg_ns_t period_ns, int64_t first_open);

struct lg_intervals;

/* A new series of nlines lines (abort on OOM); free it with
 * lg_intervals_free. Unless `keep`, the closed intervals are not kept
 * (their throughput is still computed): the series then costs nothing
 * that grows with the run. */
struct lg_intervals *lg_intervals_new(lg_ns_t period_ns, int nlines, int keep);
void lg_intervals_free(struct lg_intervals *iv);

/* Recording, on line l */
/* A request ended at end_ns, dur_ns long; failed when its rc != 0. */
void lg_intervals_request(struct lg_intervals *iv, int l, lg_ns_t end_ns, int64_t dur_ns,
                          int failed);
/* An error outside requests (an ERR record) at end_ns. */
void lg_intervals_error(struct lg_intervals *iv, int l, lg_ns_t end_ns);
/* Open model: an event queued at dispatched_ns, and dropped at end_ns
 * when `dropped` (a DROP record), else processed (a JOB record). */
void lg_intervals_event(struct lg_intervals *iv, int l, lg_ns_t dispatched_ns, lg_ns_t end_ns,
                        int dropped);
/* The line's live workers now, and its job queue's depth (open model). */
void lg_intervals_workers(struct lg_intervals *iv, int l, int live);
void lg_intervals_queue(struct lg_intervals *iv, int l, long depth);

/* Closing */
/* The end of the oldest open interval: the next one to close. */
lg_ns_t lg_intervals_next_end(const struct lg_intervals *iv);
/* Closes the oldest open interval and keeps its figures. load_begin is
 * the run's earliest load start (-1: none yet): an interval that began
 * before it is partly loaded and does not count as the last throughput.
 * Returns its index k; *thru gets its requests/s. */
int64_t lg_intervals_close(struct lg_intervals *iv, lg_ns_t load_begin, double *thru);
/* The run is over at end_ns (its span's end): keeps what the open
 * intervals hold as one last, partial interval [its begin, end_ns), unless
 * it is empty and has no length. Once only; no recording after it. */
void lg_intervals_end(struct lg_intervals *iv, lg_ns_t end_ns);

/* Reading */
struct lg_intervals_thru {
    double last;               /* req/s of the last closed interval in the load */
    int valid;                 /* 0: none closed in the load yet */
    double hwm;                /* the best closed interval's req/s */
    lg_ns_t hwm_at;            /* its end; -1: no request in a closed interval */
};
void lg_intervals_thru(const struct lg_intervals *iv, struct lg_intervals_thru *t);

/* One line in one kept interval. */
struct lg_interval_line {
    uint64_t requests, errors;   /* requests ended in it; failed ones and ERR records */
    uint64_t generated, dropped; /* open model: events queued in it, dropped in it */
    uint64_t max_ns;             /* the longest request; 0: none */
    long queue_depth;            /* open model: at its end */
    int workers;                 /* live at its end */
    char *histogram;             /* the durations, V2 encoded (hist.h); NULL: none */
};
/* How many intervals are kept, and interval i's span and line l. */
size_t lg_intervals_count(const struct lg_intervals *iv);
void lg_intervals_span(const struct lg_intervals *iv, size_t i, lg_ns_t *begin, lg_ns_t *end);
const struct lg_interval_line *lg_intervals_line(const struct lg_intervals *iv, size_t i, int l);

#endif
