/* threshold.h -- pass/fail criteria on a run's figures (--threshold),
 * parsed before the run and evaluated once at its end.
 *
 * An expression is [SCOPE:]METRIC OP VALUE (blanks allowed around OP):
 *   METRIC  count, errors, rate (requests/s), mean, min, max, dropped, or
 *           pN, a percentile with 0 < N <= 100 (p50, p99.9, p99.99)
 *   OP      <  <=  >  >=  ==  !=
 *   VALUE   a duration with its unit (250ms, 1s, 500us) for mean, min,
 *           max and pN; a count for count, dropped and errors, or a
 *           percentage of the count for errors (1%); a number for rate
 *   SCOPE   NAME: one request or transaction name; @ID: the line whose
 *           --id is ID; @ID/NAME: that name on that line. The METRIC is
 *           what follows the last ':', so names and ids may hold ':'.
 * Without a NAME, the figures are those of every request (not the
 * transactions), as the summary's "(all requests)" row; with one, of the
 * rows of that name, requests and transactions alike. A threshold given on
 * a scenario line covers that line; one given beside scenario, or on a
 * single run's command line, covers the whole run. rate is the count over
 * the span of what it covers (a line's own span, or the run's). dropped is
 * the open model's dropped events and takes no NAME.
 *
 * Pure: no printing, no processes; evaluation reads a run's results
 * (results.h), from a collector or read back. A name is known only at run time: a
 * threshold on a name that never occurred fails ("no such name"). */
#ifndef LG_THRESHOLD_H
#define LG_THRESHOLD_H

#include <stddef.h>

struct lg_results;

enum lg_thr_metric { LG_THR_COUNT, LG_THR_ERRORS, LG_THR_RATE, LG_THR_MEAN, LG_THR_MIN,
                     LG_THR_MAX, LG_THR_PCTL, LG_THR_DROPPED };
enum lg_thr_op { LG_THR_LT, LG_THR_LE, LG_THR_GT, LG_THR_GE, LG_THR_EQ, LG_THR_NE };

struct lg_threshold {
    char *text;                /* the expression as given; owned */
    char *line_id;             /* @ID: the id named; NULL without one; owned */
    char *name;                /* NAME; NULL: every request; owned */
    enum lg_thr_metric metric;
    double pctl;               /* LG_THR_PCTL: N of pN */
    enum lg_thr_op op;
    double value;              /* ns (durations), a count, requests/s, or a percentage */
    int percent;               /* errors given as a percentage */
    int own_line;              /* the scenario line it was given on; -1: the run */
    int line;                  /* the line it covers once resolved; -1: every line */
};

/* Parses text into t (own_line and line set to -1). Returns 0, or -1 with
 * a one-line reason in err (the caller names the culprit); t then owns
 * nothing. */
int lg_threshold_parse(struct lg_threshold *t, const char *text, char *err, size_t errlen);
void lg_threshold_fini(struct lg_threshold *t);

/* The thresholds of a run. */
struct lg_thresholds {
    struct lg_threshold *v;    /* owned */
    int n;
};

/* What a threshold may name among the run's lines. */
struct lg_threshold_line {
    const char *id;
    int open;                  /* open model */
};

/* Parses text, given on line own_line (-1: for the whole run), checks what
 * it names against lines[0..nlines) (an @ID that names no line or several,
 * dropped where no line is open) and appends it to s. Returns 0, or -1
 * with the reason in err. */
int lg_thresholds_add(struct lg_thresholds *s, const char *text, int own_line,
                      const struct lg_threshold_line *lines, int nlines, char *err,
                      size_t errlen);
void lg_thresholds_free(struct lg_thresholds *s);

/* The outcome of one threshold at the end of a run. */
struct lg_threshold_result {
    int found;                 /* its NAME occurred (always 1 without a NAME) */
    int pass;
    double measured;           /* in the unit of value */
};

/* Evaluates t against a run's results r; threshold_eval.c, the only part
 * that reads them. */
void lg_threshold_eval(const struct lg_threshold *t, const struct lg_results *r,
                       struct lg_threshold_result *res);

/* What res measured, for a reader, into buf: "p99 = 12.345 ms",
 * "errors = 0.50%", "rate = 950.20/s", "count = 1000", or "no such name".
 * Returns buf. */
const char *lg_threshold_measured(const struct lg_threshold *t,
                                  const struct lg_threshold_result *res, char *buf, size_t len);

#endif
