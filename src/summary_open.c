/* summary_open.c -- the open model's part of a line's end summary, as
 * text (lg_summary_open in summary.h): the per-phase table, dispatch
 * lateness, the queue's high-water mark, the event times, the workers and
 * requests per event, from a run's results (results.h). openstats.c does
 * the accounting and prints nothing; this file accounts for nothing. */
#include <stdarg.h>
#include <stdio.h>

#include "summary.h"

struct out {
    struct lg_outbuf *b;
    const char *indent;
};

__attribute__((format(printf, 2, 3))) static void say(const struct out *out, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    lg_outbuf_printf(out->b, "%s%s", out->indent, line);
}

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

/* `30@10` or `30@10-20` and `10` or `10->20` of phase p, as the schedule
 * asked it; a phase the schedule does not know shows its recorded span and
 * `?`. */
static void phase_names(const struct lg_results_phase *p, char *label, char *asked, size_t n)
{
    if (p->asked_r1 < 0) {
        snprintf(label, n, "%g@?", p->duration_s);
        snprintf(asked, n, "?");
    } else if (p->asked_r1 == p->asked_r2) {
        snprintf(label, n, "%g@%g", p->duration_s, p->asked_r1);
        snprintf(asked, n, "%g", p->asked_r1);
    } else {
        snprintf(label, n, "%g@%g-%g", p->duration_s, p->asked_r1, p->asked_r2);
        snprintf(asked, n, "%g->%g", p->asked_r1, p->asked_r2);
    }
}

static void summary_phases(const struct lg_results_open *o, const struct out *out)
{
    char label[64], asked[64], achieved[32], gen[24];
    say(out, "%-16s %14s %11s %10s %10s %10s\n", "phase", "asked/s", "achieved/s", "generated",
        "processed", "dropped");
    for (int i = 0; i < o->nphases; i++) {
        const struct lg_results_phase *p = &o->phase[i];
        phase_names(p, label, asked, sizeof label);
        if (p->achieved < 0)
            snprintf(achieved, sizeof achieved, "-");
        else
            snprintf(achieved, sizeof achieved, "%.2f", p->achieved);
        if (p->done)
            snprintf(gen, sizeof gen, "%llu", (unsigned long long)p->generated);
        else
            snprintf(gen, sizeof gen, "-");
        say(out, "%-16s %14s %11s %10s %10llu %10llu%s\n", label, asked, achieved, gen,
            (unsigned long long)p->processed, (unsigned long long)p->dropped,
            p->done ? "" : "  (not finished)");
    }
    say(out, "%-16s %14s %11s %10llu %10llu %10llu\n", "all", "", "",
        (unsigned long long)o->generated, (unsigned long long)o->processed,
        (unsigned long long)o->dropped);
}

static void summary_times(const struct lg_results_open *o, const struct out *out)
{
    static const char *const names[LG_OPEN_NTIMES] = { "wait", "response", "service",
                                                       "lateness" };
    char pctl[LG_SUMMARY_PCTL_BYTES];
    say(out, "%-16s %10s" LG_SUMMARY_PCTL_HEAD "\n", "event times", "count");
    for (int i = 0; i < LG_OPEN_NTIMES; i++)
        say(out, "%-16s %10llu%s\n", names[i], (unsigned long long)lg_hist_count(&o->times[i]),
            lg_summary_pctl(pctl, &o->times[i]));
    say(out, "  (wait: taken minus intended; response: end minus intended, free of coordinated "
             "omission; service: end minus taken; lateness: queued minus intended)\n");
}

/* Schroeder et al., "Open Versus Closed" (2006): an open model whose
 * events are sessions of about 5 requests or fewer behaves open, of about
 * 10 or more, closed. */
static void summary_requests(const struct lg_results_open *o, const struct out *out)
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

void lg_summary_open(struct lg_outbuf *b, const struct lg_results_open *o, const char *indent)
{
    struct out out = { b, indent ? indent : "" };
    /* of the schedule's phases; without a schedule, of those records named */
    say(&out, "open model: %d of %d phases done, %llu events generated\n", o->phases_done,
        o->phases ? o->phases : o->nphases, (unsigned long long)o->generated);
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
