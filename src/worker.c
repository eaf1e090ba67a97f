/* worker.c -- the worker process: its LuaJIT state, the lg_ffi_* functions
 * the Lua runner calls, and a clean end (flush, STOP record, exit).
 *
 * A 100 ms interval timer flushes the record batch from its signal handler
 * when the main line is not touching it, so records reach the collector
 * even while a CUT blocks in a long request. SIGTERM and SIGINT only raise
 * the stop flag: the runner sees it between steps, and sleeps end early. */
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "lg_ffi.h"
#include "jobq.h"
#include "log.h"
#include "lrt.h"
#include "record.h"
#include "statpipe.h"

static struct lg_statpipe_writer worker_pipe;
static volatile sig_atomic_t worker_stop;
static volatile sig_atomic_t worker_retire; /* open model: end after this event */
static const char *worker_cut_name;
static int worker_job_fd = -1;
static lg_ns_t worker_intended_ns;          /* of the event being run, 0 if closed */
static uint64_t worker_opcount;             /* the last op number sent */

static void worker_stop_cb(int sig)
{
    (void)sig;
    worker_stop = 1;
}

static void worker_retire_cb(int sig)
{
    (void)sig;
    worker_retire = 1;
}

static void worker_flush_cb(int sig)
{
    (void)sig;
    lg_statpipe_flush_async(&worker_pipe);
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

/* ---- the lg_ffi_* functions (see lg_ffi.h) ---- */

double lg_ffi_now(void)
{
    return (double)lg_clock_now();
}

int lg_ffi_stopping(void)
{
    return worker_stop;
}

int lg_ffi_sleep_until(double t_ns)
{
    lg_ns_t t = (lg_ns_t)t_ns;
    if (worker_pipe.n > 0 && lg_statpipe_flush(&worker_pipe) < 0)
        worker_stop = 1; /* the collector is gone */
    while (!worker_stop && lg_clock_now() < t)
        lg_clock_sleep_until(t); /* -EINTR: the timer fired, sleep again */
    return worker_stop;
}

/* Sends text as chunks of `type` records for name id `name`. */
static void worker_text(int type, int name, const char *s, size_t len, size_t max)
{
    if (len > max)
        len = max;
    do {
        size_t n = len < LG_TEXT_CHUNK ? len : LG_TEXT_CHUNK;
        struct lg_record *rec = lg_statpipe_slot(&worker_pipe, type);
        rec->name = (uint16_t)name;
        rec->u.text.len = (uint16_t)n;
        rec->u.text.more = len > n;
        memcpy(rec->u.text.bytes, s, n);
        lg_statpipe_commit(&worker_pipe, lg_clock_now());
        s += n;
        len -= n;
    } while (len > 0);
}

int lg_ffi_name(const char *s, size_t len)
{
    static int next_name;
    if (next_name >= LG_NAME_NONE) /* its records carry LG_NAME_NONE: counted, not named */
        return -1;
    worker_text(LG_REC_NAME, next_name, s, len, LG_NAME_MAX);
    return next_name++;
}

void lg_ffi_text(const char *s, size_t len)
{
    worker_text(LG_REC_TEXT, 0, s, len, LG_TEXT_MAX);
}

void lg_ffi_record(int type, int rc, int name, int step, double opcount, double tra,
                   double begin_ns, double end_ns, double inlen, double outlen)
{
    struct lg_record *rec = lg_statpipe_slot(&worker_pipe, type);
    rec->rc = (uint8_t)(rc < 0 ? 255 : rc > 255 ? 255 : rc);
    rec->name = (uint16_t)name;
    rec->step = (uint16_t)step;
    rec->u.ev.opcount = (uint64_t)opcount;
    if (opcount > 0)
        worker_opcount = (uint64_t)opcount;
    rec->u.ev.tra = (uint64_t)tra;
    rec->u.ev.begin_ns = (int64_t)begin_ns;
    rec->u.ev.end_ns = (int64_t)end_ns;
    rec->u.ev.inlen = inlen > 0 ? (uint32_t)inlen : 0;
    rec->u.ev.outlen = outlen > 0 ? (uint32_t)outlen : 0;
    rec->u.ev.intended_ns = worker_intended_ns;
    lg_statpipe_commit(&worker_pipe, (lg_ns_t)end_ns);
}

static lg_ns_t worker_started_ns;

void lg_ffi_start(double t_ns)
{
    worker_started_ns = (lg_ns_t)t_ns;
    struct lg_record *rec = lg_statpipe_slot(&worker_pipe, LG_REC_START);
    rec->u.ev.begin_ns = worker_started_ns;
    lg_statpipe_commit(&worker_pipe, worker_started_ns);
    lg_statpipe_flush(&worker_pipe); /* the collector counts it as started now */
}

void lg_ffi_log(int level, const char *s, size_t len)
{
    lg_log_raw(level, s, len);
}

int lg_ffi_verbosity(void)
{
    return lg_log_verbosity;
}

int lg_ffi_job_take(double *job)
{
    struct lg_job j;
    if (worker_pipe.n > 0 && lg_statpipe_flush(&worker_pipe) < 0)
        worker_stop = 1;
    worker_intended_ns = 0;
    while (!worker_stop && !worker_retire && worker_job_fd >= 0) {
        int rc = lg_jobq_take(worker_job_fd, &j);
        if (rc == 1) {
            job[0] = (double)j.seq;
            job[1] = (double)j.intended_ns;
            job[2] = (double)j.dispatched_ns;
            job[3] = (double)j.phase;
            worker_intended_ns = j.intended_ns;
            return 1;
        }
        if (rc != -EINTR)
            break; /* end of the queue */
    }
    return 0;
}

void lg_ffi_job_done(const double *job, double begin_ns, double end_ns, int requests, int dropped)
{
    struct lg_record *rec = lg_statpipe_slot(&worker_pipe, dropped ? LG_REC_DROP : LG_REC_JOB);
    rec->u.job.seq = (uint64_t)job[0];
    rec->u.job.intended_ns = (int64_t)job[1];
    rec->u.job.dispatched_ns = (int64_t)job[2];
    rec->u.job.phase = (uint32_t)job[3];
    rec->u.job.begin_ns = (int64_t)begin_ns;
    rec->u.job.end_ns = (int64_t)end_ns;
    rec->u.job.requests = requests > 0 ? (uint32_t)requests : 0;
    lg_statpipe_commit(&worker_pipe, (lg_ns_t)end_ns);
}

/* ---- the worker's life ---- */

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
    struct lg_record *rec = lg_statpipe_slot(&worker_pipe, LG_REC_STOP);
    rec->rc = (uint8_t)reason;
    rec->u.stop.start_ns = worker_started_ns;
    rec->u.stop.end_ns = lg_clock_now();
    /* Count this record too; wait_ns may still grow while it is written. */
    rec->u.stop.sent = worker_pipe.sent + (uint64_t)worker_pipe.n + 1;
    rec->u.stop.wait_ns = worker_pipe.wait_ns;
    rec->u.stop.opcount = worker_opcount;
    lg_statpipe_commit(&worker_pipe, lg_clock_now());
    lg_statpipe_flush(&worker_pipe);
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
    worker_cut_name = a->cut_name;
    worker_job_fd = a->job_fd;
    lg_statpipe_writer_init(&worker_pipe, a->pipe_fd, a->worker, (int)getpid());
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
    int reason = rc != 0 ? LG_STOP_FAILED : worker_stop ? LG_STOP_SIGNAL
               : worker_retire ? LG_STOP_RETIRED : LG_STOP_DONE;
    worker_finish(reason, rc != 0 ? err : NULL);
    lua_close(L);
    fflush(stdout);
    return rc != 0 ? 3 : 0;
}
