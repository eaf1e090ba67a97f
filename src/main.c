/* main.c -- wiring: parse, validate, run, map the outcome to an exit code.
 *
 *   logen CUT [options]              a run of one CUT (cuts.Dummy, or a .lua path)
 *   logen -e 'CODE' [options]        an ad hoc run: CODE is a one-request CUT
 *   logen scenario --file F [opts]   every command line of F, side by side
 *   logen new NAME                   writes cuts/NAME.lua from a template
 *   logen list                       the CUTs on the search path
 *   logen report SUMMARY.json -o F   the HTML report of a summary (report_cmd.c)
 *   logen merge A.json B.json... [-o M.json]  runs' summaries added up (merge_cmd.c)
 *   logen compare BASE.json NEW.json  two runs side by side (compare.c)
 *   logen help [TOPIC]               the help, or its part on a command or option
 *
 * Exit codes: 0 the run completed and every record arrived; 1 a failure
 * during the run (a worker died, records or events went missing, an output
 * error); 2 bad input, reported before any worker starts; 99 the run
 * completed but a --threshold was not met; 128 + signal when the run was
 * interrupted. logen compare exits 98 (LG_COMPARE_EXIT_REGRESSED) when NEW
 * is worse than BASE beyond the tolerance. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "compare.h"
#include "controller.h"
#include "cuts.h"
#include "launch.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "paths.h"
#include "report_html.h"
#include "results_merge.h"
#include "start.h"
#include "threshold.h"
#include "version.h"

/* The --output (--hdr-log, --summary-json) file, truncated; created 0644 (less what the
 * umask takes), never group- or world-writable, and closed in what a CUT
 * executes. */
static FILE *output_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (fd >= 0 && !f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* Closes an output file of the run (--summary-json, --report, --hdr-log);
 * 0, or 1 after saying why writing failed. A file already in error was
 * reported by the controller, before the result line, which then said
 * FAILED: its close is then quiet. */
static int output_close(FILE *f, const char *opt, const char *path)
{
    if (!f)
        return 0;
    int said = ferror(f);
    if (fclose(f) == 0 && !said)
        return 0;
    if (!said)
        lg_log(LG_LOG_ERROR, "writing the %s file %s: %s", opt, path, strerror(errno));
    return 1;
}

static int run_lines(const struct lg_config *cfg, const struct lg_launch *l, const struct lg_paths *p,
                     const struct lg_thresholds *th, struct lg_metrics *metrics,
                     const struct lg_start *st, char *const *argv,
                     char *err, size_t errlen)
{
    FILE *out = stdout, *hdr = NULL, *sj = NULL, *rep = NULL;
    if (cfg->output && !(out = output_open(cfg->output))) {
        snprintf(err, errlen, "logen: --output: cannot open %s: %s", cfg->output, strerror(errno));
        return 2;
    }
    if (cfg->hdr_log && !(hdr = output_open(cfg->hdr_log))) {
        snprintf(err, errlen, "logen: --hdr-log: cannot open %s: %s", cfg->hdr_log, strerror(errno));
        if (out != stdout)
            fclose(out);
        return 2;
    }
    if (cfg->summary_json && !(sj = output_open(cfg->summary_json))) {
        snprintf(err, errlen, "logen: --summary-json: cannot open %s: %s", cfg->summary_json,
                 strerror(errno));
        if (out != stdout)
            fclose(out);
        if (hdr)
            fclose(hdr);
        return 2;
    }
    if (cfg->report && !(rep = output_open(cfg->report))) {
        snprintf(err, errlen, "logen: --report: cannot open %s: %s", cfg->report, strerror(errno));
        if (out != stdout)
            fclose(out);
        if (hdr)
            fclose(hdr);
        if (sj)
            fclose(sj);
        return 2;
    }
    int argc = 0;
    while (argv[argc])
        argc++;
    struct lg_run run = { .lines = l->lines, .nlines = l->n, .lua_path = p->lua_path, .out = out,
                          .format = cfg->outformat, .summary = cfg->summary, .hdr_log = hdr,
                          .quiet = cfg->quiet, .summary_json = sj, .report = rep,
                          .argv = argv, .argc = argc, .thresholds = th->n ? th : NULL,
                          .metrics = metrics, .shard = st->shard, .start_at = st->start_at };
    /* A closed output (logen ... | head) is seen as a write error: the
     * controller stops the run and the summary is still written. */
    signal(SIGPIPE, SIG_IGN);
    int status = lg_start_clock(st, &run.clock);
    run.start_wall_ns = lg_clock_epoch_wall_ns;
    status = status ? status : lg_controller_run(&run);
    if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
        lg_log(LG_LOG_ERROR, "writing the event lines: %s", strerror(errno));
        status = status ? status : 1;
    }
    if (output_close(hdr, "--hdr-log", cfg->hdr_log) |
        output_close(sj, "--summary-json", cfg->summary_json) |
        output_close(rep, "--report", cfg->report))
        status = status ? status : 1;
    return status;
}

/* Adds the thresholds of c, given on scenario line `line` (-1: for the
 * whole run). */
static int thresholds_of(struct lg_thresholds *th, const struct lg_config *c, int line,
                         const struct lg_launch *l, const struct lg_threshold_line *lines,
                         char *err, size_t errlen)
{
    char why[512];
    for (int k = 0; k < c->nthresholds; k++) {
        if (lg_thresholds_add(th, c->thresholds[k], line, lines, l->n, why, sizeof(why)) == 0)
            continue;
        if (line >= 0)
            snprintf(err, errlen, "logen: %s:%d: --threshold '%s': %s", l->sc.path,
                     l->sc.lines[line].lineno, c->thresholds[k], why);
        else
            snprintf(err, errlen, "logen: --threshold '%s': %s", c->thresholds[k], why);
        return -1;
    }
    return 0;
}

/* The run's thresholds: its command line's (beside scenario, only those
 * given there: a --defaults file's already reach every line), then each
 * scenario line's for its line, every one checked against the lines. */
static int thresholds_build(struct lg_thresholds *th, const struct lg_config *cfg,
                            const struct lg_launch *l, int scenario, char *err, size_t errlen)
{
    struct lg_threshold_line *lines = lg_calloc((size_t)l->n, sizeof(*lines));
    int rc = 0;
    for (int i = 0; i < l->n; i++)
        lines[i] = (struct lg_threshold_line){ l->lines[i].cfg->id, l->lines[i].cfg->openedmodel };
    if (!scenario || lg_cli_given(cfg, "threshold"))
        rc = thresholds_of(th, cfg, -1, l, lines, err, errlen);
    for (int i = 0; scenario && rc == 0 && i < l->n; i++)
        rc = thresholds_of(th, l->lines[i].cfg, i, l, lines, err, errlen);
    free(lines);
    return rc;
}

/* A run of one CUT, of -e code, or of a scenario file. */
static int run(struct lg_config *cfg, char *const *argv, char *err, size_t errlen)
{
    struct lg_paths paths;
    struct lg_launch l;
    if (lg_paths_init(&paths, err, errlen) < 0)
        return 2;
    int scenario = cfg->action && strcmp(cfg->action, "scenario") == 0;
    struct lg_start st;
    if (lg_start_shard(&st, cfg, err, errlen) < 0)
        return 2;
    lg_start_names(cfg, &st.shard);
    int rc = scenario ? lg_launch_scenario(&l, cfg, &paths, &st.shard, err, errlen)
                      : lg_launch_single(&l, cfg, &paths, &st.shard, err, errlen);
    struct lg_thresholds th = { 0 };
    if (rc == 0)
        rc = thresholds_build(&th, cfg, &l, scenario, err, errlen);
    struct lg_metrics *metrics = NULL; /* bound before any worker starts */
    if (rc == 0 && cfg->metrics_listen &&
        !(metrics = lg_metrics_open(cfg->metrics_listen, cfg->metrics_linger, err, errlen)))
        rc = -1;
    if (rc == 0)
        rc = lg_start_plan(&st, cfg, &l, err, errlen);
    if (rc == 0 && metrics)
        fprintf(stderr, "metrics: listening on %s\n", lg_metrics_where(metrics));
    int status = rc < 0 ? 2 : run_lines(cfg, &l, &paths, &th, metrics, &st, argv, err, errlen);
    lg_metrics_close(metrics);
    lg_thresholds_free(&th);
    lg_launch_free(&l);
    return status;
}

/* logen help [TOPIC]: the --help text, or its part on one command or option. */
static int help(int argc, char **argv, char *err, size_t errlen)
{
    if (argc == 2) {
        lg_cli_usage(stdout);
        return 0;
    }
    if (argc == 3 && lg_cli_help_topic(stdout, argv[2]) == 0)
        return 0;
    if (argc == 3)
        snprintf(err, errlen, "logen: help: no command or option '%s' (see logen help)", argv[2]);
    else
        snprintf(err, errlen, "logen: usage: logen help [COMMAND | OPTION]");
    return 2;
}

/* logen new NAME, logen list, logen help, logen report, logen merge,
 * logen compare: commands that start no run. */
static int command(int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 2; i < argc && (!strcmp(argv[1], "merge") || !strcmp(argv[1], "compare")); i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return lg_cli_help_topic(stdout, argv[1]) == 0 ? 0 : 2; /* logen merge --help */
    if (strcmp(argv[1], "merge") == 0)
        return lg_merge_main(argc, argv, err, errlen);
    if (strcmp(argv[1], "compare") == 0)
        return lg_compare_main(argc, argv, err, errlen);
    if (strcmp(argv[1], "help") == 0)
        return help(argc, argv, err, errlen);
    if (strcmp(argv[1], "report") == 0)
        return lg_report_command(argc, argv, err, errlen);
    if (strcmp(argv[1], "new") == 0) {
        char path[4096];
        if (argc != 3) {
            snprintf(err, errlen, "logen: usage: logen new NAME (writes cuts/NAME.lua)");
            return 2;
        }
        if (lg_cuts_new(argv[2], path, sizeof(path), err + 7, errlen - 7) < 0) {
            memcpy(err, "logen: ", 7);
            return 2;
        }
        /* as this binary was invoked (build/logen, or logen from $PATH),
         * so the command shown runs as printed from here */
        printf("wrote %s; run it with: %s cuts.%s\n", path, argv[0], argv[2]);
        return 0;
    }
    struct lg_paths paths;
    if (argc != 2) {
        snprintf(err, errlen, "logen: usage: logen list");
        return 2;
    }
    if (lg_paths_init(&paths, err, errlen) < 0)
        return 2;
    if (lg_cuts_list(&paths, stdout) == 0)
        printf("no CUT found (in ./cuts, $LOGEN_PATH/cuts or %s/cuts)\n", paths.base_dir);
    return 0;
}

int main(int argc, char **argv)
{
    struct lg_config cfg;
    char err[4096] = "";
    int status;

    if (argc >= 2 && (strcmp(argv[1], "new") == 0 || strcmp(argv[1], "list") == 0 ||
                      strcmp(argv[1], "help") == 0 || strcmp(argv[1], "report") == 0 ||
                      strcmp(argv[1], "merge") == 0 || strcmp(argv[1], "compare") == 0)) {
        status = command(argc, argv, err, sizeof(err));
        if (status == 2)
            fprintf(stderr, "%s\n", err);
        return status;
    }
    lg_cli_defaults(&cfg);
    if (lg_cli_parse(&cfg, argc, argv, err, sizeof(err)) < 0) {
        status = 2;
    } else if (cfg.help) {
        lg_cli_usage(stdout);
        status = 0;
    } else if (cfg.version) {
        printf("logen %s\n", LG_VERSION);
        status = 0;
    } else {
        lg_log_verbosity = cfg.verbose;
        status = run(&cfg, argv, err, sizeof(err));
    }
    if (status == 2)
        fprintf(stderr, "%s\n", err);
    lg_cli_free(&cfg);
    return status;
}
