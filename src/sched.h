/* sched.h -- the event loop of a worker that runs --concurrency C > 1
 * copies of the CUT's loop as Lua coroutines (see sched.c). The Lua side
 * (lua/logen/sched.lua) resumes them; the functions here only note what a
 * coroutine waits for and say which ones may go on. A wait function that
 * returns LG_SCHED_YIELD has registered the running coroutine: the caller
 * yields, and once resumed asks for the outcome. */
#ifndef LG_SCHED_H
#define LG_SCHED_H

#include <curl/curl.h>

#include "clock.h"

enum lg_sched_status {
    LG_SCHED_YIELD = -1,  /* registered: yield now */
    LG_SCHED_DONE = 0,    /* the wait ended as asked (a transfer: see its code) */
    LG_SCHED_STOPPED = 1, /* cut by the stop request: the request did not complete */
    LG_SCHED_TIMEOUT = 2  /* cut at its --timeout or at the hard end */
};

/* --- the loop (worker side, through lg_ffi.c) */

/* Makes the scheduler of this process for n coroutines (slots 0..n-1);
 * job_fd, the open model's job queue or -1, becomes non-blocking. Returns
 * 0 or -errno. Called again with the same n, it keeps what it made. */
int lg_sched_start(int n, int job_fd);

/* Slot i runs from now on (its state is what the watch and the timed
 * calls see); -1: the scheduler itself runs. */
void lg_sched_enter(int i);

/* Runs the event loop until at least one coroutine may go on (or the
 * worker stops) and writes their slots to ready (room for n). Returns how
 * many; 0 when nothing waits any more. */
int lg_sched_wait(int *ready);

/* --- waits of the running coroutine */

/* Sleeps until t (already cut at the call's --timeout by the caller). */
int lg_sched_sleep(lg_ns_t t);

/* Waits for the job queue to have an event, or to end. */
int lg_sched_job_wait(void);

/* Hands easy to the worker's multi handle: LG_SCHED_YIELD, or
 * LG_SCHED_STOPPED when the worker is stopping (nothing was started). */
int lg_sched_http_start(CURL *easy);

/* After the resume: the outcome of the transfer (*rc set when DONE). */
int lg_sched_http_done(CURLcode *rc);

/* 1 when a scheduler runs a coroutine now (waits may yield), else 0. */
int lg_sched_active(void);

#endif
