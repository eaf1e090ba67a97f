/* schedule.h -- the open model's schedule: phases, bursts and arrivals as a
 * pure computation of every event's intended time.
 *
 * A schedule is a comma list of phases run in turn: `D@R` is D seconds at R
 * events/s, `D@R1-R2` D seconds ramping linearly from R1 to R2 (rates may
 * be fractional, 30@0.1; D is a duration as units.h reads it: 30, 500ms,
 * 2m). A phase yields exactly floor(D x (R1+R2)/2)
 * events. Event k of a phase is due when the integral of the rate from the
 * phase start reaches k (uniform arrivals), or at the k-th of that many
 * points spread as a Poisson process conditioned on the count (poisson
 * arrivals). Bursts group consecutive events at the time of their first:
 * `fN` exactly N per burst, `N` a random size 1..N, `0` a random size
 * 1..max(1, |R2-R1|/2), so the mean rate is the asked one and a flat phase
 * never breaks the rule. Nothing here sleeps or knows about workers: the
 * times come from the schedule alone, never from a previous sleep, so
 * nothing drifts. */
#ifndef LG_SCHEDULE_H
#define LG_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "clock.h"

struct lg_phase {
    double duration_s;  /* D */
    double r1, r2;      /* events/s at the start and at the end (r2 = r1 when flat) */
    uint64_t events;    /* floor(D x (r1+r2)/2), computed by the parser */
    lg_ns_t start_ns;   /* offset of the phase from the schedule start */
};

#define LG_PHASES_MAX 4096

struct lg_schedule {
    struct lg_phase *phases; /* owned; lg_schedule_free */
    int nphases;
    uint64_t events;         /* all phases */
    lg_ns_t duration_ns;     /* all phases */
};

enum lg_burst_mode { LG_BURST_FIXED, LG_BURST_RANDOM, LG_BURST_RATE };

struct lg_burst {
    enum lg_burst_mode mode;
    long n; /* FIXED: the size; RANDOM: the largest size; RATE: unused (0) */
};

/* Parses a --schedule. Returns 0, or -1 with a one-line message in err
 * naming the bad phase, e.g. "--schedule: phase 2 '10@' has no rate". */
int lg_schedule_parse(const char *text, struct lg_schedule *s, char *err, size_t errlen);
void lg_schedule_free(struct lg_schedule *s);

/* Parses a --burst: fN (N >= 1), N (N >= 1), or 0. Returns 0 or -1 with a
 * message in err. */
int lg_schedule_burst_parse(const char *text, struct lg_burst *b, char *err, size_t errlen);

/* One event of the schedule. */
struct lg_schedule_event {
    uint64_t seq;       /* from 0 over the whole schedule */
    uint32_t phase;     /* its phase index */
    lg_ns_t offset_ns;  /* intended time, from the schedule start */
};

/* The iterator over a schedule's events, in order. Caller-owned; the
 * schedule must outlive it. Deterministic for a given seed. */
struct lg_schedule_iter {
    const struct lg_schedule *s;
    struct lg_burst burst;
    enum lg_arrival arrival;
    uint64_t rng[2];          /* xorshift128+ state */
    int phase;                /* current phase */
    uint64_t k;               /* next event index in the phase */
    uint64_t seq;             /* next event number in the run */
    double u;                 /* poisson: position of the last point, in [0, 1) */
    long burst_left;          /* events still to give the current burst's time */
    lg_ns_t burst_at;         /* the current burst's time */
};

void lg_schedule_iter_init(struct lg_schedule_iter *g, const struct lg_schedule *s,
                           const struct lg_burst *b, enum lg_arrival arrival, uint64_t seed);

/* Gives the next event. Returns 1, or 0 when the schedule is done. Events
 * come in non-decreasing offset_ns order. */
int lg_schedule_iter_next(struct lg_schedule_iter *g, struct lg_schedule_event *ev);

/* The same, skipping every event whose seq mod count is not index (shard
 * index of count, shard.h): the others' events are still drawn, so the
 * count shards together give exactly the events of the whole schedule.
 * count 0 or 1: every event. */
int lg_schedule_iter_next_shard(struct lg_schedule_iter *g, struct lg_schedule_event *ev,
                                uint64_t index, uint64_t count);

#endif
