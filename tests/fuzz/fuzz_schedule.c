/* fuzz_schedule.c -- libFuzzer target for the open model's syntax: the
 * schedule parser (lg_schedule_parse), the burst parser
 * (lg_schedule_burst_parse) and the duration and number parsers of
 * src/units.c. The input is up to three newline-separated parts: a
 * --schedule, a --burst, and a tail whose length picks the arrivals (empty:
 * uniform, else poisson) and the seed. Every part also goes to the units
 * parsers, whole and byte-counted (they take a length, not a C string).
 * When both texts parse, the first EVENTS_MAX events are drawn and held to
 * what schedule.h promises: seq from 0, offsets never going back, each
 * event inside its phase. A broken promise aborts, which libFuzzer reports
 * as a crash with the input that caused it. */
#include "fuzz.h"
#include "schedule.h"
#include "units.h"

#include <math.h>
#include <stdio.h>

#define EVENTS_MAX 512

static void units_try(const char *p, size_t len)
{
    double v;

    if (lg_units_seconds(p, len, &v) == 0 && !isfinite(v))
        abort();
    if (lg_units_number(p, len, &v) == 0 && !isfinite(v))
        abort();
}

/* Where event ev may lie: [its phase's start, the next phase's start),
 * or the start itself for a phase shorter than a nanosecond. */
static int event_placed(const struct lg_schedule *s, const struct lg_schedule_event *ev)
{
    const struct lg_phase *ph = &s->phases[ev->phase];
    lg_ns_t end = (int)ev->phase + 1 < s->nphases ? s->phases[ev->phase + 1].start_ns
                                                   : s->duration_ns;

    if (ev->offset_ns < ph->start_ns)
        return 0;
    return ev->offset_ns < end || ev->offset_ns == ph->start_ns;
}

static void events_check(const struct lg_schedule *s, const struct lg_burst *b,
                         enum lg_arrival arrival, uint64_t seed)
{
    struct lg_schedule_iter g;
    struct lg_schedule_event ev;
    lg_ns_t last = 0;
    uint64_t n = 0;

    lg_schedule_iter_init(&g, s, b, arrival, seed);
    while (n < EVENTS_MAX && lg_schedule_iter_next(&g, &ev)) {
        if (ev.seq != n || (int)ev.phase >= s->nphases || ev.offset_ns < last ||
            !event_placed(s, &ev)) {
            fprintf(stderr, "event %llu: seq %llu phase %u offset %lld ns (last %lld)\n",
                    (unsigned long long)n, (unsigned long long)ev.seq, ev.phase,
                    (long long)ev.offset_ns, (long long)last);
            abort();
        }
        last = ev.offset_ns;
        n++;
    }
    if (n < EVENTS_MAX && n != s->events)
        abort(); /* the iterator ended before the count the parser gave */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = lg_fuzz_cstr(data, size), *burst = strchr(text, '\n'), *tail = NULL, err[512];
    struct lg_schedule s;
    struct lg_burst b;

    units_try((const char *)data, size);
    if (burst) {
        *burst++ = '\0';
        if ((tail = strchr(burst, '\n')))
            *tail++ = '\0';
        units_try(burst, strlen(burst));
    }
    units_try(text, strlen(text));
    if (lg_schedule_parse(text, &s, err, sizeof err) == 0) {
        if (lg_schedule_burst_parse(burst ? burst : "1", &b, err, sizeof err) == 0)
            events_check(&s, &b, tail && *tail ? LG_ARRIVAL_POISSON : LG_ARRIVAL_UNIFORM,
                         tail ? strlen(tail) : 0);
        lg_schedule_free(&s);
    } else if (s.phases || !err[0]) {
        abort(); /* a refused schedule holds nothing and says why */
    }
    free(text);
    return 0;
}
