/* end_summary.h -- for the unit tests: the end of a run as the controller
 * renders it, from a collector already closed: its results collected
 * (results_collect.c), then the text end summary (summary.c) or the
 * verdict alone. */
#ifndef LG_TEST_END_SUMMARY_H
#define LG_TEST_END_SUMMARY_H

#include "results.h"
#include "summary.h"

static inline struct lg_results *test_results(const struct lg_collector *c, int signal,
                                              const char *failure)
{
    struct lg_results_meta m = { .signal = signal, .failure = failure };
    return lg_results_collect(c, &m);
}

/* lg_summary_end of c's results, with signal, failure and thresholds. */
static inline int test_summary_end(const struct lg_collector *c, int signal, const char *failure,
                                   const struct lg_thresholds *th, FILE *f)
{
    struct lg_results *r = test_results(c, signal, failure);
    int rc = lg_summary_end(r, th, f);
    lg_results_free(r);
    return rc;
}

/* The verdict of c's results alone. */
static inline int test_verdict(const struct lg_collector *c, int signal)
{
    struct lg_results *r = test_results(c, signal, NULL);
    int bad = lg_summary_verdict(r);
    lg_results_free(r);
    return bad;
}

#endif
