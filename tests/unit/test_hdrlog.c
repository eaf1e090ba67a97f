/* test_hdrlog.c -- the --hdr-log writer alone: its header, escaped tags,
 * which interval a value lands in (its own, the oldest open one when late,
 * the next when early), only active rows written, the intervals still
 * open written at the end, an open line's event times; every histogram
 * read back with lg_hist_decode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdrlog.h"
#include "hist.h"
#include "tap.h"

#define S 1000000000LL

static char *buf;
static size_t len;

/* Line i (from 0) of the log, copied into out. */
static const char *line_at(int i, char *out, size_t outlen)
{
    const char *p = buf;
    for (; i > 0 && p; i--)
        p = (p = strchr(p, '\n')) ? p + 1 : NULL;
    if (!p || !*p)
        return "";
    size_t n = strcspn(p, "\n");
    snprintf(out, outlen, "%.*s", (int)(n < outlen ? n : outlen - 1), p);
    return out;
}

/* An interval line: its tag, start, length and max, and its histogram's
 * count and max (decoded). Returns 0, or -1 when it does not parse. */
static int interval(const char *line, char *tag, double *start, double *ilen, double *max,
                    uint64_t *count, uint64_t *hmax)
{
    const char *comma = strchr(line, ',');
    if (strncmp(line, "Tag=", 4) != 0 || !comma)
        return -1;
    snprintf(tag, 256, "%.*s", (int)(comma - line - 4), line + 4);
    int used = 0;
    if (sscanf(comma + 1, "%lf,%lf,%lf,%n", start, ilen, max, &used) != 3 || !used)
        return -1;
    struct lg_hist h;
    const char *text = comma + 1 + used;
    if (lg_hist_decode(&h, text, strlen(text), NULL) < 0)
        return -1;
    *count = lg_hist_count(&h);
    *hmax = lg_hist_max(&h);
    lg_hist_fini(&h);
    return 0;
}

/* Open model: an event's wait, response and service times, in rows of
 * their own created on first use. */
static void test_event_times(void)
{
    static const char *const want[] = { "op.wait.event", "op.response.event",
                                        "op.service.event" };
    static const double want_max[] = { 0.002, 0.005, 0.003 };
    char l[4096], tag[256];
    double start, ilen, max;
    uint64_t count, hmax;
    struct lg_hdrlog_row *ev[LG_HDRLOG_EVENT_ROWS] = { NULL };
    FILE *f = open_memstream(&buf, &len);
    struct lg_hdrlog *hl = lg_hdrlog_new(f, S, 0);
    lg_hdrlog_event(hl, ev, "op", S / 10, S / 10 + 2000, S / 10 + 5000);
    lg_hdrlog_close(hl, 0);
    fflush(f);
    for (int i = 0; i < LG_HDRLOG_EVENT_ROWS; i++)
        ok(interval(line_at(5 + i, l, sizeof l), tag, &start, &ilen, &max, &count, &hmax) == 0 &&
               strcmp(tag, want[i]) == 0 && count == 1 && max == want_max[i],
           "event times: %s, one value of %g ms (got %s, %g)", want[i], want_max[i], tag, max);
    lg_hdrlog_free(hl);
    fclose(f);
    free(buf);
}

int main(void)
{
    char l[4096], tag[256];
    double start, ilen, max;
    uint64_t count, hmax;
    FILE *f = open_memstream(&buf, &len);
    struct lg_hdrlog *hl = lg_hdrlog_new(f, S, 1700000000123456789LL);
    like(line_at(0, l, sizeof l), "#[Logged with logen: values in ns", "header: who logged it");
    is_str(line_at(1, l, sizeof l), "#[Histogram log format version 1.3]", "header: format version");
    like(line_at(2, l, sizeof l), "#[StartTime: 1700000000.123 (seconds since epoch), ",
         "header: StartTime, epoch seconds with ms");
    is_str(line_at(3, l, sizeof l), "#[BaseTime: 1700000000.123 (seconds since epoch)]",
           "header: BaseTime");
    is_str(line_at(4, l, sizeof l),
           "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"",
           "header: the column legend");

    struct lg_hdrlog_row *a = lg_hdrlog_row_new(hl, "a.b", "x y,z%", "req");
    struct lg_hdrlog_row *b = lg_hdrlog_row_new(hl, "L", "n.m", "tra");
    struct lg_hdrlog_row *idle = lg_hdrlog_row_new(hl, "L", "idle", "req");
    (void)idle;
    lg_hdrlog_record(hl, a, S / 2, 100000);     /* interval 0 */
    lg_hdrlog_record(hl, b, S / 3, 7000);       /* interval 0 */
    lg_hdrlog_record(hl, a, S + S / 5, 200000); /* interval 1, still open */
    lg_hdrlog_record(hl, a, 5 * S / 2, 300000); /* interval 2: early, into 1 */
    lg_hdrlog_close(hl, 0);
    fflush(f);
    ok(interval(line_at(5, l, sizeof l), tag, &start, &ilen, &max, &count, &hmax) == 0,
       "interval 0: a line that parses and decodes");
    is_str(tag, "a%2Eb.x%20y%2Cz%25.req", "tag: '.' of the id, space, comma and %% escaped");
    ok(start == 0 && ilen == 1 && count == 1 && max == 0.1, "interval 0: start 0, 1 s, 1 value, max 0.100 ms");
    ok(interval(line_at(6, l, sizeof l), tag, &start, &ilen, &max, &count, &hmax) == 0 &&
       strcmp(tag, "L.n.m.tra") == 0 && count == 1,
       "interval 0: the other active row; a dot in a name stays");
    is_str(line_at(7, l, sizeof l), "", "interval 0: no line for the rows without values");

    lg_hdrlog_record(hl, a, S / 4, 400000);     /* late: into the oldest open, 1 */
    lg_hdrlog_close(hl, 1);
    fflush(f);
    ok(interval(line_at(7, l, sizeof l), tag, &start, &ilen, &max, &count, &hmax) == 0 &&
       start == 1 && count == 3 && max == 0.4,
       "interval 1: its value, the early one and the late one (got %g, %llu)", start,
       (unsigned long long)count);
    lg_hdrlog_record(hl, a, 3 * S + 1, 500000); /* interval 3, open at the end */
    lg_hdrlog_end(hl, 3 * S + S / 2);
    fflush(f);
    ok(interval(line_at(8, l, sizeof l), tag, &start, &ilen, &max, &count, &hmax) == 0 &&
       start == 3 && ilen == 0.5 && count == 1 && hmax >= 500000,
       "end: the open interval 3, as long as it lasted (got %g+%g)", start, ilen);
    is_str(line_at(9, l, sizeof l), "", "end: nothing for interval 2, which had no value");
    lg_hdrlog_free(hl);
    fclose(f);
    free(buf);
    test_event_times();
    return done_testing();
}
