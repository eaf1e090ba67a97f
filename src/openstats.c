/* openstats.c -- event accounting of one open-model line (see openstats.h).
 *
 * Relies on the records' own times: an event's intended time comes from
 * the schedule, its dispatch time from the generator, its begin and end from
 * the worker, so wait, response, service and lateness are differences of
 * times taken where they happen, never of arrival times at the collector.
 * Lateness is counted over the events a JOB or DROP record names; the
 * generator's own worst per phase (PHASE.late_max_ns) also feeds the worst
 * value, so an event that never reached a worker still shows there. */
#include "openstats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "mem.h"
#include "summary.h"

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

/* ==== the summary ======================================================== */

struct out {
    lg_openstats_emit_cb *emit;
    void *ctx;
    const char *indent;
};

__attribute__((format(printf, 2, 3))) static void say(const struct out *out, const char *fmt, ...)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%s", out->indent);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof line)
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    out->emit(out->ctx, line);
}

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

/* `30@10` or `30@10-20` and `10` or `10->20` of phase i, from the schedule;
 * a phase the schedule does not know shows its recorded span and `?`. */
static void phase_names(const struct lg_openstats *o, int i, char *label, char *asked, size_t n)
{
    if (o->s && i < o->s->nphases) {
        const struct lg_phase *p = &o->s->phases[i];
        if (p->r1 == p->r2) {
            snprintf(label, n, "%g@%g", p->duration_s, p->r1);
            snprintf(asked, n, "%g", p->r1);
        } else {
            snprintf(label, n, "%g@%g-%g", p->duration_s, p->r1, p->r2);
            snprintf(asked, n, "%g->%g", p->r1, p->r2);
        }
        return;
    }
    const struct ophase *ph = &o->ph[i];
    snprintf(label, n, "%g@?", (double)(ph->end_ns - ph->start_ns) / 1e9);
    snprintf(asked, n, "?");
}

/* Events generated over the phase's span (phase_rate), "-" if unknown. */
static void phase_achieved(const struct ophase *ph, char *buf, size_t n)
{
    double r = phase_rate(ph);
    if (r < 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.2f", r);
}

static void summary_phases(const struct lg_openstats *o, const struct out *out)
{
    char label[64], asked[64], achieved[32], gen[24];
    say(out, "%-16s %14s %11s %10s %10s %10s\n", "phase", "asked/s", "achieved/s", "generated",
        "processed", "dropped");
    for (int i = 0; i < o->nph; i++) {
        const struct ophase *ph = &o->ph[i];
        phase_names(o, i, label, asked, sizeof label);
        phase_achieved(ph, achieved, sizeof achieved);
        if (ph->done)
            snprintf(gen, sizeof gen, "%llu", (unsigned long long)ph->generated);
        else
            snprintf(gen, sizeof gen, "-");
        say(out, "%-16s %14s %11s %10s %10llu %10llu%s\n", label, asked, achieved, gen,
            (unsigned long long)ph->processed, (unsigned long long)ph->dropped,
            ph->done ? "" : "  (not finished)");
    }
    say(out, "%-16s %14s %11s %10llu %10llu %10llu\n", "all", "", "",
        (unsigned long long)o->generated, (unsigned long long)o->processed,
        (unsigned long long)o->dropped);
}

static void summary_times(const struct lg_openstats *o, const struct out *out)
{
    static const char *const names[NTIMES] = { "wait", "response", "service", "lateness" };
    char pctl[LG_SUMMARY_PCTL_BYTES];
    say(out, "%-16s %10s" LG_SUMMARY_PCTL_HEAD "\n", "event times", "count");
    for (int i = 0; i < NTIMES; i++)
        say(out, "%-16s %10llu%s\n", names[i], (unsigned long long)lg_hist_count(&o->t[i]),
            lg_summary_pctl(pctl, &o->t[i]));
    say(out, "  (wait: taken minus intended; response: end minus intended, free of coordinated "
             "omission; service: end minus taken; lateness: queued minus intended)\n");
}

/* Schroeder et al., "Open Versus Closed" (2006): an open model whose
 * events are sessions of about 5 requests or fewer behaves open, of about
 * 10 or more, closed. */
static void summary_requests(const struct lg_openstats *o, const struct out *out)
{
    if (!o->processed) {
        say(out, "requests per event: - (no event processed)\n");
        return;
    }
    double mean = (double)o->requests / (double)o->processed;
    const char *how = mean <= 5   ? "the line behaves as an open system"
                      : mean < 10 ? "between open and closed behaviour"
                                  : "many sequential requests per event: the line behaves "
                                    "closer to a closed system";
    say(out, "requests per event: %.2f (%s)\n", mean, how);
}

void lg_openstats_summary(const struct lg_openstats *o, const char *indent,
                          lg_openstats_emit_cb *emit, void *ctx)
{
    struct out out = { emit, ctx, indent ? indent : "" };
    say(&out, "open model: %d of %d phases done, %llu events generated\n", o->phases_done,
        o->s ? o->s->nphases : o->nph, (unsigned long long)o->generated);
    summary_phases(o, &out);
    if (o->dropped)
        say(&out, "*** %llu events DROPPED: they waited past --maxwait and never ran, the load "
                  "asked was not applied ***\n",
            (unsigned long long)o->dropped);
    say(&out, "dispatch: %llu events late > 1 ms, %llu late > 10 ms, worst %.3f ms late\n",
        (unsigned long long)o->late1, (unsigned long long)o->late2, ms((uint64_t)o->late_max_ns));
    if (o->hwm_depth_at >= 0)
        say(&out, "queue depth high-water mark: %ld events at %.3f s\n", o->hwm_depth,
            (double)o->hwm_depth_at / 1e9);
    else
        say(&out, "queue depth high-water mark: 0 events\n");
    summary_times(o, &out);
    say(&out, "workers: %d started, %d retired, peak %d live\n", o->started, o->retired,
        o->peak_live);
    summary_requests(o, &out);
}
