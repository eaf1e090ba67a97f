/* test_results.c -- lg_results_collect: a collector fed a synthetic run
 * (two lines, one open; requests over several intervals, errors, a
 * transaction, a worker killed before its STOP), closed, then collected:
 * every figure equals the collector's view, the series adds up to the
 * totals with each interval's exact max, and lg_results_free leaves
 * nothing behind (ASan's leak check). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "results.h"
#include "summary.h"
#include "tap.h"
#include "threshold.h"

#define MS (1000 * 1000LL)
#define S LG_NS_PER_S

static struct lg_phase phases[] = { { .duration_s = 2, .r1 = 5, .r2 = 5 } };
static struct lg_schedule sched = { .phases = phases, .nphases = 1 };
static char *steps[] = { "A" };
static const struct lg_line_info lines[] = {
    { .id = "one", .cut = "Dummy", .steps = steps, .nsteps = 1 },
    { .id = "two", .cut = "Other", .steps = steps, .nsteps = 1, .open = 1, .schedule = &sched },
};

struct fw {
    int worker, pid;
    uint32_t seq;
};

static struct lg_collector *coll;

static void send(struct fw *w, struct lg_record r, lg_ns_t now)
{
    r.worker = (uint16_t)w->worker;
    r.pid = w->pid;
    r.seq = w->seq++;
    lg_collector_feed(coll, &r, now);
}

static void send_name(struct fw *w, int id, const char *s)
{
    struct lg_record r = { .type = LG_REC_NAME, .name = (uint16_t)id };
    r.u.text.len = (uint16_t)strlen(s);
    memcpy(r.u.text.bytes, s, strlen(s));
    send(w, r, 0);
}

static void send_ev(struct fw *w, int type, int rc, lg_ns_t begin, lg_ns_t end)
{
    struct lg_record r = { .type = (uint8_t)type, .rc = (uint8_t)rc };
    r.u.ev.begin_ns = begin;
    r.u.ev.end_ns = end;
    send(w, r, end);
}

static void send_stop(struct fw *w, int reason, lg_ns_t start, lg_ns_t end, lg_ns_t wait)
{
    struct lg_record r = { .type = LG_REC_STOP, .rc = (uint8_t)reason };
    r.u.stop.sent = w->seq + 1;
    r.u.stop.opcount = 10;
    r.u.stop.start_ns = start;
    r.u.stop.end_ns = end;
    r.u.stop.wait_ns = wait;
    send(w, r, end);
}

static void send_job(struct fw *w, int type, lg_ns_t intended, lg_ns_t begin, lg_ns_t end)
{
    struct lg_record r = { .type = (uint8_t)type };
    r.u.job.intended_ns = intended;
    r.u.job.dispatched_ns = intended;
    r.u.job.begin_ns = begin;
    r.u.job.end_ns = end;
    r.u.job.requests = 1;
    send(w, r, end);
}

/* A closed line of two workers over 3.5 s, an open one with a generator. */
static void feed_run(void)
{
    struct fw a = { 0, 101, 0 }, b = { 1, 102, 0 }, g = { 2, 103, 0 }, o = { 3, 104, 0 };
    lg_collector_add_worker(coll, 0, 0, 101, 0);
    lg_collector_add_worker(coll, 1, 0, 102, 0);
    lg_collector_add_generator(coll, 2, 1, 103, 0);
    lg_collector_add_worker(coll, 3, 1, 104, 0);
    send_ev(&a, LG_REC_START, 0, 100 * MS, 100 * MS);
    send_ev(&b, LG_REC_START, 0, 100 * MS, 100 * MS);
    send_ev(&o, LG_REC_START, 0, 100 * MS, 100 * MS);
    send_name(&a, 0, "R-One");
    send_name(&b, 0, "R-Two-is-a-longer-name");
    send_name(&o, 0, "R-Open");
    for (int i = 0; i < 30; i++) {
        lg_ns_t t = 200 * MS + i * 100 * MS;
        send_ev(&a, LG_REC_REQ, i % 10 == 0, t, t + (i + 1) * MS);
        send_ev(&b, LG_REC_REQ, 0, t, t + 2 * MS);
        if (i == 10) { /* interval 1 open: an event queued at 1 s, processed */
            lg_collector_queue(coll, 1, 3, t);
            send_job(&o, LG_REC_JOB, 1 * S, 1 * S + 1 * MS, 1 * S + 5 * MS);
            send_ev(&o, LG_REC_REQ, 0, 1 * S + 1 * MS, 1 * S + 5 * MS);
        }
        if (i == 25) { /* interval 2 open: one queued at 2 s, dropped at 2.5 s */
            struct lg_record ph = { .type = LG_REC_PHASE };
            ph.u.phase.generated = 2;
            ph.u.phase.end_ns = 2 * S;
            send(&g, ph, t);
            send_job(&o, LG_REC_DROP, 2 * S, 2500 * MS, 2500 * MS);
        }
        lg_collector_tick(coll, t + 2 * MS);
    }
    send_ev(&a, LG_REC_TRA, 0, 200 * MS, 3 * S);
    send_ev(&b, LG_REC_ERR, 1, 3 * S, 3 * S);
    send_stop(&a, LG_STOP_DONE, 100 * MS, 3500 * MS, 7 * MS);
    send_stop(&o, LG_STOP_HARD_END, 100 * MS, 3400 * MS, 2 * MS);
    lg_collector_worker_exit(coll, 0, 0, 3500 * MS);
    lg_collector_worker_exit(coll, 1, SIGKILL, 3500 * MS); /* b: killed, no STOP */
    lg_collector_worker_exit(coll, 2, 0, 3500 * MS);
    lg_collector_worker_exit(coll, 3, 0, 3500 * MS);
    lg_collector_close(coll, 3600 * MS);
}

static void check_run(const struct lg_results *r, const struct lg_collector_view *v)
{
    is_int(r->t.requests, v->t.requests, "run: requests");
    is_int(r->t.errors, v->t.errors, "run: errors");
    is_int(r->t.received, v->t.received, "run: records received");
    is_int(r->begin_ns, v->begin_ns, "run: begin");
    is_int(r->end_ns, v->end_ns, "run: end");
    ok(r->hwm_thru == v->hwm_thru && r->hwm_thru_at == v->hwm_thru_at, "run: throughput hwm");
    is_int(r->received_stopped, 34 + 6, "run: received from the stopped workers");
    is_int(r->missing, 0, "run: none missing");
    is_int(r->hard_ended, 1, "run: one worker at the hard end");
    is_int(r->blocked_ns, 9 * MS, "run: blocked on the pipe in all");
    ok(r->blocked_max_ns == 7 * MS && r->blocked_max_worker == 0, "run: and at most, by worker 0");
    ok(r->local_ops > 0, "run: the sum of local ops/s");
    is_int(r->nbad, 1, "workers: one not normal");
    ok(r->nbad == 1 && r->bad[0].worker == 1 && r->bad[0].signal == SIGKILL &&
           r->bad[0].faults == (LG_FAULT_SIGNAL | LG_FAULT_NO_STOP) && r->bad[0].sent == 0,
       "workers: b, killed before its STOP");
    ok(r->merged == 1 && r->shard == 0 && r->nshards == 1, "meta: one whole run");
    is_str(r->argv[1], "-p", "meta: argv copied");
    ok(r->clock.synced == 1 && r->clock.max_error_s == 0.25 && r->clock.est_error_s == -1,
       "meta: the clock, synced, its maximum error in s, its estimate unknown");
    ok(r->nthr == 1 && strcmp(r->thr[0].expression, "p99<1s") == 0 && r->thr[0].own_line == -1,
       "thresholds: text and own line");
}

static void check_lines(const struct lg_results *r)
{
    struct lg_collector_row row;
    size_t pos = 0, i = 0;
    int same = 1;
    is_int(r->nlines, 2, "lines: two");
    is_str(r->lines[0].id, "one", "lines: id");
    is_str(r->lines[1].cut, "Other", "lines: cut");
    is_str(r->lines[0].options_json, "{}", "lines: no options given, {}");
    while (lg_collector_row_next(coll, 0, &pos, &row) && i < r->lines[0].nrows) {
        const struct lg_results_row *rr = &r->lines[0].rows[i++];
        same &= rr->kind == row.kind && rr->errors == row.errors && lg_hist_equal(&rr->h, row.h);
    }
    ok(same && i == r->lines[0].nrows && i == 3, "lines: rows equal the view's, in its order");
    is_str(r->lines[0].rows[0].name, "R-One", "lines: row names copied");
    is_int(r->lines[0].hook_errors, 1, "lines: errors outside requests");
    ok(r->lines[0].open == NULL, "lines: a closed line has no open figures");
    const struct lg_results_open *o = r->lines[1].open;
    ok(o && o->processed == 1 && o->dropped == 1 && o->hwm_depth == 3 && o->nphases == 1 &&
           o->phase[0].asked_r1 == 5 && lg_hist_count(&o->times[LG_OPEN_SERVICE]) == 1,
       "lines: the open line's events, phases and times");
}

static void check_series(const struct lg_results *r)
{
    uint64_t req[2] = { 0 }, err = 0;
    int maxes = 1;
    is_int(r->niv, 4, "series: three whole intervals and the partial one");
    for (size_t i = 0; i < r->niv; i++) {
        for (int l = 0; l < 2; l++) {
            struct lg_hist h;
            req[l] += r->iv[i].lines[l].requests;
            is_int(lg_results_ivl_hist(&r->iv[i].lines[l], &h), 0, "series: decodes");
            ok(lg_hist_count(&h) == r->iv[i].lines[l].requests,
               "series: interval %zu line %d: as many durations as requests", i, l + 1);
            /* a's k-th request lasts k + 1 ms: interval i's longest is known */
            if (l == 0)
                maxes &= lg_hist_max(&h) == (i < 3 ? 10 * (uint64_t)i + 8 : 30) * MS;
            lg_hist_fini(&h);
        }
        err += r->iv[i].lines[0].errors;
    }
    is_int(req[0], 60, "series: line 1's requests add up");
    is_int(req[1], 1, "series: line 2's too");
    is_int(err, 4, "series: errors add up (three failed requests, one ERR)");
    ok(maxes, "series: each interval's max is exact");
    ok(r->iv[3].begin_ns == 3 * S && r->iv[3].end_ns == 3500 * MS, "series: partial to the end");
    is_int(r->iv[0].lines[0].workers, 2, "series: live workers at an interval's end");
    ok(r->iv[0].lines[1].generated == 0 && r->iv[1].lines[1].generated == 1 &&
           r->iv[2].lines[1].generated == 1 && r->iv[2].lines[1].dropped == 1,
       "series: events generated and dropped per interval");
    is_int(r->iv[1].lines[1].queue_depth, 3, "series: queue depth at an interval's end");
}

/* Without keep_series, nothing of the series is kept, the throughput is. */
static void test_not_kept(void)
{
    FILE *devnull = fopen("/dev/null", "w");
    struct lg_collector_opts opts = { .out = devnull, .err = devnull, .summary_ns = S,
                                       .lines = lines, .nlines = 1 };
    struct fw a = { 0, 101, 0 };
    coll = lg_collector_new(&opts);
    lg_collector_add_worker(coll, 0, 0, 101, 0);
    send_name(&a, 0, "R");
    send_ev(&a, LG_REC_REQ, 0, 100 * MS, 200 * MS);
    lg_collector_close(coll, 2500 * MS);
    struct lg_results_meta m = { .interval_ns = S };
    struct lg_results *r = lg_results_collect(coll, &m);
    ok(r->niv == 0 && r->hwm_thru == 1.0 && r->hwm_thru_at == S,
       "not kept: no series, the throughput high-water mark still");
    ok(r->clock.synced == -1 && r->clock.max_error_s == -1 && r->clock.est_error_s == -1,
       "no clock given: its state unknown");
    lg_results_free(r);
    lg_collector_free(coll);
    fclose(devnull);
}

/* A request that reaches the collector after its interval closed counts
 * in the oldest open one; one that ends more than an interval ahead, in
 * the one after the oldest (interval.h). */
static void test_late_early(void)
{
    FILE *devnull = fopen("/dev/null", "w");
    struct lg_collector_opts opts = { .out = devnull, .err = devnull, .summary_ns = S,
                                       .lines = lines, .nlines = 1, .keep_series = 1 };
    struct fw a = { 0, 101, 0 };
    coll = lg_collector_new(&opts);
    lg_collector_add_worker(coll, 0, 0, 101, 0);
    send_name(&a, 0, "R");
    send_ev(&a, LG_REC_REQ, 0, 400 * MS, 500 * MS);
    lg_collector_tick(coll, 1200 * MS);                  /* closes [0, 1) */
    send_ev(&a, LG_REC_REQ, 0, 800 * MS, 900 * MS);      /* late: into [1, 2) */
    send_ev(&a, LG_REC_REQ, 0, 3200 * MS, 3500 * MS);    /* early: into [2, 3) */
    lg_collector_close(coll, 4000 * MS);
    struct lg_results_meta m = { .interval_ns = S };
    struct lg_results *r = lg_results_collect(coll, &m);
    ok(r->niv == 4 && r->iv[0].lines[0].requests == 1 && r->iv[1].lines[0].requests == 1 &&
           r->iv[2].lines[0].requests == 1 && r->iv[3].lines[0].requests == 0,
       "late and early: each request in one interval, by the rule");
    ok(r->niv == 4 && r->iv[1].lines[0].max_ns == 100 * MS &&
           r->iv[2].lines[0].max_ns == 300 * MS && r->iv[3].lines[0].histogram == NULL,
       "late and early: with their durations; an empty interval has none");
    lg_results_free(r);
    lg_collector_free(coll);
    fclose(devnull);
}

int main(void)
{
    char err[256];
    char *argv[] = { "logen", "-p", "2" };
    struct lg_thresholds th = { 0 };
    lg_thresholds_add(&th, "p99<1s", -1, NULL, 0, err, sizeof err);
    FILE *devnull = fopen("/dev/null", "w");
    struct lg_collector_opts opts = { .out = devnull, .err = devnull, .summary_ns = S,
                                       .lines = lines, .nlines = 2, .keep_series = 1 };
    coll = lg_collector_new(&opts);
    feed_run();
    struct lg_clock_sync cs = { .synced = 1, .maxerror_ns = 250 * MS, .esterror_ns = -1 };
    struct lg_results_meta m = { .argv = argv, .argc = 3, .start_epoch_s = 1.5e9,
                                 .interval_ns = S, .thresholds = &th, .clock = &cs };
    struct lg_results *r = lg_results_collect(coll, &m);
    struct lg_collector_view v;
    lg_collector_view(coll, &v);
    check_run(r, &v);
    check_lines(r);
    check_series(r);
    lg_collector_free(coll);
    ok(r->lines[0].rows[0].h.count == 30, "results: still whole once the collector is freed");
    lg_results_free(r);
    lg_results_free(NULL);
    lg_thresholds_free(&th);
    fclose(devnull);
    test_not_kept();
    test_late_early();
    return done_testing();
}
