/* worker.c -- the worker process's life: stdout handed over, signals, its
 * LuaJIT state, the runner's main, and a clean end (flush, STOP record,
 * exit status). The functions the runner calls are in lg_ffi.c.
 *
 * A 100 ms interval timer flushes the record batch from its signal handler
 * when the main line is not touching it, so records reach the collector
 * even while a CUT blocks in a long request. SIGTERM and SIGINT only raise
 * the stop flag: the runner sees it between steps, and sleeps end early.
 * SIGPIPE is ignored: a collector that is gone shows as EPIPE on the stats
 * pipe, and the worker stops at its next flush. */
#include "worker.h"

#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "lg_ffi.h"
#include "log.h"
#include "lrt.h"
#include "record.h"
#include "worker_state.h"

struct lg_worker_state lg_worker_state = { .job_fd = -1 };

#define W (&lg_worker_state)

static void worker_stop_cb(int sig)
{
    (void)sig;
    W->stop = 1;
}

static void worker_retire_cb(int sig)
{
    (void)sig;
    W->retire = 1;
}

static void worker_flush_cb(int sig)
{
    (void)sig;
    lg_statpipe_flush_async(&W->pipe);
}

static void worker_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = worker_stop_cb;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = worker_retire_cb;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = worker_flush_cb;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    struct itimerval it = { .it_interval = { 0, 100000 }, .it_value = { 0, 100000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

/* The options table the runner receives: every option of the line, plus
 * where this worker stands in it. */
static void worker_push_options(lua_State *L, const struct lg_worker_args *a)
{
    const struct lg_config *c = a->cfg;
    lua_newtable(L);
#define SETNUM(k, v) (lua_pushnumber(L, (double)(v)), lua_setfield(L, -2, k))
#define SETSTR(k, v) ((v) ? lua_pushstring(L, v) : lua_pushnil(L), lua_setfield(L, -2, k))
    SETSTR("cut_path", a->cut_path);
    SETSTR("cut_name", a->cut_name);
    SETSTR("action", c->action);
    SETSTR("id", c->id);
    SETSTR("extra", c->extra);
    SETSTR("eval", c->eval);
    SETNUM("worker", a->worker);
    SETNUM("index", a->index);
    SETNUM("pid", getpid());
    SETNUM("start_ns", a->start_ns);
    SETNUM("verbose", c->verbose);
    SETNUM("process", c->process);
    SETNUM("postpone", c->postpone);
    SETNUM("rampup", c->rampup);
    SETNUM("duration", c->duration);
    SETNUM("loops", c->loops);
    SETNUM("pauseloop", c->pauseloop);
    SETNUM("pausestep", c->pausestep);
    SETNUM("summary", c->summary);
    SETNUM("maxwait", c->maxwait);
    lua_pushboolean(L, c->openedmodel);
    lua_setfield(L, -2, "openedmodel");
    lua_createtable(L, c->nsteps, 0);
    for (int i = 0; i < c->nsteps; i++) {
        lua_pushstring(L, c->steps[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "steps");
#undef SETNUM
#undef SETSTR
}

/* The last records: the failure text when the CUT could not run (the
 * collector reads it with the STOP that follows), then STOP. */
static void worker_finish(int reason, const char *failure)
{
    if (failure)
        lg_ffi_text(failure, strlen(failure));
    struct lg_record *rec = lg_statpipe_slot(&W->pipe, LG_REC_STOP);
    rec->rc = (uint8_t)reason;
    rec->u.stop.start_ns = W->started_ns;
    rec->u.stop.end_ns = lg_clock_now();
    /* Count this record too; wait_ns may still grow while it is written. */
    rec->u.stop.sent = W->pipe.sent + (uint64_t)W->pipe.n + 1;
    rec->u.stop.wait_ns = W->pipe.wait_ns;
    rec->u.stop.opcount = W->opcount;
    lg_statpipe_commit(&W->pipe, lg_clock_now());
    lg_statpipe_flush(&W->pipe);
}

int lg_worker_run(const struct lg_worker_args *a)
{
    char err[1024];
    struct itimerval off = { { 0, 0 }, { 0, 0 } };

    /* stdout is the collector's data stream: a CUT's print() goes to stderr.
     * Drop whatever the parent had buffered for stdout; it is the parent's
     * to write, once. */
    __fpurge(stdout);
    dup2(2, 1);
    setvbuf(stdout, NULL, _IOLBF, 0);
    lg_log_verbosity = a->cfg->verbose;
    W->job_fd = a->job_fd;
    lg_statpipe_writer_init(&W->pipe, a->pipe_fd, a->worker, (int)getpid());
    worker_signals();

    lua_State *L = lg_lrt_new(a->lua_path);
    lua_getglobal(L, "require");
    lua_pushstring(L, "logen.runner");
    int rc = lg_lrt_call(L, 1, 1, err, sizeof(err));
    if (rc == 0) {
        lua_getfield(L, -1, "main");
        worker_push_options(L, a);
        rc = lg_lrt_call(L, 1, 0, err, sizeof(err));
    }
    setitimer(ITIMER_REAL, &off, NULL);
    if (rc != 0)
        lg_log(LG_LOG_DEBUG, "worker %d: %s", a->worker, err);
    int reason = rc != 0 ? LG_STOP_FAILED : W->stop ? LG_STOP_SIGNAL
               : W->retire ? LG_STOP_RETIRED : LG_STOP_DONE;
    worker_finish(reason, rc != 0 ? err : NULL);
    lua_close(L);
    fflush(stdout);
    return rc != 0 ? 3 : 0;
}
