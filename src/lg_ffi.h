/* lg_ffi.h -- the C functions the Lua runtime calls through the LuaJIT FFI.
 *
 * The single source of these declarations: lua/logen/ffi.lua declares the
 * same prototypes in its cdef, and a test checks that the two agree. They
 * run in a worker only, never raise and never call back into Lua. Times are
 * nanoseconds on the run clock, passed as doubles (exact to 2^53 ns, about
 * 104 days) so that LuaJIT never boxes them. They are exported from the
 * binary by src/lg_ffi.dyn. */
#ifndef LG_FFI_H
#define LG_FFI_H

#include <stddef.h>

/* Now, in ns since the run epoch. */
double lg_ffi_now(void);

/* Flushes pending records, then sleeps until run time t_ns (returns at once
 * if t_ns has passed or is NaN; a time past about 31 years is "never").
 * Inside a timed call the sleep ends at its --timeout. Returns 1 when the
 * worker has been told to stop, its hard end has passed or the timed call
 * around it ran out of time (the sleep is cut short), else 0. In a
 * coroutine of the scheduler it returns -1 instead of sleeping: the caller
 * yields, and once resumed calls again with the same t_ns. */
int lg_ffi_sleep_until(double t_ns);

/* 1 once the worker has been told to stop (SIGTERM or SIGINT) or its hard
 * end (load end + --grace) has passed, else 0. */
int lg_ffi_stopping(void);

/* The runner enters the CUT's hooks for step index `step`, with requests
 * manager `manager` (its name labels an error outside requests, as
 * "manager.hooks"). From the hard end on, the code run until
 * lg_ffi_cut_leave may be cut by an error raised from a Lua hook.
 * lg_ffi_cut_leave returns 2 when that happened outside a timed call, else 0. */
void lg_ffi_cut_enter(int step, const char *manager, size_t len);
int lg_ffi_cut_leave(void);

/* A timed call (logen.exec) of request `name` of `manager` begins at
 * begin_ns (the names are copied), in the copy of the CUT's loop that runs.
 * Past --timeout (or the hard end) an error is raised in it from a Lua hook;
 * if it cannot be (a compiled loop, a blocking C call), the worker records
 * the request as timed out and ends a second later. Nested calls count as
 * the outermost. lg_ffi_request_end returns 1 when the call was cut at
 * --timeout, 2 at the hard end, 3 when a wait in it was cut short by the
 * stop request (it did not complete), else 0. */
void lg_ffi_request_begin(const char *manager, size_t mlen, const char *name, size_t nlen,
                          double begin_ns);
int lg_ffi_request_end(void);

/* --timeout in seconds; 0 when there is none (and in the parent). */
double lg_ffi_timeout(void);

/* Interns a name (request or transaction label) for this worker: sends it to
 * the collector once and returns its id (>= 0), or -1 when the worker's
 * 65535 names are used up: a record given -1 carries LG_NAME_NONE, which
 * the collector counts as a name over the cap, never as another name.
 * Names longer than LG_NAME_MAX are cut. */
int lg_ffi_name(const char *s, size_t len);

/* The error message of the next LG_REC_REQ or LG_REC_ERR record (cut at
 * LG_TEXT_MAX bytes). */
void lg_ffi_text(const char *s, size_t len);

/* Appends one LG_REC_REQ, LG_REC_TRA or LG_REC_ERR record to the batch. */
void lg_ffi_record(int type, int rc, int name, int step, double opcount, double tra,
                   double begin_ns, double end_ns, double inlen, double outlen);

/* The LG_REC_START record: the worker's load begins at t_ns. */
void lg_ffi_start(double t_ns);

/* Writes one log line to stderr when level <= the run's -v count
 * (0 error, 1 warning, 2 info, 3 debug, 4 trace); a negative level -L at
 * every verbosity, labelled as L (see log.h). */
void lg_ffi_log(int level, const char *s, size_t len);

/* The run's -v count. */
int lg_ffi_verbosity(void);

/* Open model: flushes pending records, then takes the next event from the
 * job queue, blocking while it is empty. Fills job[0..3] with its sequence
 * number, intended time, dispatch time (ns) and phase, and returns 1; or
 * returns 0 when the worker must end: the queue is over, or it was told to
 * stop or retire. Records sent until the next take carry the event's
 * intended time. In a coroutine of the scheduler it returns -1 when the
 * queue is empty: the caller yields, then takes again. */
int lg_ffi_job_take(double *job);

/* Open model: the LG_REC_JOB record of the event in job (as filled by
 * lg_ffi_job_take), run from begin_ns to end_ns with `requests` request
 * records; or, when dropped is non-zero, its LG_REC_DROP record. */
void lg_ffi_job_done(const double *job, double begin_ns, double end_ns, int requests, int dropped);

/* --concurrency C > 1: the coroutines' scheduler (sched.c).
 * lg_ffi_sched_start makes it for n coroutines; returns 0 or -errno.
 * lg_ffi_sched_enter(i): coroutine i (0..n-1) runs from now on; -1: none.
 * lg_ffi_sched_wait runs the event loop until coroutines may go on, writes
 * their indexes to ready (room for n) and returns how many; 0 when none
 * waits for anything any more. */
int lg_ffi_sched_start(int n);
void lg_ffi_sched_enter(int i);
int lg_ffi_sched_wait(int *ready);

#endif
