/* cut_check.c -- the CUTs checked in a child before the run (cut_check.h). */
#include "cut_check.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lua.h>

#include "log.h"
#include "lrt.h"

/* Decodes extra with lua-cjson, the decoder the workers use (runner.lua),
 * and checks that it is an object: cjson gives a table for an array too,
 * so the text must open with '{'. Leaves the stack as it found it. */
static int lrt_check_extra(lua_State *L, const char *extra, const char *from, char *err,
                           size_t errlen)
{
    int top = lua_gettop(L), rc;
    char msg[512];

    lua_getglobal(L, "require");
    lua_pushstring(L, "cjson");
    if ((rc = lg_lrt_call(L, 1, 1, msg, sizeof(msg))) == 0) {
        lua_getfield(L, -1, "decode");
        lua_pushstring(L, extra);
        rc = lg_lrt_call(L, 1, 1, msg, sizeof(msg));
        if (rc == 0 && (!lua_istable(L, -1) || extra[strspn(extra, " \t\r\n")] != '{')) {
            snprintf(msg, sizeof(msg), "not a JSON object");
            rc = -1;
        }
    }
    lua_settop(L, top);
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", from, msg);
    return rc;
}

/* Checks one CUT in a throwaway state (see lg_cut_check_all). */
static int lrt_check_one(const char *lua_path, const struct lg_cut_check *cut, char *err,
                         size_t errlen)
{
    lua_State *L = lg_lrt_new(lua_path);
    int rc = lrt_check_extra(L, cut->extra ? cut->extra : "{}",
                             cut->extra_from ? cut->extra_from : "--extra", err, errlen);
    if (rc == 0) {
        lua_getglobal(L, "require");
        lua_pushstring(L, "logen.runner");
        rc = lg_lrt_call(L, 1, 1, err, errlen);
    }
    if (rc == 0) {
        lua_getfield(L, -1, "load_cut");
        lua_pushstring(L, cut->cut_path); /* nil when NULL: -e code */
        lua_pushstring(L, cut->cut_name);
        lua_pushstring(L, cut->code);
        rc = lg_lrt_call(L, 3, 1, err, errlen);
    }
    lua_close(L);
    return rc;
}

/* What the checking child tells the parent, in a shared mapping: it
 * survives the child however the child ends. */
struct check_shm {
    int current;   /* index of the CUT being loaded, -1 before the first */
    int failed;    /* index of the CUT refused, -1: none */
    int done;      /* 1: every CUT was checked */
    char msg[2048];
};

/* The child: checks every CUT, stops at the first refused. Does not
 * return; _exit leaves the parent's stdio buffers alone. */
static void check_child(struct check_shm *shm, const char *lua_path,
                        const struct lg_cut_check *cuts, int n)
{
    char msg[sizeof shm->msg];

    for (int i = 0; i < n; i++) {
        shm->current = i;
        if (lrt_check_one(lua_path, &cuts[i], msg, sizeof msg) < 0) {
            memcpy(shm->msg, msg, sizeof msg);
            shm->failed = i;
            _exit(0);
        }
    }
    shm->done = 1;
    _exit(0);
}

/* The parent's reading of how the child ended. */
static int check_verdict(const struct check_shm *shm, int status, const struct lg_cut_check *cuts,
                         int *failed, char *err, size_t errlen)
{
    int i = shm->current < 0 ? 0 : shm->current;
    const char *who = cuts[i].cut_path ? cuts[i].cut_path : "-e code";

    if (shm->failed >= 0) {
        *failed = shm->failed;
        snprintf(err, errlen, "%.*s", (int)sizeof shm->msg - 1, shm->msg);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && shm->done)
        return 0;
    *failed = i;
    if (WIFSIGNALED(status))
        snprintf(err, errlen, "%s: the process checking the CUT died while loading it: signal %d "
                 "(%s)", who, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(err, errlen, "%s: the process checking the CUT died while loading it: exit "
                 "status %d", who, WEXITSTATUS(status));
    return -1;
}

/* How long the CUTs may take to load, all together: loading one takes
 * milliseconds, so a check still running then is stuck in a loop at load
 * time (or waits on something that never comes). */
#define CHECK_LIMIT_S 10

static const int check_stops[] = { SIGINT, SIGTERM, SIGHUP };

static int is_stop(int sig)
{
    for (size_t i = 0; i < sizeof check_stops / sizeof *check_stops; i++)
        if (sig == check_stops[i])
            return 1;
    return 0;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits for the child, with SIGCHLD and the stop signals blocked (in
 * *set): returns 0 once it ended (*status set), -1 when it outlived
 * CHECK_LIMIT_S, or the stop signal that came first. In both last cases
 * the child is killed and reaped: no check is ever left behind. */
static int check_wait(pid_t pid, const sigset_t *set, int *status)
{
    double end = mono_s() + CHECK_LIMIT_S;
    int verdict = 0;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return verdict;
        double left = end - mono_s();
        if (left <= 0)
            verdict = -1;
        if (verdict != 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return verdict;
        }
        if (left > 1)
            left = 1;
        struct timespec ts = { .tv_sec = (time_t)left, .tv_nsec = (long)((left - (time_t)left) * 1e9) };
        int sig = sigtimedwait(set, NULL, &ts);
        if (is_stop(sig))
            verdict = sig;
    }
}

int lg_cut_check_all(const char *lua_path, const struct lg_cut_check *cuts, int n, int *failed,
                     char *err, size_t errlen)
{
    struct check_shm *shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int status = 0, rc = -1;
    sigset_t set, old;
    pid_t pid;

    *failed = 0;
    if (shm == MAP_FAILED) {
        snprintf(err, errlen, "cannot check the CUT: mmap: %s", strerror(errno));
        return -1;
    }
    shm->current = shm->failed = -1;
    shm->done = 0;
    fflush(stdout);
    fflush(stderr);
    /* blocked before the fork: a stop or the child's end is never missed */
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (size_t i = 0; i < sizeof check_stops / sizeof *check_stops; i++)
        sigaddset(&set, check_stops[i]);
    sigprocmask(SIG_BLOCK, &set, &old);
    pid_t parent = getpid();
    if ((pid = fork()) < 0) {
        snprintf(err, errlen, "cannot check the CUT: fork: %s", strerror(errno));
    } else if (pid == 0) {
        /* logen killed (-9) while a CUT loops at load time: the check goes too */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        sigprocmask(SIG_SETMASK, &old, NULL);
        check_child(shm, lua_path, cuts, n);
    } else {
        int verdict = check_wait(pid, &set, &status);
        if (verdict > 0) {
            /* a stop request: the check is gone, the request is carried
             * out as logen's own, as if it had come a moment earlier */
            sigprocmask(SIG_SETMASK, &old, NULL);
            signal(verdict, SIG_DFL);
            raise(verdict);
            snprintf(err, errlen, "stopped by signal %d while checking the CUTs", verdict);
        } else if (verdict < 0) {
            int i = shm->current < 0 ? 0 : shm->current;
            *failed = i;
            snprintf(err, errlen, "%s: still loading after %d s (a loop at load time?): the check "
                     "was ended", cuts[i].cut_path ? cuts[i].cut_path : "-e code", CHECK_LIMIT_S);
        } else {
            rc = check_verdict(shm, status, cuts, failed, err, errlen);
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    munmap(shm, sizeof *shm);
    return rc;
}
