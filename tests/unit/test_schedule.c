/* test_schedule.c -- schedule and burst syntax, event counts, uniform and
 * poisson arrival times, bursts, determinism. */
#include "schedule.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>

#define EVS_MAX 20001
#define MS 1000000LL
#define S 1000000000LL

/* Static: the events of the last run, too many for a stack frame. */
static struct lg_schedule_event evs[EVS_MAX];
static struct lg_schedule sched;
static char err[512];

/* Parses sched_text and burst_text, then collects every event of the run
 * into evs. Returns the count, or -1 (reported) if a text does not parse
 * or the run gives more than EVS_MAX events. */
static long run(const char *sched_text, const char *burst_text, enum lg_arrival arrival,
                uint64_t seed)
{
    struct lg_burst b;
    struct lg_schedule_iter g;
    long n = 0;

    lg_schedule_free(&sched);
    if (lg_schedule_parse(sched_text, &sched, err, sizeof err) < 0 ||
        lg_schedule_burst_parse(burst_text, &b, err, sizeof err) < 0) {
        ok(0, "parse '%s' / '%s': %s", sched_text, burst_text, err);
        return -1;
    }
    lg_schedule_iter_init(&g, &sched, &b, arrival, seed);
    while (n < EVS_MAX && lg_schedule_iter_next(&g, &evs[n]))
        n++;
    if (n == EVS_MAX) {
        ok(0, "%s: more than %d events", sched_text, EVS_MAX);
        return -1;
    }
    return n;
}

/* Events of the last run with an offset in [from, to). */
static long count_in(long n, lg_ns_t from, lg_ns_t to)
{
    long c = 0;

    for (long i = 0; i < n; i++)
        c += evs[i].offset_ns >= from && evs[i].offset_ns < to;
    return c;
}

/* seq runs 0..n-1, offsets never go back, and each event lies inside its
 * phase: [start, next start). */
static int well_formed(long n)
{
    for (long i = 0; i < n; i++) {
        uint32_t p = evs[i].phase;
        lg_ns_t end = (int)p + 1 < sched.nphases ? sched.phases[p + 1].start_ns
                                                  : sched.duration_ns;

        if (evs[i].seq != (uint64_t)i || (int)p >= sched.nphases ||
            evs[i].offset_ns < sched.phases[p].start_ns || evs[i].offset_ns >= end ||
            (i > 0 && (evs[i].offset_ns < evs[i - 1].offset_ns || p < evs[i - 1].phase))) {
            printf("#   event %ld: seq %llu phase %u offset %lld\n", i,
                   (unsigned long long)evs[i].seq, p, (long long)evs[i].offset_ns);
            return 0;
        }
    }
    return 1;
}

/* Events per phase of the last run match the parsed counts. */
static int counts_match(long n)
{
    uint64_t per[16] = {0};

    for (long i = 0; i < n; i++)
        if (evs[i].phase < 16)
            per[evs[i].phase]++;
    for (int p = 0; p < sched.nphases && p < 16; p++)
        if (per[p] != sched.phases[p].events) {
            printf("#   phase %d: %llu events, want %llu\n", p, (unsigned long long)per[p],
                   (unsigned long long)sched.phases[p].events);
            return 0;
        }
    return (uint64_t)n == sched.events;
}

/* Burst sizes of the last run: runs of equal offset in one phase. Fills
 * the smallest and largest size and returns the number of bursts. */
static long bursts(long n, long *min, long *max)
{
    long nb = 0, size = 0;

    *min = n + 1;
    *max = 0;
    for (long i = 0; i <= n; i++) {
        if (i == n || (i > 0 && (evs[i].offset_ns != evs[i - 1].offset_ns ||
                                 evs[i].phase != evs[i - 1].phase))) {
            nb++;
            *min = size < *min ? size : *min;
            *max = size > *max ? size : *max;
            size = 0;
        }
        size++;
    }
    return nb;
}

/* Coefficient of variation of the gaps between consecutive events. */
static double gaps_cv(long n, double *mean_s)
{
    double sum = 0, sum2 = 0, m, var;

    for (long i = 1; i < n; i++) {
        double d = (double)(evs[i].offset_ns - evs[i - 1].offset_ns) / 1e9;
        sum += d;
        sum2 += d * d;
    }
    m = sum / (double)(n - 1);
    var = sum2 / (double)(n - 1) - m * m;
    *mean_s = m;
    return sqrt(var > 0 ? var : 0) / m;
}

/* ---- schedule syntax and counts ---- */

static void is_events(const char *text, uint64_t want)
{
    struct lg_schedule s;

    if (lg_schedule_parse(text, &s, err, sizeof err) < 0) {
        ok(0, "'%s' parses: %s", text, err);
        return;
    }
    is_int(s.events, want, "'%s' gives %llu events", text, (unsigned long long)want);
    lg_schedule_free(&s);
}

static void test_counts(void)
{
    is_events("10@100", 1000);
    is_events("10@0-100", 500);
    is_events("10@100-0", 500);
    is_events("10@5-15", 100);
    is_events("30@0.1", 3);
    is_events("10@0.3", 3);
    is_events("100@0.29", 29);
    is_events("3@2.5", 7);
    is_events("10@0.1-0.2", 1);
    is_events("0.5@3", 1);
    is_events("5@1,10@0.1,5@1,30@0.1", 5 + 1 + 5 + 3);
}

static void test_phases(void)
{
    struct lg_schedule s;

    is_int(lg_schedule_parse("5@1,10@0.1,5@1,30@0.1", &s, err, sizeof err), 0, "4 phases parse");
    is_int(s.nphases, 4, "4 phases");
    is_int(s.phases[1].events, 1, "phase 2: 1 event");
    is_int(s.phases[3].events, 3, "phase 4: 3 events");
    is_int(s.phases[0].start_ns, 0, "phase 1 starts at 0");
    is_int(s.phases[1].start_ns, 5 * S, "phase 2 starts at 5 s");
    is_int(s.phases[2].start_ns, 15 * S, "phase 3 starts at 15 s");
    is_int(s.phases[3].start_ns, 20 * S, "phase 4 starts at 20 s");
    is_int(s.duration_ns, 50 * S, "schedule lasts 50 s");
    lg_schedule_free(&s);
    ok(s.phases == NULL && s.nphases == 0, "free zeroes the schedule");

    is_int(lg_schedule_parse(" 10 @ 5 - 15 ,\t3@2 ", &s, err, sizeof err), 0,
           "spaces around tokens parse");
    is_int(s.nphases, 2, "spaces: 2 phases");
    is_double(s.phases[0].duration_s, 10, 0, "spaces: D 10");
    is_double(s.phases[0].r1, 5, 0, "spaces: R1 5");
    is_double(s.phases[0].r2, 15, 0, "spaces: R2 15");
    is_double(s.phases[1].r1, 2, 0, "spaces: flat R1 2");
    is_double(s.phases[1].r2, 2, 0, "flat phase: r2 = r1");
    is_int(s.events, 106, "spaces: 100 + 6 events");
    lg_schedule_free(&s);

    is_int(lg_schedule_parse("1.5@.5,2.@0-4", &s, err, sizeof err), 0, "'.5' and '2.' parse");
    is_int(s.events, 0 + 4, "1.5@.5 gives 0, 2@0-4 gives 4");
    is_int(s.phases[1].start_ns, 1500 * MS, "fractional duration in start_ns");
    lg_schedule_free(&s);

    is_int(lg_schedule_parse("500ms@10, 2m@1,1.5s@2-4,250us@8000", &s, err, sizeof err), 0,
           "durations with units parse");
    is_double(s.phases[0].duration_s, 0.5, 0, "units: 500ms is 0.5 s");
    is_double(s.phases[1].duration_s, 120, 0, "units: 2m is 120 s");
    is_double(s.phases[2].duration_s, 1.5, 0, "units: 1.5s is 1.5 s");
    is_double(s.phases[3].duration_s, 250e-6, 1e-15, "units: 250us is 0.00025 s");
    is_int(s.events, 5 + 120 + 4 + 2, "units: 5 + 120 + 4 + 2 events");
    is_int(s.phases[2].start_ns, 120500 * MS, "units: phase 3 starts at 120.5 s");
    lg_schedule_free(&s);
}

/* Parsing text fails with a message starting "--schedule: " that contains
 * needle. */
static void sched_fails(const char *text, const char *needle)
{
    struct lg_schedule s;
    int rc;

    memset(err, 0, sizeof err);
    rc = lg_schedule_parse(text, &s, err, sizeof err);
    is_int(rc, -1, "'%.40s' is refused", text);
    ok(strncmp(err, "--schedule: ", 12) == 0 && !strchr(err, '\n'),
       "'%.40s': one line starting with --schedule: (%s)", text, err);
    like(err, needle, "'%.40s': message names '%s'", text, needle);
    ok(s.phases == NULL && s.nphases == 0 && s.events == 0, "'%.40s': schedule left empty",
       text);
    if (rc == 0)
        lg_schedule_free(&s);
}

static void test_schedule_errors(void)
{
    static char many[LG_PHASES_MAX * 4 + 16];
    struct lg_schedule s;
    size_t n = 0;

    sched_fails("abc", "phase 1 'abc' has no '@'");
    sched_fails("10@", "phase 1 '10@' has no rate");
    sched_fails("@5", "phase 1 '@5' has no duration");
    sched_fails("10@-3", "phase 1 '10@-3' has a negative rate");
    sched_fails("0@5", "phase 1 '0@5' duration '0'");
    sched_fails("10@5-", "phase 1 '10@5-' has no end rate");
    sched_fails("10@-5-6", "phase 1 '10@-5-6' has a negative rate");
    sched_fails("10@5,,3@2", "phase 2 '' is empty");
    sched_fails("10@x", "phase 1 '10@x' rate 'x' is not a number");
    sched_fails("1@1,10@5,", "phase 3 '' is empty");
    sched_fails("10@5-6-7", "phase 1 '10@5-6-7' has more than two rates");
    sched_fails("3@2,10@0", "phase 2 '10@0' has no events");
    sched_fails("10@0-0", "phase 1 '10@0-0' has no events");
    sched_fails("10@1e3", "rate '1e3' is not a number");
    sched_fails("10@inf", "rate 'inf' is not a number");
    sched_fails("nan@3", "duration 'nan'");
    sched_fails("5x@3", "phase 1 '5x@3' duration '5x' is not a duration (seconds, or with a unit");
    sched_fails("5 s@3", "duration '5 s' is not a duration");
    sched_fails("0ms@3", "duration '0ms' must be above 0 s");
    sched_fails("10@1.2.3", "rate '1.2.3'");
    sched_fails("10@+3", "rate '+3'");
    sched_fails("10@5-x", "end rate 'x'");
    sched_fails("", "phase 1 '' is empty");
    sched_fails("10@2000000000", "above");
    sched_fails("999999999@1,10@1", "phase 2 '10@1' makes the schedule longer");
    /* found by tests/fuzz/fuzz_schedule: the event count of a phase this
     * long overflowed (UB) before the length was checked */
    sched_fails("1e40@74", "phase 1 '1e40@74' makes the schedule longer");

    for (int i = 0; i < LG_PHASES_MAX; i++)
        n += (size_t)snprintf(many + n, sizeof many - n, "%s1@1", i ? "," : "");
    is_int(lg_schedule_parse(many, &s, err, sizeof err), 0, "%d phases parse", LG_PHASES_MAX);
    is_int(s.nphases, LG_PHASES_MAX, "%d phases", LG_PHASES_MAX);
    lg_schedule_free(&s);
    snprintf(many + n, sizeof many - n, ",2@3");
    sched_fails(many, "phase 4097 '2@3' is one too many");
}

/* ---- burst syntax ---- */

static void burst_is(const char *text, enum lg_burst_mode mode, long n)
{
    struct lg_burst b = {LG_BURST_RATE, -1};

    is_int(lg_schedule_burst_parse(text, &b, err, sizeof err), 0, "burst '%s' parses", text);
    ok(b.mode == mode && b.n == n, "burst '%s': mode %d n %ld (got %d %ld)", text, (int)mode, n,
       (int)b.mode, b.n);
}

static void burst_fails(const char *text, const char *needle)
{
    struct lg_burst b;

    memset(err, 0, sizeof err);
    is_int(lg_schedule_burst_parse(text, &b, err, sizeof err), -1, "burst '%s' is refused", text);
    ok(strncmp(err, "--burst: ", 9) == 0, "burst '%s': message starts with --burst: (%s)", text,
       err);
    like(err, needle, "burst '%s': message names '%s'", text, needle);
}

static void test_burst_parse(void)
{
    burst_is("f3", LG_BURST_FIXED, 3);
    burst_is("f1", LG_BURST_FIXED, 1);
    burst_is(" f12 ", LG_BURST_FIXED, 12);
    burst_is("4", LG_BURST_RANDOM, 4);
    burst_is("1", LG_BURST_RANDOM, 1);
    burst_is("0", LG_BURST_RATE, 0);
    burst_fails("f", "'f'");
    burst_fails("f0", "'f0'");
    burst_fails("-2", "'-2'");
    burst_fails("x3", "'x3'");
    burst_fails("1.5", "'1.5'");
    burst_fails("", "''");
    burst_fails("f3x", "'f3x'");
    burst_fails("99999999999999999999", "above");
}

/* ---- uniform arrivals ---- */

static void test_uniform_flat(void)
{
    long n = run("10@100", "1", LG_ARRIVAL_UNIFORM, 1), bad = -1;

    is_int(n, 1000, "10@100: 1000 events");
    for (long k = 0; k < n && bad < 0; k++)
        if (evs[k].offset_ns != k * 10 * MS || evs[k].seq != (uint64_t)k || evs[k].phase != 0)
            bad = k;
    is_int(bad, -1, "10@100: event k at exactly k x 10 ms (first wrong shown)");
    ok(well_formed(n), "10@100: well formed");
}

static void test_uniform_ramp(void)
{
    long n = run("10@0-100", "1", LG_ARRIVAL_UNIFORM, 1);

    is_int(n, 500, "10@0-100: 500 events");
    ok(well_formed(n), "10@0-100: well formed");
    is_int(count_in(n, 0, 1 * S), 5, "10@0-100: 5 events in the first second");
    is_int(count_in(n, 9 * S, 10 * S), 95, "10@0-100: 95 events in the last second");
    is_int(count_in(n, 4 * S, 5 * S), 45, "10@0-100: 45 events in the fifth second");
    is_double(evs[405].offset_ns, 9 * S, 1, "10@0-100: event 405 at 9 s (integral 405)");
    is_double(evs[1].offset_ns, sqrt(0.2) * 1e9, 1, "10@0-100: event 1 at sqrt(2kD/R2)");

    n = run("10@100-0", "1", LG_ARRIVAL_UNIFORM, 1);
    is_int(n, 500, "10@100-0: 500 events");
    ok(well_formed(n), "10@100-0: well formed");
    is_int(count_in(n, 0, 1 * S), 95, "10@100-0: 95 events in the first second");
    is_int(count_in(n, 9 * S, 10 * S), 5, "10@100-0: 5 events in the last second");

    n = run("10@5-15", "1", LG_ARRIVAL_UNIFORM, 1);
    is_int(n, 100, "10@5-15: 100 events");
    ok(well_formed(n), "10@5-15: well formed");
    is_int(count_in(n, 0, 5 * S), 38, "10@5-15: integral 37.5 at 5 s, so k = 0..37 before");
    is_double(evs[10].offset_ns, 2.0 * 10 / (5 + sqrt(25 + 2.0 * 10 * 10 / 10)) * 1e9, 1,
              "10@5-15: event 10 solves the quadratic");
}

static void test_uniform_phases(void)
{
    long n = run("5@1,10@0.1,5@1,30@0.1", "1", LG_ARRIVAL_UNIFORM, 1);

    is_int(n, 14, "5@1,10@0.1,5@1,30@0.1: 14 events");
    ok(well_formed(n) && counts_match(n), "4 phases: well formed, counts per phase");
    is_int(evs[5].offset_ns, 5 * S, "phase 2's only event at its start");
    is_int(evs[5].phase, 1, "event 5 in phase 2");
    is_int(evs[13].offset_ns, 40 * S, "phase 4's last event at 20 + 2/0.1 s");

    n = run("1@0.5,10@1", "1", LG_ARRIVAL_UNIFORM, 1);
    is_int(n, 10, "a phase with no event is skipped");
    ok(n > 0 && evs[0].phase == 1 && evs[0].offset_ns == 1 * S && evs[0].seq == 0,
       "the first event is phase 2's, at 1 s, seq 0");
}

static void test_done(void)
{
    struct lg_schedule_event ev;
    struct lg_burst b = {LG_BURST_FIXED, 1};
    struct lg_schedule_iter g;
    int more = 0;

    lg_schedule_free(&sched);
    lg_schedule_parse("1@2", &sched, err, sizeof err);
    lg_schedule_iter_init(&g, &sched, &b, LG_ARRIVAL_UNIFORM, 7);
    ok(lg_schedule_iter_next(&g, &ev) && lg_schedule_iter_next(&g, &ev), "1@2: two events");
    more = lg_schedule_iter_next(&g, &ev) + lg_schedule_iter_next(&g, &ev);
    is_int(more, 0, "then 0, and 0 again");
}

/* ---- bursts ---- */

static void test_burst_fixed(void)
{
    long n = run("10@100", "f5", LG_ARRIVAL_UNIFORM, 1), min, max, bad = -1;

    is_int(n, 1000, "f5: count unchanged");
    is_int(bursts(n, &min, &max), 200, "f5: 200 bursts");
    ok(min == 5 && max == 5, "f5: every burst exactly 5 (min %ld max %ld)", min, max);
    for (long k = 0; k < n && bad < 0; k++)
        if (evs[k].offset_ns != (k - k % 5) * 10 * MS)
            bad = k;
    is_int(bad, -1, "f5: burst at its first event's time, every 50 ms");
    is_double((double)n / 10, 100, 0, "f5: mean rate 100/s");
    ok(well_formed(n), "f5: well formed");

    n = run("10@100", "f7", LG_ARRIVAL_UNIFORM, 1);
    is_int(n, 1000, "f7: count unchanged");
    is_int(bursts(n, &min, &max), 143, "f7: 142 bursts of 7 and a last one");
    is_int(min, 6, "f7: the last burst has the 6 left");
    is_int(evs[n - 1].offset_ns, 9940 * MS, "f7: last burst at event 994's time");

    n = run("1@10,1@10", "f7", LG_ARRIVAL_UNIFORM, 1);
    is_int(bursts(n, &min, &max), 4, "f7 on 2 phases of 10: 7+3 each, none crosses");
    ok(min == 3 && max == 7 && evs[10].phase == 1 && evs[10].offset_ns == 1 * S,
       "f7: phase 2 starts a new burst at its start");
    ok(well_formed(n) && counts_match(n), "f7 on 2 phases: well formed, counts");
}

static void test_burst_random(void)
{
    long n = run("100@100", "4", LG_ARRIVAL_UNIFORM, 3), min, max, nb;
    double mean;

    is_int(n, 10000, "random 4: count unchanged");
    nb = bursts(n, &min, &max);
    ok(min == 1 && max == 4, "random 4: sizes 1..4, both ends seen (min %ld max %ld)", min, max);
    mean = (double)n / (double)nb;
    is_double(mean, 2.5, 0.1, "random 4: mean burst size 2.5");
    is_double(count_in(n, 0, 50 * S), 5000, 4, "random 4: half the events in the first half");
    is_double((double)n / 100, 100, 0, "random 4: mean rate 100/s");
    ok(well_formed(n), "random 4: well formed");

    n = run("10@100", "1", LG_ARRIVAL_UNIFORM, 3);
    nb = bursts(n, &min, &max);
    ok(nb == 1000 && max == 1, "random 1: every burst is one event");
}

static void test_burst_rate(void)
{
    long n = run("10@100", "0", LG_ARRIVAL_UNIFORM, 5), min, max, nb, bad = -1;

    is_int(n, 1000, "rate mode, flat: count unchanged");
    nb = bursts(n, &min, &max);
    ok(nb == 1000 && min == 1 && max == 1, "rate mode, flat: size 1 (max %ld)", max);
    for (long k = 0; k < n && bad < 0; k++)
        if (evs[k].offset_ns != k * 10 * MS)
            bad = k;
    is_int(bad, -1, "rate mode, flat: times of uniform arrivals");

    n = run("10@100-103", "0", LG_ARRIVAL_UNIFORM, 5);
    bursts(n, &min, &max);
    ok(n == 1015 && max == 1, "rate mode, |R2-R1|/2 = 1.5: size 1");

    n = run("10@0-100", "0", LG_ARRIVAL_UNIFORM, 5);
    is_int(n, 500, "rate mode 10@0-100: count unchanged");
    nb = bursts(n, &min, &max);
    ok(min >= 1 && max <= 50 && max > 25, "rate mode 10@0-100: sizes in 1..50 (max %ld)", max);
    ok(nb > 5 && nb < 50, "rate mode 10@0-100: about 500/25.5 bursts (%ld)", nb);
    ok(well_formed(n), "rate mode 10@0-100: well formed");
    is_double((double)n / 10, 50, 0, "rate mode 10@0-100: mean rate 50/s");
    is_double(count_in(n, 5 * S, 10 * S), 375, 50, "rate mode 10@0-100: 3/4 in the second half");
}

/* ---- poisson arrivals ---- */

static void test_poisson_flat(void)
{
    long n = run("100@100", "1", LG_ARRIVAL_POISSON, 42), n2, same = 1;
    static struct lg_schedule_event first[EVS_MAX];
    double mean, cv;

    is_int(n, 10000, "poisson 100@100: same count as uniform");
    ok(well_formed(n), "poisson: well formed (within the phase, sorted)");
    cv = gaps_cv(n, &mean);
    is_double(mean, 0.010, 0.0003, "poisson: mean inter-arrival 1/R");
    is_double(cv, 1, 0.05, "poisson: gaps' coefficient of variation about 1");
    is_double(count_in(n, 0, 50 * S), 5000, 200, "poisson: half in the first half");
    ok(evs[0].offset_ns < 100 * MS && evs[n - 1].offset_ns > 99900 * MS,
       "poisson: points reach both ends of the phase");
    memcpy(first, evs, sizeof evs[0] * (size_t)n);

    n2 = run("100@100", "1", LG_ARRIVAL_POISSON, 42);
    for (long i = 0; i < n2 && i < n; i++)
        same &= evs[i].offset_ns == first[i].offset_ns;
    ok(n2 == n && same, "poisson: the same seed gives the same times");
    n2 = run("100@100", "1", LG_ARRIVAL_POISSON, 43);
    same = 0;
    for (long i = 0; i < n2 && i < n; i++)
        same += evs[i].offset_ns == first[i].offset_ns;
    ok(n2 == n && same < 10, "poisson: another seed gives other times (%ld equal)", same);

    n = run("100@100", "1", LG_ARRIVAL_UNIFORM, 42);
    cv = gaps_cv(n, &mean);
    is_double(cv, 0, 1e-6, "uniform: gaps' coefficient of variation 0");
}

static void test_poisson_ramp(void)
{
    long n = run("10@0-1000", "1", LG_ARRIVAL_POISSON, 9), bad = 0;
    uint64_t seed;

    is_int(n, 5000, "poisson 10@0-1000: 5000 events");
    ok(well_formed(n), "poisson ramp: well formed");
    is_double(count_in(n, 0, 1 * S), 50, 28, "poisson ramp: about 50 in the first second");
    is_double(count_in(n, 9 * S, 10 * S), 950, 110, "poisson ramp: about 950 in the last");

    n = run("10@1000-0", "1", LG_ARRIVAL_POISSON, 9);
    ok(n == 5000 && well_formed(n), "poisson ramp down: count, well formed");
    is_double(count_in(n, 0, 1 * S), 950, 110, "poisson ramp down: about 950 in the first");

    n = run("10@100,10@100", "1", LG_ARRIVAL_POISSON, 9);
    ok(n == 2000 && well_formed(n), "poisson 2 phases: count, well formed");
    is_double(count_in(n, 10 * S, 15 * S), 500, 70, "poisson: phase 2 starts afresh, half in its first half");

    /* Points crowd 1 ns apart: the last often rounds to the phase end. */
    for (seed = 1; seed <= 20 && bad == 0; seed++) {
        n = run("0.00001@1000000000,0.00001@1000000000", "1", LG_ARRIVAL_POISSON, seed);
        bad = n == 20000 && well_formed(n) && counts_match(n) ? 0 : (long)seed;
    }
    is_int(bad, 0, "poisson, 1e4 events in 10 us: inside each phase (seed that broke)");

    n = run("1@10,2@0-20,0.5@0.3,1@5-0,30@0.1", "1", LG_ARRIVAL_POISSON, 11);
    ok(n == 10 + 20 + 0 + 2 + 3 && well_formed(n) && counts_match(n),
       "poisson, 5 phases: counts per phase, each inside its phase");
}

static void test_poisson_bursts(void)
{
    static const char *modes[] = {"f3", "5", "0"};
    long n, min, max;

    for (int i = 0; i < 3; i++) {
        n = run("3@50,4@0-200,2@30-10", modes[i], LG_ARRIVAL_POISSON, 5);
        ok(n == 150 + 400 + 40 && well_formed(n) && counts_match(n),
           "poisson burst %s: counts, inside phases, sorted", modes[i]);
        bursts(n, &min, &max);
        ok(max > 1 && max <= (i == 0 ? 3 : i == 1 ? 5 : 100),
           "poisson burst %s: sizes within bounds (max %ld)", modes[i], max);
    }
    n = run("2@50", "f3", LG_ARRIVAL_POISSON, 5);
    bursts(n, &min, &max);
    ok(n == 100 && min == 1 && max == 3, "poisson f3 on 100: bursts of 3, the last of 1");
}

/* Every burst mode x arrival keeps the count and the phase bounds. */
static void test_all_modes(void)
{
    static const char *modes[] = {"1", "f1", "f4", "7", "0"};
    const char *text = "2@10,3@0-40,1@25-5,4@0.3,2@7";
    long n;

    for (int a = 0; a < 2; a++)
        for (int i = 0; i < 5; i++) {
            n = run(text, modes[i], a ? LG_ARRIVAL_POISSON : LG_ARRIVAL_UNIFORM, 100 + i);
            ok(n == 20 + 60 + 15 + 1 + 14 && well_formed(n) && counts_match(n),
               "%s burst %s: counts, bounds, order", a ? "poisson" : "uniform", modes[i]);
        }
}

int main(void)
{
    test_counts();
    test_phases();
    test_schedule_errors();
    test_burst_parse();
    test_uniform_flat();
    test_uniform_ramp();
    test_uniform_phases();
    test_done();
    test_burst_fixed();
    test_burst_random();
    test_burst_rate();
    test_poisson_flat();
    test_poisson_ramp();
    test_poisson_bursts();
    test_all_modes();
    lg_schedule_free(&sched);
    return done_testing();
}
