/* worker_state.h -- the state of a worker process, shared by the two files
 * that make the worker: worker.c (its life and its signal handlers) and
 * lg_ffi.c (the functions the Lua runner calls), and by sched.c (the
 * coroutines' event loop). Nothing else includes it:
 * the parent sees a worker through worker.h only. */
#ifndef LG_WORKER_STATE_H
#define LG_WORKER_STATE_H

#include <signal.h>
#include <stdint.h>

#include "clock.h"
#include "record.h"
#include "statpipe.h"

/* One copy of the CUT's loop: the only one when --concurrency is 1, else
 * one per coroutine (sched.c). What its timed calls and the watch read. */
struct lg_co {
    volatile sig_atomic_t in_cut;    /* the runner is inside the CUT's hooks */
    volatile sig_atomic_t depth;     /* timed calls (logen.exec) under way */
    volatile sig_atomic_t timed_out; /* the call was cut: 1 --timeout, 2 hard end */
    int cut_short;                   /* a wait of the current request was cut by the stop */
    int cut_step;                    /* step index of the hooks under way */
    unsigned serial;                 /* the worker's req_serial when its timed call began */
    lg_ns_t intended_ns;             /* of the event being run, 0 if closed */
    lg_ns_t req_begin_ns;            /* when the outermost timed call began */
    lg_ns_t req_deadline_ns;         /* its --timeout deadline; 0: none */
    char cut_label[LG_NAME_MAX + 1]; /* "manager.hooks": names an error outside requests */
    char req_label[LG_NAME_MAX + 1]; /* "manager.request" of the outermost timed call */
};

struct lg_sched;

struct lg_worker_state {
    struct lg_statpipe_writer pipe;  /* the records on their way to the collector */
    volatile sig_atomic_t stop;      /* SIGTERM/SIGINT, or the collector is gone */
    volatile sig_atomic_t retire;    /* open model: end after this event (SIGUSR1) */
    int job_fd;                      /* open model: the job queue; -1 when closed */
    int32_t *inflight;               /* open model: where the events held are told; NULL */
    int32_t held;                    /* events taken and not yet done */
    lg_ns_t started_ns;              /* when the load began (LG_REC_START), 0 if never */
    uint64_t opcount;                /* the last op number sent */
    int finished;                    /* the STOP record is sent (or being sent) */
    /* The CUT code running, for --timeout and the hard end (worker.c's
     * watch arms a Lua hook, then ends the worker if the hook cannot run). */
    struct lg_co *volatile co;       /* the copy running: &co0, or a coroutine's */
    struct lg_co co0;                /* the one copy when there is no scheduler */
    struct lg_sched *sched;          /* the coroutines' event loop; NULL: none */
    volatile sig_atomic_t hard;      /* the hard end is past: stop, cut what runs */
    unsigned req_serial;             /* counts timed calls: tells a stale hook */
    unsigned hooked_serial;          /* req_serial of the call the hook was armed for */
    lg_ns_t timeout_ns;              /* --timeout; 0: none */
    lg_ns_t hard_end_ns;             /* load end + --grace; 0: none */
    lg_ns_t hooked_ns;               /* when the hook was armed; 0: not armed */
};

/* The one worker of this process (defined in worker.c). */
extern struct lg_worker_state lg_worker_state;

#endif
