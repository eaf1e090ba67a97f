/* run_end.h -- the end of a run, once the collector is closed: its
 * results, the files the result line vouches for (--hdr-log,
 * --summary-json, --report) written out first, then the end summary. A
 * file that cannot be written fails the run, and the summary says so:
 * never "result: OK" followed by a non-zero exit. */
#ifndef LG_RUN_END_H
#define LG_RUN_END_H

#include <stdio.h>

#include "controller.h"
#include "results.h"

/* Collects the results of the run from c (with m) and writes them out: the
 * files of run, then the end summary to err. Returns the exit status the
 * summary states. */
int lg_run_end(const struct lg_run *run, const struct lg_collector *c,
               const struct lg_results_meta *m, FILE *err);

#endif
