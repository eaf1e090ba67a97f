/* worker.c -- the worker process's life: stdout handed over, signals, its
 * LuaJIT state, the runner's main, and a clean end (flush, STOP record,
 * exit status), also when the CUT calls os.exit. The functions the runner
 * calls are in lg_ffi.c.
 *
 * A 100 ms interval timer flushes the record batch from its signal handler
 * when the main line is not touching it, so records reach the collector
 * even while a CUT blocks in a long request. The same handler watches the
 * CUT code running (the watch below): past --timeout, or past the hard end
 * (load end + --grace), it sets a Lua hook that raises an error at the next
 * interpreted instruction (as luajit.c does for Ctrl-C). Compiled loops and
 * blocking C calls never see a hook: a second later the handler records
 * the cut request itself, sends STOP and ends the process. SIGTERM and
 * SIGINT only raise the stop flag: the runner sees it between steps, and
 * sleeps end early. SIGPIPE is ignored: a collector that is gone shows as
 * EPIPE on the stats pipe, and the worker stops at its next flush. */
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

struct lg_worker_state lg_worker_state = { .job_fd = -1, .co = &lg_worker_state.co0 };

#define W (&lg_worker_state)
#define STUCK_NS (1000 * 1000 * 1000LL) /* a hook that has not run by then never will */

static lua_State *worker_L;   /* NULL once closed */
static int worker_runner_ref = LUA_NOREF;

static void worker_finish(int reason, const char *failure);

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

/* 1 when the function running is the runner's or exec's own code, where
 * an error would escape the pcall meant to catch it (just before or after
 * that pcall): the hook then waits for the next instruction. */
static int worker_in_logen(lua_State *L, lua_Debug *ar)
{
    if (!lua_getinfo(L, "S", ar) || !ar->source)
        return 0;
    return strstr(ar->source, "logen/runner.lua") || strstr(ar->source, "logen/exec.lua");
}

/* Raises the timeout error in the CUT code that runs, unless the hook is
 * stale (the timed call it was set for has ended). */
static void worker_hook_cb(lua_State *L, lua_Debug *ar)
{
    struct lg_co *co = W->co;
    int in_call = co->depth > 0 && (W->hard || W->hooked_serial == co->serial);
    if (!in_call && !(W->hard && co->in_cut)) {
        lua_sethook(L, NULL, 0, 0);
        return;
    }
    if (worker_in_logen(L, ar))
        return;
    lua_sethook(L, NULL, 0, 0);
    co->timed_out = W->hard ? 2 : 1;
    if (W->hard)
        luaL_error(L, "timeout: still running at the hard end (--duration + --grace)");
    luaL_error(L, "timeout: still running after --timeout %f s", (double)W->timeout_ns / 1e9);
}

/* From the signal handler: the cut code did not end a second after the
 * hook was set. Records the timed call (or an error outside requests) as
 * a timeout, sends STOP and ends the process; retried at the next tick
 * while the main line is changing the batch. Does not return otherwise. */
static void worker_abandon(lg_ns_t now)
{
    static const char why[] = "timeout: the call could not be interrupted (a compiled loop "
                              "or a blocking C call): the worker ends";
    struct lg_co *co = W->co;
    if (W->pipe.busy || W->finished)
        return;
    int in_call = co->depth > 0;
    const char *label = in_call ? co->req_label : co->cut_label;
    int name = lg_ffi_name(label, strlen(label));
    lg_ffi_text(why, sizeof(why) - 1);
    lg_ffi_record(in_call ? LG_REC_REQ : LG_REC_ERR, LG_RC_TIMEOUT, name, co->cut_step,
                  in_call ? (double)(W->opcount + 1) : 0, 0,
                  (double)(in_call ? co->req_begin_ns : now), (double)now, 0, 0);
    worker_finish(W->hard ? LG_STOP_HARD_END : LG_STOP_FAILED,
                  W->hard ? NULL : "a call past --timeout could not be interrupted");
    _exit(W->hard ? 0 : 3);
}

/* The watch, every tick: arms the hook when a deadline has passed in the
 * copy of the loop that runs, and gives up on the code a second later. A
 * hook armed for a coroutine that has since yielded is forgotten: the
 * scheduler ends a wait past its deadline (sched.c). */
static void worker_watch(void)
{
    struct lg_co *co = W->co;
    if (!worker_L || W->finished)
        return;
    lg_ns_t now = lg_clock_now();
    if (W->hard_end_ns && now >= W->hard_end_ns)
        W->hard = 1;
    if (W->hooked_ns && !W->hard && W->hooked_serial != co->serial)
        W->hooked_ns = 0;
    int due = co->depth > 0 && (W->hard || (co->req_deadline_ns && now >= co->req_deadline_ns));
    if (!due && !(W->hard && co->in_cut))
        return;
    if (!W->hooked_ns) {
        W->hooked_ns = now;
        W->hooked_serial = co->serial;
        lua_sethook(worker_L, worker_hook_cb, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    } else if (now - W->hooked_ns >= STUCK_NS) {
        worker_abandon(now);
    }
}

static void worker_flush_cb(int sig)
{
    (void)sig;
    lg_statpipe_flush_async(&W->pipe);
    worker_watch();
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
    SETNUM("concurrency", c->concurrency > 0 ? c->concurrency : 1);
    SETNUM("pauseloop", c->pauseloop);
    SETNUM("pausestep", c->pausestep);
    SETNUM("summary", c->summary);
    SETNUM("maxwait", c->maxwait);
    SETNUM("timeout", c->timeout);
    SETNUM("grace", c->grace);
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
 * collector reads it with the STOP that follows), then STOP. Once only. */
static void worker_finish(int reason, const char *failure)
{
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    W->finished = 1;
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

static int worker_closed_cb(lua_State *L)
{
    (void)L;
    worker_L = NULL;
    return 0;
}

/* Notes in the state's registry an object whose collection (at lua_close,
 * os.exit(n, true) included) tells that the state is gone. */
static void worker_track_state(lua_State *L)
{
    worker_L = L;
    lua_newuserdata(L, 1);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, worker_closed_cb);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    luaL_ref(L, LUA_REGISTRYINDEX);
}

/* The process exits before the runner returned: the CUT called os.exit
 * (or a library called exit). The requests of the step under way are
 * recorded (runner.exiting), then the batch and a STOP record saying so
 * are sent, so nothing made is lost and the summary names the status.
 * Ends the process with _exit, as a worker's normal end does. */
static void worker_exit_cb(int status, void *arg)
{
    char err[256];
    (void)arg;
    if (W->finished)
        return;
    W->co->in_cut = W->co->depth = 0; /* no hook from here on */
    if (worker_L && worker_runner_ref != LUA_NOREF) {
        lua_rawgeti(worker_L, LUA_REGISTRYINDEX, worker_runner_ref);
        lua_getfield(worker_L, -1, "exiting");
        lua_remove(worker_L, -2);
        if (lg_lrt_call(worker_L, 0, 0, err, sizeof(err)) != 0)
            lg_log(LG_LOG_DEBUG, "worker: runner.exiting: %s", err);
    }
    snprintf(err, sizeof(err), "the CUT exited with status %d (os.exit)", status);
    worker_finish(status == 0 ? LG_STOP_DONE : LG_STOP_FAILED, status == 0 ? NULL : err);
    fflush(stdout);
    _exit(status); /* as a worker's normal end: no exit handler of the parent's */
}

/* --timeout and the hard end, as the watch reads them. The hard end is the
 * closed model's, with a duration: the worker's load end plus --grace. */
static void worker_limits(const struct lg_worker_args *a)
{
    const struct lg_config *c = a->cfg;
    if (c->timeout > 0 && c->timeout < 1e9)
        W->timeout_ns = lg_clock_from_s(c->timeout);
    if (!c->openedmodel && c->duration > 0 && c->duration + c->grace < 1e9)
        W->hard_end_ns = a->start_ns + lg_clock_from_s(c->duration + c->grace);
}

int lg_worker_run(const struct lg_worker_args *a)
{
    char err[1024];

    /* stdout is the collector's data stream: a CUT's print() goes to stderr.
     * Drop whatever the parent had buffered for stdout; it is the parent's
     * to write, once. */
    __fpurge(stdout);
    dup2(2, 1);
    setvbuf(stdout, NULL, _IOLBF, 0);
    lg_log_verbosity = a->cfg->verbose;
    W->job_fd = a->job_fd;
    W->inflight = a->inflight;
    lg_statpipe_writer_init(&W->pipe, a->pipe_fd, a->worker, (int)getpid());
    worker_limits(a);
    on_exit(worker_exit_cb, NULL);

    lua_State *L = lg_lrt_new(a->lua_path);
    worker_track_state(L);
    worker_signals();
    lua_getglobal(L, "require");
    lua_pushstring(L, "logen.runner");
    int rc = lg_lrt_call(L, 1, 1, err, sizeof(err));
    if (rc == 0) {
        lua_pushvalue(L, -1);
        worker_runner_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_getfield(L, -1, "main");
        worker_push_options(L, a);
        rc = lg_lrt_call(L, 1, 0, err, sizeof(err));
    }
    if (rc != 0)
        lg_log(LG_LOG_DEBUG, "worker %d: %s", a->worker, err);
    int reason = rc != 0 ? LG_STOP_FAILED : W->stop ? LG_STOP_SIGNAL
               : W->retire ? LG_STOP_RETIRED : LG_STOP_DONE;
    worker_finish(reason, rc != 0 ? err : NULL);
    lua_close(L);
    fflush(stdout);
    return rc != 0 ? 3 : 0;
}
