/* summary.h -- the text summaries of a run: the periodic line of each
 * closed interval, and the end summary.
 *
 * The periodic line is rendered from the live collector (collector.h);
 * the end summary from a run's results (results.h), plain data that may
 * come from the collector, from a summary JSON read back or from a merge
 * of several, so the collector knows no summary format and a merged run
 * prints like a single one. Also here: the percentile columns every
 * latency table prints, written once, and the verdict. The open model's
 * part of the end summary is summary_open.c's. Nothing here reads
 * records, pipes or processes. */
#ifndef LG_SUMMARY_H
#define LG_SUMMARY_H

#include <stdio.h>

#include "collector.h"
#include "hist.h"
#include "names.h"
#include "outbuf.h"
#include "results.h"

/* The headings of the percentile columns, each " %9s". */
#define LG_SUMMARY_PCTL_HEAD "    min ms   mean ms    p50 ms    p90 ms    p99 ms    max ms"
/* Room for the values of the percentile columns, NUL included. */
#define LG_SUMMARY_PCTL_BYTES 160

/* Writes the percentile columns of h into buf (LG_SUMMARY_PCTL_BYTES):
 * min, mean, p50, p90, p99 and max in ms, each " %9.3f". Returns buf. */
const char *lg_summary_pctl(char *buf, const struct lg_hist *h);

/* The periodic line of the interval that ended at run time `end`, with
 * `thru` requests/s in it, appended to b: the run's counts and workers now,
 * the pipe backlog and each open line's queue and events. */
void lg_summary_interval(struct lg_outbuf *b, const struct lg_collector *c, lg_ns_t end,
                         double thru);

#define LG_SUMMARY_EXIT_THRESHOLDS 99 /* a threshold was not met (as k6) */

struct lg_thresholds; /* threshold.h */

/* Writes the end summary of r to f and flushes it. r->signal is the
 * signal that stopped the run (0: none); r->failure, when not NULL, says
 * why the controller gave up on the run; `th` (NULL: none) are listed with
 * what they measured on r and whether each was met. Returns the exit
 * status, which the last line ("result: ...") states with its reason: 128
 * + signal when interrupted; else 1 when the controller gave up or the
 * verdict (lg_summary_verdict) is bad; else 99 (LG_SUMMARY_EXIT_THRESHOLDS)
 * when a threshold was not met; else 0, when every record every worker
 * sent was received, every worker ended normally, the event lines were
 * written and, on open lines of a run not interrupted, every generated
 * event was processed or dropped and every phase reported. */
int lg_summary_end(const struct lg_results *r, const struct lg_thresholds *th, FILE *f);

/* The open-model part of a line's end summary (summary_open.c), each line
 * starting with indent: per-phase table, lateness, queue, times, workers,
 * requests per event, and a loud line for dropped events. */
void lg_summary_open(struct lg_outbuf *b, const struct lg_results_open *o, const char *indent);

/* ---- the verdict, for any rendering ----------------------------------- */

/* Why a worker, or an open line, is not accounted for: sets of these. */
enum {
    LG_FAULT_SIGNAL = 1 << 0,    /* worker: killed by a signal */
    LG_FAULT_EXIT = 1 << 1,      /* worker: exited with a non-zero code */
    LG_FAULT_NO_STOP = 1 << 2,   /* worker: sent no STOP record */
    LG_FAULT_FAILED = 1 << 3,    /* worker: its STOP says its CUT could not run */
    LG_FAULT_RECORDS = 1 << 4,   /* worker or generator: records lost or out of order */
    LG_FAULT_EVENTS = 1 << 5,    /* open line: generated != processed + dropped */
    LG_FAULT_PHASES = 1 << 6,    /* open line: a phase never reported */
};

/* The faults of a worker (a generator owes no STOP); 0: it ended normally. */
unsigned lg_summary_worker_faults(const struct lg_collector_worker *w);
/* The faults of an open line (o: its open figures, NULL when closed); 0
 * for a closed line or an interrupted run. */
unsigned lg_summary_line_faults(const struct lg_results_open *o, int interrupted);
/* The verdict of the records alone, writing nothing: 1 if a record
 * was lost or of an unknown type, a name was over the run's cap, the
 * event lines could not be written, or any worker (r->bad) or line has a
 * fault (a line's none when r->signal says the run was interrupted);
 * else 0. */
int lg_summary_verdict(const struct lg_results *r);

#endif
