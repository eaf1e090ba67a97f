/* compare.c -- `logen compare BASE.json NEW.json [--tolerance 5%]` (see
 * compare.h): a pipeline's "no worse than last release" gate.
 *
 * Both summaries are read back (results_load.c); lines are matched by
 * index, rows by (name, kind), and each line gets its "(all requests)" row
 * from its request rows' merged histograms, as the end summary does. For
 * every row present in both, three lines: BASE's count, errors,
 * throughput (over the line's span), p50, p90, p99 and max, NEW's, and the
 * relative change of each ((NEW - BASE) / BASE; for errors, of the error
 * ratio errors / count). A change is marked `!` when it is worse by more
 * than the tolerance: latency up (p50, p90, p99, max), throughput down,
 * the error ratio up (from none, any error is worse). Count alone is never
 * worse (it follows the run's length). A row or line in one run only is
 * listed, never marked: a renamed request is not a regression, while the
 * errors it brings show in its line's (all requests) row. Any mark makes
 * the exit status LG_COMPARE_EXIT_REGRESSED. Text only; the drawing
 * (-o FILE.html) is the HTML report's. */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "results.h"

#define USAGE "usage: logen compare BASE.json NEW.json [--tolerance 5%]"

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

/* The change of figure i from a (BASE) to b (NEW), into buf, with a `!`
 * when it is worse beyond the tolerance (counted in c). */
static const char *change(struct cmp *c, const struct figs *a, const struct figs *b, int i,
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
    if (worse && strlen(buf) + 1 < len)
        strcat(buf, "!");
    c->worse += worse;
    return buf;
}

static void row_print(struct cmp *c, const char *kind, const char *name, const struct figs *a,
                      const struct figs *b)
{
    char buf[32];
    printf("  %-4s %-24s %-6s", kind, name, "BASE");
    for (int i = 0; i < NFIGS; i++)
        printf(" %9s", fig_text(a, i, buf, sizeof buf));
    printf("\n  %-4s %-24s %-6s", "", "", "NEW");
    for (int i = 0; i < NFIGS; i++)
        printf(" %9s", fig_text(b, i, buf, sizeof buf));
    printf("\n  %-4s %-24s %-6s", "", "", "change");
    for (int i = 0; i < NFIGS; i++)
        printf(" %9s", change(c, a, b, i, buf, sizeof buf));
    printf("\n");
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
            printf("  %-4s %-24s only in BASE (%llu)\n", kind_name(ra->kind), text(ra->name),
                   (unsigned long long)lg_hist_count(&ra->h));
            continue;
        }
        seen[*hit - b->rows] = 1;
        figs_of(&fa, &ra->h, ra->errors, a);
        figs_of(&fb, &(*hit)->h, (*hit)->errors, b);
        row_print(c, kind_name(ra->kind), text(ra->name), &fa, &fb);
    }
    for (size_t i = 0; i < b->nrows; i++)
        if (!seen[i])
            printf("  %-4s %-24s only in NEW (%llu)\n", kind_name(b->rows[i].kind),
                   text(b->rows[i].name), (unsigned long long)lg_hist_count(&b->rows[i].h));
    all_requests(&fa, a);
    all_requests(&fb, b);
    row_print(c, "req", "(all requests)", &fa, &fb);
    free(seen);
    free(sb);
}

/* Both runs, line by line. */
static void runs_compare(struct cmp *c, const struct lg_results *a, const struct lg_results *b)
{
    int n = a->nlines > b->nlines ? a->nlines : b->nlines;
    for (int l = 0; l < n; l++) {
        const struct lg_results_line *la = l < a->nlines ? &a->lines[l] : NULL;
        const struct lg_results_line *lb = l < b->nlines ? &b->lines[l] : NULL;
        const struct lg_results_line *one = la ? la : lb;
        printf("line %d: id %s, cut %s", l + 1, text(one->id), text(one->cut));
        if (!la || !lb) {
            printf(": only in %s\n", la ? "BASE" : "NEW");
            continue;
        }
        if (strcmp(text(la->id), text(lb->id)) || strcmp(text(la->cut), text(lb->cut)))
            printf(" (NEW: id %s, cut %s)", text(lb->id), text(lb->cut));
        printf("\n  %-4s %-24s %-6s", "kind", "name", "run");
        for (int i = 0; i < NFIGS; i++)
            printf(" %9s", fig_head[i]);
        printf("\n");
        line_compare(c, la, lb);
    }
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

static int args_parse(int argc, char **argv, const char **in, double *tol, char *err,
                      size_t errlen)
{
    int n = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (strncmp(argv[i], "--tolerance=", 12) == 0)
            v = argv[i] + 12;
        else if (strcmp(argv[i], "--tolerance") == 0 && i + 1 < argc)
            v = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            snprintf(err, errlen, "logen: compare: %s '%s' (%s)",
                     strcmp(argv[i], "--tolerance") ? "unknown option" : "no value after",
                     argv[i], USAGE);
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

int lg_compare_main(int argc, char **argv, char *err, size_t errlen)
{
    const char *in[2] = { NULL, NULL };
    struct lg_results *r[2] = { NULL, NULL };
    struct cmp c = { .tol = 0.05 };
    char why[1024];
    int status = 2;
    if (args_parse(argc, argv, in, &c.tol, err, errlen) < 0)
        return 2;
    for (int k = 0; k < 2; k++)
        if (!(r[k] = lg_results_load(in[k], why, sizeof why))) {
            snprintf(err, errlen, "logen: compare: %s", why);
            goto out;
        }
    printf("==== compare: BASE %s, NEW %s; tolerance %g%% ====\n", in[0], in[1], c.tol * 100);
    runs_compare(&c, r[0], r[1]);
    status = c.worse ? LG_COMPARE_EXIT_REGRESSED : 0;
    if (c.worse)
        printf("result: REGRESSED: %d figure%s worse than BASE by more than %g%% (exit %d)\n",
               c.worse, c.worse == 1 ? "" : "s", c.tol * 100, status);
    else
        printf("result: OK: nothing worse than BASE by more than %g%%\n", c.tol * 100);
    fflush(stdout);
out:
    lg_results_free(r[0]);
    lg_results_free(r[1]);
    return status;
}
