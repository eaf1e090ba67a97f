/* test_summary.c -- the text summaries: the shared percentile columns (the
 * collector's tables and openstats.c's event times), the periodic line,
 * an end summary rendered from the collector's view and the faults behind
 * its verdict (the full tables and verdicts of real runs are checked in
 * test_collector.c). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "end_summary.h"
#include "openstats.h"
#include "summary.h"
#include "tap.h"

#define MS (1000 * 1000LL)

static struct lg_hist h; /* emptied by lg_hist_fini before each use */

static char *slurp(FILE *f)
{
    static char text[1 << 16];
    fflush(f);
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    return text;
}

static void test_pctl(void)
{
    char buf[LG_SUMMARY_PCTL_BYTES], want[LG_SUMMARY_PCTL_BYTES];
    lg_hist_fini(&h);
    is_str(lg_summary_pctl(buf, &h), "     0.000     0.000     0.000     0.000     0.000     0.000",
           "pctl: an empty histogram prints zeros");
    is_int(strlen(buf), strlen(LG_SUMMARY_PCTL_HEAD), "pctl: columns as wide as their headings");
    lg_hist_record(&h, 1 * MS);
    lg_hist_record(&h, 2 * MS);
    lg_hist_record(&h, 3 * MS);
    snprintf(want, sizeof want, "     1.000     2.000 %9.3f %9.3f %9.3f     3.000",
             (double)lg_hist_percentile(&h, 50) / 1e6, (double)lg_hist_percentile(&h, 90) / 1e6,
             (double)lg_hist_percentile(&h, 99) / 1e6);
    is_str(lg_summary_pctl(buf, &h), want, "pctl: min, mean, p50, p90, p99, max in ms");
    lg_hist_record(&h, 123456789 * MS);
    like(lg_summary_pctl(buf, &h), " 123456789.000", "pctl: a wide value widens its column");
}

/* The open model's event times print with the same columns. */
static void test_openstats_columns(void)
{
    char buf[LG_SUMMARY_PCTL_BYTES], want[256];
    struct lg_openstats *o = lg_openstats_new(NULL);
    struct lg_record r = { .type = LG_REC_JOB };
    r.u.job.intended_ns = 1000 * MS;
    r.u.job.dispatched_ns = 1000 * MS;
    r.u.job.begin_ns = 1002 * MS; /* waited 2 ms */
    r.u.job.end_ns = 1012 * MS;
    r.u.job.requests = 1;
    lg_openstats_job(o, &r);
    struct lg_results_open ro = { .processed = 1, .requests = 1, .hwm_depth_at = -1 };
    struct lg_openstats_detail d;
    lg_openstats_detail(o, &d);
    for (int i = 0; i < LG_OPEN_NTIMES; i++) {
        lg_hist_init(&ro.times[i]);
        lg_hist_merge(&ro.times[i], d.times[i]);
    }
    FILE *f = tmpfile();
    struct lg_outbuf b;
    lg_outbuf_init(&b, f, 1 << 16);
    lg_summary_open(&b, &ro, "");
    lg_outbuf_sync(&b);
    lg_outbuf_free(&b);
    const char *got = slurp(f);
    lg_hist_fini(&h);
    lg_hist_record(&h, 2 * MS);
    snprintf(want, sizeof want, "\nwait                      1%s\n", lg_summary_pctl(buf, &h));
    like(got, want, "openstats: the wait row ends in the shared columns");
    like(got, "count" LG_SUMMARY_PCTL_HEAD "\n", "openstats: and its heading in theirs");
    for (int i = 0; i < LG_OPEN_NTIMES; i++)
        lg_hist_fini(&ro.times[i]);
    fclose(f);
    lg_openstats_free(o);
}

static void test_interval_line(void)
{
    FILE *err = tmpfile();
    struct lg_collector_opts opts = { .out = NULL, .err = err, .summary_ns = 1000 * MS };
    struct lg_collector *c = lg_collector_new(&opts);
    struct lg_outbuf b;
    lg_outbuf_init(&b, err, 256 << 10);
    lg_summary_interval(&b, c, 2000 * MS, 12.5);
    lg_outbuf_sync(&b);
    is_str(slurp(err),
           "[   2.0s] reqs 0 tra 0 err 0 | 12.5/s | workers 0 started 0 ended 0 active | "
           "backlog 0\n",
           "interval: the periodic line of an idle run");
    lg_outbuf_free(&b);
    lg_collector_free(c);
    fclose(err);
}

/* The view is read only: the same collector renders the same text twice. */
static void test_end_summary(void)
{
    static char first[1 << 16];
    FILE *err = tmpfile();
    struct lg_collector_opts opts = { .out = NULL, .err = err, .summary_ns = 1000 * MS };
    struct lg_collector *c = lg_collector_new(&opts);
    lg_collector_close(c, 0);
    is_int(test_summary_end(c, 0, NULL, NULL, err), 0, "end: an empty run is not a failure");
    is_int(test_verdict(c, 0), 0, "end: the verdict alone agrees");
    const char *e = slurp(err);
    like(e, "==== summary: 0.000 s of load, 0 workers started, 0 ended ====\n", "end: head");
    like(e, "line 1: id logen, cut ?, 0 workers started\n", "end: the one default line");
    like(e, "  kind name                      count   errors     thru/s" LG_SUMMARY_PCTL_HEAD "\n",
         "end: the table heading ends in the shared columns");
    like(e, "throughput high-water mark: none (no request in a closed interval)\n",
         "end: no high-water mark");
    like(e, "result: OK\n", "end: verdict");
    snprintf(first, sizeof first, "%s", e);
    FILE *again = tmpfile();
    test_summary_end(c, 0, NULL, NULL, again);
    is_str(slurp(again), first, "end: rendering again gives the same text");
    fclose(again);
    lg_collector_free(c);
    fclose(err);
}

/* The result line states the exit status lg_summary_end returns, and why:
 * an interruption or a controller that gave up is never "OK". */
static void test_result_line(void)
{
    struct lg_collector_opts opts = { .out = NULL, .summary_ns = 1000 * MS };
    struct lg_collector *c = lg_collector_new(&opts);
    lg_collector_close(c, 0);
    FILE *err = tmpfile();
    is_int(test_summary_end(c, SIGINT, NULL, NULL, err), 128 + SIGINT, "result: interrupted: 128 + signal");
    like(slurp(err), "\nresult: INTERRUPTED by signal 2 (exit 130)\n",
         "result: interrupted, said with its exit status");
    fclose(err);
    err = tmpfile();
    is_int(test_summary_end(c, 0, "a worker could not start", NULL, err), 1, "result: failure: 1");
    like(slurp(err), "\nresult: FAILED: a worker could not start (exit 1)\n",
         "result: the controller's failure, said with its reason and exit status");
    fclose(err);
    err = tmpfile();
    is_int(test_summary_end(c, SIGTERM, "a worker could not start", NULL, err), 128 + SIGTERM,
           "result: interrupted after a failure: the signal's status");
    like(slurp(err), "\nresult: INTERRUPTED by signal 15 (exit 143); FAILED as well",
         "result: both said");
    fclose(err);
    lg_collector_free(c);
}

/* The faults behind the verdict, from a worker's outcome alone. */
static void test_worker_faults(void)
{
    struct lg_record stop = { .type = LG_REC_STOP, .rc = LG_STOP_DONE };
    stop.u.stop.sent = 5;
    struct lg_collector_worker w = { .pid = 1, .reaped = 1, .received = 5, .stop = &stop };
    is_int(lg_summary_worker_faults(&w), 0, "faults: STOP, all received, exit 0: none");
    w.status = SIGKILL;
    w.stop = NULL;
    is_int(lg_summary_worker_faults(&w), LG_FAULT_SIGNAL | LG_FAULT_NO_STOP,
           "faults: killed before its STOP");
    w.generator = 1;
    is_int(lg_summary_worker_faults(&w), LG_FAULT_SIGNAL, "faults: a generator owes no STOP");
    w.status = 0;
    w.disorder = 1;
    is_int(lg_summary_worker_faults(&w), LG_FAULT_RECORDS, "faults: a generator out of order");
    w = (struct lg_collector_worker){ .reaped = 1, .status = 2 << 8, .received = 4, .stop = &stop };
    stop.rc = LG_STOP_FAILED;
    is_int(lg_summary_worker_faults(&w), LG_FAULT_EXIT | LG_FAULT_FAILED | LG_FAULT_RECORDS,
           "faults: exit 2, its CUT failed, one record short");
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    test_pctl();
    test_openstats_columns();
    test_interval_line();
    test_end_summary();
    test_result_line();
    test_worker_faults();
    return done_testing();
}
