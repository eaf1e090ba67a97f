/* metrics_text.c -- the exposition of --metrics-listen (see metrics.h):
 * the collector's read-only view as Prometheus's text format 0.0.4, or
 * OpenMetrics 1.0.
 *
 * Families, each with its HELP and TYPE once, its samples together:
 * per (line, name, kind) row logen_requests_total, logen_errors_total and
 * the histogram logen_request_duration_seconds, whose cumulative buckets
 * come from the row's HDR histogram (lg_hist_count_le: bucket-exact, so a
 * bucket agrees with the HDR figures within their 0.1 %; +Inf and _count
 * are the exact count, _sum the exact sum); per line the live workers,
 * hook errors and, in the open model, the queue depth and the events
 * generated, processed and dropped; for the run the records received,
 * sent and lost, its start time and whether it has ended. Label values are
 * escaped as the formats say (backslash, double quote, newline), and a
 * byte that is not UTF-8 becomes '?', as one bad name would otherwise fail
 * the whole scrape. It reads the view only; it serves nothing. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "hist.h"
#include "mem.h"
#include "metrics.h"
#include "names.h"
#include "openstats.h"
#include "report.h"

/* The buckets' upper bounds: 100 us to 60 s, three per decade (1, 2.5, 5),
 * then 30 s and 60 s; le as OpenMetrics writes canonical numbers. */
#define NBOUNDS 18
static const uint64_t bound_ns[NBOUNDS] = {
    100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 25000000, 50000000,
    100000000, 250000000, 500000000, 1000000000, 2500000000ULL, 5000000000ULL,
    10000000000ULL, 30000000000ULL, 60000000000ULL,
};
static const char *const bound_le[NBOUNDS] = {
    "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0",
};
static const char *const kind_name[LG_NKINDS] = { "req", "tra" };

/* One rendering: where it goes and in which format. */
struct mt {
    struct lg_metrics_buf *b;
    const struct lg_collector *c;
    const struct lg_names *names; /* the view's */
    int om;            /* OpenMetrics */
    struct lg_metrics_buf lab;    /* the labels of the series being written, escaped */
};

void lg_metrics_printf(struct lg_metrics_buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 4096;
        while (cap <= b->len + (size_t)n)
            cap *= 2;
        b->p = lg_realloc(b->p, cap);
        b->cap = cap;
    }
}

/* Appends label value s to r->lab, escaped: runs of plain text at once. */
static void mt_value(struct mt *r, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), run = 0;
    while (run < n) {
        size_t k = p[run] < 0x80 ? 1 : lg_report_utf8_len(p + run, n - run);
        if (k && p[run] != '\\' && p[run] != '"' && p[run] != '\n') {
            run += k;
            continue;
        }
        lg_metrics_printf(&r->lab, "%.*s%s", (int)run, (const char *)p,
                          !k ? "?" : p[run] == '\n' ? "\\n" : p[run] == '"' ? "\\\"" : "\\\\");
        p += run + 1;
        n -= run + 1;
        run = 0;
    }
    lg_metrics_printf(&r->lab, "%.*s", (int)run, (const char *)p);
}

/* HELP and TYPE of a family. OpenMetrics names a counter's family without
 * its samples' _total. */
static void mt_family(struct mt *r, const char *name, const char *type, const char *help)
{
    size_t n = strlen(name);
    if (r->om && strcmp(type, "counter") == 0 && n > 6 && strcmp(name + n - 6, "_total") == 0)
        n -= 6;
    lg_metrics_printf(r->b, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name,
                      type);
}

/* The labels of line l, and of row unless NULL, escaped:
 * `line="ID",name="N",kind="K"`. Valid until the next call. */
static const char *mt_labels(struct mt *r, int l, const struct lg_collector_row *row)
{
    struct lg_collector_line lv;
    lg_collector_line(r->c, l, &lv);
    r->lab.len = 0;
    lg_metrics_printf(&r->lab, "line=\"");
    mt_value(r, lv.info && lv.info->id ? lv.info->id : "");
    if (row) {
        lg_metrics_printf(&r->lab, "\",name=\"");
        mt_value(r, lg_names_str(r->names, row->name));
        lg_metrics_printf(&r->lab, "\",kind=\"%s", kind_name[row->kind]);
    }
    lg_metrics_printf(&r->lab, "\"");
    return r->lab.p;
}

/* The requests' and the errors' counters of every row. */
static void mt_row_counters(struct mt *r, int nlines)
{
    static const char *const name[2] = { "logen_requests_total", "logen_errors_total" };
    static const char *const help[2] = {
        "Requests (kind req) and transactions (kind tra) ended, by line and name.",
        "Requests and transactions ended with a non-zero rc, by line and name.",
    };
    for (int m = 0; m < 2; m++) {
        mt_family(r, name[m], "counter", help[m]);
        for (int l = 0; l < nlines; l++) {
            struct lg_collector_row row;
            for (size_t pos = 0; lg_collector_row_next(r->c, l, &pos, &row);)
                lg_metrics_printf(r->b, "%s{%s} %" PRIu64 "\n", name[m], mt_labels(r, l, &row),
                                  m == 0 ? lg_hist_count(row.h) : row.errors);
        }
    }
}

/* The latency histogram of every row. */
static void mt_row_histograms(struct mt *r, int nlines)
{
    mt_family(r, "logen_request_duration_seconds", "histogram",
              "Durations of the requests and transactions, by line and name.");
    for (int l = 0; l < nlines; l++) {
        struct lg_collector_row row;
        for (size_t pos = 0; lg_collector_row_next(r->c, l, &pos, &row);) {
            uint64_t cum[NBOUNDS], count = lg_hist_count(row.h), sum = row.h->sum_ns;
            const char *lab = mt_labels(r, l, &row);
            lg_hist_count_le(row.h, bound_ns, NBOUNDS, cum);
            for (int k = 0; k <= NBOUNDS; k++)
                lg_metrics_printf(r->b, "logen_request_duration_seconds_bucket{%s,le=\"%s\"} "
                                  "%" PRIu64 "\n", lab, k < NBOUNDS ? bound_le[k] : "+Inf",
                                  k < NBOUNDS ? cum[k] : count);
            lg_metrics_printf(r->b, "logen_request_duration_seconds_sum{%s} %" PRIu64 ".%09" PRIu64
                              "\n", lab, sum / (uint64_t)LG_NS_PER_S, sum % (uint64_t)LG_NS_PER_S);
            lg_metrics_printf(r->b, "logen_request_duration_seconds_count{%s} %" PRIu64 "\n", lab,
                              count);
        }
    }
}

/* The per-line families: what of line l metric m says. */
enum { PL_WORKERS, PL_HOOK_ERRORS, PL_QUEUE, PL_INFLIGHT, PL_GENERATED, PL_PROCESSED, PL_DROPPED,
       PL_N };
static const struct {
    const char *name, *type, *help;
    int open;  /* open lines only */
} per_line[PL_N] = {
    { "logen_workers", "gauge", "Workers of the line started and not ended.", 0 },
    { "logen_hook_errors_total", "counter", "Failures outside any request (a hook raised).", 0 },
    { "logen_queue_depth", "gauge", "Open model: events waiting in the line's job queue.", 1 },
    { "logen_events_in_flight", "gauge", "Open model: events the line's workers hold, taken "
      "and not yet done (summed every controller period).", 1 },
    { "logen_events_generated_total", "counter", "Open model: events queued by the generator "
      "(counted at the end of each phase).", 1 },
    { "logen_events_processed_total", "counter", "Open model: events processed by a worker.", 1 },
    { "logen_events_dropped_total", "counter", "Open model: events dropped after --maxwait.", 1 },
};

static uint64_t mt_line_value(const struct lg_collector_line *lv, int m)
{
    struct lg_openstats_counts k = { 0 };
    if (lv->open)
        lg_openstats_counts(lv->open, &k);
    switch (m) {
    case PL_WORKERS:     return (uint64_t)(lv->started - lv->ended);
    case PL_HOOK_ERRORS: return lv->hook_errors;
    case PL_QUEUE:       return k.depth > 0 ? (uint64_t)k.depth : 0;
    case PL_INFLIGHT:    return k.inflight > 0 ? (uint64_t)k.inflight : 0;
    case PL_GENERATED:   return k.generated;
    case PL_PROCESSED:   return k.processed;
    default:             return k.dropped;
    }
}

static void mt_lines(struct mt *r, int nlines)
{
    for (int m = 0; m < PL_N; m++) {
        int header = 0;
        for (int l = 0; l < nlines; l++) {
            struct lg_collector_line lv;
            lg_collector_line(r->c, l, &lv);
            if (per_line[m].open && !lv.open)
                continue;
            if (!header++)
                mt_family(r, per_line[m].name, per_line[m].type, per_line[m].help);
            lg_metrics_printf(r->b, "%s{%s} %" PRIu64 "\n", per_line[m].name, mt_labels(r, l, NULL),
                              mt_line_value(&lv, m));
        }
    }
}

/* One run-wide sample with its family. */
static void mt_run_value(struct mt *r, const char *name, const char *type, const char *help,
                         uint64_t v)
{
    mt_family(r, name, type, help);
    lg_metrics_printf(r->b, "%s %" PRIu64 "\n", name, v);
}

void lg_metrics_render(struct lg_metrics_buf *b, const struct lg_collector *c, int openmetrics,
                       int ended)
{
    struct lg_collector_view v;
    lg_collector_view(c, &v);
    struct mt r = { .b = b, .c = c, .names = v.names, .om = openmetrics };
    mt_row_counters(&r, v.nlines);
    mt_row_histograms(&r, v.nlines);
    mt_lines(&r, v.nlines);
    mt_run_value(&r, "logen_records_received_total", "counter",
                 "Records received from the workers over the stats pipe.", v.t.received);
    mt_run_value(&r, "logen_records_sent_total", "counter",
                 "Records the workers that have stopped say they sent.", v.t.sent);
    mt_run_value(&r, "logen_records_lost_total", "counter",
                 "Records missing in the workers' sequences.", v.t.lost);
    mt_family(&r, "logen_run_start_time_seconds", "gauge",
              "When the run started, seconds since the Unix epoch.");
    int64_t wall = lg_clock_wall_ns(0);
    lg_metrics_printf(b, "logen_run_start_time_seconds %" PRId64 ".%03" PRId64 "\n",
                      (int64_t)(wall / LG_NS_PER_S), (int64_t)(wall % LG_NS_PER_S / 1000000));
    mt_run_value(&r, "logen_run_ended", "gauge",
                 "1 once the run is over and these figures are final, else 0.", ended != 0);
    if (openmetrics)
        lg_metrics_printf(b, "# EOF\n");
    free(r.lab.p);
}
