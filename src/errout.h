/* errout.h -- the parent's own stderr during and after a run, written so
 * that a reader that does not read never keeps logen from a stop request.
 *
 * When stderr is a pipe, a socket or a terminal, the parent writes it
 * through a private non-blocking reopening of /proc/self/fd/2 (the
 * workers keep the blocking one). Lines written while the run goes on
 * (the log, the collector's error lines) are dropped and counted when it
 * is full; text after the run (the end summary) waits for the reader, but
 * once a stop request came, no longer than the grace period. */
#ifndef LG_ERROUT_H
#define LG_ERROUT_H

#include <stdio.h>

#include "clock.h"

/* The non-blocking descriptor, or -1 when stderr is a file (its writes do
 * not wait on a reader) or cannot be reopened: then written as it is. */
int lg_errout_open(void);

/* What a wait for stderr after the run watches: the run's signalfd, and
 * the stop request's time and signal, which it updates (borrowed). */
struct lg_errout {
    int fd;             /* from lg_errout_open */
    int sfd;            /* the parent's signalfd */
    lg_ns_t grace_ns;   /* how long a stop request lets it wait */
    lg_ns_t *stop_ns;   /* when the first stop request came, 0: none; 1: asked twice */
    int *interrupted;   /* the signal of the first, 0: none */
};

/* Reads the signals waiting on sfd: a stop request starts the grace
 * period, a second one ends it. */
void lg_errout_signals(const struct lg_errout *e);

/* When a wait for a reader gives up: NEVER without a stop request. */
lg_ns_t lg_errout_give_up(const struct lg_errout *e);

/* A stream (line-buffered) whose writes go to e->fd as above; e must
 * outlive it. NULL when it cannot be made (use stderr). */
FILE *lg_errout_stream(struct lg_errout *e);

#endif
