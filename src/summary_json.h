/* summary_json.h -- --summary-json: the end summary as one JSON document
 * (schema "logen-summary/1", src/summary-1.schema.json).
 *
 * A sibling of summary.c: rendered from the collector's read-only view with
 * the same figures (per line and per name, the all-lines rows, records,
 * workers, thresholds, the result), plus the run's metadata, each row's
 * HdrHistogram V2 encoding and a per-interval series of counts. The series
 * is sampled here, from the view, at each --summary period: the collector
 * keeps no history. Built with libjansson. Nothing here reads records,
 * pipes or processes. */
#ifndef LG_SUMMARY_JSON_H
#define LG_SUMMARY_JSON_H

#include <stdio.h>

#include "clock.h"
#include "collector.h"
#include "controller.h"

struct lg_thresholds; /* threshold.h */

/* What the run was: borrowed, valid for the life of the summary. */
struct lg_sumjson_meta {
    char *const *argv;          /* the command line */
    int argc;
    const struct lg_run_line *lines; /* each line's options and CUT */
    int nlines;
    lg_ns_t period_ns;          /* --summary: the series' interval */
};

struct lg_sumjson;

/* Returns a new summary (abort on OOM); free it with lg_sumjson_free. */
struct lg_sumjson *lg_sumjson_new(const struct lg_sumjson_meta *m);
void lg_sumjson_free(struct lg_sumjson *s);

/* Closes, in the series, every interval that ended by `now`, with the
 * counts c holds now. Call it at least once a period. */
void lg_sumjson_tick(struct lg_sumjson *s, const struct lg_collector *c, lg_ns_t now);

/* Writes the summary of c (after lg_collector_close and lg_summary_end,
 * whose exit status is `status`) to f. `signal`, `failure` and `th` as for
 * lg_summary_end. Returns 0, or -1 when writing failed (errno set). */
int lg_sumjson_write(struct lg_sumjson *s, const struct lg_collector *c, int signal,
                     const char *failure, const struct lg_thresholds *th, int status, FILE *f);

#endif
