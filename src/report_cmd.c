/* report_cmd.c -- logen report SUMMARY.json -o FILE.html: reads a summary
 * JSON file (--summary-json) with libjansson, checks it is one this logen
 * reads (lg_report_check) and writes its HTML report (report_html.c).
 *
 * One summary for now: several are to be merged into one first, and
 * report_inputs is where that merge will be called once `logen merge`
 * exists (results.h: load each, add them up, write the merged document).
 * Bad input is one line naming the file and the reason, exit 2, before
 * the output file is touched. Runs nothing. */
#include "report_html.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"
#include "log.h"

#define USAGE "logen: usage: logen report SUMMARY.json -o FILE.html"

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

/* The summary at path, checked; NULL with the line saying why in err. */
static json_t *report_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    struct stat st;
    const char *why;
    FILE *f = fopen(path, "re");
    if (!f || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "logen: report: %s: %s", path,
                 f ? "not a regular file" : strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    json_t *doc = json_loadf(f, 0, &je);
    fclose(f);
    if (!doc) {
        snprintf(err, errlen, "logen: report: %s:%d:%d: not JSON: %s", path, je.line, je.column,
                 je.text);
        return NULL;
    }
    if (lg_report_check(doc, &why) < 0) {
        snprintf(err, errlen, "logen: report: %s: %s", path, why);
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* The one summary to draw, from the inputs; NULL with err set. */
static json_t *report_inputs(const struct report_args *a, char *err, size_t errlen)
{
    for (int i = 0; i < a->nin; i++)
        if (lg_infile_same(a->out, a->in[i])) {
            snprintf(err, errlen, "logen: report: -o %s is the input %s: refusing to overwrite it",
                     a->out, a->in[i]);
            return NULL;
        }
    if (a->nin > 1) {
        /* here: lg_results_load each, lg_results_merge, then the merged
         * summary document, once logen merge lands */
        snprintf(err, errlen, "logen: report: %d summaries given: merge them into one summary "
                 "first, then report on that one", a->nin);
        return NULL;
    }
    return report_load(a->in[0], err, errlen);
}

int lg_report_command(int argc, char **argv, char *err, size_t errlen)
{
    struct report_args a;
    if (report_args(argc, argv, &a, err, errlen) < 0)
        return 2;
    json_t *doc = report_inputs(&a, err, errlen);
    if (!doc)
        return 2;
    int fd = open(a.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "logen: report: -o: cannot open %s: %s", a.out, strerror(errno));
        if (fd >= 0)
            close(fd);
        json_decref(doc);
        return 2;
    }
    const char *label = a.in[0];
    int rc = lg_report_html_write(&doc, &label, 1, f);
    if ((fclose(f) != 0) | (rc < 0)) {
        lg_log(LG_LOG_ERROR, "writing the report %s: %s", a.out, strerror(errno));
        rc = -1;
    }
    json_decref(doc);
    return rc < 0 ? 1 : 0;
}
