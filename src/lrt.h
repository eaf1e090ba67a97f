/* lrt.h -- the Lua runtime: state creation and protected calls.
 *
 * A state gets the standard libraries, lua-cjson preloaded (as "cjson" and
 * "cjson.safe", no cpath search), and a package.path that finds lua/logen/
 * and the CUTs. Every call from C into Lua goes through lg_lrt_call, which
 * adds a traceback handler; lua_call is not used. */
#ifndef LG_LRT_H
#define LG_LRT_H

#include <stddef.h>

#include <lua.h>

/* A new state (aborts when out of memory); close it with lua_close. */
lua_State *lg_lrt_new(const char *lua_path);

/* Calls the function below nargs arguments, protected. Returns 0, or -1 with
 * the error's first line in err; the whole traceback is logged at -vvv. */
int lg_lrt_call(lua_State *L, int nargs, int nresults, char *err, size_t errlen);

#endif
