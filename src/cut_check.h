/* cut_check.h -- every CUT of a run loaded once, before any worker starts,
 * in a child process of its own: a CUT's top-level code may call os.exit,
 * write through a null FFI pointer or loop, and that must end the child,
 * which the parent then names, never the parent itself. */
#ifndef LG_CUT_CHECK_H
#define LG_CUT_CHECK_H

#include <stddef.h>

/* One CUT to check: its file (NULL for -e code), class name, -e code,
 * and the --extra JSON text (NULL is "{}") with where it was set
 * ("--extra", "FILE: extra"; NULL is "--extra"). Borrowed. */
struct lg_cut_check {
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
int lg_cut_check_all(const char *lua_path, const struct lg_cut_check *cuts, int n, int *failed,
                     char *err, size_t errlen);

#endif
