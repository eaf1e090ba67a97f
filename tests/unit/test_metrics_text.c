/* test_metrics_text.c -- the --metrics-listen exposition of a collector
 * fed by hand: family names, HELP and TYPE once each, labels and their
 * escaping (quote, backslash, newline, a byte that is not UTF-8),
 * cumulative buckets from the HDR histogram (+Inf equal to _count, _sum
 * exact), per-line and open-model families, run-wide counters, and the
 * OpenMetrics variant (counter families without _total, # EOF). */
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "metrics.h"
#include "fake_worker.h"
#include "tap.h"

#define US 1000LL
#define MS (1000 * 1000LL)
#define S LG_NS_PER_S

static char *steps1[] = { "A" };
static struct lg_phase phases[] = { { .duration_s = 2, .r1 = 3, .r2 = 3, .events = 6 } };
static const struct lg_schedule sched = { .phases = phases, .nphases = 1, .events = 6,
                                          .duration_ns = 2 * S };
static const struct lg_line_info lines[] = {
    { .id = "my\"id\\x", .cut = "Dummy", .steps = steps1, .nsteps = 1 },
    { .id = "op", .cut = "Dummy", .steps = steps1, .nsteps = 1, .open = 1, .schedule = &sched },
};

static FILE *out, *err;

static void send_ev(struct fw *w, int type, int name, int rc, lg_ns_t begin, lg_ns_t dur)
{
    struct lg_record r = { .type = (uint8_t)type, .rc = (uint8_t)rc, .name = (uint16_t)name };
    r.u.ev.opcount = w->seq;
    r.u.ev.begin_ns = begin;
    r.u.ev.end_ns = begin + dur;
    send(w, r, begin + dur);
}

static void send_start(struct fw *w)
{
    struct lg_record r = { .type = LG_REC_START };
    send(w, r, 0);
}

static void send_job(struct fw *w, int type, uint64_t seq)
{
    struct lg_record r = { .type = (uint8_t)type };
    r.u.job.seq = seq;
    r.u.job.begin_ns = r.u.job.end_ns = (lg_ns_t)seq * MS;
    send(w, r, r.u.job.end_ns);
}

/* A run of two lines: a closed one with two names (one to escape), and an
 * open one with its generator, a queue and a few events. */
static void feed(void)
{
    struct fw a = { 0, 101, 0 }, g = { 1, 102, 0 }, o = { 2, 103, 0 };
    out = tmpfile();
    err = tmpfile();
    struct lg_collector_opts opts = { .out = out, .err = err, .format = LG_OUT_NONE,
                                      .summary_ns = S, .lines = lines, .nlines = 2 };
    coll = lg_collector_new(&opts);
    lg_collector_add_worker(coll, 0, 0, 101, 0);
    lg_collector_add_generator(coll, 1, 1, 102, 0);
    lg_collector_add_worker(coll, 2, 1, 103, 0);
    send_start(&a);
    send_name(&a, 1, "R_1");
    send_name(&a, 2, "a\"b\\c\nx\xff\xc3\xa9");
    static const lg_ns_t dur[] = { 50 * US, 300 * US, 2 * MS, 2 * MS, 70 * S };
    for (int i = 0; i < 5; i++)
        send_ev(&a, LG_REC_REQ, 1, i == 2 ? 16 : 0, i * MS, dur[i]);
    send_ev(&a, LG_REC_TRA, 1, 0, 0, 5 * MS);
    send_ev(&a, LG_REC_REQ, 2, 0, 0, 1 * MS);
    send_start(&o);
    for (int i = 0; i < 3; i++)
        send_job(&o, LG_REC_JOB, (uint64_t)i);
    send_job(&o, LG_REC_DROP, 3);
    struct lg_record ph = { .type = LG_REC_PHASE };
    ph.u.phase.generated = 6;
    send(&g, ph, 2 * S);
    lg_collector_queue(coll, 1, 7, 2 * S);
}

static char *render(int om, int ended)
{
    struct lg_metrics_buf b = { 0 };
    lg_metrics_render(&b, coll, om, ended);
    lg_metrics_printf(&b, "%s", ""); /* NUL-terminated even when empty */
    return b.p;
}

static int count_of(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* The value of the sample line that starts with `series` followed by a
 * space, or -1. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

/* Every line is a comment or `name{...} value` / `name value`, and the
 * samples of each family follow its TYPE. */
static int well_formed(const char *text)
{
    int bad = 0;
    for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
        size_t len = strcspn(p, "\n");
        if (p[len] != '\n')
            return 0;
        if (*p == '#')
            continue;
        const char *sp = p + strcspn(p, " {");
        if (*sp == '{') {
            const char *q = sp + 1; /* labels: skip quoted values with their escapes */
            while (*q && *q != '}' && *q != '\n') {
                if (*q == '"')
                    for (q++; *q && *q != '"'; q++)
                        q += *q == '\\';
                q++;
            }
            sp = q + 1;
        }
        char *end;
        strtod(sp, &end);
        bad += *sp != ' ' || end != p + len;
    }
    return bad == 0;
}

#define ROW "{line=\"my\\\"id\\\\x\",name=\"R_1\",kind=\"req\""

static void test_text(void)
{
    char *t = render(0, 0);
    ok(well_formed(t), "text: every line a comment or a sample");
    is_int(count_of(t, "# TYPE logen_requests_total counter\n"), 1, "text: requests family once");
    is_int(count_of(t, "# HELP logen_requests_total "), 1, "text: ... with its HELP");
    is_int(count_of(t, "# TYPE logen_request_duration_seconds histogram\n"), 1,
           "text: the histogram family once");
    is_double(sample(t, "logen_requests_total" ROW "}"), 5, 0, "text: requests of a row");
    is_double(sample(t, "logen_errors_total" ROW "}"), 1, 0, "text: errors of a row");
    is_double(sample(t, "logen_requests_total{line=\"my\\\"id\\\\x\",name=\"R_1\",kind=\"tra\"}"),
              1, 0, "text: a transaction row, kind tra");
    like(t, "name=\"a\\\"b\\\\c\\nx?\xc3\xa9\"", "text: quote, backslash, newline escaped; a "
         "stray byte is '?', UTF-8 kept");
    static const struct { const char *le; double want; } b[] = {
        { "0.0001", 1 }, { "0.00025", 1 }, { "0.0005", 2 }, { "0.001", 2 }, { "0.0025", 4 },
        { "1.0", 4 }, { "60.0", 4 }, { "+Inf", 5 },
    };
    char series[256];
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        snprintf(series, sizeof series, "logen_request_duration_seconds_bucket" ROW ",le=\"%s\"}",
                 b[i].le);
        is_double(sample(t, series), b[i].want, 0, "text: bucket le=%s", b[i].le);
    }
    is_int(count_of(t, "logen_request_duration_seconds_bucket" ROW), 19,
           "text: 18 bounds and +Inf");
    is_double(sample(t, "logen_request_duration_seconds_count" ROW "}"), 5, 0,
              "text: _count equals +Inf");
    like(t, "logen_request_duration_seconds_sum" ROW "} 70.004350000\n", "text: _sum exact, in s");
    is_double(sample(t, "logen_workers{line=\"my\\\"id\\\\x\"}"), 1, 0, "text: live workers");
    is_double(sample(t, "logen_queue_depth{line=\"op\"}"), 7, 0, "text: open line: queue depth");
    is_double(sample(t, "logen_events_generated_total{line=\"op\"}"), 6, 0, "text: generated");
    is_double(sample(t, "logen_events_processed_total{line=\"op\"}"), 3, 0, "text: processed");
    is_double(sample(t, "logen_events_dropped_total{line=\"op\"}"), 1, 0, "text: dropped");
    is_int(count_of(t, "logen_queue_depth{line=\"my"), 0, "text: no queue for a closed line");
    is_double(sample(t, "logen_records_received_total"), 16, 0, "text: records received");
    is_double(sample(t, "logen_records_lost_total"), 0, 0, "text: records lost");
    is_double(sample(t, "logen_run_ended"), 0, 0, "text: the run goes on");
    ok(sample(t, "logen_run_start_time_seconds") >= 0, "text: the run's start time");
    is_int(count_of(t, "# EOF"), 0, "text: no # EOF");
    free(t);
}

static void test_openmetrics(void)
{
    char *t = render(1, 1);
    ok(well_formed(t), "openmetrics: every line a comment or a sample");
    is_int(count_of(t, "# TYPE logen_requests counter\n"), 1, "openmetrics: counter family "
           "without _total");
    is_int(count_of(t, "# HELP logen_requests_total"), 0, "openmetrics: ... in its HELP too");
    is_double(sample(t, "logen_requests_total" ROW "}"), 5, 0, "openmetrics: samples keep _total");
    is_int(count_of(t, "# TYPE logen_workers gauge\n"), 1, "openmetrics: a gauge as it is");
    is_double(sample(t, "logen_run_ended"), 1, 0, "openmetrics: ended: the figures are final");
    size_t n = strlen(t);
    ok(n > 6 && strcmp(t + n - 6, "# EOF\n") == 0, "openmetrics: # EOF last");
    free(t);
}

int main(void)
{
    feed();
    test_text();
    test_openmetrics();
    lg_collector_free(coll);
    fclose(out);
    fclose(err);
    return done_testing();
}
