/* lrt.c -- Lua state creation (with the C modules preloaded, among them
 * logen.record, record.h's constants) and the protected-call helper. */
#include "lrt.h"

#include "bind_crypto.h"
#include "bind_http.h"
#include "log.h"
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
