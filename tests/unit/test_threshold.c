/* test_threshold.c -- --threshold expressions: what parses and what is
 * refused (with its reason), what a scope names among the run's lines,
 * and the figures each metric measures from a collector fed a known
 * stream of records, against the collector's own histograms. */
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "end_summary.h"
#include "hist.h"
#include "names.h"
#include "threshold.h"
#include "tap.h"

#define MS (1000 * 1000LL)

static char why[512];

static void test_parse(void)
{
    struct lg_threshold t;
    is_int(lg_threshold_parse(&t, "p99<250ms", why, sizeof why), 0, "parse p99<250ms");
    ok(t.metric == LG_THR_PCTL && t.pctl == 99 && t.op == LG_THR_LT && t.value == 250e6 &&
           !t.name && !t.line_id && t.line == -1,
       "  p99, <, 250 ms in ns, no scope");
    lg_threshold_fini(&t);
    is_int(lg_threshold_parse(&t, " p99.99 >= 1.5s ", why, sizeof why), 0, "parse with blanks");
    ok(t.pctl == 99.99 && t.op == LG_THR_GE && t.value == 1.5e9, "  p99.99 >= 1.5 s");
    is_str(t.text, " p99.99 >= 1.5s ", "  the text kept as given");
    lg_threshold_fini(&t);
    is_int(lg_threshold_parse(&t, "errors<1%", why, sizeof why), 0, "parse errors<1%%");
    ok(t.metric == LG_THR_ERRORS && t.percent && t.value == 1, "  a percentage");
    lg_threshold_fini(&t);
    is_int(lg_threshold_parse(&t, "errors!=5", why, sizeof why), 0, "parse errors!=5");
    ok(!t.percent && t.value == 5 && t.op == LG_THR_NE, "  a count, !=");
    lg_threshold_fini(&t);
    is_int(lg_threshold_parse(&t, "rate>900/s", why, sizeof why), 0, "parse rate>900/s");
    ok(t.metric == LG_THR_RATE && t.value == 900 && t.op == LG_THR_GT, "  rate, /s allowed");
    lg_threshold_fini(&t);
    is_int(lg_threshold_parse(&t, "dropped==0", why, sizeof why), 0, "parse dropped==0");
    ok(t.metric == LG_THR_DROPPED && t.op == LG_THR_EQ, "  dropped, ==");
    lg_threshold_fini(&t);
    is_int(lg_threshold_parse(&t, "a:b:mean<=100us", why, sizeof why), 0, "parse a:b:mean<=100us");
    is_str(t.name, "a:b", "  the scope runs to the last ':'");
    ok(t.metric == LG_THR_MEAN && t.op == LG_THR_LE && t.value == 100e3, "  mean <= 100 us");
    lg_threshold_fini(&t);
    is_int(lg_threshold_parse(&t, "@L1:max<2m", why, sizeof why), 0, "parse @L1:max<2m");
    is_str(t.line_id, "L1", "  @ names a line id");
    lg_threshold_fini(&t);
}

static void refused(const char *text, const char *reason)
{
    struct lg_threshold t;
    why[0] = '\0';
    is_int(lg_threshold_parse(&t, text, why, sizeof why), -1, "refused: %s", text);
    is_str(why, reason, "  because: %s", reason);
    ok(!t.text && !t.name && !t.line_id, "  and owns nothing");
}

static void test_refused(void)
{
    refused("p99<250", "'250': a duration needs a unit (250ms, 1s, 500us)");
    refused("p99<2592001s", "'2592001s': longer than 30 days (2592000 s)");
    refused("p99", "expected METRIC OP VALUE, such as p99<250ms or errors<1%");
    refused("x<1", "unknown metric 'x' (count, errors, rate, mean, min, max, dropped, or pN such "
                   "as p99.9)");
    refused("p0<1s", "unknown metric 'p0' (count, errors, rate, mean, min, max, dropped, or pN "
                     "such as p99.9)");
    refused("p100.1<1s", "unknown metric 'p100.1' (count, errors, rate, mean, min, max, dropped, "
                         "or pN such as p99.9)");
    refused("count>1%", "'1%': a percentage is for errors only");
    refused("rate>-1", "'-1': not a number, or negative");
    refused("max<-1s", "'-1s': not a duration (seconds, or with a unit: 250us, 500ms, 1.5s, 2m, 1h)");
    refused("p99=1s", "'=1s': comparisons are <, <=, >, >=, == and !=");
    refused(":p99<1s", "an empty scope before ':'");
    refused("@:p99<1s", "an empty scope before ':'");
    refused("R:dropped==0", "dropped counts a line's events: it takes no name");
}

static const struct lg_threshold_line lines[] = {
    { "a", 0 }, { "b/c", 1 }, { "dup", 0 }, { "dup", 0 },
};

static void test_scopes(void)
{
    struct lg_thresholds s = { 0 };
    is_int(lg_thresholds_add(&s, "@a:p99<1s", -1, lines, 4, why, sizeof why), 0, "@a");
    ok(s.v[0].line == 0 && !s.v[0].name, "  covers line 0, every request");
    is_int(lg_thresholds_add(&s, "@b/c:p99<1s", -1, lines, 4, why, sizeof why), 0, "@b/c");
    ok(s.v[1].line == 1 && !s.v[1].name, "  an id holding '/' is a whole id first");
    is_int(lg_thresholds_add(&s, "@b/c/R/X:p99<1s", -1, lines, 4, why, sizeof why), 0, "@b/c/R/X");
    ok(s.v[2].line == 1, "  line b/c");
    is_str(s.v[2].name, "R/X", "  then the name after the longest id");
    is_int(lg_thresholds_add(&s, "R:count>0", 2, lines, 4, why, sizeof why), 0, "R on line 3");
    ok(s.v[3].line == 2 && s.v[3].own_line == 2, "  a line's threshold covers its line");
    is_int(lg_thresholds_add(&s, "dropped==0", -1, lines, 4, why, sizeof why), 0,
           "dropped over the run, which has an open line");
    is_int(s.n, 5, "five kept");
    is_int(lg_thresholds_add(&s, "@zz:p99<1s", -1, lines, 4, why, sizeof why), -1, "@zz refused");
    is_str(why, "no line has the id 'zz'", "  no such line");
    is_int(lg_thresholds_add(&s, "@dup:p99<1s", -1, lines, 4, why, sizeof why), -1, "@dup refused");
    is_str(why, "several lines have the id 'dup'", "  ambiguous");
    is_int(lg_thresholds_add(&s, "@a:dropped==0", -1, lines, 4, why, sizeof why), -1,
           "dropped on a closed line refused");
    is_str(why, "dropped: no open-model line in its scope", "  nothing to drop there");
    is_int(lg_thresholds_add(&s, "@b/c/R:dropped==0", -1, lines, 4, why, sizeof why), -1,
           "dropped of a name refused");
    is_int(s.n, 5, "nothing kept of the refused ones");
    lg_thresholds_free(&s);
}

/* ---- evaluation against a collector ------------------------------------ */

static const struct lg_line_info infos[] = {
    { .id = "a", .cut = "Dummy" },
    { .id = "b", .cut = "Dummy" },
};
static struct lg_collector *coll;
static uint32_t seqs[2];

static void feed(int worker, int type, int name, int rc, lg_ns_t begin, lg_ns_t dur)
{
    struct lg_record r = { .type = (uint8_t)type, .rc = (uint8_t)rc, .name = (uint16_t)name,
                           .worker = (uint16_t)worker, .pid = 100 + worker };
    r.seq = seqs[worker]++;
    r.u.ev.begin_ns = begin;
    r.u.ev.end_ns = begin + dur;
    lg_collector_feed(coll, &r, begin + dur);
}

static void feed_name(int worker, int id, const char *s)
{
    struct lg_record r = { .type = LG_REC_NAME, .name = (uint16_t)id, .worker = (uint16_t)worker,
                           .pid = 100 + worker };
    r.seq = seqs[worker]++;
    r.u.text.len = (uint16_t)strlen(s);
    memcpy(r.u.text.bytes, s, strlen(s));
    lg_collector_feed(coll, &r, 0);
}

/* Line a: R1 takes 1..100 ms (every 20th fails), one transaction T of
 * 500 ms; line b: R2 takes 10 ms, ten times, over 1 s. */
static void build(void)
{
    FILE *out = tmpfile(), *err = tmpfile();
    struct lg_collector_opts o = { .out = out, .err = err, .format = LG_OUT_NONE,
                                   .summary_ns = LG_NS_PER_S, .lines = infos, .nlines = 2 };
    coll = lg_collector_new(&o);
    lg_collector_add_worker(coll, 0, 0, 100, 0);
    lg_collector_add_worker(coll, 1, 1, 101, 0);
    feed_name(0, 0, "R1");
    feed_name(0, 1, "T");
    feed_name(1, 0, "R2");
    for (int i = 1; i <= 100; i++)
        feed(0, LG_REC_REQ, 0, i % 20 == 0, (lg_ns_t)i * MS, (lg_ns_t)i * MS);
    feed(0, LG_REC_TRA, 1, 0, 0, 500 * MS);
    for (int i = 0; i < 10; i++)
        feed(1, LG_REC_REQ, 0, 0, (lg_ns_t)i * 100 * MS, 10 * MS);
    lg_collector_close(coll, 2 * LG_NS_PER_S);
}

/* Evaluates text (given for the run) and returns what it measured. */
static double eval(const char *text, int *pass, int *found)
{
    struct lg_thresholds s = { 0 };
    struct lg_threshold_result res;
    static const struct lg_threshold_line two[] = { { "a", 0 }, { "b", 0 } };
    if (lg_thresholds_add(&s, text, -1, two, 2, why, sizeof why) < 0)
        return -1;
    struct lg_results *r = test_results(coll, 0, NULL);
    lg_threshold_eval(&s.v[0], r, &res);
    lg_results_free(r);
    lg_thresholds_free(&s);
    *pass = res.pass;
    *found = res.found;
    return res.measured;
}

/* The histogram of the rows of line l named `name` (NULL: its requests). */
static void row_hist(struct lg_hist *h, int l, const char *name)
{
    struct lg_collector_view v;
    struct lg_collector_row r;
    size_t pos = 0;
    lg_collector_view(coll, &v);
    while (lg_collector_row_next(coll, l, &pos, &r))
        if (name ? strcmp(lg_names_str(v.names, r.name), name) == 0 : r.kind == LG_KIND_REQ)
            lg_hist_merge(h, r.h);
}

static void test_eval(void)
{
    int pass, found;
    struct lg_hist all, r1;
    build();
    lg_hist_init(&all);
    lg_hist_init(&r1);
    row_hist(&all, 0, NULL);
    row_hist(&all, 1, NULL);
    row_hist(&r1, 0, "R1");
    is_double(eval("count==110", &pass, &found), 110, 0, "count: every request of the run");
    ok(pass && found, "  met");
    is_double(eval("errors>5", &pass, &found), 5, 0, "errors: a count of failed requests");
    ok(!pass, "  5 > 5 not met");
    is_double(eval("errors<=5%", &pass, &found), 500.0 / 110, 1e-9, "errors%%: over the count");
    ok(pass, "  4.5%% <= 5%% met");
    is_double(eval("p99<1s", &pass, &found), (double)lg_hist_percentile(&all, 99), 0,
              "p99: of the merged histogram of both lines");
    is_double(eval("p99.9<1s", &pass, &found), (double)lg_hist_percentile(&all, 99.9), 0,
              "p99.9 too");
    is_double(eval("@a:p50<1s", &pass, &found), (double)lg_hist_percentile(&r1, 50), 0,
              "@a:p50: line a's requests only");
    is_double(eval("R1:max<=100ms", &pass, &found), 100 * MS, 0, "R1:max: exact");
    ok(pass, "  100 ms <= 100 ms met");
    is_double(eval("min>=1ms", &pass, &found), 1 * MS, 0, "min: exact");
    is_double(eval("mean<1s", &pass, &found), lg_hist_mean(&all), 1e-6, "mean");
    is_double(eval("T:count==1", &pass, &found), 1, 0, "a transaction's name");
    ok(pass, "  met");
    is_double(eval("@b:rate>9", &pass, &found), 10 / 0.91, 1e-9,
              "@b:rate: its count over its own span (0 to 910 ms)");
    ok(pass, "  met");
    eval("R2:count>0", &pass, &found);
    ok(pass && found, "R2 over the run");
    eval("@a/R2:count>=0", &pass, &found);
    ok(!found && !pass, "R2 on line a: no such name, not met whatever the comparison");
    eval("Nope:count==0", &pass, &found);
    ok(!found && !pass, "a name that never occurred fails");
    lg_hist_fini(&all);
    lg_hist_fini(&r1);
    lg_collector_free(coll);
}

static void test_measured(void)
{
    struct lg_threshold t;
    struct lg_threshold_result res = { .found = 1, .pass = 1, .measured = 12345678 };
    char buf[96];
    lg_threshold_parse(&t, "p99.9<1s", why, sizeof why);
    is_str(lg_threshold_measured(&t, &res, buf, sizeof buf), "p99.9 = 12.346 ms", "measured: ms");
    lg_threshold_fini(&t);
    lg_threshold_parse(&t, "errors<1%", why, sizeof why);
    res.measured = 0.5;
    is_str(lg_threshold_measured(&t, &res, buf, sizeof buf), "errors = 0.50%", "measured: %%");
    lg_threshold_fini(&t);
    lg_threshold_parse(&t, "rate>1", why, sizeof why);
    res.measured = 950.2;
    is_str(lg_threshold_measured(&t, &res, buf, sizeof buf), "rate = 950.20/s", "measured: /s");
    res.found = 0;
    is_str(lg_threshold_measured(&t, &res, buf, sizeof buf), "no such name", "measured: none");
    lg_threshold_fini(&t);
}

int main(void)
{
    test_parse();
    test_refused();
    test_scopes();
    test_eval();
    test_measured();
    return done_testing();
}
