/* run_end.c -- the results written out at the end of a run (run_end.h). */
#include "run_end.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "report_html.h"
#include "summary.h"
#include "summary_json.h"

/* File f of option opt, written by write_rc (0, or -1 on failure), then
 * written out: when either failed, the run has failed, for the result line
 * to say (unless it failed already), and so says the log. Returns 1 then.
 * f stays in error: main then closes it without a second word. */
static int file_done(struct lg_results *res, FILE *f, const char *opt, int write_rc)
{
    int failed = (write_rc < 0) | (fflush(f) != 0) | (ferror(f) != 0);
    if (!failed)
        return 0;
    lg_log(LG_LOG_ERROR, "writing the %s file: %s", opt, strerror(errno));
    if (!res->failure) {
        char why[96];
        snprintf(why, sizeof why, "the %s file could not be written", opt);
        res->failure = lg_strdup(why);
    }
    return 1;
}

/* The end summary rendered into *text (*len bytes; the caller frees it),
 * so that the files it vouches for can be written before it is shown.
 * Without memory for it, it goes straight to err (*text stays NULL).
 * Returns the exit status it states. */
static int summary_text(const struct lg_results *res, const struct lg_thresholds *th,
                        char **text, size_t *len, FILE *err)
{
    FILE *mem = open_memstream(text, len);
    if (!mem) {
        *text = NULL;
        return lg_summary_end(res, th, err);
    }
    int status = lg_summary_end(res, th, mem);
    if (fclose(mem) != 0) {
        free(*text);
        *text = NULL;
        return lg_summary_end(res, th, err);
    }
    return status;
}

int lg_run_end(const struct lg_run *run, const struct lg_collector *c,
               const struct lg_results_meta *m, FILE *err)
{
    struct lg_results *res = lg_results_collect(c, m);
    if (run->hdr_log)
        file_done(res, run->hdr_log, "--hdr-log", 0);
    char *text = NULL;
    size_t len = 0;
    int status = summary_text(res, run->thresholds, &text, &len, err), late = 0;
    if (run->summary_json)
        late |= file_done(res, run->summary_json, "--summary-json",
                          lg_sumjson_write(res, run->thresholds, status, run->summary_json));
    if (run->report)
        late |= file_done(res, run->report, "--report",
                          lg_report_html_run(res, run->thresholds, status, run->report));
    if (late && status == 0 && text) { /* rendered OK, but a file failed since: FAILED */
        free(text);
        text = NULL;
        status = summary_text(res, run->thresholds, &text, &len, err);
    }
    if (text) {
        fwrite(text, 1, len, err);
        free(text);
    }
    fflush(err);
    lg_results_free(res);
    return status;
}
