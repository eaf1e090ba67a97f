/* worker.h -- the child side: one worker process running a Lua CUT.
 *
 * After the fork the worker builds its own LuaJIT state, loads the CUT once,
 * and hands control to lua/logen/runner.lua, which runs the loops and sends
 * every record through the stats pipe via the lg_ffi_* functions (lg_ffi.c
 * implements them). It writes nothing to stdout: stdout is the collector's
 * data stream, so a CUT's print() goes to stderr. */
#ifndef LG_WORKER_H
#define LG_WORKER_H

#include <stdint.h>

#include "cli.h"
#include "clock.h"

struct lg_worker_args {
    const struct lg_config *cfg; /* the worker's line */
    const char *lua_path;        /* package.path for the runtime and CUTs */
    const char *cut_path;        /* the CUT file */
    const char *cut_name;        /* its class name */
    int worker;                  /* run-wide index */
    int index;                   /* index within its line */
    lg_ns_t start_ns;            /* run time its load starts */
    int pipe_fd;                 /* write end of the stats pipe */
    int job_fd;                  /* open model: read end of the job queue; -1 when closed */
    int32_t *inflight;           /* open model: this worker's counter of the gauge (inflight.h); NULL */
};

/* Runs the worker to its end; call in the child right after the fork.
 * SIGTERM/SIGINT stop it after the current step; in the open model SIGUSR1
 * retires it after the current event.
 * Returns the process exit status: 0 when the CUT ran (whatever its
 * requests returned), 3 when it could not be loaded or built. */
int lg_worker_run(const struct lg_worker_args *a);

#endif
