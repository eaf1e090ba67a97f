/* worker_state.h -- the state of a worker process, shared by the two files
 * that make the worker: worker.c (its life and its signal handlers) and
 * lg_ffi.c (the functions the Lua runner calls). Nothing else includes it:
 * the parent sees a worker through worker.h only. */
#ifndef LG_WORKER_STATE_H
#define LG_WORKER_STATE_H

#include <signal.h>
#include <stdint.h>

#include "clock.h"
#include "statpipe.h"

struct lg_worker_state {
    struct lg_statpipe_writer pipe;  /* the records on their way to the collector */
    volatile sig_atomic_t stop;      /* SIGTERM/SIGINT, or the collector is gone */
    volatile sig_atomic_t retire;    /* open model: end after this event (SIGUSR1) */
    int job_fd;                      /* open model: the job queue; -1 when closed */
    lg_ns_t intended_ns;             /* of the event being run, 0 if closed */
    lg_ns_t started_ns;              /* when the load began (LG_REC_START), 0 if never */
    uint64_t opcount;                /* the last op number sent */
};

/* The one worker of this process (defined in worker.c). */
extern struct lg_worker_state lg_worker_state;

#endif
