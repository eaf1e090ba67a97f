/* summary.h -- the text summaries of a run: the periodic line of each
 * closed interval, and the end summary.
 *
 * Both are rendered from the collector's read-only view (collector.h), so
 * the collector knows no summary format: another rendering of the same
 * view (a machine-readable summary, a merge of several runs) is a sibling
 * of this file, not a change to the collector. Also here: the percentile
 * columns that every latency table prints (the collector's rows and the
 * open model's event times in openstats.c), written once. Nothing here
 * reads records, pipes or processes. */
#ifndef LG_SUMMARY_H
#define LG_SUMMARY_H

#include <stdio.h>

#include "collector.h"
#include "hist.h"
#include "names.h"
#include "outbuf.h"

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

/* Writes the end summary of c (after lg_collector_close) to f and flushes
 * it. `signal` is the signal that stopped the run (0: none); `failure`,
 * when not NULL, says why the controller gave up on the run; `th` (NULL:
 * none) are listed with what they measured and whether each was met.
 * Returns the exit status, which the last line ("result: ...") states with
 * its reason: 128 + signal when interrupted; else 1 when the controller
 * gave up or the verdict (lg_summary_verdict) is bad; else 99
 * (LG_SUMMARY_EXIT_THRESHOLDS) when a threshold was not met; else 0, when
 * every record every worker sent was received, every worker ended
 * normally, the event lines were written and, on open lines of a run not
 * interrupted, every generated event was processed or dropped and every
 * phase reported. */
int lg_summary_end(const struct lg_collector *c, int signal, const char *failure,
                   const struct lg_thresholds *th, FILE *f);

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
/* The faults of an open line; 0 for a closed line or an interrupted run. */
unsigned lg_summary_line_faults(const struct lg_collector_line *lv, int interrupted);
/* The verdict of the records alone, writing nothing: 1 if a record
 * was lost or of an unknown type, a name was over the run's cap, the
 * event lines could not be written, or any worker or line has a fault;
 * else 0. */
int lg_summary_verdict(const struct lg_collector *c, int interrupted);

#endif
