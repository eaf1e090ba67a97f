/* merge_cmd.c -- `logen merge SUMMARY.json... [-o MERGED.json]
 * [--threshold EXPR]...`: several runs' --summary-json files added up
 * (results_merge.c), the text end summary of the sum printed on stdout
 * (summary.c) after a heading naming each input and its start on the
 * merged clock, the summed summary written as JSON with -o (summary_json.c).
 *
 * Wiring only: arguments, loading (results_load.c), the thresholds (every
 * input's, once, and those given here, all evaluated on the merged
 * figures), the exit status: the end summary's (0, 1, 99 when a threshold
 * is not met, 128 + a signal an input was stopped by), or 2 for bad input
 * (a file that is not a summary, runs that do not merge, a threshold that
 * does not parse), reported in one line before anything is printed. */
#include "results_merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mem.h"
#include "summary.h"
#include "summary_json.h"
#include "threshold.h"

#define USAGE "usage: logen merge SUMMARY.json... [-o MERGED.json] [--threshold EXPR]..."

struct merge_args {
    const char **in;             /* the input files, n of them */
    int n;
    const char *out;             /* -o; NULL: none */
    const char **thr;            /* --threshold, nthr of them */
    int nthr;
};

/* The value of option `name` at argv[*i] (--name VALUE, --name=VALUE, or
 * -o VALUE for the short one): NULL when argv[*i] is another option. */
static const char *opt_value(char **argv, int argc, int *i, const char *name, const char *short_name,
                             int *missing)
{
    const char *a = argv[*i];
    size_t len = strlen(name);
    if (strncmp(a, name, len) == 0 && a[len] == '=')
        return a + len + 1;
    if (strcmp(a, name) != 0 && !(short_name && strcmp(a, short_name) == 0))
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int args_parse(struct merge_args *a, int argc, char **argv, char *err, size_t errlen)
{
    a->in = lg_calloc((size_t)argc, sizeof *a->in);
    a->thr = lg_calloc((size_t)argc, sizeof *a->thr);
    for (int i = 2; i < argc; i++) {
        int missing = 0;
        const char *v;
        if ((v = opt_value(argv, argc, &i, "--output", "-o", &missing)))
            a->out = v;
        else if ((v = opt_value(argv, argc, &i, "--threshold", NULL, &missing)))
            a->thr[a->nthr++] = v;
        else if (missing || (argv[i][0] == '-' && argv[i][1])) {
            snprintf(err, errlen, "logen: merge: %s '%s' (%s)",
                     missing ? "no value after" : "unknown option", argv[i], USAGE);
            return -1;
        } else
            a->in[a->n++] = argv[i];
    }
    if (a->n == 0) {
        snprintf(err, errlen, "logen: merge: no summary to merge (%s)", USAGE);
        return -1;
    }
    return 0;
}

/* -o naming one of the inputs would overwrite it: refused. */
static int out_is_input(const struct merge_args *a, char *err, size_t errlen)
{
    struct stat so, si;
    if (!a->out || stat(a->out, &so) < 0)
        return 0;
    for (int k = 0; k < a->n; k++)
        if (stat(a->in[k], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            snprintf(err, errlen, "logen: merge: -o %s is the input %s: refusing to overwrite it",
                     a->out, a->in[k]);
            return 1;
        }
    return 0;
}

/* Adds expression e for line `line` (-1: the run) to th, and to m's list
 * when it is not there yet. */
static int threshold_add(struct lg_thresholds *th, struct lg_results *m, const char *e, int line,
                         const struct lg_threshold_line *lines, const char *cmd, char *err,
                         size_t errlen)
{
    char why[512];
    if (lg_thresholds_add(th, e, line, lines, m->nlines, why, sizeof why) < 0) {
        snprintf(err, errlen, "logen: %s: --threshold '%s'%s: %s", cmd, e,
                 line >= 0 ? " (of a scenario line)" : "", why);
        return -1;
    }
    for (int i = 0; i < m->nthr; i++)
        if (m->thr[i].own_line == line && strcmp(m->thr[i].expression, e) == 0)
            return 0;
    m->thr = lg_realloc(m->thr, (size_t)(m->nthr + 1) * sizeof *m->thr);
    m->thr[m->nthr].expression = lg_strdup(e);
    m->thr[m->nthr++].own_line = line;
    return 0;
}

/* The thresholds to evaluate on m: every input's (m->thr), then
 * extra[0..nextra) of the command line, for the whole run. */
static int thresholds_build(struct lg_thresholds *th, struct lg_results *m,
                            const char *const *extra, int nextra, const char *cmd, char *err,
                            size_t errlen)
{
    struct lg_threshold_line *lines = lg_calloc((size_t)m->nlines + 1, sizeof *lines);
    int rc = 0, given = m->nthr;
    for (int l = 0; l < m->nlines; l++)
        lines[l] = (struct lg_threshold_line){ m->lines[l].id, m->lines[l].open != NULL };
    for (int i = 0; rc == 0 && i < given; i++)
        rc = threshold_add(th, m, m->thr[i].expression, m->thr[i].own_line, lines, cmd, err,
                           errlen);
    for (int i = 0; rc == 0 && i < nextra; i++)
        rc = threshold_add(th, m, extra[i], -1, lines, cmd, err, errlen);
    free(lines);
    return rc;
}

/* What was merged, for the reader, before the end summary: each input's
 * start on the merged clock (heap text, free it). */
static char *heading(const char *const *paths, int n, struct lg_results *const *in,
                     const struct lg_results *m)
{
    char *text = NULL, when[64] = "?";
    size_t len = 0;
    time_t t0 = (time_t)m->start_epoch_s;
    struct tm tm;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return lg_strdup("");
    if (gmtime_r(&t0, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    fprintf(f, "==== merge of %d summar%s%s; the clock starts at the earliest, %s ====\n", n,
            n == 1 ? "y" : "ies", m->shard < 0 ? " (all the shards of one run)" : "", when);
    for (int k = 0; k < n; k++) {
        char shard[48] = "";
        if (in[k]->nshards > 1 && in[k]->shard >= 0)
            snprintf(shard, sizeof shard, ", shard %d/%d", in[k]->shard, in[k]->nshards);
        fprintf(f, "  %s: started at +%.3f s (host %s%s), %llu requests\n", paths[k],
                in[k]->start_epoch_s - m->start_epoch_s, in[k]->host ? in[k]->host : "?", shard,
                (unsigned long long)in[k]->t.requests);
    }
    fclose(f);
    return text;
}

/* Loads every input and merges them, *head (unless head is NULL) saying
 * what was merged: NULL with the reason in err. */
static struct lg_results *load_merge(const char *const *paths, int n, const char *cmd,
                                     char **head, char *err, size_t errlen)
{
    struct lg_results **in = lg_calloc((size_t)n, sizeof *in);
    struct lg_results *m = NULL;
    char why[1024];
    int k;
    for (k = 0; k < n; k++)
        if (!(in[k] = lg_results_load(paths[k], why, sizeof why)))
            break;
    if (k == n)
        m = lg_results_merge_named(in, paths, n, why, sizeof why);
    if (m && head)
        *head = heading(paths, n, in, m);
    else if (!m)
        snprintf(err, errlen, "logen: %s: %s", cmd, why);
    for (int j = 0; j < n; j++)
        lg_results_free(in[j]);
    free(in);
    return m;
}

struct lg_results *lg_merge_load(const char *cmd, const char *const *paths, int n,
                                 const char *const *extra, int nextra, struct lg_thresholds *th,
                                 char **head, char *err, size_t errlen)
{
    struct lg_results *m = load_merge(paths, n, cmd, head, err, errlen);
    if (m && thresholds_build(th, m, extra, nextra, cmd, err, errlen) < 0) {
        lg_results_free(m);
        m = NULL;
        if (head) {
            free(*head);
            *head = NULL;
        }
    }
    return m;
}

/* Writes the merged summary JSON to a->out: 0, or 1 after saying why not. */
static int json_out(const struct merge_args *a, const struct lg_results *m,
                    const struct lg_thresholds *th, int status, FILE *f)
{
    int rc = lg_sumjson_write(m, th, status, f);
    rc |= ferror(f);
    rc |= fclose(f);
    if (rc == 0)
        return 0;
    fprintf(stderr, "logen: merge: writing %s: %s\n", a->out, strerror(errno));
    return 1;
}

int lg_merge_main(int argc, char **argv, char *err, size_t errlen)
{
    struct merge_args a = { 0 };
    struct lg_thresholds th = { 0 };
    struct lg_results *m = NULL;
    FILE *f = NULL;
    char *head = NULL;
    int status = 2;
    if (args_parse(&a, argc, argv, err, errlen) < 0 || out_is_input(&a, err, errlen))
        goto out;
    if (!(m = lg_merge_load("merge", a.in, a.n, a.thr, a.nthr, &th, &head, err, errlen)))
        goto out;
    if (a.out && !(f = fopen(a.out, "w"))) {
        snprintf(err, errlen, "logen: merge: -o: cannot open %s: %s", a.out, strerror(errno));
        goto out;
    }
    fputs(head, stdout);
    status = lg_summary_end(m, th.n ? &th : NULL, stdout);
    if (f && json_out(&a, m, th.n ? &th : NULL, status, f) && status == 0)
        status = 1;
out:
    free(head);
    lg_thresholds_free(&th);
    lg_results_free(m);
    free(a.in);
    free(a.thr);
    return status;
}
