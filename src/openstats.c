/* openstats.c -- event accounting of one open-model line (see openstats.h).
 *
 * Relies on the records' own times: an event's intended time comes from
 * the schedule, its dispatch time from the generator, its begin and end from
 * the worker, so wait, response, service and lateness are differences of
 * times taken where they happen, never of arrival times at the collector.
 * Lateness is counted over the events a JOB or DROP record names; the
 * generator's own worst per phase (PHASE.late_max_ns) also feeds the worst
 * value, so an event that never reached a worker still shows there. Prints
 * nothing: the end summary renders these figures from a run's results
 * (summary_open.c). */
#include "openstats.h"

#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "mem.h"

struct ophase {
    uint64_t generated;          /* from its PHASE record */
    uint64_t processed, dropped; /* JOB / DROP records naming it */
    int done;                    /* its PHASE record came */
    lg_ns_t start_ns, end_ns;    /* scheduled span, run clock */
    lg_ns_t last_ns;             /* its last event queued */
};

enum { T_WAIT, T_RESPONSE, T_SERVICE, T_LATENESS, NTIMES };

struct lg_openstats {
    const struct lg_schedule *s; /* borrowed, may be NULL */
    struct ophase *ph;
    int nph;
    int phases_done;
    uint64_t generated, processed, dropped;
    uint64_t requests;           /* sum of JOB.requests */
    uint64_t late1, late2;       /* events later than LG_OPEN_LATE1_NS / LATE2 */
    lg_ns_t late_max_ns;         /* worst dispatch lateness, ns */
    struct lg_hist t[NTIMES];    /* ns */
    long depth, hwm_depth;       /* events in the job queue */
    long inflight;               /* events the workers hold (lg_openstats_inflight) */
    lg_ns_t hwm_depth_at;        /* -1: never heard of */
    int started, peak_live, retired;
};

struct lg_openstats *lg_openstats_new(const struct lg_schedule *s)
{
    struct lg_openstats *o = lg_calloc(1, sizeof *o);
    o->s = s;
    o->nph = s && s->nphases > 0 ? s->nphases : 0;
    if (o->nph)
        o->ph = lg_calloc((size_t)o->nph, sizeof *o->ph);
    for (int i = 0; i < NTIMES; i++)
        lg_hist_init(&o->t[i]);
    o->hwm_depth_at = -1;
    return o;
}

void lg_openstats_free(struct lg_openstats *o)
{
    if (!o)
        return;
    for (int i = 0; i < NTIMES; i++)
        lg_hist_fini(&o->t[i]);
    free(o->ph);
    free(o);
}

/* Phase `index`, the table grown to hold it; NULL past LG_PHASES_MAX. */
static struct ophase *phase_get(struct lg_openstats *o, uint32_t index)
{
    if (index >= LG_PHASES_MAX)
        return NULL;
    if ((int)index >= o->nph) {
        int n = (int)index + 1;
        o->ph = lg_realloc(o->ph, (size_t)n * sizeof *o->ph);
        memset(o->ph + o->nph, 0, (size_t)(n - o->nph) * sizeof *o->ph);
        o->nph = n;
    }
    return &o->ph[index];
}

static void note_late(struct lg_openstats *o, lg_ns_t late_ns)
{
    if (late_ns > o->late_max_ns)
        o->late_max_ns = late_ns;
}

void lg_openstats_job(struct lg_openstats *o, const struct lg_record *rec)
{
    struct ophase *ph = phase_get(o, rec->u.job.phase);
    lg_ns_t late = rec->u.job.dispatched_ns - rec->u.job.intended_ns;
    lg_hist_record(&o->t[T_LATENESS], late);
    o->late1 += late > LG_OPEN_LATE1_NS;
    o->late2 += late > LG_OPEN_LATE2_NS;
    note_late(o, late);
    if (rec->type == LG_REC_DROP) {
        o->dropped++;
        if (ph)
            ph->dropped++;
        return;
    }
    o->processed++;
    if (ph)
        ph->processed++;
    o->requests += rec->u.job.requests;
    lg_hist_record(&o->t[T_WAIT], rec->u.job.begin_ns - rec->u.job.intended_ns);
    lg_hist_record(&o->t[T_RESPONSE], rec->u.job.end_ns - rec->u.job.intended_ns);
    lg_hist_record(&o->t[T_SERVICE], rec->u.job.end_ns - rec->u.job.begin_ns);
}

void lg_openstats_phase(struct lg_openstats *o, const struct lg_record *rec)
{
    struct ophase *ph = phase_get(o, rec->u.phase.index);
    note_late(o, rec->u.phase.late_max_ns);
    if (!ph) {
        o->generated += rec->u.phase.generated;
        return;
    }
    if (ph->done)
        o->generated -= ph->generated;
    else
        o->phases_done++;
    ph->done = 1;
    ph->generated = rec->u.phase.generated;
    ph->start_ns = rec->u.phase.start_ns;
    ph->end_ns = rec->u.phase.end_ns;
    ph->last_ns = rec->u.phase.last_ns;
    o->generated += ph->generated;
}

void lg_openstats_queue(struct lg_openstats *o, long depth, lg_ns_t now)
{
    o->depth = depth;
    if (depth > o->hwm_depth) {
        o->hwm_depth = depth;
        o->hwm_depth_at = now;
    }
}

void lg_openstats_inflight(struct lg_openstats *o, long n)
{
    o->inflight = n;
}

void lg_openstats_workers(struct lg_openstats *o, int started, int live, int retired)
{
    o->started = started;
    o->retired = retired;
    if (live > o->peak_live)
        o->peak_live = live;
}

void lg_openstats_counts(const struct lg_openstats *o, struct lg_openstats_counts *k)
{
    k->phases_done = o->phases_done;
    k->phases = o->s ? o->s->nphases : 0;
    k->generated = o->generated;
    k->processed = o->processed;
    k->dropped = o->dropped;
    k->depth = o->depth;
    k->inflight = o->inflight;
}

void lg_openstats_detail(const struct lg_openstats *o, struct lg_openstats_detail *d)
{
    *d = (struct lg_openstats_detail){ .requests = o->requests, .late1 = o->late1,
                                       .late2 = o->late2, .late_max_ns = o->late_max_ns,
                                       .hwm_depth = o->hwm_depth, .hwm_depth_at = o->hwm_depth_at,
                                       .started = o->started, .retired = o->retired,
                                       .peak_live = o->peak_live, .nphases = o->nph };
    for (int i = 0; i < LG_OPEN_NTIMES; i++)
        d->times[i] = &o->t[i];
}

/* Events/s generated over the phase's span: from its scheduled start to its
 * scheduled end, or to its last event if that came later; -1 if unknown. */
static double phase_rate(const struct ophase *ph)
{
    lg_ns_t end = ph->last_ns > ph->end_ns ? ph->last_ns : ph->end_ns;
    if (!ph->done || end <= ph->start_ns)
        return -1;
    return (double)ph->generated * 1e9 / (double)(end - ph->start_ns);
}

void lg_openstats_phase_get(const struct lg_openstats *o, int i, struct lg_openstats_phase *p)
{
    const struct ophase *ph = &o->ph[i];
    *p = (struct lg_openstats_phase){ .asked_r1 = -1, .asked_r2 = -1, .achieved = phase_rate(ph),
                                      .done = ph->done, .generated = ph->generated,
                                      .processed = ph->processed, .dropped = ph->dropped,
                                      .duration_s = (double)(ph->end_ns - ph->start_ns) / 1e9 };
    if (o->s && i < o->s->nphases) {
        p->duration_s = o->s->phases[i].duration_s;
        p->asked_r1 = o->s->phases[i].r1;
        p->asked_r2 = o->s->phases[i].r2;
    }
}
