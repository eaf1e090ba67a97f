/* compare.c -- `logen compare BASE.json NEW.json [--tolerance 5%]
 * [-o FILE.html]` (see compare.h): a pipeline's "no worse than last
 * release" gate.
 *
 * Both summaries are read back (results_load.c); lines are matched by id
 * when every line of both runs has an id of its own (not the default,
 * unique in its run) and the runs share one, else by index; rows by (name, kind), and each line gets its
 * "(all requests)" row from its request rows' merged histograms, as the
 * end summary does. For
 * every row present in both, three lines: BASE's count, errors,
 * throughput (over the line's span), p50, p90, p99 and max, NEW's, and the
 * relative change of each ((NEW - BASE) / BASE; for errors, of the error
 * ratio errors / count). A change is marked `!` when it is worse by more
 * than the tolerance: latency up (p50, p90, p99, max), throughput down,
 * the error ratio up (from none, any error is worse). Count alone is never
 * worse (it follows the run's length). A row or line in one run only is
 * listed, never marked: a renamed request is not a regression, while the
 * errors it brings show in its line's (all requests) row. Any mark makes
 * the exit status LG_COMPARE_EXIT_REGRESSED. With -o, the same table as
 * JSON (the figures as printed, each change with its mark) goes to the
 * HTML report (report_html.c), which draws both runs on the same charts;
 * the exit status stays the comparison's. */
#include "compare.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infile.h"
#include "mem.h"
#include "report_html.h"
#include "results.h"

#define USAGE "usage: logen compare BASE.json NEW.json [--tolerance 5%] [-o FILE.html]"

enum { F_COUNT, F_ERRORS, F_THRU, F_P50, F_P90, F_P99, F_MAX, NFIGS };

static const char *const fig_head[NFIGS] = { "count", "errors", "thru/s", "p50 ms",
                                             "p90 ms", "p99 ms", "max ms" };

/* One row's figures in one run. */
struct figs {
    double v[NFIGS];             /* count, errors, per s, then ns */
};

/* What a comparison found. */
struct cmp {
    double tol;                  /* relative: 0.05 for 5% */
    int worse;                   /* figures marked */
    json_t *lines;               /* -o: the table for the page, a line each; NULL: no -o */
    json_t *rows;                /* -o: the current line's rows (borrowed from lines) */
};

static double per_s(uint64_t n, const struct lg_results_line *l)
{
    return l->end_ns > l->begin_ns ? (double)n * 1e9 / (double)(l->end_ns - l->begin_ns) : 0;
}

static void figs_of(struct figs *f, const struct lg_hist *h, uint64_t errors,
                    const struct lg_results_line *l)
{
    f->v[F_COUNT] = (double)lg_hist_count(h);
    f->v[F_ERRORS] = (double)errors;
    f->v[F_THRU] = per_s(lg_hist_count(h), l);
    f->v[F_P50] = (double)lg_hist_percentile(h, 50);
    f->v[F_P90] = (double)lg_hist_percentile(h, 90);
    f->v[F_P99] = (double)lg_hist_percentile(h, 99);
    f->v[F_MAX] = (double)lg_hist_max(h);
}

/* Figure i of a row, as the end summary prints it, into buf. */
static const char *fig_text(const struct figs *f, int i, char *buf, size_t len)
{
    if (i <= F_ERRORS)
        snprintf(buf, len, "%.0f", f->v[i]);
    else if (i == F_THRU)
        snprintf(buf, len, "%.2f", f->v[i]);
    else
        snprintf(buf, len, "%.3f", f->v[i] / 1e6);
    return buf;
}

/* The change of figure i from a (BASE) to b (NEW), into buf: 1 when it is
 * worse beyond the tolerance, else 0. */
static int change(const struct cmp *c, const struct figs *a, const struct figs *b, int i,
                  char *buf, size_t len)
{
    double x = a->v[i], y = b->v[i];
    int worse = 0;
    if (i == F_ERRORS) { /* the error ratio */
        x = a->v[F_COUNT] > 0 ? x / a->v[F_COUNT] : 0;
        y = b->v[F_COUNT] > 0 ? y / b->v[F_COUNT] : 0;
    }
    if (x == 0) {
        snprintf(buf, len, "%s", y == 0 ? "=" : "up");
        worse = i == F_ERRORS && y > 0;
    } else {
        double rel = (y - x) / x;
        snprintf(buf, len, "%+.1f%%", rel * 100);
        worse = i == F_COUNT ? 0 : i == F_THRU ? rel < -c->tol : rel > c->tol;
    }
    return worse;
}

/* One line of a row ("BASE", "NEW": f's figures; "change": each figure's
 * change from a to b, marked `!` and counted when worse), printed and, with
 * -o, appended to o's member `key`. */
static void row_put(struct cmp *c, json_t *o, const char *key, const struct figs *f,
                    const struct figs *a, const struct figs *b)
{
    char buf[32], marked[40];
    json_t *v = json_array(), *w = f ? NULL : json_array();
    for (int i = 0; i < NFIGS; i++) {
        int worse = 0;
        if (f)
            fig_text(f, i, buf, sizeof buf);
        else
            worse = change(c, a, b, i, buf, sizeof buf);
        c->worse += worse;
        snprintf(marked, sizeof marked, "%s%s", buf, worse ? "!" : "");
        printf(" %9s", marked);
        json_array_append_new(v, json_string(buf));
        if (w)
            json_array_append_new(w, json_boolean(worse));
    }
    printf("\n");
    if (o)
        json_object_set_new(o, key, v);
    else
        json_decref(v);
    if (o && w)
        json_object_set_new(o, "worse", w);
    else
        json_decref(w);
}

static void row_print(struct cmp *c, const char *kind, const char *name, const struct figs *a,
                      const struct figs *b)
{
    json_t *o = c->rows ? json_pack("{s:s, s:s}", "kind", kind, "name", name) : NULL;
    printf("  %-4s %-24s %-6s", kind, name, "BASE");
    row_put(c, o, "base", a, NULL, NULL);
    printf("  %-4s %-24s %-6s", "", "", "NEW");
    row_put(c, o, "new", b, NULL, NULL);
    printf("  %-4s %-24s %-6s", "", "", "change");
    row_put(c, o, "change", NULL, a, b);
    if (o)
        json_array_append_new(c->rows, o);
}

/* A row in one run only: listed, never marked. */
static void row_only(struct cmp *c, const char *kind, const char *name, const char *run,
                     uint64_t count)
{
    printf("  %-4s %-24s only in %s (%llu)\n", kind, name, run, (unsigned long long)count);
    if (c->rows)
        json_array_append_new(c->rows, json_pack("{s:s, s:s, s:s, s:I}", "kind", kind, "name",
                                                 name, "only", run, (json_int_t)count));
}

static const char *text(const char *s)
{
    return s ? s : "";
}

static const char *kind_name(int kind)
{
    return kind == LG_KIND_TRA ? "tra" : "req";
}

static int row_cmp(const void *x, const void *y)
{
    const struct lg_results_row *a = *(const struct lg_results_row *const *)x;
    const struct lg_results_row *b = *(const struct lg_results_row *const *)y;
    int k = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return k ? k : a->kind - b->kind;
}

/* The rows of a line, sorted by (name, kind), for lookups. */
static const struct lg_results_row **rows_sorted(const struct lg_results_line *l)
{
    const struct lg_results_row **v = lg_calloc(l->nrows + 1, sizeof *v);
    for (size_t i = 0; i < l->nrows; i++)
        v[i] = &l->rows[i];
    qsort(v, l->nrows, sizeof *v, row_cmp);
    return v;
}

/* The "(all requests)" figures of a line: its request rows merged. */
static void all_requests(struct figs *f, const struct lg_results_line *l)
{
    struct lg_hist h;
    uint64_t errors = 0;
    lg_hist_init(&h);
    for (size_t i = 0; i < l->nrows; i++)
        if (l->rows[i].kind == LG_KIND_REQ) {
            lg_hist_merge(&h, &l->rows[i].h);
            errors += l->rows[i].errors;
        }
    figs_of(f, &h, errors, l);
    lg_hist_fini(&h);
}

/* Line l of both runs: every row of either, side by side where in both. */
static void line_compare(struct cmp *c, const struct lg_results_line *a,
                         const struct lg_results_line *b)
{
    const struct lg_results_row **sb = rows_sorted(b);
    char *seen = lg_calloc(b->nrows + 1, 1);
    struct figs fa, fb;
    for (size_t i = 0; i < a->nrows; i++) {
        const struct lg_results_row *ra = &a->rows[i], *key = ra;
        const struct lg_results_row **hit = bsearch(&key, sb, b->nrows, sizeof *sb, row_cmp);
        if (!hit) {
            row_only(c, kind_name(ra->kind), text(ra->name), "BASE", lg_hist_count(&ra->h));
            continue;
        }
        seen[*hit - b->rows] = 1;
        figs_of(&fa, &ra->h, ra->errors, a);
        figs_of(&fb, &(*hit)->h, (*hit)->errors, b);
        row_print(c, kind_name(ra->kind), text(ra->name), &fa, &fb);
    }
    for (size_t i = 0; i < b->nrows; i++)
        if (!seen[i])
            row_only(c, kind_name(b->rows[i].kind), text(b->rows[i].name), "NEW",
                     lg_hist_count(&b->rows[i].h));
    all_requests(&fa, a);
    all_requests(&fb, b);
    row_print(c, "req", "(all requests)", &fa, &fb);
    free(seen);
    free(sb);
}

/* The index of the line of r whose id is id; -1: none. */
static int line_of_id(const struct lg_results *r, const char *id)
{
    for (int k = 0; k < r->nlines; k++)
        if (strcmp(id, text(r->lines[k].id)) == 0)
            return k;
    return -1;
}

/* 1 when every line of r has an id of its own: given (not empty, not the
 * default customId) and no other line's. */
static int ids_own(const struct lg_results *r)
{
    for (int l = 0; l < r->nlines; l++) {
        const char *id = text(r->lines[l].id);
        if (!*id || strcmp(id, LG_COMPARE_DEFAULT_ID) == 0)
            return 0;
        if (line_of_id(r, id) != l)
            return 0;
    }
    return 1;
}

/* 1 when the lines of a and b are to be matched by id: each has ids of
 * its own, and they share one (a scenario's lines given no --id are named
 * after its file, so two files' ids never meet: by index then). */
static int by_id(const struct lg_results *a, const struct lg_results *b)
{
    if (!ids_own(a) || !ids_own(b))
        return 0;
    for (int l = 0; l < a->nlines; l++)
        if (line_of_id(b, text(a->lines[l].id)) >= 0)
            return 1;
    return 0;
}

/* The lines to compare, as pairs of indexes (-1: none) into pair: by id
 * (by_id: BASE's order, then NEW's lines not in BASE), else by index.
 * Returns how many pairs. */
static int lines_pair(const struct lg_results *a, const struct lg_results *b, int (*pair)[2])
{
    int n = 0;
    if (!by_id(a, b)) {
        for (; n < a->nlines || n < b->nlines; n++) {
            pair[n][0] = n < a->nlines ? n : -1;
            pair[n][1] = n < b->nlines ? n : -1;
        }
        return n;
    }
    char *taken = lg_calloc((size_t)b->nlines + 1, 1);
    for (int l = 0; l < a->nlines; l++, n++) {
        pair[n][0] = l;
        pair[n][1] = line_of_id(b, text(a->lines[l].id));
        if (pair[n][1] >= 0)
            taken[pair[n][1]] = 1;
    }
    for (int k = 0; k < b->nlines; k++)
        if (!taken[k]) {
            pair[n][0] = -1;
            pair[n++][1] = k;
        }
    free(taken);
    return n;
}

/* The heading of a pair of lines, printed and, with -o, as a line object
 * of the table (returned, borrowed from c->lines; NULL without -o). */
static json_t *line_head(struct cmp *c, const struct lg_results_line *la,
                         const struct lg_results_line *lb, int ia, int ib)
{
    const struct lg_results_line *one = la ? la : lb;
    int num = (la ? ia : ib) + 1;
    json_t *o = c->lines ? json_pack("{s:i, s:s, s:s, s:[]}", "line", num, "id", text(one->id),
                                     "cut", text(one->cut), "rows") : NULL;
    if (o)
        json_array_append_new(c->lines, o);
    printf("line %d%s: id %s, cut %s", num, la ? "" : " of NEW", text(one->id), text(one->cut));
    if (!la || !lb) {
        printf(": only in %s\n", la ? "BASE" : "NEW");
        if (o)
            json_object_set_new(o, "only", json_string(la ? "BASE" : "NEW"));
        return o;
    }
    if (ia != ib) {
        printf(" (NEW: line %d)", ib + 1);
        if (o)
            json_object_set_new(o, "new_line", json_integer(ib + 1));
    }
    if (strcmp(text(la->id), text(lb->id)) || strcmp(text(la->cut), text(lb->cut))) {
        printf(" (NEW: id %s, cut %s)", text(lb->id), text(lb->cut));
        if (o)
            json_object_update_new(o, json_pack("{s:s, s:s}", "new_id", text(lb->id), "new_cut",
                                                text(lb->cut)));
    }
    return o;
}

/* Both runs, line by line. */
static void runs_compare(struct cmp *c, const struct lg_results *a, const struct lg_results *b)
{
    int (*pair)[2] = lg_calloc((size_t)(a->nlines + b->nlines) + 1, sizeof *pair);
    int n = lines_pair(a, b, pair);
    for (int p = 0; p < n; p++) {
        int ia = pair[p][0], ib = pair[p][1];
        const struct lg_results_line *la = ia >= 0 ? &a->lines[ia] : NULL;
        const struct lg_results_line *lb = ib >= 0 ? &b->lines[ib] : NULL;
        c->rows = json_object_get(line_head(c, la, lb, ia, ib), "rows");
        if (!la || !lb)
            continue;
        printf("\n  %-4s %-24s %-6s", "kind", "name", "run");
        for (int i = 0; i < NFIGS; i++)
            printf(" %9s", fig_head[i]);
        printf("\n");
        line_compare(c, la, lb);
    }
    free(pair);
}

/* "5%", "5" (also percent) or "0.5%": the tolerance as a fraction; -1 when
 * it is not a number >= 0. */
static double tolerance_parse(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || (*end && strcmp(end, "%") != 0) || !(v >= 0) || isinf(v))
        return -1;
    return v / 100;
}

/* argv[*i] is option name (--name or -short, NULL: none) with a value
 * after it. */
static int has_value(int argc, char **argv, int i, const char *name, const char *short_name)
{
    if (strcmp(argv[i], name) != 0 && !(short_name && strcmp(argv[i], short_name) == 0))
        return 0;
    return i + 1 < argc;
}

static int args_parse(int argc, char **argv, const char **in, double *tol, const char **out,
                      char *err, size_t errlen)
{
    int n = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (strncmp(argv[i], "--tolerance=", 12) == 0)
            v = argv[i] + 12;
        else if (has_value(argc, argv, i, "--tolerance", NULL))
            v = argv[++i];
        else if (strncmp(argv[i], "--output=", 9) == 0)
            *out = argv[i] + 9;
        else if (has_value(argc, argv, i, "--output", "-o"))
            *out = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            int known = !strcmp(argv[i], "--tolerance") || !strcmp(argv[i], "--output") ||
                        !strcmp(argv[i], "-o");
            snprintf(err, errlen, "logen: compare: %s '%s' (%s)",
                     known ? "no value after" : "unknown option", argv[i], USAGE);
            return -1;
        } else if (n < 2)
            in[n++] = argv[i];
        else
            n++;
        if (v && (*tol = tolerance_parse(v)) < 0) {
            snprintf(err, errlen, "logen: compare: --tolerance '%s': a percentage >= 0 expected "
                     "(5%%)", v);
            return -1;
        }
    }
    if (n != 2) {
        snprintf(err, errlen, "logen: compare: two summaries expected, %d given (%s)", n, USAGE);
        return -1;
    }
    return 0;
}

/* The comparison's heading, the runs line by line, the result line. */
static void compare_print(struct cmp *c, const char *const *in, struct lg_results *const *r)
{
    printf("==== compare: BASE %s, NEW %s; tolerance %g%% ====\n", in[0], in[1], c->tol * 100);
    runs_compare(c, r[0], r[1]);
    if (c->worse)
        printf("result: REGRESSED: %d figure%s worse than BASE by more than %g%% (exit %d)\n",
               c->worse, c->worse == 1 ? "" : "s", c->tol * 100, LG_COMPARE_EXIT_REGRESSED);
    else
        printf("result: OK: nothing worse than BASE by more than %g%%\n", c->tol * 100);
    fflush(stdout);
}

/* Reads both inputs (with -o, their documents into doc too): -1 with err
 * set when one is not a summary or -o names one of them. */
static int inputs_load(const char *const *in, const char *out, struct lg_results **r,
                       json_t **doc, char *err, size_t errlen)
{
    char why[1024];
    for (int k = 0; k < 2; k++) {
        if (out && lg_infile_same(out, in[k])) {
            snprintf(err, errlen, "logen: compare: -o %s is the input %s: refusing to overwrite it",
                     out, in[k]);
            return -1;
        }
        if (out ? !(doc[k] = lg_report_read("compare", in[k], &r[k], err, errlen))
                : !(r[k] = lg_results_load(in[k], why, sizeof why))) {
            if (!out)
                snprintf(err, errlen, "logen: compare: %s", why);
            return -1;
        }
    }
    return 0;
}

int lg_compare_main(int argc, char **argv, char *err, size_t errlen)
{
    const char *in[2] = { NULL, NULL }, *out = NULL;
    struct lg_results *r[2] = { NULL, NULL };
    json_t *doc[2] = { NULL, NULL };
    struct cmp c = { .tol = 0.05 };
    FILE *f = NULL;
    int status = 2;
    if (args_parse(argc, argv, in, &c.tol, &out, err, errlen) < 0)
        return 2;
    if (inputs_load(in, out, r, doc, err, errlen) < 0 ||
        (out && !(f = lg_report_html_open("compare", out, err, errlen))))
        goto out;
    c.lines = out ? json_array() : NULL;
    compare_print(&c, in, r);
    status = c.worse ? LG_COMPARE_EXIT_REGRESSED : 0;
    if (f) {
        json_t *table = json_pack("{s:s, s:s, s:f, s:i, s:[sssssss], s:o}", "base", in[0], "new",
                                  in[1], "tolerance_pct", c.tol * 100, "worse", c.worse, "figures",
                                  fig_head[0], fig_head[1], fig_head[2], fig_head[3], fig_head[4],
                                  fig_head[5], fig_head[6], "lines", c.lines);
        if (lg_report_html_put("compare", out, f, doc, in, 2, table) != 0 && status == 0)
            status = 1;
        json_decref(table);
    }
out:
    for (int k = 0; k < 2; k++) {
        lg_results_free(r[k]);
        json_decref(doc[k]);
    }
    return status;
}
