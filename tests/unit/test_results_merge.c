/* test_results_merge.c -- lg_results_merge on results made by hand: rows
 * of the same (line, name, kind) add exactly (the merged histogram equals
 * one fed with both runs' values), a row of one input is kept in the order
 * it first occurs, spans and the series align on the earliest start (an
 * interval that straddles goes where its middle lies), open-model phases
 * and rates add while the queue mark is the highest, workers not normal
 * are kept with their input named, thresholds are kept once; and each
 * refusal (line count, --summary period, id, CUT, an option that must be
 * equal, open against closed, phases, a shard twice, shards missing or
 * started apart) names the input, the line and the option; shards of one
 * run merge into all of it, their clocks combined. ASan's leak check covers lg_results_free. */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "results.h"
#include "results_fixture.h"
#include "results_merge.h"
#include "summary.h"
#include "tap.h"

static const char *OPT = "{\"cut\":\"Dummy\",\"id\":\"x\",\"process\":2,\"steps\":[\"1\"]}";

/* A: [0,1) [1,2) [2,3) [3,3.1); B shifted: [0.5,1.5) [1.5,2.5) [2.5,2.6) */
static void check_series(const struct lg_results *m)
{
    is_int(m->niv, 4, "the merged series has 4 intervals of 1 s");
    is_int(m->iv[1].lines[0].requests, 4 + 10, "B's [0.5, 1.5) goes where its middle is: [1, 2)");
    is_int(m->iv[2].lines[0].requests, 5 + 20 + 2, "B's last two both go to [2, 3)");
    is_int(m->iv[2].lines[0].workers, 3 + 3, "... whose workers are A's and B's last there");
    is_int(m->iv[3].end_ns, 3 * S + S / 10, "the last interval ends with the latest input");
    struct lg_hist h;
    ok(lg_results_ivl_hist(&m->iv[2].lines[0], &h) == 0 && lg_hist_count(&h) == 27,
       "the interval's histogram holds the 27 durations");
    is_int(m->iv[2].lines[0].max_ns, 10 * MS + 19, "... and the exact max");
    lg_hist_fini(&h);
    is_double(m->hwm_thru, 27, 1e-9, "the best full interval's throughput is the merged one's");
}

/* The merge of test_rows_and_times: rows, spans and the series. */
static void check_sums(const struct lg_results *m, const double *a1, const double *b1)
{
    is_int(m->merged, 2, "merged counts the inputs");
    is_double(m->start_epoch_s, 1000.0, 0, "the merged clock starts at the earliest start");
    is_int(m->t.requests, 8, "requests add");
    is_int(m->t.started, 7, "workers add");
    is_int(m->begin_ns, S / 10, "the run begins at the earliest begin");
    is_int(m->end_ns, 3 * S + S / 10, "... and ends at the latest end, shifted (B's 2.1 s + 0.5 s)");
    const struct lg_results_line *l = &m->lines[0];
    is_int(l->nrows, 3, "three rows: R_1 of both, T of A only, R_2 of B only");
    is_str(l->rows[0].name, "R_1", "in the order they first occur: R_1");
    is_str(l->rows[1].name, "T", "... T");
    is_str(l->rows[2].name, "R_2", "... R_2");
    is_int(l->rows[1].kind, LG_KIND_TRA, "T is still a transaction");
    is_int(l->rows[0].errors, 3, "errors add");
    check_series(m);
    struct lg_hist want;
    lg_hist_init(&want);
    for (int i = 0; i < 4; i++)
        lg_hist_record(&want, (int64_t)(a1[i] * MS));
    for (int i = 0; i < 3; i++)
        lg_hist_record(&want, (int64_t)(b1[i] * MS));
    ok(lg_hist_equal(&l->rows[0].h, &want), "R_1's histogram is one fed with both runs' values");
    is_int(lg_hist_percentile(&l->rows[0].h, 100), 900 * MS, "... its max is B's 900 ms");
    lg_hist_fini(&want);
}

static void test_rows_and_times(void)
{
    static const double a1[] = { 1, 2, 3, 250 }, at[] = { 7 }, b1[] = { 2, 2.5, 900 }, b2[] = { 4 };
    struct lg_results *a = run_new(1000.0, OPT);
    struct lg_results *b = run_new(1000.5, "{\"cut\":\"Dummy\",\"id\":\"x\",\"process\":5,\"steps\":[\"1\"]}");
    row_add(a, "R_1", LG_KIND_REQ, a1, 4, 1);
    row_add(a, "T", LG_KIND_TRA, at, 1, 0);
    row_add(b, "R_1", LG_KIND_REQ, b1, 3, 2);
    row_add(b, "R_2", LG_KIND_REQ, b2, 1, 0);
    a->begin_ns = a->lines[0].begin_ns = S / 10;
    a->end_ns = a->lines[0].end_ns = 3 * S + S / 10;
    b->begin_ns = b->lines[0].begin_ns = S / 10;
    b->end_ns = b->lines[0].end_ns = 2 * S + S / 10;
    a->t.started = 2;
    b->t.started = 5;
    series_set(a, 4, 3 * S + S / 10, (const int[]){ 3, 4, 5, 1 });
    series_set(b, 3, 2 * S + S / 10, (const int[]){ 10, 20, 2 });
    char err[256] = "";
    struct lg_results *in[] = { a, b };
    struct lg_results *m = lg_results_merge(in, 2, err, sizeof err);
    if (!ok(m != NULL, "two runs of the same line merge (process may differ)"))
        note("%s", err);
    if (m)
        check_sums(m, a1, b1);
    lg_results_free(m);
    lg_results_free(a);
    lg_results_free(b);
}

static void test_open_and_outcome(void)
{
    struct lg_results *a = open_run(50, 20, 7, 2), *b = open_run(52, 30, 5, 1);
    a->nthr = b->nthr = 1;
    a->thr = lg_calloc(1, sizeof *a->thr);
    b->thr = lg_calloc(2, sizeof *b->thr);
    a->thr[0] = (struct lg_results_threshold){ lg_strdup("p99<1s"), -1 };
    b->thr[0] = (struct lg_results_threshold){ lg_strdup("p99<1s"), -1 };
    b->thr[1] = (struct lg_results_threshold){ lg_strdup("errors<1%"), 0 };
    b->nthr = 2;
    b->nbad = 1;
    b->bad = lg_calloc(1, sizeof *b->bad);
    b->bad[0] = (struct lg_results_worker){ .worker = 3, .pid = 99, .faults = LG_FAULT_SIGNAL,
                                            .signal = 9, .message = lg_strdup("boom") };
    b->signal = 2;
    b->failure = lg_strdup("gave up");
    char err[256] = "";
    const char *names[] = { "A.json", "B.json" };
    struct lg_results *in[] = { a, b };
    struct lg_results *m = lg_results_merge_named(in, names, 2, err, sizeof err);
    if (!ok(m != NULL, "two open runs merge"))
        note("%s", err);
    if (!m)
        return;
    struct lg_results_open *o = m->lines[0].open;
    is_double(o->phase[0].asked_r1, 50, 1e-9, "rates asked add (each injector asked its part)");
    is_double(o->phase[0].achieved, 49.5, 1e-9, "... and so do the rates achieved");
    is_int(o->phase[0].generated, 200, "per-phase counts add");
    is_int(o->phase[1].done, 0, "a phase one input never reported is not done");
    is_int(o->phases_done, 1, "... so one phase of two is");
    is_int(o->generated, 400, "events add");
    is_int(o->hwm_depth, 7, "the queue mark is the highest input's, not a sum");
    is_int(o->hwm_depth_at, 2 * S, "... at its time on the merged clock");
    is_int(lg_hist_count(&o->times[LG_OPEN_WAIT]), 2, "event-time histograms add");
    is_int(m->nthr, 2, "thresholds: each (expression, line) once");
    is_str(m->thr[1].expression, "errors<1%", "... in the order they come");
    is_int(m->nbad, 1, "a worker not normal is kept");
    is_str(m->bad[0].message, "B.json: boom", "... its message says which input");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    lg_summary_end(m, NULL, f);
    fclose(f);
    ok(strstr(text, "worker 3 (pid 99) killed by signal 9") &&
           strstr(text, "worker 3 (pid 99): B.json: boom\n"),
       "... and the text summary says which input a killed worker came from");
    free(text);
    is_int(m->signal, 2, "the worst outcome: B's signal");
    is_str(m->failure, "B.json: gave up", "... and its failure, named");
    lg_results_free(m);
    lg_results_free(a);
    lg_results_free(b);
}

/* refused LABEL WANT: a and b do not merge, saying WANT */
static void refused(struct lg_results *a, struct lg_results *b, const char *want, const char *what)
{
    char err[256] = "";
    const char *names[] = { "A.json", "B.json" };
    struct lg_results *in[] = { a, b };
    struct lg_results *m = lg_results_merge_named(in, names, 2, err, sizeof err);
    ok(m == NULL, "refused: %s", what);
    like(err, want, "... saying: %s", want);
    lg_results_free(m);
    lg_results_free(a);
    lg_results_free(b);
}

/* Shard i of n of one run started at `start`, on host h with the command
 * line "logen" (as srun's tasks: only the shard differs), its clock. */
static struct lg_results *shard_new(int i, int n, double start, int synced, double max_error_s)
{
    struct lg_results *r = run_new(start, OPT);
    r->shard = i;
    r->nshards = n;
    r->clock = (struct lg_results_clock){ synced, max_error_s, max_error_s / 2 };
    return r;
}

/* Shards 0/3, 1/3 and 2/3 of one run (the same start, as --start-at gives,
 * the same host and command line, as srun's tasks): all 3 of the run,
 * which merge again with another whole run; the clocks combined. */
static void test_shards(void)
{
    struct lg_results *in[] = { shard_new(2, 3, 7, 1, 0.002), shard_new(0, 3, 7, 1, 0.001),
                                shard_new(1, 3, 7.0005, 1, 0.004) };
    char err[256] = "";
    struct lg_results *m = lg_results_merge(in, 3, err, sizeof err);
    if (!ok(m != NULL, "the 3 shards of a run merge"))
        note("%s", err);
    ok(m && m->shard == -1 && m->nshards == 3, "... into all 3 of the run (index -1 of 3)");
    ok(m && m->clock.synced == 1 && m->clock.max_error_s == 0.004 && m->clock.est_error_s == 0.002,
       "... their clocks synchronised, the largest errors");
    in[1]->clock.synced = -1;
    in[2]->clock = (struct lg_results_clock){ 0, -1, -1 };
    struct lg_results *m2 = lg_results_merge(in, 3, err, sizeof err);
    ok(m2 && m2->clock.synced == 0 && m2->clock.max_error_s == -1,
       "one clock not synchronised, one unknown: not synchronised, the errors unknown");
    struct lg_results *other = run_new(7, OPT);
    free(other->host);
    other->host = lg_strdup("h2");
    struct lg_results *in2[] = { m, other };
    struct lg_results *m3 = lg_results_merge(in2, 2, err, sizeof err);
    ok(m3 && m3->shard == 0 && m3->nshards == 1, "all shards of a run merge with a whole run: 0 of 1");
    for (int k = 0; k < 3; k++)
        lg_results_free(in[k]);
    lg_results_free(m);
    lg_results_free(m2);
    lg_results_free(m3);
    lg_results_free(other);
}

/* Refused: lg_results_merge_named of n inputs, all freed. */
static void refused_n(struct lg_results **in, int n, const char *want, const char *what)
{
    char err[256] = "";
    const char *names[] = { "A.json", "B.json", "C.json", "D.json" };
    struct lg_results *m = lg_results_merge_named(in, names, n, err, sizeof err);
    ok(m == NULL, "refused: %s", what);
    like(err, want, "... saying: %s", want);
    lg_results_free(m);
    for (int k = 0; k < n; k++)
        lg_results_free(in[k]);
}

static void test_shard_refusals(void)
{
    refused_n((struct lg_results *[]){ shard_new(0, 4, 7, 1, 0), shard_new(2, 4, 7, 1, 0) }, 2,
              "shards 1, 3 of 4 missing: 2 of the run's 4 shards given, merge all of them",
              "shards missing");
    refused_n((struct lg_results *[]){ shard_new(1, 2, 7, 1, 0) }, 1,
              "shard 0 of 2 missing: 1 of the run's 2 shards given", "a shard alone");
    refused_n((struct lg_results *[]){ shard_new(0, 3, 7, 1, 0), shard_new(1, 3, 7, 1, 0),
                                       shard_new(1, 3, 7, 1, 0) }, 3,
              "C.json: shard 1/3, as B.json: each shard may be merged once", "a shard twice of 3");
    refused_n((struct lg_results *[]){ shard_new(0, 2, 7, 1, 0), shard_new(1, 2, 9.5, 1, 0) }, 2,
              "B.json: shard 1/2 started 2.500 s after A.json's (shard 0/2): shards of one "
              "run start together, within 1 s (give them one --start-at)", "starts apart");
    refused_n((struct lg_results *[]){ run_new(7, OPT), shard_new(1, 2, 7, 1, 0) }, 2,
              "A.json: shard 0/1, B.json's is 1/2: not shards of one run", "a whole run and a shard");
    refused_n((struct lg_results *[]){ shard_new(-1, 2, 7, 1, 0), shard_new(1, 2, 7, 1, 0) }, 2,
              "A.json: shard all 2, B.json's is 1/2: not shards of one run",
              "a merge of all shards and one of them again");
}

static void test_refusals(void)
{
    struct lg_results *b = run_new(1, OPT);
    b->interval_ns = S / 2;
    refused(run_new(1, OPT), b, "B.json: --summary period 0.5 s, A.json's is 1 s", "periods differ");
    b = run_new(1, OPT);
    free(b->lines[0].cut);
    b->lines[0].cut = lg_strdup("Other");
    refused(run_new(1, OPT), b, "B.json: line 1: CUT Other, A.json's is Dummy", "CUTs differ");
    b = run_new(1, OPT);
    free(b->lines[0].id);
    b->lines[0].id = lg_strdup("y");
    refused(run_new(1, OPT), b, "B.json: line 1: id 'y', A.json's is 'x'", "ids differ");
    b = run_new(1, "{\"cut\":\"Dummy\",\"id\":\"x\",\"process\":2,\"steps\":[\"2\"]}");
    refused(run_new(1, OPT), b, "B.json: line 1: option steps is [\"2\"], A.json's is [\"1\"]",
            "an option that must be equal");
    b = run_new(1, "{\"cut\":\"Dummy\",\"id\":\"x\",\"process\":2,\"steps\":[\"1\"],\"grace\":1}");
    refused(run_new(1, OPT), b, "option grace is 1, A.json's is (none)", "an option one has");
    b = run_new(1, OPT);
    b->lines = lg_realloc(b->lines, 2 * sizeof *b->lines);
    b->lines[1] = (struct lg_results_line){ .id = lg_strdup("z"), .cut = lg_strdup("Dummy") };
    b->nlines = 2;
    refused(run_new(1, OPT), b, "B.json: 2 lines, A.json has 1", "line counts differ");
    refused(open_run(1, 5, 1, 2), run_new(1, "{\"cut\":\"Dummy\",\"id\":\"x\",\"open\":true}"),
            "B.json: line 1 is closed, A.json's is open", "open against closed");
    b = open_run(1, 5, 1, 2);
    b->lines[0].open->phase[1].duration_s = 20;
    refused(open_run(1, 5, 1, 2), b, "phase 2 lasts 20 s, A.json's 10 s", "phases differ");
    b = run_new(1e8, OPT);
    series_set(b, 1, S, (const int[]){ 1 });
    refused(run_new(1, OPT), b, "B.json ends 100000000 s after A.json starts: their series would hold",
            "runs years apart");
    struct lg_results *a = run_new(1, OPT);
    b = run_new(1, OPT);
    a->nshards = b->nshards = 2;
    a->shard = b->shard = 1;
    refused(a, b, "B.json: shard 1/2, as A.json: each shard may be merged once", "a shard twice");
    a = run_new(1, OPT);
    b = run_new(1, OPT);
    a->nshards = 2;
    b->nshards = 3;
    refused(a, b, "B.json: shard 0/3, A.json's is 0/2: not shards of one run", "shards of two runs");
    refused(run_new(1, OPT), run_new(1, OPT),
            "B.json is the run of A.json (same host, start and command line): it would count twice",
            "one run twice");
}

int main(void)
{
    test_rows_and_times();
    test_open_and_outcome();
    test_shards();
    test_shard_refusals();
    test_refusals();
    return done_testing();
}
