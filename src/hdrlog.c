/* hdrlog.c -- the --hdr-log interval log (see hdrlog.h).
 *
 * Each row keeps two interval histograms, by the parity of the interval:
 * the oldest open interval and the next, the only two a record can land in
 * (hdrlog.h). Each interval keeps the list of its active rows, so a close
 * costs the rows that had values, never a walk over every name. A reset
 * histogram keeps its window (lg_hist_reset): no allocation once a row's
 * range is known. The format follows HdrHistogram's HistogramLogWriter
 * (log format version 1.3); no reader here. */
#include "hdrlog.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hist.h"
#include "interval.h"
#include "mem.h"

struct lg_hdrlog_row {
    struct lg_hist h[2];         /* interval histograms, by interval parity; ns */
    char *tag;                   /* escaped, owned */
};

struct active {                  /* the rows with values in one open interval */
    struct lg_hdrlog_row **rows;
    size_t n, cap;
};

struct lg_hdrlog {
    FILE *f;
    lg_ns_t period_ns;
    int64_t first_open;          /* the oldest open interval */
    struct active act[2];        /* by interval parity */
    struct lg_hdrlog_row **rows; /* every row, to free them */
    size_t nrows, caprows;
};

/* Appends s to the tag at *p, escaping what a tag cannot hold (and '.'
 * when dot is set) as %XX. */
static char *tag_put(char *p, const char *s, int dot)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (*u <= ' ' || *u == ',' || *u == '%' || *u == 0x7f || (dot && *u == '.'))
            p += sprintf(p, "%%%02X", *u);
        else
            *p++ = (char)*u;
    }
    *p = '\0';
    return p;
}

struct lg_hdrlog_row *lg_hdrlog_row_new(struct lg_hdrlog *hl, const char *line_id,
                                        const char *name, const char *kind)
{
    struct lg_hdrlog_row *r = lg_calloc(1, sizeof *r);
    r->tag = lg_malloc(3 * (strlen(line_id) + strlen(name) + strlen(kind)) + 3);
    char *p = tag_put(r->tag, line_id, 1);
    *p++ = '.';
    p = tag_put(p, name, 0);
    *p++ = '.';
    tag_put(p, kind, 1);
    if (hl->nrows == hl->caprows) {
        hl->caprows = hl->caprows ? 2 * hl->caprows : 64;
        hl->rows = lg_realloc(hl->rows, hl->caprows * sizeof *hl->rows);
    }
    hl->rows[hl->nrows++] = r;
    return r;
}

void lg_hdrlog_record(struct lg_hdrlog *hl, struct lg_hdrlog_row *r, lg_ns_t end_ns,
                      int64_t value_ns)
{
    int64_t k = lg_interval_slot(end_ns, hl->period_ns, hl->first_open);
    struct lg_hist *h = &r->h[k & 1];
    if (h->count == 0) {
        struct active *a = &hl->act[k & 1];
        if (a->n == a->cap) {
            a->cap = a->cap ? 2 * a->cap : 64;
            a->rows = lg_realloc(a->rows, a->cap * sizeof *a->rows);
        }
        a->rows[a->n++] = r;
    }
    lg_hist_record(h, value_ns);
}

/* Writes interval k's rows, len_ns long, and empties them. */
static void hdrlog_write(struct lg_hdrlog *hl, int64_t k, lg_ns_t len_ns)
{
    struct active *a = &hl->act[k & 1];
    double start = (double)(k * hl->period_ns) / 1e9, len = (double)len_ns / 1e9;
    for (size_t i = 0; i < a->n; i++) {
        struct lg_hist *h = &a->rows[i]->h[k & 1];
        char *text = lg_hist_encode(h, NULL);
        if (text)
            fprintf(hl->f, "Tag=%s,%.3f,%.3f,%.3f,%s\n", a->rows[i]->tag, start, len,
                    (double)lg_hist_max(h) / 1e6, text);
        free(text);
        lg_hist_reset(h);
    }
    a->n = 0;
    fflush(hl->f);
}

void lg_hdrlog_close(struct lg_hdrlog *hl, int64_t k)
{
    hdrlog_write(hl, k, hl->period_ns);
    hl->first_open = k + 1;
}

void lg_hdrlog_end(struct lg_hdrlog *hl, lg_ns_t now)
{
    for (int64_t k = hl->first_open; k <= hl->first_open + 1; k++) {
        lg_ns_t len = now - k * hl->period_ns;
        hdrlog_write(hl, k, len < 0 ? 0 : len < hl->period_ns ? len : hl->period_ns);
    }
}

void lg_hdrlog_event(struct lg_hdrlog *hl, struct lg_hdrlog_row **ev, const char *line_id,
                     lg_ns_t intended_ns, lg_ns_t begin_ns, lg_ns_t end_ns)
{
    static const char *const names[LG_HDRLOG_EVENT_ROWS] = { "wait", "response", "service" };
    const int64_t v[LG_HDRLOG_EVENT_ROWS] = { begin_ns - intended_ns, end_ns - intended_ns,
                                              end_ns - begin_ns };
    for (int i = 0; i < LG_HDRLOG_EVENT_ROWS; i++) {
        if (!ev[i])
            ev[i] = lg_hdrlog_row_new(hl, line_id, names[i], "event");
        lg_hdrlog_record(hl, ev[i], end_ns, v[i]);
    }
}

struct lg_hdrlog *lg_hdrlog_new(FILE *f, lg_ns_t period_ns, int64_t base_wall_ns)
{
    struct lg_hdrlog *hl = lg_calloc(1, sizeof *hl);
    hl->f = f;
    hl->period_ns = period_ns > 0 ? period_ns : LG_NS_PER_S;
    time_t sec = (time_t)(base_wall_ns / LG_NS_PER_S);
    struct tm tm;
    char date[64] = "";
    if (localtime_r(&sec, &tm))
        strftime(date, sizeof date, "%a %b %d %H:%M:%S %Z %Y", &tm);
    double base = (double)base_wall_ns / 1e9;
    fprintf(f, "#[Logged with logen: values in ns, Interval_Max in ms, "
               "Tag=<line id>.<name>.<req|tra>]\n"
               "#[Histogram log format version 1.3]\n"
               "#[StartTime: %.3f (seconds since epoch), %s]\n"
               "#[BaseTime: %.3f (seconds since epoch)]\n"
               "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
               "\"Interval_Compressed_Histogram\"\n",
            base, date, base);
    fflush(f);
    return hl;
}

void lg_hdrlog_free(struct lg_hdrlog *hl)
{
    if (!hl)
        return;
    for (size_t i = 0; i < hl->nrows; i++) {
        lg_hist_fini(&hl->rows[i]->h[0]);
        lg_hist_fini(&hl->rows[i]->h[1]);
        free(hl->rows[i]->tag);
        free(hl->rows[i]);
    }
    free(hl->rows);
    free(hl->act[0].rows);
    free(hl->act[1].rows);
    free(hl);
}
