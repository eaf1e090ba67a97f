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
 * if t_ns has passed). Returns 1 when the worker has been told to stop
 * (the sleep is cut short), else 0. */
int lg_ffi_sleep_until(double t_ns);

/* 1 once the worker has been told to stop (SIGTERM or SIGINT), else 0. */
int lg_ffi_stopping(void);

/* Interns a name (request or transaction label) for this worker: sends it to
 * the collector once and returns its id (>= 0), or -1 when the worker's
 * 65535 names are used up. Names longer than LG_NAME_MAX are cut. */
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
 * (0 error, 1 warning, 2 info, 3 debug, 4 trace). */
void lg_ffi_log(int level, const char *s, size_t len);

/* The run's -v count. */
int lg_ffi_verbosity(void);

#endif
