/* interval.c -- the run's interval series (see interval.h).
 *
 * Open intervals: per line, two slots by the parity of the interval (the
 * oldest open one and the next, the only two a value can land in), each
 * with its counts and a histogram of the durations; a slot's histogram is
 * reset at each close and keeps its window (lg_hist_reset), so recording
 * allocates nothing once a line's range is known.
 *
 * Closed intervals keep, per line, their counts and the durations'
 * histogram as its V2 encoding (lg_hist_encode) plus the exact max, never
 * a full histogram. Measured, values spread uniformly over 1-50 ms (the
 * worst case: every count distinct): 100 values take a window of 61 KiB
 * whole, 280 bytes encoded; 1,000 values 46 KiB and 920 bytes; 10,000
 * values 119 KiB and 2.3 KiB; 1 value or 10 equal ones 64 bytes; an empty
 * interval keeps none. A kept line costs 64 bytes plus its encoding, so an
 * hour at 1 s intervals with ten lines (36,000 interval-lines) of 1,000
 * requests a second each keeps about 36 MB, where whole histograms would
 * take 1.7 GB; without `keep` (no --summary-json) nothing is kept. Readers
 * decode one when they need it (results.h). Nothing here prints or reads
 * records. */
#include "interval.h"

#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "mem.h"

struct slot {
    uint64_t requests, errors, generated, dropped;
    struct lg_hist h;              /* durations, ns */
};

struct now {                       /* what a line is at this moment */
    int workers;
    long depth;
};

struct lg_intervals {
    lg_ns_t period_ns;
    int nlines;
    int64_t first_open;            /* the oldest open interval */
    struct slot *open;             /* [line * 2 + parity] */
    struct now *now;               /* [line] */
    struct lg_interval_line *kept; /* [interval * nlines + line] */
    lg_ns_t *span;                 /* [interval * 2]: begin, end */
    size_t n, cap;
    int keep;                      /* keep the closed intervals */
    int ended;
    struct lg_intervals_thru thru;
};

int64_t lg_interval_slot(lg_ns_t end_ns, lg_ns_t period_ns, int64_t first_open)
{
    int64_t k = end_ns > 0 ? end_ns / period_ns : 0;
    if (k < first_open)
        return first_open;
    return k > first_open + 1 ? first_open + 1 : k;
}

struct lg_intervals *lg_intervals_new(lg_ns_t period_ns, int nlines, int keep)
{
    struct lg_intervals *iv = lg_calloc(1, sizeof *iv);
    iv->keep = keep;
    iv->period_ns = period_ns > 0 ? period_ns : LG_NS_PER_S;
    iv->nlines = nlines > 0 ? nlines : 1;
    iv->open = lg_calloc(2 * (size_t)iv->nlines, sizeof *iv->open);
    iv->now = lg_calloc((size_t)iv->nlines, sizeof *iv->now);
    for (int i = 0; i < 2 * iv->nlines; i++)
        lg_hist_init(&iv->open[i].h);
    iv->thru.hwm_at = -1;
    return iv;
}

void lg_intervals_free(struct lg_intervals *iv)
{
    if (!iv)
        return;
    for (int i = 0; i < 2 * iv->nlines; i++)
        lg_hist_fini(&iv->open[i].h);
    for (size_t i = 0; i < iv->n * (size_t)iv->nlines; i++)
        free(iv->kept[i].histogram);
    free(iv->open);
    free(iv->now);
    free(iv->kept);
    free(iv->span);
    free(iv);
}

/* ==== recording ========================================================== */

static struct slot *slot_at(struct lg_intervals *iv, int l, lg_ns_t end_ns)
{
    int64_t k = lg_interval_slot(end_ns, iv->period_ns, iv->first_open);
    return &iv->open[(size_t)l * 2 + (size_t)(k & 1)];
}

static int line_ok(const struct lg_intervals *iv, int l)
{
    return l >= 0 && l < iv->nlines && !iv->ended;
}

void lg_intervals_request(struct lg_intervals *iv, int l, lg_ns_t end_ns, int64_t dur_ns,
                          int failed)
{
    if (!line_ok(iv, l))
        return;
    struct slot *s = slot_at(iv, l, end_ns);
    s->requests++;
    s->errors += failed != 0;
    if (iv->keep) /* else no one reads the durations: the hot path skips them */
        lg_hist_record(&s->h, dur_ns);
}

void lg_intervals_error(struct lg_intervals *iv, int l, lg_ns_t end_ns)
{
    if (line_ok(iv, l))
        slot_at(iv, l, end_ns)->errors++;
}

void lg_intervals_event(struct lg_intervals *iv, int l, lg_ns_t dispatched_ns, lg_ns_t end_ns,
                        int dropped)
{
    if (!line_ok(iv, l))
        return;
    slot_at(iv, l, dispatched_ns)->generated++;
    if (dropped)
        slot_at(iv, l, end_ns)->dropped++;
}

void lg_intervals_workers(struct lg_intervals *iv, int l, int live)
{
    if (l >= 0 && l < iv->nlines)
        iv->now[l].workers = live;
}

void lg_intervals_queue(struct lg_intervals *iv, int l, long depth)
{
    if (l >= 0 && l < iv->nlines)
        iv->now[l].depth = depth;
}

/* ==== closing ============================================================ */

lg_ns_t lg_intervals_next_end(const struct lg_intervals *iv)
{
    return (iv->first_open + 1) * iv->period_ns;
}

/* Empties the slots of parity p; returns the requests they held. */
static uint64_t empty(struct lg_intervals *iv, int p)
{
    uint64_t requests = 0;
    for (int l = 0; l < iv->nlines; l++) {
        struct slot *s = &iv->open[(size_t)l * 2 + (size_t)p];
        requests += s->requests;
        lg_hist_reset(&s->h);
        s->requests = s->errors = s->generated = s->dropped = 0;
    }
    return requests;
}

/* Keeps the slots of parity p as interval [begin, end) when the series is
 * kept, and empties them; returns the requests they held. */
static uint64_t keep(struct lg_intervals *iv, int p, lg_ns_t begin, lg_ns_t end)
{
    if (!iv->keep)
        return empty(iv, p);
    if (iv->n == iv->cap) {
        iv->cap = iv->cap ? 2 * iv->cap : 64;
        iv->kept = lg_realloc(iv->kept, iv->cap * (size_t)iv->nlines * sizeof *iv->kept);
        iv->span = lg_realloc(iv->span, iv->cap * 2 * sizeof *iv->span);
    }
    struct lg_interval_line *kl = &iv->kept[iv->n * (size_t)iv->nlines];
    iv->span[2 * iv->n] = begin;
    iv->span[2 * iv->n + 1] = end;
    iv->n++;
    for (int l = 0; l < iv->nlines; l++) {
        struct slot *s = &iv->open[(size_t)l * 2 + (size_t)p];
        kl[l] = (struct lg_interval_line){ .requests = s->requests, .errors = s->errors,
                                           .generated = s->generated, .dropped = s->dropped,
                                           .max_ns = lg_hist_max(&s->h),
                                           .queue_depth = iv->now[l].depth,
                                           .workers = iv->now[l].workers };
        if (lg_hist_count(&s->h))
            kl[l].histogram = lg_hist_encode(&s->h, NULL);
    }
    return empty(iv, p);
}

int64_t lg_intervals_close(struct lg_intervals *iv, lg_ns_t load_begin, double *thru)
{
    int64_t k = iv->first_open;
    lg_ns_t begin = k * iv->period_ns, end = begin + iv->period_ns;
    uint64_t n = keep(iv, (int)(k & 1), begin, end);
    iv->first_open++;
    *thru = (double)n * 1e9 / (double)iv->period_ns;
    if (*thru > iv->thru.hwm) {
        iv->thru.hwm = *thru;
        iv->thru.hwm_at = end;
    }
    /* an interval that began before the load is only partly loaded: the
     * event lines keep using the running average until a full one closes */
    if (load_begin >= 0 && begin >= load_begin) {
        iv->thru.last = *thru;
        iv->thru.valid = 1;
    }
    return k;
}

static int slot_used(const struct slot *s)
{
    return s->requests || s->errors || s->generated || s->dropped;
}

void lg_intervals_end(struct lg_intervals *iv, lg_ns_t end_ns)
{
    if (iv->ended)
        return;
    iv->ended = 1;
    int p = (int)(iv->first_open & 1), used = 0;
    for (int l = 0; l < iv->nlines; l++) {
        struct slot *s = &iv->open[(size_t)l * 2 + (size_t)p];
        struct slot *next = &iv->open[(size_t)l * 2 + (size_t)(1 - p)];
        /* values more than an interval early (none in a sane run) join it */
        s->requests += next->requests;
        s->errors += next->errors;
        s->generated += next->generated;
        s->dropped += next->dropped;
        lg_hist_merge(&s->h, &next->h);
        used |= slot_used(s);
    }
    lg_ns_t begin = iv->first_open * iv->period_ns;
    if (used || end_ns > begin)
        keep(iv, p, begin, end_ns > begin ? end_ns : begin);
}

/* ==== reading ============================================================ */

void lg_intervals_thru(const struct lg_intervals *iv, struct lg_intervals_thru *t)
{
    *t = iv->thru;
}

size_t lg_intervals_count(const struct lg_intervals *iv)
{
    return iv->n;
}

void lg_intervals_span(const struct lg_intervals *iv, size_t i, lg_ns_t *begin, lg_ns_t *end)
{
    *begin = iv->span[2 * i];
    *end = iv->span[2 * i + 1];
}

const struct lg_interval_line *lg_intervals_line(const struct lg_intervals *iv, size_t i, int l)
{
    return &iv->kept[i * (size_t)iv->nlines + (size_t)l];
}
