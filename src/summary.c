/* summary.c -- the periodic lines and the end summary, as text (see
 * summary.h).
 *
 * The periodic line comes from the collector's view, the end summary from
 * a run's results (results.h), never from the collector. Throughputs are counts over
 * spans: a line's rows over that line's own span (from its first worker's
 * load start to its last end, collector.h), the run's rows and the global
 * figure over the run's span, so a line that ran 1 s of a 6 s run shows
 * its own rate, not a sixth of it. The `(all ...)` rows merge histograms,
 * never average percentiles. Lines are printf-formatted into an output
 * buffer: this runs once a second and once at the end, not per record. */
#include "summary.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mem.h"
#include "openstats.h"
#include "results.h"
#include "threshold.h"

#define END_BUF_BYTES (256 << 10)
#define NAME_COL_MIN 20
#define NAME_COL_MAX 60

/* What the end summary renders, and where. */
struct sum {
    struct lg_outbuf *b;
    const struct lg_results *r;
    int namecol;                 /* width of the name column */
};

static double ns_to_ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static double per_s(uint64_t n, lg_ns_t span_ns)
{
    return span_ns > 0 ? (double)n * 1e9 / (double)span_ns : 0.0;
}

static lg_ns_t span_of(lg_ns_t begin, lg_ns_t end)
{
    return end > begin ? end - begin : 0;
}

const char *lg_summary_pctl(char *buf, const struct lg_hist *h)
{
    snprintf(buf, LG_SUMMARY_PCTL_BYTES, " %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f",
             ns_to_ms(lg_hist_min(h)), lg_hist_mean(h) / 1e6, ns_to_ms(lg_hist_percentile(h, 50)),
             ns_to_ms(lg_hist_percentile(h, 90)), ns_to_ms(lg_hist_percentile(h, 99)),
             ns_to_ms(lg_hist_max(h)));
    return buf;
}

/* ==== the periodic line ================================================== */

/* Its open-model part: queue depth, events processed and dropped; each
 * line prefixed with its number when there are several. */
static void interval_open_lines(struct lg_outbuf *b, const struct lg_collector *c, int nlines)
{
    struct lg_collector_line lv;
    int nopen = 0;
    for (int l = 0; l < nlines; l++) {
        lg_collector_line(c, l, &lv);
        nopen += lv.open != NULL;
    }
    for (int l = 0; l < nlines; l++) {
        struct lg_openstats_counts k;
        lg_collector_line(c, l, &lv);
        if (!lv.open)
            continue;
        lg_openstats_counts(lv.open, &k);
        if (nopen > 1)
            lg_outbuf_printf(b, " | L%d queue %ld done %llu drop %llu", l + 1, k.depth,
                             (unsigned long long)k.processed, (unsigned long long)k.dropped);
        else
            lg_outbuf_printf(b, " | queue %ld done %llu drop %llu", k.depth,
                             (unsigned long long)k.processed, (unsigned long long)k.dropped);
    }
}

void lg_summary_interval(struct lg_outbuf *b, const struct lg_collector *c, lg_ns_t end,
                         double thru)
{
    struct lg_collector_view v;
    lg_collector_view(c, &v);
    lg_outbuf_printf(b,
                     "[%6.1fs] reqs %llu tra %llu err %llu | %.1f/s | workers %d started %d "
                     "ended %d active | backlog %ld",
                     (double)end / 1e9, (unsigned long long)v.t.requests,
                     (unsigned long long)v.t.transactions, (unsigned long long)v.t.errors, thru,
                     v.t.started, v.t.ended, v.t.active, v.backlog);
    interval_open_lines(b, c, v.nlines);
    lg_outbuf_printf(b, "\n");
}

/* ==== the statistics tables ============================================== */

/* Width of the name column: the longest name, within bounds. */
static int name_col(const struct lg_results *r)
{
    size_t w = NAME_COL_MIN;
    for (int l = 0; l < r->nlines; l++)
        for (size_t i = 0; i < r->lines[l].nrows; i++)
            if (strlen(r->lines[l].rows[i].name) > w)
                w = strlen(r->lines[l].rows[i].name);
    return (int)(w > NAME_COL_MAX ? NAME_COL_MAX : w);
}

static void table_row(struct sum *s, const char *kind, const char *name, const struct lg_hist *h,
                      uint64_t errors, lg_ns_t span)
{
    char pctl[LG_SUMMARY_PCTL_BYTES];
    lg_outbuf_printf(s->b, "  %-4s %-*s %10llu %8llu %10.2f%s\n", kind, s->namecol, name,
                     (unsigned long long)lg_hist_count(h), (unsigned long long)errors,
                     per_s(lg_hist_count(h), span), lg_summary_pctl(pctl, h));
}

static void table_head(struct sum *s)
{
    lg_outbuf_printf(s->b, "  %-4s %-*s %10s %8s %10s" LG_SUMMARY_PCTL_HEAD "\n", "kind",
                     s->namecol, "name", "count", "errors", "thru/s");
}

/* Adds the rows of line rl into tot[kind] (and the errors into errs[kind]). */
static void line_merge(const struct lg_results_line *rl, struct lg_hist *tot, uint64_t *errs)
{
    for (size_t i = 0; i < rl->nrows; i++) {
        lg_hist_merge(&tot[rl->rows[i].kind], &rl->rows[i].h);
        errs[rl->rows[i].kind] += rl->rows[i].errors;
    }
}

static void table_totals(struct sum *s, const struct lg_hist *tot, const uint64_t *errs,
                         uint64_t hook_errors, lg_ns_t span)
{
    table_row(s, "req", "(all requests)", &tot[LG_KIND_REQ], errs[LG_KIND_REQ], span);
    if (lg_hist_count(&tot[LG_KIND_TRA]))
        table_row(s, "tra", "(all transactions)", &tot[LG_KIND_TRA], errs[LG_KIND_TRA], span);
    if (hook_errors)
        lg_outbuf_printf(s->b, "  %-4s %-*s %10s %8llu\n", "err", s->namecol,
                         "(outside requests)", "", (unsigned long long)hook_errors);
}

/* Line l's table, its rows over its own span; `tot` is LG_NKINDS
 * histograms of scratch space. */
static void table_line(struct sum *s, int l, struct lg_hist *tot)
{
    static const char *const kinds[LG_NKINDS] = { "req", "tra" };
    const struct lg_results_line *rl = &s->r->lines[l];
    uint64_t errs[LG_NKINDS] = { 0 };
    lg_ns_t span = span_of(rl->begin_ns, rl->end_ns);
    lg_outbuf_printf(s->b, "line %d: id %s, cut %s, %d workers started\n", l + 1, rl->id,
                     rl->cut, rl->started);
    table_head(s);
    for (size_t i = 0; i < rl->nrows; i++)
        table_row(s, kinds[rl->rows[i].kind], rl->rows[i].name, &rl->rows[i].h,
                  rl->rows[i].errors, span);
    lg_hist_fini(&tot[LG_KIND_REQ]);
    lg_hist_fini(&tot[LG_KIND_TRA]);
    line_merge(rl, tot, errs);
    table_totals(s, tot, errs, rl->hook_errors, span);
    if (rl->open)
        lg_summary_open(s->b, rl->open, "  ");
}

/* One table per line, then the run's totals over the run's span when
 * there are several lines. */
static void tables(struct sum *s, lg_ns_t span)
{
    struct lg_hist *all = lg_calloc(2 * LG_NKINDS, sizeof *all), *tot = all + LG_NKINDS;
    uint64_t all_errs[LG_NKINDS] = { 0 }, all_hook = 0; /* zeroed: empty histograms */
    for (int l = 0; l < s->r->nlines; l++) {
        table_line(s, l, tot);
        line_merge(&s->r->lines[l], all, all_errs);
        all_hook += s->r->lines[l].hook_errors;
    }
    if (s->r->nlines > 1) {
        lg_outbuf_printf(s->b, "all lines:\n");
        table_head(s);
        table_totals(s, all, all_errs, all_hook, span);
    }
    for (int k = 0; k < 2 * LG_NKINDS; k++)
        lg_hist_fini(&all[k]);
    free(all);
}

/* ==== the run's figures ================================================== */

/* Calls cut at --timeout or at the hard end, and the workers that had to
 * end there because the call could not be interrupted. */
static void timeouts(struct sum *s)
{
    if (s->r->t.timeouts)
        lg_outbuf_printf(s->b, "timeouts: %llu calls timed out (rc %d, --timeout or the hard end)\n",
                         (unsigned long long)s->r->t.timeouts, LG_RC_TIMEOUT);
    if (s->r->hard_ended)
        lg_outbuf_printf(s->b, "hard end: %d workers ended at --duration + --grace, their last "
                               "call could not be interrupted\n", s->r->hard_ended);
}

/* Sum of the workers' own throughputs, and their time blocked on the pipe. */
static void workers_thru(struct sum *s, lg_ns_t span)
{
    const struct lg_results *r = s->r;
    lg_outbuf_printf(s->b,
                     "throughput: global %.2f req/s (requests / run span), sum of local %.2f "
                     "ops/s\n",
                     per_s(r->t.requests, span), r->local_ops);
    if (r->hwm_thru_at >= 0)
        lg_outbuf_printf(s->b,
                         "throughput high-water mark: %.2f req/s in the interval ending at "
                         "%.1f s\n",
                         r->hwm_thru, (double)r->hwm_thru_at / 1e9);
    else
        lg_outbuf_printf(s->b,
                         "throughput high-water mark: none (no request in a closed interval)\n");
    if (r->blocked_max_worker >= 0)
        lg_outbuf_printf(s->b, "blocked on the pipe: %.3f s in total, at most %.3f s (worker %d)\n",
                         (double)r->blocked_ns / 1e9, (double)r->blocked_max_ns / 1e9,
                         r->blocked_max_worker);
}

static void pipe_figures(struct sum *s)
{
    const struct lg_results *r = s->r;
    if (r->hwm_backlog_at >= 0)
        lg_outbuf_printf(s->b, "pipe backlog high-water mark: %ld records at %.3f s\n",
                         r->hwm_backlog, (double)r->hwm_backlog_at / 1e9);
    else
        lg_outbuf_printf(s->b, "pipe backlog high-water mark: 0 records\n");
    lg_outbuf_printf(s->b,
                     "records: sent %llu, received %llu from the workers that stopped (%llu in "
                     "all), lost %llu\n",
                     (unsigned long long)r->t.sent, (unsigned long long)r->received_stopped,
                     (unsigned long long)r->t.received, (unsigned long long)r->t.lost);
    if (r->t.lost || r->missing)
        lg_outbuf_printf(s->b,
                         "*** RECORDS LOST: %llu missing in sequence gaps, %llu fewer received "
                         "than sent: the figures above are incomplete ***\n",
                         (unsigned long long)r->t.lost, (unsigned long long)r->missing);
    if (r->bad_records)
        lg_outbuf_printf(s->b, "*** %llu records of an unknown type ignored ***\n",
                         (unsigned long long)r->bad_records);
    if (r->names_refused || r->unnamed)
        lg_outbuf_printf(s->b,
                         "*** NAMES OVER THE CAP: a run may have %d request names; %llu more "
                         "refused, %llu records named past the cap are in no figure above ***\n",
                         LG_NAMES_MAX, (unsigned long long)r->names_refused,
                         (unsigned long long)r->unnamed);
}

/* ==== the verdict ======================================================== */

unsigned lg_summary_worker_faults(const struct lg_collector_worker *w)
{
    unsigned f = 0;
    if (w->reaped && WIFSIGNALED(w->status))
        f |= LG_FAULT_SIGNAL;
    else if (w->reaped && WIFEXITED(w->status) && WEXITSTATUS(w->status) != 0)
        f |= LG_FAULT_EXIT;
    if (!w->stop && w->generator) /* it need not say goodbye */
        return f | (w->disorder ? LG_FAULT_RECORDS : 0);
    if (!w->stop)
        return f | LG_FAULT_NO_STOP;
    if (w->stop->rc == LG_STOP_FAILED)
        f |= LG_FAULT_FAILED;
    if (w->stop->u.stop.sent != w->received || w->lost || w->disorder)
        f |= LG_FAULT_RECORDS;
    return f;
}

unsigned lg_summary_line_faults(const struct lg_results_open *o, int interrupted)
{
    unsigned f = 0;
    if (!o || interrupted)
        return 0;
    if (o->generated != o->processed + o->dropped)
        f |= LG_FAULT_EVENTS;
    if (o->phases_done < o->phases)
        f |= LG_FAULT_PHASES;
    return f;
}

int lg_summary_verdict(const struct lg_results *r)
{
    int bad = r->t.lost || r->bad_records || r->out_failed || r->names_refused || r->unnamed ||
              r->nbad > 0;
    for (int l = 0; l < r->nlines && !bad; l++)
        bad = lg_summary_line_faults(r->lines[l].open, r->signal != 0) != 0;
    return bad;
}

/* Says why worker w did not end normally. A generator sends no STOP (its
 * sent is 0 then): only its records out of order are its fault. */
static void say_worker(struct sum *s, const struct lg_results_worker *w)
{
    unsigned long long got = (unsigned long long)w->received;
    unsigned f = w->faults;
    if (f & LG_FAULT_SIGNAL)
        lg_outbuf_printf(s->b, "worker %d (pid %d) killed by signal %d after %llu records\n",
                         w->worker, w->pid, w->signal, got);
    else if (f & LG_FAULT_EXIT)
        lg_outbuf_printf(s->b, "worker %d (pid %d) exited with code %d after %llu records\n",
                         w->worker, w->pid, w->exit_code, got);
    if (w->generator && !w->sent) {
        if (f & LG_FAULT_RECORDS)
            lg_outbuf_printf(s->b, "generator %d (pid %d): %llu records out of order\n",
                             w->worker, w->pid, (unsigned long long)w->disorder);
    } else if (f & LG_FAULT_NO_STOP) {
        if (!(f & (LG_FAULT_SIGNAL | LG_FAULT_EXIT)))
            lg_outbuf_printf(s->b,
                             "worker %d (pid %d) sent no STOP record (%llu records received)\n",
                             w->worker, w->pid, got);
    } else {
        if (f & LG_FAULT_FAILED)
            lg_outbuf_printf(s->b, "worker %d (pid %d) failed: %s\n", w->worker, w->pid,
                             w->message ? w->message : "(no message)");
        if (f & LG_FAULT_RECORDS)
            lg_outbuf_printf(s->b,
                             "worker %d (pid %d) sent %llu records, %llu received, %llu lost, "
                             "%llu out of order\n",
                             w->worker, w->pid, (unsigned long long)w->sent, got,
                             (unsigned long long)w->lost, (unsigned long long)w->disorder);
    }
    /* a merge notes which input a worker came from in its message */
    if (!(f & LG_FAULT_FAILED) && w->message)
        lg_outbuf_printf(s->b, "worker %d (pid %d): %s\n", w->worker, w->pid, w->message);
}

/* Says why open line l is not accounted for (faults f, not 0). */
static void say_line(struct sum *s, int l, const struct lg_results_open *o, unsigned f)
{
    uint64_t done = o->processed + o->dropped;
    if (f & LG_FAULT_EVENTS)
        lg_outbuf_printf(s->b,
                         "*** line %d: %llu events %s: generated %llu, processed %llu, dropped "
                         "%llu ***\n",
                         l + 1,
                         (unsigned long long)(o->generated > done ? o->generated - done
                                                                  : done - o->generated),
                         o->generated > done ? "LOST" : "more accounted for than generated",
                         (unsigned long long)o->generated, (unsigned long long)o->processed,
                         (unsigned long long)o->dropped);
    if (f & LG_FAULT_PHASES)
        lg_outbuf_printf(s->b, "*** line %d: the generator reported %d of %d phases ***\n",
                         l + 1, o->phases_done, o->phases);
}

/* ==== thresholds ========================================================= */

/* Lists each threshold, met or not, with what it measured; returns how
 * many were not met. */
static int thresholds(struct sum *s, const struct lg_thresholds *th)
{
    struct lg_threshold_result *res = lg_calloc((size_t)th->n, sizeof *res);
    char text[96], measured[96];
    int failed = 0, width = 0;
    for (int i = 0; i < th->n; i++) {
        lg_threshold_eval(&th->v[i], s->r, &res[i]);
        failed += !res[i].pass;
        int w = (int)strlen(th->v[i].text) + (th->v[i].own_line >= 0 ? 10 : 0);
        width = w > width ? w : width;
    }
    lg_outbuf_printf(s->b, "thresholds: %d of %d met\n", th->n - failed, th->n);
    for (int i = 0; i < th->n; i++) {
        const struct lg_threshold *t = &th->v[i];
        if (t->own_line >= 0)
            snprintf(text, sizeof text, "line %d: %s", t->own_line + 1, t->text);
        else
            snprintf(text, sizeof text, "%s", t->text);
        lg_outbuf_printf(s->b, "  %-6s %-*s  %s\n", res[i].pass ? "ok" : "FAILED",
                         width > 60 ? 60 : width, text,
                         lg_threshold_measured(t, &res[i], measured, sizeof measured));
    }
    free(res);
    return failed;
}

/* The result line: what the exit status will be, and why. */
static int result_line(struct sum *s, int bad, int thr_failed, int signal, const char *failure)
{
    if (signal) {
        lg_outbuf_printf(s->b, "result: INTERRUPTED by signal %d (exit %d)%s\n", signal,
                         128 + signal,
                         bad || failure || thr_failed ? "; FAILED as well (see above)" : "");
        return 128 + signal;
    }
    if (failure) {
        lg_outbuf_printf(s->b, "result: FAILED: %s (exit 1)\n", failure);
        return 1;
    }
    if (!bad && thr_failed) {
        lg_outbuf_printf(s->b, "result: FAILED: %d threshold%s not met (exit %d)\n", thr_failed,
                         thr_failed > 1 ? "s" : "", LG_SUMMARY_EXIT_THRESHOLDS);
        return LG_SUMMARY_EXIT_THRESHOLDS;
    }
    lg_outbuf_printf(s->b, "result: %s\n", bad ? "FAILED (see above)" : "OK");
    return bad;
}

/* The reasons, then the result line; returns the exit status. */
static int health(struct sum *s, int thr_failed)
{
    const struct lg_results *r = s->r;
    unsigned f;
    for (int l = 0; l < r->nlines; l++)
        if ((f = lg_summary_line_faults(r->lines[l].open, r->signal != 0)))
            say_line(s, l, r->lines[l].open, f);
    for (int i = 0; i < r->nbad; i++)
        say_worker(s, &r->bad[i]);
    if (r->signal)
        lg_outbuf_printf(s->b, "run interrupted by a signal: the figures cover the run until "
                               "then\n");
    if (r->out_lost)
        lg_outbuf_printf(s->b, "*** writing the event lines failed: %llu lines not written, the "
                               "output is incomplete ***\n", (unsigned long long)r->out_lost);
    else if (r->out_failed)
        lg_outbuf_printf(s->b, "*** writing the event lines failed: the output is incomplete "
                               "***\n");
    return result_line(s, lg_summary_verdict(r), thr_failed, r->signal, r->failure);
}

int lg_summary_end(const struct lg_results *r, const struct lg_thresholds *th, FILE *f)
{
    struct lg_outbuf b;
    struct sum s = { .b = &b, .r = r };
    lg_outbuf_init(&b, f, END_BUF_BYTES);
    lg_ns_t span = span_of(r->begin_ns, r->end_ns);
    lg_outbuf_printf(&b, "==== summary: %.3f s of load, %d workers started, %d ended ====\n",
                     (double)span / 1e9, r->t.started, r->t.ended);
    s.namecol = name_col(r);
    tables(&s, span);
    lg_outbuf_printf(&b, "totals: %llu requests, %llu transactions, %llu errors\n",
                     (unsigned long long)r->t.requests, (unsigned long long)r->t.transactions,
                     (unsigned long long)r->t.errors);
    timeouts(&s);
    workers_thru(&s, span);
    pipe_figures(&s);
    int thr_failed = th && th->n ? thresholds(&s, th) : 0;
    int rc = health(&s, thr_failed);
    lg_outbuf_sync(&b);
    lg_outbuf_free(&b);
    return rc;
}
