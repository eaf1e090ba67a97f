/* launch.c -- see launch.h. */
#include "launch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lrt.h"
#include "mem.h"

#define ADHOC_NAME "adhoc" /* class name of a -e run */

static void launch_grow(struct lg_launch *l)
{
    size_t n = (size_t)l->n + 1;
    l->lines = lg_realloc(l->lines, n * sizeof(*l->lines));
    l->cut_paths = lg_realloc(l->cut_paths, n * sizeof(char *));
    l->cut_names = lg_realloc(l->cut_names, n * sizeof(char *));
}

/* Resolves and checks the CUT of cfg, then appends the line. */
static int launch_add(struct lg_launch *l, const struct lg_config *cfg, const struct lg_paths *p,
                      char *err, size_t errlen)
{
    char path[4096], name[256];
    const char *code = cfg->eval;
    if (code && cfg->action) {
        snprintf(err, errlen, "-e runs its code as the CUT: drop '%s' or -e", cfg->action);
        return -1;
    }
    if (!code && !cfg->action) {
        snprintf(err, errlen, "no CUT given (try logen cuts.Dummy, logen -e 'CODE', or logen --help)");
        return -1;
    }
    if (code)
        snprintf(name, sizeof(name), ADHOC_NAME);
    else if (lg_paths_cut(p, cfg->action, path, sizeof(path), name, sizeof(name), err, errlen) < 0)
        return -1;
    if (lg_lrt_check_cut(p->lua_path, code ? NULL : path, name, code, cfg->extra, cfg->extra_from,
                         err, errlen) < 0)
        return -1;
    launch_grow(l);
    l->cut_paths[l->n] = code ? NULL : lg_strdup(path);
    l->cut_names[l->n] = lg_strdup(name);
    l->lines[l->n] = (struct lg_run_line){ .cfg = cfg, .cut_path = l->cut_paths[l->n],
                                           .cut_name = l->cut_names[l->n] };
    l->n++;
    return 0;
}

int lg_launch_single(struct lg_launch *l, const struct lg_config *cfg, const struct lg_paths *p,
                     char *err, size_t errlen)
{
    memset(l, 0, sizeof(*l));
    char msg[2048];
    if (launch_add(l, cfg, p, msg, sizeof(msg)) < 0) {
        snprintf(err, errlen, "logen: %s", msg);
        return -1;
    }
    return 0;
}

/* The options that belong to the whole run, refused on a scenario line. */
static const char *const run_options[] = { "outformat", "output", "summary", "file" };

static int line_check(const struct lg_config *c, char *msg, size_t len)
{
    if (c->action && strcmp(c->action, "scenario") == 0) {
        snprintf(msg, len, "a scenario line cannot run a scenario (no nesting)");
        return -1;
    }
    for (size_t i = 0; i < sizeof(run_options) / sizeof(run_options[0]); i++)
        if (lg_cli_given(c, run_options[i])) {
            snprintf(msg, len, "--%s applies to the whole run: give it beside scenario on the "
                     "command line", run_options[i]);
            return -1;
        }
    if (c->verbose) {
        snprintf(msg, len, "-v applies to the whole run: give it beside scenario on the command line");
        return -1;
    }
    return 0;
}

/* "Scenario" of "dir/Scenario.txt": the default id prefix of its lines. */
static void scenario_stem(const char *path, char *out, size_t outlen)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(out, outlen, "%.*s", len, base);
}

/* Parses line i of the scenario into l->cfgs[i]. */
static int line_parse(struct lg_launch *l, int i, const struct lg_config *run, char *msg, size_t len)
{
    struct lg_scenario_line *sl = &l->sc.lines[i];
    struct lg_config *c = &l->cfgs[i];
    /* the run's --defaults file reaches the line, unless it names its own:
     * it goes first, and the last --defaults given wins */
    char **argv = lg_malloc((size_t)(sl->argc + 3) * sizeof(char *));
    int argc = 0;
    argv[argc++] = sl->argv[0];
    if (run->defaults) {
        argv[argc++] = "--defaults";
        argv[argc++] = run->defaults;
    }
    memcpy(argv + argc, sl->argv + 1, (size_t)(sl->argc - 1) * sizeof(char *));
    argc += sl->argc - 1;
    argv[argc] = NULL;
    lg_cli_defaults(c);
    char cli_err[1024];
    int rc = lg_cli_parse(c, argc, argv, cli_err, sizeof(cli_err));
    free(argv);
    if (rc < 0) {
        /* cli messages start with "logen: " */
        snprintf(msg, len, "%s", strncmp(cli_err, "logen: ", 7) == 0 ? cli_err + 7 : cli_err);
        return -1;
    }
    if (line_check(c, msg, len) < 0)
        return -1;
    if (!lg_cli_given(c, "id")) {
        char stem[256], id[300];
        scenario_stem(l->sc.path, stem, sizeof(stem));
        snprintf(id, sizeof(id), "%s:%d", stem, sl->lineno);
        free(c->id);
        c->id = lg_strdup(id);
    }
    c->verbose = run->verbose;
    return 0;
}

/* The scenario file: as given, else (a relative name that does not exist)
 * the first on the CUT search path, as an installed logen finds the
 * scenarios/ it ships. Returns 0, or -1 with a message saying where it
 * looked. */
static int scenario_find(const struct lg_paths *p, const char *given, char *file, size_t filelen,
                         char *msg, size_t msglen)
{
    char where[1024];
    snprintf(file, filelen, "%s", given);
    if (given[0] == '/' || access(given, F_OK) == 0 || errno != ENOENT)
        return 0; /* lg_scenario_load reports what is wrong with it */
    if (lg_paths_find(p, given, file, filelen, where, sizeof(where)) == 0)
        return 0;
    snprintf(msg, msglen, "%s: %s (looked in %s)", given, strerror(ENOENT), where);
    return -1;
}

int lg_launch_scenario(struct lg_launch *l, const struct lg_config *run, const struct lg_paths *p,
                       char *err, size_t errlen)
{
    char msg[2048];
    memset(l, 0, sizeof(*l));
    if (!run->file) {
        snprintf(err, errlen, "logen: scenario needs --file F");
        return -1;
    }
    const char *stray = lg_cli_given_except(run, run_options, 4);
    if (stray || run->eval) {
        snprintf(err, errlen, "logen: --%s beside scenario would apply to no line: put it on the "
                 "lines of %s", stray ? stray : "eval", run->file);
        return -1;
    }
    char file[4096];
    if (scenario_find(p, run->file, file, sizeof(file), msg, sizeof(msg)) < 0 ||
        lg_scenario_load(file, &l->sc, msg, sizeof(msg)) < 0) {
        snprintf(err, errlen, "logen: %s", msg);
        return -1;
    }
    l->cfgs = lg_calloc((size_t)l->sc.nlines, sizeof(*l->cfgs));
    for (int i = 0; i < l->sc.nlines; i++) {
        if (line_parse(l, i, run, msg, sizeof(msg)) < 0 ||
            launch_add(l, &l->cfgs[i], p, msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "logen: %s:%d: %s", file, l->sc.lines[i].lineno, msg);
            return -1;
        }
    }
    return 0;
}

void lg_launch_free(struct lg_launch *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->cut_paths[i]);
        free(l->cut_names[i]);
    }
    for (int i = 0; l->cfgs && i < l->sc.nlines; i++)
        lg_cli_free(&l->cfgs[i]);
    free(l->cfgs);
    free(l->cut_paths);
    free(l->cut_names);
    free(l->lines);
    lg_scenario_free(&l->sc);
    memset(l, 0, sizeof(*l));
}
