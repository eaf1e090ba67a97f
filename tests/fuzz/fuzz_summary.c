/* fuzz_summary.c -- libFuzzer target for a summary JSON read back
 * (src/results_load.c): the input is the file's text, written to
 * ./summary.json (fuzz.t runs each target in an empty directory) and
 * loaded as logen merge and logen compare load it. A refusal must come as
 * one line naming the file. What is accepted then goes where logen merge
 * takes it: merged alone (results_merge.c), its thresholds parsed and
 * evaluated on the sum, the sum and the input written as summary JSON
 * (summary_json.c) to /dev/null; no sanitizer report anywhere on the way.
 * Everything is freed each time, so leak detection sees any leak. */
#include <unistd.h>

#include "fuzz.h"
#include "results.h"
#include "summary_json.h"
#include "threshold.h"

#define PATH "summary.json"

/* The thresholds of r that parse against its lines (lg_thresholds_add). */
static void thresholds_of(struct lg_thresholds *th, const struct lg_results *r)
{
    char why[256];
    struct lg_threshold_line *lines = calloc((size_t)r->nlines + 1, sizeof *lines);
    if (!lines)
        abort();
    for (int l = 0; l < r->nlines; l++)
        lines[l] = (struct lg_threshold_line){ r->lines[l].id, r->lines[l].open != NULL };
    for (int i = 0; i < r->nthr; i++)
        lg_thresholds_add(th, r->thr[i].expression, r->thr[i].own_line, lines, r->nlines, why,
                          sizeof why);
    free(lines);
}

static void written(const struct lg_results *r, FILE *out)
{
    struct lg_thresholds th = { 0 };
    thresholds_of(&th, r);
    lg_sumjson_write(r, th.n ? &th : NULL, 0, out);
    lg_thresholds_free(&th);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024] = "";
    FILE *f = fopen(PATH, "w");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    struct lg_results *r = lg_results_load(PATH, err, sizeof err);
    if (!r) {
        if (strncmp(err, PATH ": ", strlen(PATH) + 2) != 0 || strchr(err, '\n'))
            abort(); /* one line, naming the file */
        return 0;
    }
    struct lg_results *m = lg_results_merge(&r, 1, err, sizeof err);
    FILE *out = fopen("/dev/null", "w");
    if (!out)
        abort();
    if (m)
        written(m, out);
    written(r, out);
    fclose(out);
    lg_results_free(m);
    lg_results_free(r);
    return 0;
}
