/* report.c -- event and error lines, formatted without printf (see
 * report.h): the field writers, the human formats (short, long), error
 * lines and the jtl hold; the formats for other programs (raw, jtl, csv,
 * json) are report_cols.c, through report_impl.h.
 *
 * Every writer appends at a char pointer and returns the new end; the
 * caller guarantees LG_REPORT_LINE_MAX bytes of room, and strings are cut at
 * LG_REPORT_STR_MAX, so no writer checks bounds per character. Durations
 * and epochs are printed from integer nanoseconds, never through a double,
 * so "0.001000" is exact. Local time costs one localtime_r per wall-clock
 * second, not one per line. */
#include "report.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "outbuf.h"
#include "report_impl.h"

static const char digits2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static const uint64_t pow10_u64[] = { 1,      10,      100,      1000,      10000,
                                      100000, 1000000, 10000000, 100000000, 1000000000 };

/* ---- numbers ---------------------------------------------------------- */

char *lg_report_u64(char *p, uint64_t v)
{
    char tmp[20];
    char *t = tmp + sizeof tmp;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        *--t = digits2[d + 1];
        *--t = digits2[d];
    }
    if (v >= 10) {
        *--t = digits2[v * 2 + 1];
        *--t = digits2[v * 2];
    } else {
        *--t = (char)('0' + v);
    }
    size_t n = (size_t)(tmp + sizeof tmp - t);
    memcpy(p, t, n);
    return p + n;
}

char *lg_report_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return lg_report_u64(p, 0 - (uint64_t)v);
    }
    return lg_report_u64(p, (uint64_t)v);
}

/* v zero-padded to exactly `width` digits (v < 10^width). */
static char *put_padded(char *p, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

char *lg_report_fixed(char *p, double v, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    double scale = (double)pow10_u64[decimals];
    double a = v < 0 ? -v : v;
    if (!(a * scale < 9e18)) /* NaN, infinity or too big: bounded, rare */
        return p + snprintf(p, 32, "%.6e", v);
    uint64_t scaled = (uint64_t)(a * scale + 0.5);
    if (v < 0 && scaled)
        *p++ = '-';
    p = lg_report_u64(p, scaled / pow10_u64[decimals]);
    if (decimals) {
        *p++ = '.';
        p = put_padded(p, scaled % pow10_u64[decimals], decimals);
    }
    return p;
}

/* ns as seconds with 6 decimals, rounded to the microsecond. */
char *lg_report_secs(char *p, int64_t ns)
{
    uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t us = (a + 500) / 1000;
    if (ns < 0 && us)
        *p++ = '-';
    p = lg_report_u64(p, us / 1000000);
    *p++ = '.';
    return put_padded(p, us % 1000000, 6);
}

/* ---- strings ---------------------------------------------------------- */

/* A message on one line: trailing blanks dropped, each line break becomes
 * " | " (Lua tracebacks are multi-line), other control bytes a space. */
static char *put_clean(char *p, const char *s)
{
    size_t n = cut_len(s);
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n' || ch == '\r') {
            p = PUT(p, " | ");
            while (i + 1 < n && (unsigned char)s[i + 1] <= ' ')
                i++;
        } else {
            *p++ = (ch < ' ' || ch == 0x7f) ? ' ' : (char)ch;
        }
    }
    return p;
}

char *lg_report_csv_field(char *p, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote)
        return put_lit(p, s, n);
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            *p++ = '"';
        *p++ = s[i];
    }
    *p++ = '"';
    return p;
}

char *lg_report_csv_clean(char *p, const char *s)
{
    char tmp[3 * LG_REPORT_STR_MAX + 8]; /* put_clean at most triples */
    size_t n = (size_t)(put_clean(tmp, s) - tmp);
    return lg_report_csv_field(p, tmp, n);
}

/* See report.h. */
size_t lg_report_utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (!len || len > n || s[0] > 0xf4)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return len;
}

char *lg_report_json_field(char *p, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = u[i];
        size_t len;
        if (ch == '"' || ch == '\\') {
            *p++ = '\\';
            *p++ = (char)ch;
        } else if (ch == '\n') {
            p = PUT(p, "\\n");
        } else if (ch == '\t') {
            p = PUT(p, "\\t");
        } else if (ch >= 0x80 && (len = lg_report_utf8_len(u + i, n - i))) {
            p = put_lit(p, s + i, len);
            i += len - 1;
        } else if (ch < ' ' || ch >= 0x7f) { /* a byte outside UTF-8: its Latin-1 character */
            p = PUT(p, "\\u00");
            *p++ = hex[ch >> 4];
            *p++ = hex[ch & 15];
        } else {
            *p++ = (char)ch;
        }
    }
    *p++ = '"';
    return p;
}

char *lg_report_json_str(char *p, const char *s)
{
    return s ? lg_report_json_field(p, s, cut_len(s)) : PUT(p, "null");
}

/* ---- wall clock ------------------------------------------------------- */

void lg_report_init(struct lg_report *r, enum lg_outformat format)
{
    memset(r, 0, sizeof *r);
    r->format = format;
    r->sec = -1;
}

/* Caches HH:MM:SS and the epoch digits of Unix second `sec`. */
static void report_second(struct lg_report *r, int64_t sec)
{
    time_t t = (time_t)sec;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    char *p = r->hms;
    p = put_padded(p, (uint64_t)tm.tm_hour, 2);
    *p++ = ':';
    p = put_padded(p, (uint64_t)tm.tm_min, 2);
    *p++ = ':';
    put_padded(p, (uint64_t)tm.tm_sec, 2);
    r->epoch_len = (size_t)(lg_report_i64(r->epoch, sec) - r->epoch);
    r->sec = sec;
}

/* Splits wall ns into a cached second and the microseconds within it
 * (truncated, so the time and the epoch of a line always agree). */
static uint64_t report_wall(struct lg_report *r, int64_t wall_ns)
{
    int64_t sec = wall_ns / LG_NS_PER_S, rem = wall_ns % LG_NS_PER_S;
    if (rem < 0) {
        sec--;
        rem += LG_NS_PER_S;
    }
    if (sec != r->sec)
        report_second(r, sec);
    return (uint64_t)rem / 1000;
}

char *lg_report_time(struct lg_report *r, char *p, int64_t wall_ns)
{
    uint64_t us = report_wall(r, wall_ns);
    p = put_lit(p, r->hms, sizeof r->hms);
    *p++ = '.';
    return put_padded(p, us, 6);
}

char *lg_report_epoch(struct lg_report *r, char *p, int64_t wall_ns)
{
    uint64_t us = report_wall(r, wall_ns);
    p = put_lit(p, r->epoch, r->epoch_len);
    *p++ = '.';
    return put_padded(p, us, 6);
}

/* "HH:MM:SS.uuuuuu SSSSSSSSSS.uuuuuu", both from one cached second. */
static char *put_clock_epoch(struct lg_report *r, char *p, int64_t wall_ns)
{
    p = lg_report_time(r, p, wall_ns);
    *p++ = ' ';
    return lg_report_epoch(r, p, wall_ns);
}

char *lg_report_epoch_abs(char *p, int64_t wall_ns)
{
    int64_t sec = wall_ns / LG_NS_PER_S, rem = wall_ns % LG_NS_PER_S;
    if (rem < 0) {
        sec--;
        rem += LG_NS_PER_S;
    }
    p = lg_report_i64(p, sec);
    *p++ = '.';
    return put_padded(p, (uint64_t)rem / 1000, 6);
}

/* ---- derived fields --------------------------------------------------- */

const char *lg_report_nature(const struct lg_event *ev)
{
    if (ev->rec->type == LG_REC_TRA)
        return "tra";
    return ev_is_part(ev) ? "part" : "solo";
}

const char *lg_report_type(const struct lg_event *ev)
{
    switch (ev->rec->type) {
    case LG_REC_TRA:
        return "tra";
    case LG_REC_ERR:
        return "err";
    default:
        return "req";
    }
}

char *lg_report_step(char *p, const struct lg_event *ev)
{
    return ev->step ? put_str(p, ev->step) : lg_report_u64(p, ev->rec->step);
}

char *lg_report_full_id(char *p, const struct lg_event *ev)
{
    p = put_str(p, ev->id);
    *p++ = '.';
    p = lg_report_i64(p, ev->rec->pid);
    *p++ = '.';
    p = put_str(p, ev->cut);
    *p++ = '.';
    p = lg_report_u64(p, ev->rec->step);
    *p++ = '.';
    return put_str(p, ev->name);
}

char *lg_report_tra_id(char *p, const struct lg_event *ev)
{
    if (ev->rec->u.ev.tra == 0)
        return PUT(p, "None");
    p = put_str(p, ev->id);
    *p++ = '.';
    p = lg_report_i64(p, ev->rec->pid);
    *p++ = '.';
    return lg_report_u64(p, ev->rec->u.ev.tra);
}

char *lg_report_local_thru(char *p, const struct lg_event *ev)
{
    return ev_is_part(ev) ? PUT(p, "-1") : lg_report_fixed(p, ev->local_thru, 2);
}

/* ---- formats ---------------------------------------------------------- */

/* time epoch type globalOps globalThru started ended active fullId nature
 * transactionId localOpcount localThru RC rc step t seconds [w seconds] */
static size_t report_short(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    const struct lg_record *rec = ev->rec;
    char *p = put_clock_epoch(r, buf, lg_clock_wall_ns(rec->u.ev.end_ns));
    *p++ = ' ';
    p = put_str(p, lg_report_type(ev));
    *p++ = ' ';
    p = lg_report_u64(p, ev->global_ops);
    *p++ = ' ';
    p = lg_report_fixed(p, ev->global_thru, 2);
    *p++ = ' ';
    p = lg_report_i64(p, ev->started);
    *p++ = ' ';
    p = lg_report_i64(p, ev->ended);
    *p++ = ' ';
    p = lg_report_i64(p, ev->active);
    *p++ = ' ';
    p = lg_report_full_id(p, ev);
    *p++ = ' ';
    p = put_str(p, lg_report_nature(ev));
    *p++ = ' ';
    p = lg_report_tra_id(p, ev);
    *p++ = ' ';
    p = lg_report_u64(p, rec->u.ev.opcount);
    *p++ = ' ';
    p = lg_report_local_thru(p, ev);
    p = PUT(p, " RC ");
    p = lg_report_u64(p, rec->rc);
    *p++ = ' ';
    p = lg_report_step(p, ev);
    p = PUT(p, " t ");
    p = lg_report_secs(p, ev_duration(ev));
    if (ev->open) {
        p = PUT(p, " w ");
        p = lg_report_secs(p, ev_wait(ev));
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* The short line's values, labelled, plus the pipe backlog and the pid. */
static size_t report_long(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    const struct lg_record *rec = ev->rec;
    char *p = put_clock_epoch(r, buf, lg_clock_wall_ns(rec->u.ev.end_ns));
    p = PUT(p, " typ=");
    p = put_str(p, lg_report_type(ev));
    p = PUT(p, " q=");
    p = lg_report_i64(p, ev->backlog);
    p = PUT(p, " ops=");
    p = lg_report_u64(p, ev->global_ops);
    p = PUT(p, " gThru=");
    p = lg_report_fixed(p, ev->global_thru, 2);
    p = PUT(p, " sta=");
    p = lg_report_i64(p, ev->started);
    p = PUT(p, " end=");
    p = lg_report_i64(p, ev->ended);
    p = PUT(p, " act=");
    p = lg_report_i64(p, ev->active);
    p = PUT(p, " pid=");
    p = lg_report_i64(p, rec->pid);
    p = PUT(p, " fullId=");
    p = lg_report_full_id(p, ev);
    p = PUT(p, " kind=");
    p = put_str(p, lg_report_nature(ev));
    p = PUT(p, " transId=");
    p = lg_report_tra_id(p, ev);
    p = PUT(p, " opcount=");
    p = lg_report_u64(p, rec->u.ev.opcount);
    p = PUT(p, " thru=");
    p = lg_report_local_thru(p, ev);
    p = PUT(p, " RC=");
    p = lg_report_u64(p, rec->rc);
    p = PUT(p, " step=");
    p = lg_report_step(p, ev);
    p = PUT(p, " t=");
    p = lg_report_secs(p, ev_duration(ev));
    if (ev->open) {
        p = PUT(p, " w=");
        p = lg_report_secs(p, ev_wait(ev));
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

size_t lg_report_header(const struct lg_report *r, char *buf)
{
    if (r->format == LG_OUT_CSV)
        return lg_report_csv_header(buf);
    if (r->format != LG_OUT_JTL)
        return 0;
    memcpy(buf, LG_REPORT_JTL_HEADER, sizeof LG_REPORT_JTL_HEADER - 1);
    return sizeof LG_REPORT_JTL_HEADER - 1;
}

size_t lg_report_event(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    switch (r->format) {
    case LG_OUT_LONG:
        return report_long(r, ev, buf);
    case LG_OUT_RAW:
        return lg_report_raw(r, ev, buf);
    case LG_OUT_JTL:
        return lg_report_jtl(ev, buf);
    case LG_OUT_CSV:
        return lg_report_csv(r, ev, buf);
    case LG_OUT_JSON:
        return lg_report_json(r, ev, buf);
    case LG_OUT_NONE:
        return 0;
    default:
        return report_short(r, ev, buf);
    }
}

size_t lg_report_error(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    char *p = lg_report_time(r, buf, lg_clock_wall_ns(ev->rec->u.ev.end_ns));
    p = PUT(p, " ERROR ");
    p = lg_report_full_id(p, ev);
    p = PUT(p, " rc=");
    p = lg_report_u64(p, ev->rec->rc);
    p = PUT(p, ": ");
    p = ev->error && *ev->error ? put_clean(p, ev->error) : PUT(p, "(no message)");
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* ---- into an output buffer; jtl holding ------------------------------- */

void lg_report_put_header(const struct lg_report *r, struct lg_outbuf *b)
{
    b->len += lg_report_header(r, lg_outbuf_room(b));
}

void lg_report_put_event(struct lg_report *r, struct lg_outbuf *b, const struct lg_event *ev)
{
    if (r->format == LG_OUT_NONE)
        return;
    char *p = lg_outbuf_room(b);
    b->len += lg_report_event(r, ev, p);
}

void lg_report_put_error(struct lg_report *r, struct lg_outbuf *b, const struct lg_event *ev)
{
    char *p = lg_outbuf_room(b);
    b->len += lg_report_error(r, ev, p);
}

void lg_report_hold(struct lg_report_hold *h, const struct lg_record *rec, int name)
{
    h->held = 1;
    h->rec = *rec;
    h->name = name;
    h->samples = h->failing = 0;
    h->error[0] = '\0';
}

void lg_report_hold_count(struct lg_report_hold *h, const struct lg_record *rec, const char *err)
{
    h->samples++;
    if (rec->rc == 0)
        return;
    h->failing++;
    if (err && !h->error[0])
        memcpy(h->error, err, strlen(err) + 1);
}

void lg_report_hold_release(struct lg_report_hold *h, struct lg_event *ev)
{
    h->held = 0;
    ev->tra_samples = h->samples;
    ev->tra_failing = h->failing;
    ev->error = h->error[0] ? h->error : NULL;
}
