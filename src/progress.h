/* progress.h -- the live progress line on a terminal.
 *
 * When stderr is a terminal (and not --quiet), the parent keeps one status
 * line at the bottom of it, rewritten every second from the collector's
 * view: elapsed and remaining time, requests, the rate and the p99 of the
 * last second, errors, live workers, and for open lines the queue and the
 * drops. It is drawn as "\r" "ESC[K" TEXT with no newline, so the cursor
 * stays at its end; every other write to that terminal erases it first
 * (outbuf.c and log.c call lg_progress_before and lg_progress_after) and
 * it is redrawn after. The state is process-wide: there is one terminal
 * and one line, and the writers that must erase it hold no pointer to
 * anything. Never written to stdout, never to a file or a pipe. */
#ifndef LG_PROGRESS_H
#define LG_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct lg_collector; /* collector.h */

/* ---- the run's side (the controller) ---------------------------------- */

/* Starts the line on descriptor fd when `wanted` and fd is a terminal;
 * else nothing is ever drawn. Its figures come from c, which then keeps
 * the durations of the last period for it (lg_collector_recent). end_ns
 * is the run time the load is planned to end at, -1 when unknown
 * (--loops). Returns 1 when the line is on. */
int lg_progress_start(struct lg_collector *c, int fd, int wanted, lg_ns_t end_ns);

/* Redraws the line from c when a second has passed since the last draw.
 * Returns the run time of the next draw (INT64_MAX when the line is off). */
lg_ns_t lg_progress_tick(struct lg_collector *c, lg_ns_t now);

/* Erases the line for good: what follows (the end summary) is written
 * where it stood. */
void lg_progress_stop(void);

/* ---- every writer to the terminal ------------------------------------- */

/* 1 when the line is on in this process or was in the parent it was forked
 * from: a worker's own lines then start with LG_PROGRESS_ERASE, so that
 * they replace the line instead of following its text. */
int lg_progress_active(void);

#define LG_PROGRESS_ERASE "\r\033[K" /* to column 0, clear to the end of line */

/* Around a write of whole lines to descriptor fd: when fd is the line's
 * terminal, _before erases it, _after redraws it if the cursor is at the
 * start of a line (at_line_start), else leaves it off until a later
 * _after says so (a write that stopped in the middle of a line). No-ops in
 * a forked child, and for any other descriptor. */
void lg_progress_before(int fd);
void lg_progress_after(int fd, int at_line_start);

/* ---- the text, pure (unit-tested) ------------------------------------- */

/* What the line shows. */
struct lg_progress_figures {
    lg_ns_t now_ns;              /* run time */
    lg_ns_t end_ns;              /* planned end of the load; -1: unknown */
    uint64_t requests, errors;   /* so far */
    double rate;                 /* requests/s over the last draw period */
    int workers;                 /* live workers */
    int have_p99;                /* 0: no request ended in the last period */
    uint64_t p99_ns;             /* p99 of the requests of the last period */
    int open;                    /* open lines in the run: the queue part shows */
    long queue;                  /* events waiting, all open lines */
    uint64_t dropped;            /* events dropped so far, all open lines */
};

/* Writes the line into buf (size bytes, NUL included), cut to `width`
 * columns (the text is ASCII). Returns its length. */
size_t lg_progress_format(char *buf, size_t size, int width, const struct lg_progress_figures *f);

#endif
