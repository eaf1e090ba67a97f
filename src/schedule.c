/* schedule.c -- the open model's schedule (see schedule.h).
 *
 * Parsing checks every phase and computes its event count once, so the
 * iterator only walks counts it was given. Times live in "integral space":
 * y = integral of the rate from the phase start, in [0, L) with
 * L = D (R1+R2)/2. Uniform arrivals put event k at y = k; poisson arrivals
 * draw the N = events points as N sorted uniforms over [0, L), one at a
 * time (sequential order statistics), so no array is needed. One inverse
 * maps y to a time:
 *   R1 t + (R2-R1) t^2 / (2D) = y
 *   t = 2y / (R1 + sqrt(R1^2 + 2 (R2-R1) y / D))
 * the root of the quadratic written without the cancellation of
 * (-R1 + sqrt(...)) / a: it is k/R1 on a flat phase, sqrt(2yD/R2) when
 * R1 = 0, and on a ramp down the square root stays real because
 * y <= L gives R1^2 - (R1-R2)(R1+R2) = R2^2 >= 0. */
#include "schedule.h"
#include "mem.h"
#include "units.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHED_SECONDS_MAX 1e9 /* the whole schedule: about 31 years */
#define SCHED_RATE_MAX 1e9    /* events/s at any point */
#define BURST_MAX 1000000000L /* events in one burst */

/* ---- parsing ---- */

/* One phase's text, for the messages. */
struct phase_text {
    int idx; /* 1-based */
    const char *p;
    size_t len;
};

static void __attribute__((format(printf, 4, 5)))
sched_err(char *err, size_t errlen, const struct phase_text *pt, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!err || errlen == 0)
        return;
    n = snprintf(err, errlen, "--schedule: phase %d '%.*s' ", pt->idx, (int)pt->len, pt->p);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static int sched_isspace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void sched_trim(const char **p, size_t *len)
{
    while (*len > 0 && sched_isspace(**p)) {
        (*p)++;
        (*len)--;
    }
    while (*len > 0 && sched_isspace((*p)[*len - 1]))
        (*len)--;
}

/* A plain decimal: digits with at most one point and at least one digit
 * (3, 0.5, .5, 5.). No sign, exponent, inf or nan. */
static int sched_decimal(const char *p, size_t len, double *v)
{
    char buf[64];
    size_t i, digits = 0, points = 0;

    if (len == 0 || len >= sizeof buf)
        return -1;
    for (i = 0; i < len; i++) {
        if (p[i] >= '0' && p[i] <= '9')
            digits++;
        else if (p[i] == '.')
            points++;
        else
            return -1;
    }
    if (digits == 0 || points > 1)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    *v = strtod(buf, NULL);
    return 0;
}

/* One rate of a phase, already trimmed; `what` is "rate", "start rate"... */
static int sched_rate(const struct phase_text *pt, const char *p, size_t len, const char *what,
                      double *v, char *err, size_t errlen)
{
    if (len == 0) {
        sched_err(err, errlen, pt, "has no %s", what);
        return -1;
    }
    if (sched_decimal(p, len, v) < 0) {
        sched_err(err, errlen, pt, "%s '%.*s' is not a number", what, (int)len, p);
        return -1;
    }
    if (*v > SCHED_RATE_MAX) {
        sched_err(err, errlen, pt, "%s '%.*s' is above %.0f events/s", what, (int)len, p,
                  SCHED_RATE_MAX);
        return -1;
    }
    return 0;
}

/* The part after '@': R or R1-R2. */
static int sched_rates(const struct phase_text *pt, const char *p, size_t len,
                       struct lg_phase *ph, char *err, size_t errlen)
{
    const char *dash, *q;
    size_t l1, l2;

    sched_trim(&p, &len);
    if (len > 0 && p[0] == '-') {
        sched_err(err, errlen, pt, "has a negative rate '%.*s'", (int)len, p);
        return -1;
    }
    dash = memchr(p, '-', len);
    if (!dash) {
        if (sched_rate(pt, p, len, "rate", &ph->r1, err, errlen) < 0)
            return -1;
        ph->r2 = ph->r1;
        return 0;
    }
    q = dash + 1;
    l1 = (size_t)(dash - p);
    l2 = len - l1 - 1;
    if (memchr(q, '-', l2)) {
        sched_err(err, errlen, pt, "has more than two rates (want R or R1-R2)");
        return -1;
    }
    sched_trim(&p, &l1);
    sched_trim(&q, &l2);
    if (sched_rate(pt, p, l1, "start rate", &ph->r1, err, errlen) < 0)
        return -1;
    return sched_rate(pt, q, l2, "end rate", &ph->r2, err, errlen);
}

/* L = D (R1+R2)/2, the phase's rate integral. */
static double sched_integral(const struct lg_phase *ph)
{
    return ph->duration_s * (ph->r1 + ph->r2) / 2;
}

/* floor(D (R1+R2)/2), robust against the representation error of decimal
 * input (30 x 0.1 is 3, 100 x 0.29 is 29): the slack, 1e-9 plus 1e-12 of
 * the value, is far above the ~1e-15 relative error of the arithmetic and
 * far below any difference a decimal of a dozen digits can express. */
static uint64_t sched_events(const struct lg_phase *ph)
{
    double x = sched_integral(ph);

    return (uint64_t)floor(x + 1e-9 + x * 1e-12);
}

/* Parses one trimmed phase `D@R` or `D@R1-R2` into ph (start_ns aside). */
static int sched_phase(const struct phase_text *pt, struct lg_phase *ph, char *err, size_t errlen)
{
    const char *at = memchr(pt->p, '@', pt->len), *d = pt->p;
    size_t dlen;

    if (pt->len == 0) {
        sched_err(err, errlen, pt, "is empty (want D@R or D@R1-R2)");
        return -1;
    }
    if (!at) {
        sched_err(err, errlen, pt, "has no '@' (want D@R or D@R1-R2)");
        return -1;
    }
    dlen = (size_t)(at - d);
    sched_trim(&d, &dlen);
    if (dlen == 0) {
        sched_err(err, errlen, pt, "has no duration before '@'");
        return -1;
    }
    if (lg_units_seconds(d, dlen, &ph->duration_s) < 0) {
        sched_err(err, errlen, pt, "duration '%.*s' is not a duration (%s)", (int)dlen, d,
                  LG_UNITS_SECONDS_HINT);
        return -1;
    }
    if (ph->duration_s <= 0) {
        sched_err(err, errlen, pt, "duration '%.*s' must be above 0 s", (int)dlen, d);
        return -1;
    }
    if (sched_rates(pt, at + 1, pt->len - (size_t)(at - pt->p) - 1, ph, err, errlen) < 0)
        return -1;
    if (!(ph->r1 + ph->r2 > 0)) {
        sched_err(err, errlen, pt, "has no events: its rates are all 0");
        return -1;
    }
    if (ph->duration_s > SCHED_SECONDS_MAX) { /* before its event count overflows */
        sched_err(err, errlen, pt, "makes the schedule longer than %.0f s", SCHED_SECONDS_MAX);
        return -1;
    }
    ph->events = sched_events(ph);
    return 0;
}

/* Number of comma-separated phases in text. */
static int sched_count(const char *text)
{
    int n = 1;

    for (; *text; text++)
        n += *text == ',';
    return n;
}

/* The phase at *cur, trimmed, numbered idx (1-based) for the messages;
 * moves *cur past its comma (or onto the final NUL). */
static struct phase_text sched_next(const char **cur, int idx)
{
    struct phase_text pt = {idx, *cur, 0};
    const char *end = strchr(*cur, ',');

    pt.len = end ? (size_t)(end - *cur) : strlen(*cur);
    *cur = end ? end + 1 : *cur + pt.len;
    sched_trim(&pt.p, &pt.len);
    return pt;
}

/* Adds phase i's duration to the schedule; the phases before it are done. */
static int sched_place(struct lg_schedule *s, int i, const struct phase_text *pt, char *err,
                       size_t errlen)
{
    struct lg_phase *ph = &s->phases[i];

    if ((double)s->duration_ns / 1e9 + ph->duration_s > SCHED_SECONDS_MAX) {
        sched_err(err, errlen, pt, "makes the schedule longer than %.0f s", SCHED_SECONDS_MAX);
        return -1;
    }
    ph->start_ns = s->duration_ns;
    s->duration_ns += lg_clock_from_s(ph->duration_s);
    s->events += ph->events;
    return 0;
}

int lg_schedule_parse(const char *text, struct lg_schedule *s, char *err, size_t errlen)
{
    const char *cur = text ? text : "";
    struct phase_text pt;
    int n = sched_count(cur);

    memset(s, 0, sizeof *s);
    if (n > LG_PHASES_MAX) {
        for (int i = 1; i <= LG_PHASES_MAX + 1; i++)
            pt = sched_next(&cur, i);
        sched_err(err, errlen, &pt, "is one too many (at most %d phases)", LG_PHASES_MAX);
        return -1;
    }
    s->phases = lg_calloc((size_t)n, sizeof *s->phases);
    for (int i = 0; i < n; i++) {
        pt = sched_next(&cur, i + 1);
        if (sched_phase(&pt, &s->phases[i], err, errlen) < 0 ||
            sched_place(s, i, &pt, err, errlen) < 0) {
            lg_schedule_free(s);
            return -1;
        }
        s->nphases = i + 1;
    }
    return 0;
}

void lg_schedule_free(struct lg_schedule *s)
{
    free(s->phases);
    memset(s, 0, sizeof *s);
}

/* ---- bursts ---- */

static void __attribute__((format(printf, 3, 4)))
burst_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A whole decimal integer, digits only: 0 or -1, -2 above BURST_MAX. */
static int burst_int(const char *p, size_t len, long *v)
{
    *v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        *v = *v * 10 + (p[i] - '0');
        if (*v > BURST_MAX)
            return -2;
    }
    return 0;
}

int lg_schedule_burst_parse(const char *text, struct lg_burst *b, char *err, size_t errlen)
{
    const char *p = text ? text : "";
    size_t len = strlen(p);
    int fixed, rc;
    long n;

    sched_trim(&p, &len);
    fixed = len > 0 && p[0] == 'f';
    rc = burst_int(p + fixed, len - (size_t)fixed, &n);
    if (len == 0 || rc == -1) {
        burst_err(err, errlen, "--burst: '%.*s' is not fN, N or 0 (N a whole number)",
                  (int)len, p);
        return -1;
    }
    if (rc == -2) {
        burst_err(err, errlen, "--burst: '%.*s' is above %ld events a burst", (int)len, p,
                  BURST_MAX);
        return -1;
    }
    if (fixed && n == 0) {
        burst_err(err, errlen, "--burst: '%.*s' is a fixed size of 0 (want fN, N >= 1)",
                  (int)len, p);
        return -1;
    }
    b->mode = fixed ? LG_BURST_FIXED : n == 0 ? LG_BURST_RATE : LG_BURST_RANDOM;
    b->n = n;
    return 0;
}

/* ---- random numbers: xorshift128+ seeded by splitmix64 ---- */

static uint64_t sched_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t sched_rand(struct lg_schedule_iter *g)
{
    uint64_t a = g->rng[0], b = g->rng[1];

    g->rng[0] = b;
    a ^= a << 23;
    g->rng[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
    return g->rng[1] + b;
}

/* Uniform in (0, 1]: never 0, so its log is finite. */
static double sched_uniform(struct lg_schedule_iter *g)
{
    return (double)((sched_rand(g) >> 11) + 1) * 0x1p-53;
}

/* Uniform in 1..n, unbiased (rejects the top partial range). */
static long sched_size(struct lg_schedule_iter *g, long n)
{
    uint64_t m = (uint64_t)n, limit = UINT64_MAX - UINT64_MAX % m, r;

    do
        r = sched_rand(g);
    while (r >= limit);
    return (long)(r % m) + 1;
}

/* ---- the iterator ---- */

void lg_schedule_iter_init(struct lg_schedule_iter *g, const struct lg_schedule *s,
                           const struct lg_burst *b, enum lg_arrival arrival, uint64_t seed)
{
    uint64_t x = seed;

    memset(g, 0, sizeof *g);
    g->s = s;
    g->burst = *b;
    g->arrival = arrival;
    g->rng[0] = sched_splitmix(&x);
    g->rng[1] = sched_splitmix(&x);
    if ((g->rng[0] | g->rng[1]) == 0) /* the one state xorshift never leaves */
        g->rng[1] = 1;
}

/* Seconds from the phase start at which the rate's integral reaches y
 * (see the top comment). */
static double sched_time_at(const struct lg_phase *ph, double y)
{
    double r1 = ph->r1, disc;

    if (y <= 0)
        return 0;
    disc = r1 * r1 + 2 * (ph->r2 - r1) * y / ph->duration_s;
    return 2 * y / (r1 + sqrt(disc > 0 ? disc : 0));
}

/* Poisson: the next of the phase's N sorted uniforms. With m = N - k
 * points left, U(k) = 1 - (1 - U(k-1)) V^(1/m), written as
 * u + (1-u)(1 - e^(ln V / m)) with expm1 so that small steps keep their
 * precision. */
static double sched_poisson_next(struct lg_schedule_iter *g, uint64_t n)
{
    double m = (double)(n - g->k);

    g->u += (1 - g->u) * -expm1(log(sched_uniform(g)) / m);
    if (g->u >= 1)
        g->u = nextafter(1, 0);
    return g->u;
}

static lg_ns_t sched_phase_end(const struct lg_schedule_iter *g)
{
    const struct lg_schedule *s = g->s;

    return g->phase + 1 < s->nphases ? s->phases[g->phase + 1].start_ns : s->duration_ns;
}

/* Offset of event k of the current phase, kept inside [start, end). */
static lg_ns_t sched_offset(const struct lg_schedule_iter *g, const struct lg_phase *ph, double y)
{
    lg_ns_t t = ph->start_ns + lg_clock_from_s(sched_time_at(ph, y));
    lg_ns_t end = sched_phase_end(g);

    if (t >= end && end > ph->start_ns)
        t = end - 1;
    return t < ph->start_ns ? ph->start_ns : t;
}

/* Size of a burst starting at event k, never past the phase's last event. */
static long sched_burst_size(struct lg_schedule_iter *g, const struct lg_phase *ph)
{
    uint64_t left = ph->events - g->k;
    long n, rate;

    switch (g->burst.mode) {
    case LG_BURST_FIXED:
        n = g->burst.n;
        break;
    case LG_BURST_RANDOM:
        n = sched_size(g, g->burst.n);
        break;
    default:
        rate = (long)floor(fabs(ph->r2 - ph->r1) / 2);
        n = sched_size(g, rate > 1 ? rate : 1);
        break;
    }
    if (n < 1)
        n = 1;
    return (uint64_t)n > left ? (long)left : n;
}

/* Moves to the next phase that has an event left. Returns 0 when none. */
static int sched_seek(struct lg_schedule_iter *g)
{
    while (g->phase < g->s->nphases && g->k >= g->s->phases[g->phase].events) {
        g->phase++;
        g->k = 0;
        g->u = 0;
        g->burst_left = 0;
    }
    return g->phase < g->s->nphases;
}

int lg_schedule_iter_next(struct lg_schedule_iter *g, struct lg_schedule_event *ev)
{
    const struct lg_phase *ph;
    double y;

    if (!sched_seek(g))
        return 0;
    ph = &g->s->phases[g->phase];
    /* Poisson draws every point, inside a burst too, so the next burst's
     * first point keeps its distribution. */
    if (g->arrival == LG_ARRIVAL_POISSON)
        y = sched_poisson_next(g, ph->events) * sched_integral(ph);
    else
        y = (double)g->k;
    if (g->burst_left == 0) {
        g->burst_at = sched_offset(g, ph, y);
        g->burst_left = sched_burst_size(g, ph);
    }
    g->burst_left--;
    ev->seq = g->seq++;
    ev->phase = (uint32_t)g->phase;
    ev->offset_ns = g->burst_at;
    g->k++;
    return 1;
}

int lg_schedule_iter_next_shard(struct lg_schedule_iter *g, struct lg_schedule_event *ev,
                                uint64_t index, uint64_t count)
{
    int more;

    do
        more = lg_schedule_iter_next(g, ev);
    while (more && count > 1 && ev->seq % count != index);
    return more;
}
