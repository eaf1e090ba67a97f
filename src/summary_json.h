/* summary_json.h -- --summary-json: the end summary as one JSON document
 * (schema "logen-summary/1", src/summary-1.schema.json).
 *
 * A sibling of summary.c, rendered from the same results (results.h): the
 * same figures (per line and per name, the all-lines rows, records,
 * workers, thresholds, the result), plus the run's metadata, each
 * histogram's HdrHistogram V2 encoding and the interval series with its
 * latency per interval. Lossless: every field of struct lg_results is in
 * it, so reading it back (results_load.c) gives the same results. Built
 * with libjansson. Nothing here reads records, pipes or processes. */
#ifndef LG_SUMMARY_JSON_H
#define LG_SUMMARY_JSON_H

#include <stdio.h>

#include "results.h"

struct lg_thresholds; /* threshold.h */

/* Writes the summary of r to f; `th` (NULL: none) are evaluated on r;
 * `status` is the exit status lg_summary_end returned for it. Returns 0,
 * or -1 when writing failed (errno set). */
int lg_sumjson_write(const struct lg_results *r, const struct lg_thresholds *th, int status,
                     FILE *f);

#endif
