/* report_cmd.c -- logen report SUMMARY.json... -o FILE.html: reads summary
 * JSON files (--summary-json), merges several into one run, and writes the
 * HTML report of it (report_html.c); also the reading and the writing of
 * files that `logen compare -o` shares.
 *
 * Every input is read and refused by lg_results_load (results_load.c), the
 * reader logen merge and compare use, so the three refuse a file in the
 * same words. One input is drawn as it was written; several are merged as
 * `logen merge` merges them (lg_merge_load: the same sum, thresholds and
 * exit status), so `logen report A B` draws the page `logen merge A B -o M`
 * then `logen report M` would, named after its inputs. Bad input is one
 * line naming the file and the reason, exit 2, before the output file is
 * touched. Runs nothing. */
#include "report_html.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"
#include "mem.h"
#include "results_merge.h"
#include "summary.h"
#include "threshold.h"

#define USAGE "logen: usage: logen report SUMMARY.json... -o FILE.html"

struct report_args {
    const char *out;          /* -o */
    char **in;                /* the summaries, borrowed from argv */
    int nin;
};

static int report_args(int argc, char **argv, struct report_args *a, char *err, size_t errlen)
{
    a->out = NULL;
    a->in = argv + 2;
    a->nin = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (i + 1 == argc) {
                snprintf(err, errlen, "logen: report: %s needs a file name", argv[i]);
                return -1;
            }
            a->out = argv[++i];
        } else if (strncmp(argv[i], "--output=", 9) == 0) {
            a->out = argv[i] + 9;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            snprintf(err, errlen, "logen: report: unknown option %s (%s)", argv[i], USAGE + 7);
            return -1;
        } else {
            a->in[a->nin++] = argv[i]; /* argv keeps its order: inputs move to the front */
        }
    }
    if (a->nin == 0 || !a->out) {
        snprintf(err, errlen, "%s", USAGE);
        return -1;
    }
    return 0;
}

/* 0 when path may be read: a regular file (a FIFO would block the reader),
 * or one that does not exist (the reader says so); else -1 with err set. */
static int report_regular(const char *cmd, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "logen: %s: %s: not a regular file", cmd, path);
        return -1;
    }
    return 0;
}

json_t *lg_report_read(const char *cmd, const char *path, struct lg_results **res, char *err,
                       size_t errlen)
{
    char why[1024];
    json_error_t je;
    if (report_regular(cmd, path, err, errlen) < 0)
        return NULL;
    struct lg_results *r = lg_results_load(path, why, sizeof why);
    if (!r) {
        snprintf(err, errlen, "logen: %s: %s", cmd, why);
        return NULL;
    }
    json_t *doc = json_load_file(path, 0, &je); /* accepted just now: fails if it changed */
    if (!doc)
        snprintf(err, errlen, "logen: %s: %s: %s", cmd, path, je.text);
    if (doc && res)
        *res = r;
    else
        lg_results_free(r);
    return doc;
}

/* The summaries merged into one document, as `logen merge -o` writes it:
 * NULL with err set. */
static json_t *report_merged(const struct report_args *a, char *err, size_t errlen)
{
    struct lg_thresholds th = { 0 };
    json_t *doc = NULL;
    struct lg_results *m = lg_merge_load("report", (const char *const *)a->in, a->nin, NULL, 0,
                                         &th, NULL, err, errlen);
    if (m) {
        FILE *null = fopen("/dev/null", "we"); /* the exit status is the end summary's */
        int status = null ? lg_summary_end(m, th.n ? &th : NULL, null) : 1;
        if (null)
            fclose(null);
        if (!(doc = lg_report_html_doc(m, th.n ? &th : NULL, status)))
            snprintf(err, errlen, "logen: report: the merged summary: %s", strerror(errno));
    }
    lg_thresholds_free(&th);
    lg_results_free(m);
    return doc;
}

/* The one summary to draw, from the inputs, and its label (heap text, free
 * it): NULL with err set. */
static json_t *report_inputs(const struct report_args *a, char **label, char *err, size_t errlen)
{
    size_t len = 0;
    for (int i = 0; i < a->nin; i++) {
        if (lg_infile_same(a->out, a->in[i])) {
            snprintf(err, errlen, "logen: report: -o %s is the input %s: refusing to overwrite it",
                     a->out, a->in[i]);
            return NULL;
        }
        if (report_regular("report", a->in[i], err, errlen) < 0)
            return NULL;
        len += strlen(a->in[i]) + 2;
    }
    if (a->nin == 1) {
        *label = lg_strdup(a->in[0]);
        return lg_report_read("report", a->in[0], NULL, err, errlen);
    }
    *label = lg_calloc(len + 1, 1);
    for (int i = 0; i < a->nin; i++)
        strcat(strcat(*label, i ? ", " : ""), a->in[i]);
    return report_merged(a, err, errlen);
}

FILE *lg_report_html_open(const char *cmd, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "logen: %s: -o: cannot open %s: %s", cmd, path, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return f;
}

int lg_report_html_put(const char *cmd, const char *path, FILE *f, json_t *const *docs,
                       const char *const *labels, int n, const json_t *compare)
{
    int rc = lg_report_html_write(docs, labels, n, compare, f);
    if ((fclose(f) != 0) | (rc < 0)) {
        fprintf(stderr, "logen: %s: writing the report %s: %s\n", cmd, path, strerror(errno));
        return 1;
    }
    return 0;
}

int lg_report_command(int argc, char **argv, char *err, size_t errlen)
{
    struct report_args a;
    char *label = NULL;
    FILE *f = NULL;
    int rc = 2;
    if (report_args(argc, argv, &a, err, errlen) < 0)
        return 2;
    json_t *doc = report_inputs(&a, &label, err, errlen);
    if (doc && (f = lg_report_html_open("report", a.out, err, errlen)))
        rc = lg_report_html_put("report", a.out, f, &doc, (const char *const *)&label, 1, NULL);
    json_decref(doc);
    free(label);
    return rc;
}
