/* launch.c -- see launch.h. The order of the checks: every line is parsed
 * and its CUT found; --output may name none of the run's input files; the
 * processes the lines start are held to the record format and the machine
 * (proclimits.c); then every CUT is loaded, all of them in one child process
 * (lrt.c). No worker has started yet. */
#include "launch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cut_check.h"
#include "infile.h"
#include "mem.h"
#include "proclimits.h"

#define ADHOC_NAME "adhoc" /* class name of a -e run */

static void launch_grow(struct lg_launch *l)
{
    size_t n = (size_t)l->n + 1;
    l->lines = lg_realloc(l->lines, n * sizeof(*l->lines));
    l->cut_paths = lg_realloc(l->cut_paths, n * sizeof(char *));
    l->cut_names = lg_realloc(l->cut_names, n * sizeof(char *));
}

/* Resolves the CUT of cfg, then appends the line. */
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
    launch_grow(l);
    l->cut_paths[l->n] = code ? NULL : lg_strdup(path);
    l->cut_names[l->n] = lg_strdup(name);
    l->lines[l->n] = (struct lg_run_line){ .cfg = cfg, .cut_path = l->cut_paths[l->n],
                                           .cut_name = l->cut_names[l->n] };
    l->n++;
    return 0;
}

/* "logen: MSG", or "logen: F:LINE: MSG" for line i of scenario file. */
static void launch_err(const struct lg_launch *l, const char *file, int i, const char *msg,
                       char *err, size_t errlen)
{
    if (file)
        snprintf(err, errlen, "logen: %s:%d: %s", file, l->sc.lines[i].lineno, msg);
    else
        snprintf(err, errlen, "logen: %s", msg);
}

/* The processes line c starts, its workers (this shard's share of them in
 * the closed model, as many as --maxproc allows in the open model) and its
 * generator, named in what for messages. */
static long line_procs(const struct lg_config *c, const struct lg_shard *sh, char *what, size_t len)
{
    if (!c->openedmodel && sh->count > 1) {
        snprintf(what, len, "--process %ld (%ld on shard %ld/%ld)", c->process,
                 lg_shard_workers(sh, c->process), sh->index, sh->count);
        return lg_shard_workers(sh, c->process);
    }
    if (!c->openedmodel) {
        snprintf(what, len, "--process %ld", c->process);
        return c->process;
    }
    int capped = c->maxproc > c->prefork;
    long n = capped ? c->maxproc : c->prefork;
    snprintf(what, len, "--%s %ld and the generator", capped ? "maxproc" : "prefork", n);
    return n + 1;
}

/* The lines' processes against the record format and what the machine
 * allows now (proclimits.c): their sum first when the format cannot hold it
 * (whatever the machine), then each line, then the sum. */
static int launch_limits(const struct lg_launch *l, const char *file, const struct lg_shard *sh,
                         char *err, size_t errlen)
{
    struct lg_proclimits m;
    char what[512], msg[1024];
    long sum = 0;

    lg_proclimits_read(&m);
    for (int i = 0; i < l->n; i++)
        sum += line_procs(l->lines[i].cfg, sh, what, sizeof(what));
    int format_fails = file && sum > LG_CLI_WORKERS_MAX; /* whatever the machine */
    for (int i = 0; !format_fails && i < l->n; i++) {
        long n = line_procs(l->lines[i].cfg, sh, what, sizeof(what));
        if (lg_proclimits_check(&m, n, what, msg, sizeof(msg)) < 0) {
            launch_err(l, file, i, msg, err, errlen);
            return -1;
        }
    }
    if (!file || l->n < 2)
        return 0;
    snprintf(what, sizeof(what), "the %d lines of %s start %ld processes", l->n, file, sum);
    if (lg_proclimits_check(&m, sum, what, msg, sizeof(msg)) < 0) {
        snprintf(err, errlen, "logen: %s", msg);
        return -1;
    }
    return 0;
}

/* The input of the run that path is (the same file, whatever its name),
 * described in kind, or NULL: the scenario file, a CUT, a --defaults file. */
static const char *launch_input(const struct lg_launch *l, const struct lg_config *run,
                                const char *file, const char *path, const char **kind)
{
    *kind = "the scenario file";
    if (file && lg_infile_same(path, file))
        return file;
    *kind = "the --defaults file";
    if (run->defaults && lg_infile_same(path, run->defaults))
        return run->defaults;
    for (int i = 0; i < l->n; i++) {
        const struct lg_config *c = l->lines[i].cfg;
        *kind = "the CUT file";
        if (l->cut_paths[i] && lg_infile_same(path, l->cut_paths[i]))
            return l->cut_paths[i];
        *kind = "the --defaults file";
        if (c->defaults && lg_infile_same(path, c->defaults))
            return c->defaults;
    }
    return NULL;
}

/* Refuses an output (--output, --hdr-log, --summary-json, --report) naming an input
 * of the run: opening it for writing would truncate it before the first
 * worker starts; and one file for two outputs. */
static int launch_output_check(const struct lg_launch *l, const struct lg_config *run,
                               const char *file, char *err, size_t errlen)
{
    const char *const opt[] = { "output", "hdr-log", "summary-json", "report" };
    const char *path[] = { run->output, run->hdr_log, run->summary_json, run->report };
    for (int i = 0; i < 4; i++) {
        const char *kind, *input = path[i] ? launch_input(l, run, file, path[i], &kind) : NULL;
        if (!input)
            continue;
        snprintf(err, errlen, "logen: --%s %s is %s %s: refusing to overwrite an input of the run",
                 opt[i], path[i], kind, input);
        return -1;
    }
    for (int i = 1; i < 4; i++)
        for (int j = 0; j < i; j++) {
            if (!path[i] || !path[j] ||
                (strcmp(path[i], path[j]) != 0 && !lg_infile_same(path[i], path[j])))
                continue;
            snprintf(err, errlen, "logen: --%s %s is the --%s file: give each a file of its own",
                     opt[i], path[i], opt[j]);
            return -1;
        }
    return 0;
}

/* Loads every CUT, with its --extra, in one child process (lrt.c). */
static int launch_check_cuts(const struct lg_launch *l, const struct lg_paths *p, const char *file,
                             char *err, size_t errlen)
{
    struct lg_cut_check *cuts = lg_calloc((size_t)l->n, sizeof(*cuts));
    char msg[2048];
    int bad = 0;

    for (int i = 0; i < l->n; i++) {
        const struct lg_config *c = l->lines[i].cfg;
        cuts[i] = (struct lg_cut_check){ l->cut_paths[i], l->cut_names[i], c->eval, c->extra,
                                       c->extra_from };
    }
    int rc = lg_cut_check_all(p->lua_path, cuts, l->n, &bad, msg, sizeof(msg));
    free(cuts);
    if (rc < 0)
        launch_err(l, file, bad, msg, err, errlen);
    return rc;
}

int lg_launch_single(struct lg_launch *l, const struct lg_config *cfg, const struct lg_paths *p,
                     const struct lg_shard *shard, char *err, size_t errlen)
{
    memset(l, 0, sizeof(*l));
    char msg[2048];
    if (launch_add(l, cfg, p, msg, sizeof(msg)) < 0) {
        snprintf(err, errlen, "logen: %s", msg);
        return -1;
    }
    if (launch_output_check(l, cfg, NULL, err, errlen) < 0 ||
        launch_limits(l, NULL, shard, err, errlen) < 0)
        return -1;
    return launch_check_cuts(l, p, NULL, err, errlen);
}

/* What may stand beside scenario: the options that belong to the whole
 * run (the first RUN_ONLY, refused on a scenario line), and --threshold,
 * for the whole run there, for its line on a line. */
static const char *const run_options[] = { "outformat", "output", "summary", "file", "hdr-log",
                                           "summary-json", "report", "quiet", "metrics-listen",
                                           "metrics-linger", "shard", "start-at", "threshold" };
#define RUN_ONLY 12
#define BESIDE_SCENARIO 13

static int line_check(const struct lg_config *c, char *msg, size_t len)
{
    if (c->action && strcmp(c->action, "scenario") == 0) {
        snprintf(msg, len, "a scenario line cannot run a scenario (no nesting)");
        return -1;
    }
    for (size_t i = 0; i < RUN_ONLY; i++)
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
                       const struct lg_shard *shard, char *err, size_t errlen)
{
    char msg[2048];
    memset(l, 0, sizeof(*l));
    if (!run->file) {
        snprintf(err, errlen, "logen: scenario needs --file F");
        return -1;
    }
    const char *stray = lg_cli_given_except(run, run_options, BESIDE_SCENARIO);
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
            launch_err(l, file, i, msg, err, errlen);
            return -1;
        }
    }
    if (launch_output_check(l, run, file, err, errlen) < 0 ||
        launch_limits(l, file, shard, err, errlen) < 0)
        return -1;
    return launch_check_cuts(l, p, file, err, errlen);
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
