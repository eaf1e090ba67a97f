/* main.c -- wiring: parse, validate, run, map the outcome to an exit code.
 *
 * Exit codes: 0 the run completed and every record arrived; 1 a failure
 * during the run (a worker died, records went missing, an output error);
 * 2 bad input, reported before any worker starts; 128 + signal when the
 * run was interrupted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "controller.h"
#include "log.h"
#include "lrt.h"
#include "paths.h"

#define LG_VERSION "0.1.0"

static int run_cut(struct lg_config *cfg, const struct lg_paths *paths, char *err, size_t errlen)
{
    char cut_path[4096], cut_name[256];
    if (lg_paths_cut(paths, cfg->action, cut_path, sizeof(cut_path), cut_name, sizeof(cut_name),
                     err, errlen) < 0)
        return 2;
    if (lg_lrt_check_cut(paths->lua_path, cut_path, cut_name, err + 7, errlen - 7) < 0) {
        memcpy(err, "logen: ", 7);
        return 2;
    }
    FILE *out = stdout;
    if (cfg->output && !(out = fopen(cfg->output, "w"))) {
        snprintf(err, errlen, "logen: --output: cannot open %s: %s", cfg->output, strerror(errno));
        return 2;
    }
    struct lg_run_line line = { .cfg = cfg, .cut_path = cut_path, .cut_name = cut_name };
    struct lg_run run = { .lines = &line, .nlines = 1, .lua_path = paths->lua_path, .out = out,
                          .format = cfg->outformat, .summary = cfg->summary };
    lg_clock_init();
    int status = lg_controller_run(&run);
    if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
        lg_log(LG_LOG_ERROR, "writing the event lines: %s", strerror(errno));
        status = status ? status : 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    struct lg_config cfg;
    struct lg_paths paths;
    char err[2048];
    int status = 2;

    lg_cli_defaults(&cfg);
    if (lg_cli_parse(&cfg, argc, argv, err, sizeof(err)) < 0)
        goto fail;
    lg_log_verbosity = cfg.verbose;
    if (cfg.help) {
        lg_cli_usage(stdout);
        status = 0;
    } else if (cfg.version) {
        printf("logen %s\n", LG_VERSION);
        status = 0;
    } else if (!cfg.action) {
        snprintf(err, sizeof(err), "logen: no CUT given (try logen cuts.Dummy, or logen --help)");
    } else if (strcmp(cfg.action, "scenario") == 0) {
        snprintf(err, sizeof(err), "logen: scenario files are not available yet");
    } else if (lg_paths_init(&paths, err, sizeof(err)) == 0) {
        status = run_cut(&cfg, &paths, err, sizeof(err));
        if (status != 2)
            goto done;
    }
    if (status == 0)
        goto done;
fail:
    fprintf(stderr, "%s\n", err);
done:
    lg_cli_free(&cfg);
    return status;
}
