/* results.c -- what every source of a struct lg_results shares (see
 * results.h): freeing it. Filling one is results_collect.c's (from the
 * collector), results_load.c's (from a summary JSON) and results_merge.c's
 * (from several); rendering it is summary.c's and summary_json.c's. Also
 * here: an interval's durations decoded, for whoever reads them. */
#include "results.h"

#include <stdlib.h>
#include <string.h>

static void line_free(struct lg_results_line *l)
{
    free(l->id);
    free(l->cut);
    free(l->options_json);
    for (size_t i = 0; i < l->nrows; i++) {
        free(l->rows[i].name);
        lg_hist_fini(&l->rows[i].h);
    }
    free(l->rows);
    if (l->open) {
        for (int i = 0; i < LG_OPEN_NTIMES; i++)
            lg_hist_fini(&l->open->times[i]);
        free(l->open->phase);
        free(l->open);
    }
}

static void series_free(struct lg_results *r)
{
    for (size_t i = 0; i < r->niv; i++) {
        for (int l = 0; r->iv[i].lines && l < r->nlines; l++)
            free(r->iv[i].lines[l].histogram);
        free(r->iv[i].lines);
    }
    free(r->iv);
}

void lg_results_free(struct lg_results *r)
{
    if (!r)
        return;
    free(r->version);
    free(r->host);
    for (int i = 0; r->argv && i < r->argc; i++)
        free(r->argv[i]);
    free(r->argv);
    series_free(r); /* before the lines: it needs their count */
    for (int l = 0; r->lines && l < r->nlines; l++)
        line_free(&r->lines[l]);
    free(r->lines);
    for (int i = 0; r->bad && i < r->nbad; i++)
        free(r->bad[i].message);
    free(r->bad);
    for (int i = 0; r->thr && i < r->nthr; i++)
        free(r->thr[i].expression);
    free(r->thr);
    free(r->failure);
    free(r);
}

int lg_results_ivl_hist(const struct lg_results_ivl_line *il, struct lg_hist *h)
{
    if (!il->histogram) {
        lg_hist_init(h);
        return 0;
    }
    if (lg_hist_decode(h, il->histogram, strlen(il->histogram), NULL) < 0)
        return -1;
    if (il->max_ns >= h->min_ns)
        h->max_ns = il->max_ns;
    return 0;
}
