/* threshold.c -- --threshold expressions: parsing, checking what they name
 * against the run's lines, and writing what one measured (see threshold.h
 * for the syntax). The evaluation, which reads the collector, is
 * threshold_eval.c, so the option parser (cli.c) links without the
 * collector.
 *
 * Durations go through units.c, as every option's; a duration without a
 * unit is refused here, since p99<250 is more likely meant as 250 ms than
 * as 250 s. Nothing here prints or exits. */
#include "threshold.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mem.h"
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
        if (t->value > LG_CLI_SECONDS_MAX) /* as every duration; and its ns fit an int64 */
            return thr_err(err, errlen, "'%s': longer than " LG_CLI_SECONDS_MAX_TEXT, v);
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
