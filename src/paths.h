/* paths.h -- where logen finds its Lua runtime and the CUTs.
 *
 * The runtime (lua/logen/) is looked for in $LOGEN_LUA, then beside the
 * binary as built in the tree (build/logen -> lua/), then as installed
 * (bin/logen -> share/logen/lua/). A CUT named cuts.Dummy is the file
 * cuts/Dummy.lua searched in the current directory, then in each directory
 * of $LOGEN_PATH (colon-separated), then in the installed base (the folder
 * holding cuts/); a name ending in .lua is a path. A scenario file not
 * found as given is searched the same way (scenarios/mixed.txt). */
#ifndef LG_PATHS_H
#define LG_PATHS_H

#include <stddef.h>

struct lg_paths {
    char lua_dir[4096];   /* the folder holding logen/init.lua */
    char base_dir[4096];  /* the installed base: holds cuts/ and scenarios/ */
    char lua_path[16384]; /* package.path for every Lua state */
};

/* Finds the runtime. Returns 0, or -1 with a one-line message in err. */
int lg_paths_init(struct lg_paths *p, char *err, size_t errlen);

/* The search path, in order: the current directory ("."), each directory
 * of $LOGEN_PATH, the installed base. Calls fn(dir, ctx) for each until fn
 * returns non-zero; returns that value, or 0 when every one was visited.
 * dir is valid during the call only. */
int lg_paths_each(const struct lg_paths *p, int (*fn)(const char *dir, void *ctx), void *ctx);

/* Finds the relative file rel on the search path: sets path to the first
 * match (rel itself when in the current directory) and returns 0, or
 * returns -1 with where listing the folders it looked in. */
int lg_paths_find(const struct lg_paths *p, const char *rel, char *path, size_t pathlen,
                  char *where, size_t wherelen);

/* Resolves a CUT name into path (as found, relative when found under the
 * current directory) and class name. Returns 0, or -1 with a message saying
 * where it looked. */
int lg_paths_cut(const struct lg_paths *p, const char *action, char *path, size_t pathlen,
                 char *name, size_t namelen, char *err, size_t errlen);

#endif
