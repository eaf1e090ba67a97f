/* results_fixture.h -- for the unit tests: runs' results made by hand
 * (struct lg_results, results.h), each owned by the caller and freed with
 * lg_results_free: a closed line with rows of known values, a series of
 * intervals, an open line with phases. */
#ifndef LG_TEST_RESULTS_FIXTURE_H
#define LG_TEST_RESULTS_FIXTURE_H

#include <string.h>

#include "mem.h"
#include "results.h"

#define MS (1000 * 1000LL)
#define S LG_NS_PER_S

/* A run of one closed line, started at wall-clock second `start`. */
static inline struct lg_results *run_new(double start, const char *options)
{
    struct lg_results *r = lg_calloc(1, sizeof *r);
    r->version = lg_strdup("0.9");
    r->host = lg_strdup("h");
    r->argc = 1;
    r->argv = lg_calloc(2, sizeof *r->argv);
    r->argv[0] = lg_strdup("logen");
    r->start_epoch_s = start;
    r->interval_ns = S;
    r->nshards = 1;
    r->merged = 1;
    r->hwm_thru_at = r->hwm_backlog_at = -1;
    r->blocked_max_worker = -1;
    r->nlines = 1;
    r->lines = lg_calloc(1, sizeof *r->lines);
    r->lines[0].id = lg_strdup("x");
    r->lines[0].cut = lg_strdup("Dummy");
    r->lines[0].options_json = lg_strdup(options);
    r->lines[0].rows = lg_calloc(8, sizeof *r->lines[0].rows);
    return r;
}

/* A row of line 0 holding values v[0..n) (ms), the first `errors` failed. */
static inline void row_add(struct lg_results *r, const char *name, int kind, const double *v, int n,
                    int errors)
{
    struct lg_results_line *l = &r->lines[0];
    struct lg_results_row *row = &l->rows[l->nrows++];
    row->name = lg_strdup(name);
    row->kind = kind;
    row->errors = (uint64_t)errors;
    lg_hist_init(&row->h);
    for (int i = 0; i < n; i++)
        lg_hist_record(&row->h, (int64_t)(v[i] * MS));
    r->t.requests += kind == LG_KIND_REQ ? (uint64_t)n : 0;
    r->t.transactions += kind == LG_KIND_TRA ? (uint64_t)n : 0;
}

/* The series: n intervals of 1 s from 0, the last ending at `end`; interval
 * i has req[i] requests of 10 ms and i + 1 workers live at its end. */
static inline void series_set(struct lg_results *r, int n, lg_ns_t end, const int *req)
{
    r->niv = (size_t)n;
    r->iv = lg_calloc((size_t)n, sizeof *r->iv);
    for (int i = 0; i < n; i++) {
        struct lg_results_ivl *v = &r->iv[i];
        struct lg_hist h;
        v->begin_ns = i * S;
        v->end_ns = i + 1 == n ? end : (i + 1) * S;
        v->lines = lg_calloc(1, sizeof *v->lines);
        v->lines[0].requests = (uint64_t)req[i];
        v->lines[0].workers = i + 1;
        lg_hist_init(&h);
        for (int k = 0; k < req[i]; k++)
            lg_hist_record(&h, 10 * MS + k);
        v->lines[0].max_ns = req[i] ? (uint64_t)(10 * MS + req[i] - 1) : 0;
        v->lines[0].histogram = req[i] ? lg_hist_encode(&h, NULL) : NULL;
        lg_hist_fini(&h);
    }
}

static inline struct lg_results *open_run(double start, double rate, long hwm, int done)
{
    struct lg_results *r = run_new(start, "{\"cut\":\"Dummy\",\"id\":\"x\",\"open\":true}");
    struct lg_results_open *o = r->lines[0].open = lg_calloc(1, sizeof *o);
    o->phases = o->nphases = 2;
    o->phase = lg_calloc(2, sizeof *o->phase);
    for (int i = 0; i < 2; i++)
        o->phase[i] = (struct lg_results_phase){ 10, rate, rate, rate * 0.99, i < done, 100, 99,
                                                 1 };
    o->generated = 200;
    o->hwm_depth = hwm;
    o->hwm_depth_at = 2 * S;
    for (int i = 0; i < LG_OPEN_NTIMES; i++)
        lg_hist_init(&o->times[i]);
    lg_hist_record(&o->times[LG_OPEN_WAIT], (int64_t)hwm);
    return r;
}

#endif
