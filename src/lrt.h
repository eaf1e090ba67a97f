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

/* One CUT to check: its file (NULL for -e code), class name, -e code,
 * and the --extra JSON text (NULL is "{}") with where it was set
 * ("--extra", "FILE: extra"; NULL is "--extra"). Borrowed. */
struct lg_lrt_cut {
    const char *cut_path;
    const char *cut_name;
    const char *code;
    const char *extra;
    const char *extra_from;
};

/* Before any worker starts, in one child process (the parent builds no
 * Lua state): for each of cuts[0..n), in a throwaway state, decodes extra
 * with lua-cjson, the very decoder the workers use, and checks it is an
 * object; then loads the CUT file (or compiles the -e code) and checks
 * that it compiles and gives a class with a func. Returns 0, or -1 with
 * *failed the index of the culprit and one line in err: "EXTRA_FROM:
 * cjson's message", or the CUT file (or -e) and line, or, when loading a
 * CUT ended the child, "FILE: the process checking the CUT died while
 * loading it: exit status N" (or "signal S (name)"). */
int lg_lrt_check_cuts(const char *lua_path, const struct lg_lrt_cut *cuts, int n, int *failed,
                      char *err, size_t errlen);

#endif
