/* controller.h -- drives a run: spawns the workers of every line at their
 * time, feeds the collector from the stats pipe, reaps workers, handles
 * SIGINT/SIGTERM, and ends the run as soon as the last worker has ended.
 *
 * Closed model: worker i of a line starts its load at postpone + i x rampup;
 * it is forked at once and sleeps until then, so its Lua state and CUT are
 * ready before its start. A shard I/N (run->shard) runs only the workers
 * with i mod N = I and the open-model events k with k mod N = I. */
#ifndef LG_CONTROLLER_H
#define LG_CONTROLLER_H

#include <stdio.h>

#include "cli.h"
#include "clock.h"
#include "shard.h"

struct lg_thresholds;
struct lg_metrics;

/* One line of the run: its options and its resolved CUT. Borrowed. */
struct lg_run_line {
    const struct lg_config *cfg;
    const char *cut_path;
    const char *cut_name;
};

struct lg_run {
    const struct lg_run_line *lines;
    int nlines;
    const char *lua_path;       /* package.path of the workers */
    FILE *out;                  /* event lines */
    enum lg_outformat format;
    double summary;             /* s */
    int quiet;                  /* no progress line, no periodic summary lines */
    const struct lg_thresholds *thresholds; /* checked at the end (threshold.h); NULL: none */
    FILE *hdr_log;              /* --hdr-log; NULL: none */
    FILE *summary_json;         /* --summary-json; NULL: none */
    struct lg_metrics *metrics; /* --metrics-listen (metrics.h), served from the loop; NULL: none */
    FILE *report;               /* --report: the HTML report (report_html.h); NULL: none */
    char *const *argv;          /* the command line, for the summary JSON */
    int argc;
    struct lg_shard shard;      /* this copy's share of every line (shard.h); count 1: all */
    int start_at;               /* --start-at given: run time 0 is the agreed start */
    int64_t start_wall_ns;      /* wall-clock ns since the Unix epoch of run time 0 */
    struct lg_clock_sync clock; /* the real-time clock's sync (clock.h) */
};

/* Runs to the end. Returns the exit status: 0 when every record arrived and
 * every worker ended normally, 1 otherwise, 99 when that is all but a
 * threshold was not met, 128 + signal when interrupted. */
int lg_controller_run(const struct lg_run *run);

#endif
