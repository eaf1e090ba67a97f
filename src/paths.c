/* paths.c -- see paths.h. */
#include "paths.h"

#include "mem.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Appends to buf (of size cap, holding *len bytes), cutting what does not
 * fit: *len never passes cap - 1. */
static void append(char *buf, size_t cap, int *len, const char *fmt, const char *arg)
{
    if (*len >= (int)cap - 1)
        return;
    int n = snprintf(buf + *len, cap - (size_t)*len, fmt, arg);
    *len = n < 0 ? *len : *len + n >= (int)cap ? (int)cap - 1 : *len + n;
}

/* A message or a path list being built in a fixed buffer. */
struct text {
    char *buf;
    size_t cap;
    int len;
};

static int lua_path_add(const char *dir, void *ctx)
{
    struct text *t = ctx;
    append(t->buf, t->cap, &t->len, ";%s/?.lua", dir);
    return 0;
}

static int is_file(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Sets out to the first of the candidate folders holding `probe`. */
static int pick_dir(char *out, size_t outlen, const char *const *cand, int n, const char *probe)
{
    char test[8192];
    for (int i = 0; i < n; i++) {
        if (!cand[i])
            continue;
        snprintf(test, sizeof(test), "%s/%s", cand[i], probe);
        if (is_file(test)) {
            snprintf(out, outlen, "%s", cand[i]);
            return 0;
        }
    }
    return -1;
}

/* Resolves ".." and links in place, for readable messages; keeps the path
 * as it is when it cannot. */
static void canonical(char *path, size_t len)
{
    char *real = realpath(path, NULL);
    if (real && strlen(real) < len)
        strcpy(path, real);
    free(real);
}

int lg_paths_init(struct lg_paths *p, char *err, size_t errlen)
{
    char exe[4096], in_tree[4096 + 16], share[4096 + 32], prefix_share[4096];
    char lua_deep[4096 + 16];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    char *dir = dirname(exe);
    snprintf(in_tree, sizeof(in_tree), "%s/..", dir);
    snprintf(share, sizeof(share), "%s/../share/logen", dir);
    snprintf(prefix_share, sizeof(prefix_share), "%s/share/logen", LG_PREFIX);

    char lua_tree[sizeof(in_tree) + 8], lua_share[sizeof(share) + 8], lua_prefix[sizeof(prefix_share) + 8];
    snprintf(lua_tree, sizeof(lua_tree), "%s/lua", in_tree);
    snprintf(lua_share, sizeof(lua_share), "%s/lua", share);
    snprintf(lua_prefix, sizeof(lua_prefix), "%s/lua", prefix_share);
    snprintf(lua_deep, sizeof(lua_deep), "%s/../../lua", dir); /* build/asan/logen */
    const char *lua_cand[] = { getenv("LOGEN_LUA"), lua_tree, lua_deep, lua_share, lua_prefix };
    if (pick_dir(p->lua_dir, sizeof(p->lua_dir), lua_cand, 5, "logen/init.lua") < 0) {
        snprintf(err, errlen, "logen: cannot find the Lua runtime (logen/init.lua) in %s, %s or %s",
                 lua_tree, lua_share, lua_prefix);
        return -1;
    }
    char deep[4096 + 16];
    snprintf(deep, sizeof(deep), "%s/../..", dir);
    const char *base_cand[] = { in_tree, deep, share, prefix_share };
    if (pick_dir(p->base_dir, sizeof(p->base_dir), base_cand, 4, "cuts/Dummy.lua") < 0)
        snprintf(p->base_dir, sizeof(p->base_dir), "%s", prefix_share);
    canonical(p->lua_dir, sizeof(p->lua_dir));
    canonical(p->base_dir, sizeof(p->base_dir));

    /* The runtime first, then the CUT search path, so a CUT can require
     * helpers beside it (require "cuts.common"). */
    struct text path = { p->lua_path, sizeof(p->lua_path), 0 };
    path.len = snprintf(p->lua_path, sizeof(p->lua_path), "%s/?.lua;%s/?/init.lua",
                        p->lua_dir, p->lua_dir);
    lg_paths_each(p, lua_path_add, &path);
    return 0;
}

int lg_paths_each(const struct lg_paths *p, int (*fn)(const char *dir, void *ctx), void *ctx)
{
    int rc = fn(".", ctx);
    const char *lp = getenv("LOGEN_PATH");
    char *copy = lg_strdup(lp ? lp : "");
    for (char *save = NULL, *d = strtok_r(copy, ":", &save); d && rc == 0; d = strtok_r(NULL, ":", &save))
        rc = fn(d, ctx);
    free(copy);
    return rc != 0 ? rc : fn(p->base_dir, ctx);
}

struct find {
    const char *rel;     /* the file looked for */
    char *path;          /* where it is found */
    size_t pathlen;
    struct text where;   /* where it was looked for, for the message */
};

static int find_in(const char *dir, void *ctx)
{
    struct find *f = ctx;
    int here = strcmp(dir, ".") == 0;
    if (here)
        snprintf(f->path, f->pathlen, "%s", f->rel);
    else
        snprintf(f->path, f->pathlen, "%s/%s", dir, f->rel);
    if (is_file(f->path))
        return 1;
    append(f->where.buf, f->where.cap, &f->where.len, f->where.len ? ", %s" : "%s",
           here ? "the current directory" : dir);
    return 0;
}

int lg_paths_find(const struct lg_paths *p, const char *rel, char *path, size_t pathlen,
                  char *where, size_t wherelen)
{
    struct find f = { rel, path, pathlen, { where, wherelen, 0 } };
    where[0] = '\0';
    return lg_paths_each(p, find_in, &f) == 1 ? 0 : -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void class_name(const char *path, char *name, size_t namelen)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    if (ends_with(base, ".lua"))
        len -= 4;
    snprintf(name, namelen, "%.*s", (int)len, base);
}

/* A CUT is read whole, by the check and by every worker: a regular file
 * (a FIFO would hold the reader until its writer came, a directory fail
 * later and less clearly). */
static int cut_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!is_file(path) || stat(path, &st) < 0) {
        snprintf(err, errlen, "CUT file %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "CUT file %s: not a regular file but %s", path,
                 S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
                                                     : "a device or socket");
        return -1;
    }
    return 0;
}

int lg_paths_cut(const struct lg_paths *p, const char *action, char *path, size_t pathlen,
                 char *name, size_t namelen, char *err, size_t errlen)
{
    if (ends_with(action, ".lua")) {
        if (cut_file(action, err, errlen) < 0)
            return -1;
        snprintf(path, pathlen, "%s", action);
        class_name(action, name, namelen);
        return 0;
    }
    char rel[1024];
    snprintf(rel, sizeof(rel), "%s.lua", action);
    for (char *c = rel; c < rel + strlen(rel) - 4; c++)
        if (*c == '.')
            *c = '/';
    class_name(rel, name, namelen);
    char where[4096];
    if (lg_paths_find(p, rel, path, pathlen, where, sizeof(where)) == 0)
        return cut_file(path, err, errlen);
    snprintf(err, errlen, "unknown CUT %s: no %s in %s", action, rel, where);
    return -1;
}
