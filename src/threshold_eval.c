/* threshold_eval.c -- a --threshold against the end of a run (see
 * threshold.h): the rows it covers, read from the run's results (results.h)
 * and merged (hist.h), so a percentile over several names or lines is one of
 * their union, never an average; then the comparison. Reads only; the
 * parsing and the wording are threshold.c's. */
#include <stdint.h>
#include <string.h>

#include "hist.h"
#include "results.h"
#include "threshold.h"

/* What the rows a threshold covers add up to. */
struct agg {
    struct lg_hist h;
    uint64_t errors;
    uint64_t dropped;
    int found;
};

static void gather_line(const struct lg_threshold *t, const struct lg_results_line *rl,
                        struct agg *a)
{
    if (rl->open)
        a->dropped += rl->open->dropped;
    for (size_t i = 0; i < rl->nrows; i++) {
        const struct lg_results_row *r = &rl->rows[i];
        if (t->name ? strcmp(r->name, t->name) != 0 : r->kind != LG_KIND_REQ)
            continue;
        lg_hist_merge(&a->h, &r->h);
        a->errors += r->errors;
        a->found = 1;
    }
}

static double measure(const struct lg_threshold *t, const struct agg *a, lg_ns_t span)
{
    uint64_t n = lg_hist_count(&a->h);
    switch (t->metric) {
    case LG_THR_COUNT:   return (double)n;
    case LG_THR_ERRORS:  return t->percent ? (n ? 100.0 * (double)a->errors / (double)n : 0)
                                           : (double)a->errors;
    case LG_THR_RATE:    return span > 0 ? (double)n * 1e9 / (double)span : 0;
    case LG_THR_MEAN:    return lg_hist_mean(&a->h);
    case LG_THR_MIN:     return (double)lg_hist_min(&a->h);
    case LG_THR_MAX:     return (double)lg_hist_max(&a->h);
    case LG_THR_PCTL:    return (double)lg_hist_percentile(&a->h, t->pctl);
    case LG_THR_DROPPED: return (double)a->dropped;
    }
    return 0;
}

static int compare(double got, enum lg_thr_op op, double want)
{
    switch (op) {
    case LG_THR_LT: return got < want;
    case LG_THR_LE: return got <= want;
    case LG_THR_GT: return got > want;
    case LG_THR_GE: return got >= want;
    case LG_THR_EQ: return got == want;
    case LG_THR_NE: return got != want;
    }
    return 0;
}

void lg_threshold_eval(const struct lg_threshold *t, const struct lg_results *r,
                       struct lg_threshold_result *res)
{
    struct agg a = { .found = 0 };
    lg_hist_init(&a.h);
    lg_ns_t begin = r->begin_ns, end = r->end_ns;
    if (t->line >= 0 && t->line < r->nlines) {
        begin = r->lines[t->line].begin_ns;
        end = r->lines[t->line].end_ns;
        gather_line(t, &r->lines[t->line], &a);
    } else {
        for (int l = 0; l < r->nlines; l++)
            gather_line(t, &r->lines[l], &a);
    }
    res->found = !t->name || a.found;
    res->measured = measure(t, &a, end > begin ? end - begin : 0);
    res->pass = res->found && compare(res->measured, t->op, t->value);
    lg_hist_fini(&a.h);
}
