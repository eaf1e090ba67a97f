/* lrt.c -- Lua state creation (with the C modules preloaded, among them
 * logen.record, record.h's constants), the protected-call helper, CUT
 * checking.
 *
 * CUTs are checked in a child process: a CUT's top-level code may call
 * os.exit or write through a null FFI pointer, and that must end the
 * child, which the parent then names, never the parent itself. */
#include "lrt.h"

#include "bind_crypto.h"
#include "bind_http.h"
#include "log.h"
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

int luaopen_cjson(lua_State *L);      /* from Debian's liblua5.1-cjson.a */
int luaopen_cjson_safe(lua_State *L);

static int lrt_panic(lua_State *L)
{
    fprintf(stderr, "logen: Lua panic: %s\n", lua_tostring(L, -1));
    abort();
}

static void lrt_preload(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
    lua_pop(L, 2);
}

/* logen.record: the record types, stop reasons and rc codes of record.h,
 * by their names without the LG_REC_/LG_ prefix. */
static int lrt_record_open(lua_State *L)
{
    lua_newtable(L);
#define LRT_CONSTANT(name, value) (lua_pushinteger(L, value), lua_setfield(L, -2, #name));
    LG_RECORD_LUA_CONSTANTS(LRT_CONSTANT)
#undef LRT_CONSTANT
    return 1;
}

lua_State *lg_lrt_new(const char *lua_path)
{
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "logen: cannot create a Lua state: out of memory\n");
        abort();
    }
    lua_atpanic(L, lrt_panic);
    luaL_openlibs(L);
    lrt_preload(L, "cjson", luaopen_cjson);
    lrt_preload(L, "cjson.safe", luaopen_cjson_safe);
    lrt_preload(L, "logen.record", lrt_record_open);
    lrt_preload(L, "logen.httpc", luaopen_logen_httpc);
    lrt_preload(L, "logen.cryptoc", luaopen_logen_cryptoc);
    lua_getglobal(L, "package");
    lua_pushstring(L, lua_path);
    lua_setfield(L, -2, "path");
    lua_pop(L, 1);
    return L;
}

/* Message handler: keeps the message, appends the traceback after a blank
 * line so lg_lrt_call can cut it off. */
static int lrt_traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    lua_getglobal(L, "debug");
    lua_getfield(L, -1, "traceback");
    lua_pushfstring(L, "%s\n", msg);
    lua_pushinteger(L, 2);
    lua_call(L, 2, 1); /* debug.traceback itself does not raise */
    return 1;
}

int lg_lrt_call(lua_State *L, int nargs, int nresults, char *err, size_t errlen)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, lrt_traceback);
    lua_insert(L, base);
    int rc = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (rc == 0)
        return 0;
    const char *full = lua_tostring(L, -1);
    if (!full)
        full = "(no message)";
    size_t first = strcspn(full, "\n");
    if (first >= errlen)
        first = errlen - 1;
    memcpy(err, full, first);
    err[first] = '\0';
    lg_log(LG_LOG_DEBUG, "%s", full);
    lua_pop(L, 1);
    return -1;
}

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

/* Checks one CUT in a throwaway state (see lg_lrt_check_cuts). */
static int lrt_check_one(const char *lua_path, const struct lg_lrt_cut *cut, char *err,
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
                        const struct lg_lrt_cut *cuts, int n)
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
static int check_verdict(const struct check_shm *shm, int status, const struct lg_lrt_cut *cuts,
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

int lg_lrt_check_cuts(const char *lua_path, const struct lg_lrt_cut *cuts, int n, int *failed,
                      char *err, size_t errlen)
{
    struct check_shm *shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int status = 0, rc = -1;
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
    if ((pid = fork()) < 0) {
        snprintf(err, errlen, "cannot check the CUT: fork: %s", strerror(errno));
    } else if (pid == 0) {
        check_child(shm, lua_path, cuts, n);
    } else {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        rc = check_verdict(shm, status, cuts, failed, err, errlen);
    }
    munmap(shm, sizeof *shm);
    return rc;
}
