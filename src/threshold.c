/* threshold.c -- --threshold expressions: parsing, checking what they name
 * against the run's lines, and evaluation at the end of the run (see
 * threshold.h for the syntax).
 *
 * Durations go through units.c, as every option's; a duration without a
 * unit is refused here, since p99<250 is more likely meant as 250 ms than
 * as 250 s. Evaluation merges the histograms of the rows a threshold
 * covers (hist.h), so a percentile over several names or lines is one of
 * their union, never an average. Nothing here prints or exits. */
#include "threshold.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "hist.h"
#include "mem.h"
#include "names.h"
#include "openstats.h"
#include "units.h"

static const struct {
    const char *name;
    enum lg_thr_metric metric;
} metrics[] = {
    { "count", LG_THR_COUNT }, { "errors", LG_THR_ERRORS }, { "rate", LG_THR_RATE },
    { "mean", LG_THR_MEAN },   { "min", LG_THR_MIN },       { "max", LG_THR_MAX },
    { "dropped", LG_THR_DROPPED },
};
#define NMETRICS (sizeof metrics / sizeof metrics[0])

static int thr_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return -1;
}

/* s[0..n) without its leading and trailing blanks, as a heap string. */
static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *t = lg_malloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

static int is_duration(const struct lg_threshold *t)
{
    return t->metric == LG_THR_MEAN || t->metric == LG_THR_MIN || t->metric == LG_THR_MAX ||
           t->metric == LG_THR_PCTL;
}

static int metric_parse(struct lg_threshold *t, const char *m, char *err, size_t errlen)
{
    for (size_t i = 0; i < NMETRICS; i++)
        if (strcmp(m, metrics[i].name) == 0) {
            t->metric = metrics[i].metric;
            return 0;
        }
    if (m[0] == 'p' && lg_units_number(m + 1, strlen(m + 1), &t->pctl) == 0 && t->pctl > 0 &&
        t->pctl <= 100) {
        t->metric = LG_THR_PCTL;
        return 0;
    }
    return thr_err(err, errlen,
                   "unknown metric '%s' (count, errors, rate, mean, min, max, dropped, or pN "
                   "such as p99.9)", m);
}

/* The value, in the metric's unit: ns for durations. */
static int value_parse(struct lg_threshold *t, const char *v, char *err, size_t errlen)
{
    size_t n = strlen(v);
    if (is_duration(t)) {
        if (!n || !isalpha((unsigned char)v[n - 1]))
            return thr_err(err, errlen, "'%s': a duration needs a unit (250ms, 1s, 500us)", v);
        if (lg_units_seconds(v, n, &t->value) < 0 || t->value < 0)
            return thr_err(err, errlen, "'%s': not a duration (" LG_UNITS_SECONDS_HINT ")", v);
        t->value = (double)(int64_t)(t->value * 1e9 + 0.5); /* whole ns: 100us is 100000 */
        return 0;
    }
    if (n && v[n - 1] == '%') {
        if (t->metric != LG_THR_ERRORS)
            return thr_err(err, errlen, "'%s': a percentage is for errors only", v);
        t->percent = 1;
        n--;
    } else if (t->metric == LG_THR_RATE && n > 2 && strcmp(v + n - 2, "/s") == 0) {
        n -= 2;
    }
    if (lg_units_number(v, n, &t->value) < 0 || t->value < 0)
        return thr_err(err, errlen, "'%s': not a number, or negative", v);
    return 0;
}

/* The comparison at op (its first character is one of <>=!); sets *len. */
static int op_parse(struct lg_threshold *t, const char *op, size_t *len, char *err, size_t errlen)
{
    int eq = op[1] == '=';
    *len = 1 + (size_t)eq;
    switch (op[0]) {
    case '<': t->op = eq ? LG_THR_LE : LG_THR_LT; return 0;
    case '>': t->op = eq ? LG_THR_GE : LG_THR_GT; return 0;
    case '=': t->op = LG_THR_EQ; break;
    default:  t->op = LG_THR_NE; break;
    }
    return eq ? 0 : thr_err(err, errlen, "'%s': comparisons are <, <=, >, >=, == and !=", op);
}

/* SCOPE of SCOPE:EXPR, s[0..n). */
static int scope_parse(struct lg_threshold *t, const char *s, size_t n, char *err, size_t errlen)
{
    if (n == 0 || (s[0] == '@' && n == 1))
        return thr_err(err, errlen, "%san empty scope before ':'", "");
    if (s[0] == '@')
        t->line_id = trimmed(s + 1, n - 1);
    else
        t->name = trimmed(s, n);
    return 0;
}

int lg_threshold_parse(struct lg_threshold *t, const char *text, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->own_line = t->line = -1;
    const char *colon = strrchr(text, ':'), *expr = colon ? colon + 1 : text;
    size_t m = strcspn(expr, "<>=!"), oplen;
    char *metric = NULL, *value = NULL;
    int rc = -1;
    if (!expr[m])
        thr_err(err, errlen, "%sexpected METRIC OP VALUE, such as p99<250ms or errors<1%%", "");
    else if (!(colon && scope_parse(t, text, (size_t)(colon - text), err, errlen) < 0) &&
             op_parse(t, expr + m, &oplen, err, errlen) == 0) {
        metric = trimmed(expr, m);
        value = trimmed(expr + m + oplen, strlen(expr + m + oplen));
        rc = metric_parse(t, metric, err, errlen) < 0 || value_parse(t, value, err, errlen) < 0
                 ? -1 : 0;
    }
    if (rc == 0 && t->metric == LG_THR_DROPPED && t->name)
        rc = thr_err(err, errlen, "%sdropped counts a line's events: it takes no name", "");
    free(metric);
    free(value);
    if (rc < 0)
        lg_threshold_fini(t);
    else
        t->text = lg_strdup(text);
    return rc;
}

void lg_threshold_fini(struct lg_threshold *t)
{
    free(t->text);
    free(t->line_id);
    free(t->name);
    memset(t, 0, sizeof *t);
}

/* ==== what a threshold names ============================================= */

/* The lines with id s[0..n); *which is the last of them. */
static int lines_with_id(const struct lg_threshold_line *lines, int nlines, const char *s,
                         size_t n, int *which)
{
    int count = 0;
    for (int i = 0; i < nlines; i++)
        if (lines[i].id && strlen(lines[i].id) == n && memcmp(lines[i].id, s, n) == 0) {
            count++;
            *which = i;
        }
    return count;
}

/* @ID or @ID/NAME: the whole text an id if some line has it, else the
 * longest "ID/" it starts with, the rest a name. */
static int line_resolve(struct lg_threshold *t, const struct lg_threshold_line *lines,
                        int nlines, char *err, size_t errlen)
{
    const char *s = t->line_id;
    size_t n = strlen(s);
    int count = lines_with_id(lines, nlines, s, n, &t->line);
    for (size_t k = n; !count && k-- > 0;)
        if (s[k] == '/' && k + 1 < n && (count = lines_with_id(lines, nlines, s, k, &t->line))) {
            t->name = lg_strdup(s + k + 1);
            t->line_id[k] = '\0';
        }
    if (!count)
        return thr_err(err, errlen, "no line has the id '%s'", s);
    if (count > 1)
        return thr_err(err, errlen, "several lines have the id '%s'", t->line_id);
    if (t->metric == LG_THR_DROPPED && t->name)
        return thr_err(err, errlen, "%sdropped counts a line's events: it takes no name", "");
    return 0;
}

int lg_thresholds_add(struct lg_thresholds *s, const char *text, int own_line,
                      const struct lg_threshold_line *lines, int nlines, char *err,
                      size_t errlen)
{
    struct lg_threshold t;
    if (lg_threshold_parse(&t, text, err, errlen) < 0)
        return -1;
    t.own_line = t.line = own_line;
    int open = 0, rc = t.line_id ? line_resolve(&t, lines, nlines, err, errlen) : 0;
    for (int i = 0; i < nlines; i++)
        open |= (t.line < 0 || t.line == i) && lines[i].open;
    if (rc == 0 && t.metric == LG_THR_DROPPED && !open)
        rc = thr_err(err, errlen, "%sdropped: no open-model line in its scope", "");
    if (rc < 0) {
        lg_threshold_fini(&t);
        return -1;
    }
    s->v = lg_realloc(s->v, (size_t)(s->n + 1) * sizeof *s->v);
    s->v[s->n++] = t;
    return 0;
}

void lg_thresholds_free(struct lg_thresholds *s)
{
    for (int i = 0; i < s->n; i++)
        lg_threshold_fini(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ==== evaluation ========================================================= */

/* What the rows a threshold covers add up to. */
struct agg {
    struct lg_hist h;
    uint64_t errors;
    uint64_t dropped;
    int found;
};

static void gather_line(const struct lg_threshold *t, const struct lg_collector *c, int l,
                        const struct lg_names *names, struct agg *a)
{
    struct lg_collector_line lv;
    struct lg_collector_row r;
    size_t pos = 0;
    lg_collector_line(c, l, &lv);
    if (lv.open) {
        struct lg_openstats_counts k;
        lg_openstats_counts(lv.open, &k);
        a->dropped += k.dropped;
    }
    while (lg_collector_row_next(c, l, &pos, &r)) {
        if (t->name ? strcmp(lg_names_str(names, r.name), t->name) != 0 : r.kind != LG_KIND_REQ)
            continue;
        lg_hist_merge(&a->h, r.h);
        a->errors += r.errors;
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

void lg_threshold_eval(const struct lg_threshold *t, const struct lg_collector *c,
                       struct lg_threshold_result *res)
{
    struct lg_collector_view v;
    struct agg a = { .found = 0 };
    lg_collector_view(c, &v);
    lg_hist_init(&a.h);
    lg_ns_t begin = v.begin_ns, end = v.end_ns;
    if (t->line >= 0 && t->line < v.nlines) {
        struct lg_collector_line lv;
        lg_collector_line(c, t->line, &lv);
        begin = lv.begin_ns;
        end = lv.end_ns;
        gather_line(t, c, t->line, v.names, &a);
    } else {
        for (int l = 0; l < v.nlines; l++)
            gather_line(t, c, l, v.names, &a);
    }
    res->found = !t->name || a.found;
    res->measured = measure(t, &a, end > begin ? end - begin : 0);
    res->pass = res->found && compare(res->measured, t->op, t->value);
    lg_hist_fini(&a.h);
}

const char *lg_threshold_measured(const struct lg_threshold *t,
                                  const struct lg_threshold_result *res, char *buf, size_t len)
{
    char m[32];
    snprintf(m, sizeof m, "p%g", t->pctl);
    for (size_t i = 0; i < NMETRICS; i++)
        if (metrics[i].metric == t->metric)
            snprintf(m, sizeof m, "%s", metrics[i].name);
    if (!res->found)
        snprintf(buf, len, "no such name");
    else if (is_duration(t))
        snprintf(buf, len, "%s = %.3f ms", m, res->measured / 1e6);
    else if (t->metric == LG_THR_RATE)
        snprintf(buf, len, "%s = %.2f/s", m, res->measured);
    else if (t->percent)
        snprintf(buf, len, "%s = %.2f%%", m, res->measured);
    else
        snprintf(buf, len, "%s = %.0f", m, res->measured);
    return buf;
}
