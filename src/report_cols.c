/* report_cols.c -- the event formats for other programs (see report.h):
 * raw (the record as JSON), jtl (JMeter's CSV), and csv and json, which
 * share one table of columns written either as an RFC 4180 row or as a
 * JSON object on one line (JSON lines). Short and long, the human formats,
 * and the field writers all formats use, are report.c's.
 *
 * The columns are the long format's fields under the short format's
 * documented names (README, Output). Strings are formatted into a scratch
 * buffer and then quoted (csv) or escaped (json); numbers are written in
 * place, as numbers in json. A value that does not apply (transactionId
 * outside a transaction, wait on a closed line) is an empty csv field and
 * a json null, so every row has every column. Rows end in LF, not RFC
 * 4180's CRLF: one line per event for awk and grep, as in every other
 * format; CSV readers (Python's csv, pandas, R) take both. No printf here:
 * these lines come hundreds of thousands a second. */
#include <string.h>

#include "clock.h"
#include "report_impl.h"

/* ---- raw and jtl ------------------------------------------------------ */

/* Appends `"key":` (the key is a literal without escapes). */
static char *put_key(char *p, const char *key)
{
    *p++ = ',';
    *p++ = '"';
    p = put_str(p, key);
    *p++ = '"';
    *p++ = ':';
    return p;
}

/* The JSON fields derived from the record, for report_raw. */
static char *raw_derived(char *p, const struct lg_event *ev)
{
    char idbuf[4 * LG_REPORT_STR_MAX], *e;
    p = put_key(p, "fullId");
    e = lg_report_full_id(idbuf, ev);
    *e = '\0';
    p = lg_report_json_str(p, idbuf);
    p = put_key(p, "nature");
    p = lg_report_json_str(p, lg_report_nature(ev));
    p = put_key(p, "transactionId");
    if (ev->rec->u.ev.tra) {
        e = lg_report_tra_id(idbuf, ev);
        *e = '\0';
        p = lg_report_json_str(p, idbuf);
    } else {
        p = PUT(p, "null");
    }
    p = put_key(p, "name");
    p = lg_report_json_str(p, ev->name);
    p = put_key(p, "step");
    if (ev->step) {
        p = lg_report_json_str(p, ev->step);
    } else {
        *p++ = '"';
        p = lg_report_u64(p, ev->rec->step);
        *p++ = '"';
    }
    p = put_key(p, "duration");
    p = lg_report_secs(p, ev_duration(ev));
    if (ev->open) { /* response: free of coordinated omission */
        p = put_key(p, "intended");
        p = lg_report_epoch_abs(p, lg_clock_wall_ns(ev->rec->u.ev.intended_ns));
        p = put_key(p, "wait");
        p = lg_report_secs(p, ev_wait(ev));
        p = put_key(p, "response");
        p = lg_report_secs(p, ev->rec->u.ev.end_ns - ev->rec->u.ev.intended_ns);
    }
    p = put_key(p, "thru");
    return ev_is_part(ev) ? PUT(p, "-1") : lg_report_fixed(p, ev->local_thru, 2);
}

/* The record's own fields, for report_raw. */
static char *raw_record(char *p, const struct lg_record *rec)
{
    p = put_key(p, "worker");
    p = lg_report_u64(p, rec->worker);
    p = put_key(p, "pid");
    p = lg_report_i64(p, rec->pid);
    p = put_key(p, "seq");
    p = lg_report_u64(p, rec->seq);
    p = put_key(p, "nameId");
    p = lg_report_u64(p, rec->name);
    p = put_key(p, "stepIndex");
    p = lg_report_u64(p, rec->step);
    p = put_key(p, "opcount");
    p = lg_report_u64(p, rec->u.ev.opcount);
    p = put_key(p, "tra");
    p = lg_report_u64(p, rec->u.ev.tra);
    p = put_key(p, "begin_ns");
    p = lg_report_i64(p, rec->u.ev.begin_ns);
    p = put_key(p, "end_ns");
    p = lg_report_i64(p, rec->u.ev.end_ns);
    p = put_key(p, "intended_ns");
    p = lg_report_i64(p, rec->u.ev.intended_ns);
    p = put_key(p, "inlen");
    p = lg_report_u64(p, rec->u.ev.inlen);
    p = put_key(p, "outlen");
    p = lg_report_u64(p, rec->u.ev.outlen);
    p = put_key(p, "rc");
    return lg_report_u64(p, rec->rc);
}

/* One JSON object: every record field, the derived ones and the counters. */
size_t lg_report_raw(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    char *p = PUT(buf, "{\"time\":\"");
    int64_t wall = lg_clock_wall_ns(ev->rec->u.ev.end_ns);
    p = lg_report_time(r, p, wall);
    p = PUT(p, "\",\"epoch\":");
    p = lg_report_epoch(r, p, wall);
    p = put_key(p, "type");
    p = lg_report_json_str(p, lg_report_type(ev));
    p = put_key(p, "line");
    p = lg_report_i64(p, ev->line + 1);
    p = put_key(p, "ops");
    p = lg_report_u64(p, ev->global_ops);
    p = put_key(p, "gThru");
    p = lg_report_fixed(p, ev->global_thru, 2);
    p = put_key(p, "started");
    p = lg_report_i64(p, ev->started);
    p = put_key(p, "ended");
    p = lg_report_i64(p, ev->ended);
    p = put_key(p, "active");
    p = lg_report_i64(p, ev->active);
    p = put_key(p, "backlog");
    p = lg_report_i64(p, ev->backlog);
    p = raw_derived(p, ev);
    p = raw_record(p, ev->rec);
    if (ev->error) {
        p = put_key(p, "error");
        p = lg_report_json_str(p, ev->error);
    }
    p = PUT(p, "}\n");
    return (size_t)(p - buf);
}

/* JMeter's transaction convention: its dashboard spots transaction samples
 * by this responseMessage prefix. The message holds a comma, so it is
 * quoted, as JMeter's own CSV writer does. */
static char *jtl_message(char *p, const struct lg_event *ev)
{
    const struct lg_record *rec = ev->rec;
    if (rec->type == LG_REC_TRA) {
        p = PUT(p, "\"Number of samples in transaction : ");
        p = lg_report_u64(p, ev->tra_samples);
        p = PUT(p, ", number of failing samples : ");
        p = lg_report_u64(p, ev->tra_failing);
        *p++ = '"';
        return p;
    }
    if (rec->rc == 0)
        return PUT(p, "OK");
    return ev->error ? lg_report_csv_clean(p, ev->error) : PUT(p, "Error");
}

/* Open-model lines look the same here as closed ones: JMeter's CSV has no
 * column for the wait or the intended time (Latency is time to first byte,
 * IdleTime is time excluded from `elapsed`), and a jtl file with an extra
 * column no longer loads in JMeter. The wait is in the other formats and in
 * the end summary. */
size_t lg_report_jtl(const struct lg_event *ev, char *buf)
{
    const struct lg_record *rec = ev->rec;
    int64_t dur = ev_duration(ev);
    int64_t ms = dur >= 0 ? (dur + 500000) / 1000000 : -((-dur + 500000) / 1000000);
    int ok = rec->rc == 0 && !(rec->type == LG_REC_TRA && ev->tra_failing);
    char *p = lg_report_i64(buf, lg_clock_wall_ns(rec->u.ev.begin_ns) / 1000000);
    *p++ = ',';
    p = lg_report_i64(p, ms);
    *p++ = ',';
    p = lg_report_csv_clean(p, ev->name);
    *p++ = ',';
    p = lg_report_u64(p, rec->rc);
    *p++ = ',';
    p = jtl_message(p, ev);
    *p++ = ',';
    char thread[LG_REPORT_STR_MAX + 48], *t = put_str(thread, ev->id);
    *t++ = ' ';
    t = lg_report_i64(t, ev->line + 1);
    *t++ = '-';
    t = lg_report_u64(t, (uint64_t)rec->worker + 1);
    *t = '\0';
    p = lg_report_csv_clean(p, thread);
    p = ok ? PUT(p, ",text,true,") : PUT(p, ",text,false,");
    if (!ok && ev->error) /* a transaction's: its first failing request's */
        p = lg_report_csv_clean(p, ev->error);
    *p++ = ',';
    p = lg_report_u64(p, rec->u.ev.outlen);
    *p++ = ',';
    p = lg_report_u64(p, rec->u.ev.inlen);
    *p++ = ',';
    p = lg_report_i64(p, ev->line_active);
    *p++ = ',';
    p = lg_report_i64(p, ev->active);
    p = PUT(p, ",,"); /* URL: none */
    p = lg_report_i64(p, ms);
    p = PUT(p, ",0,0\n");
    return (size_t)(p - buf);
}

/* ---- csv and json ----------------------------------------------------- */

enum col_kind { COL_NUM, COL_STR, COL_NULL };

static const char *const col_names[] = {
    "time",         "epoch",     "type",    "backlog", "globalOps", "globalThru", "started",
    "ended",        "active",    "pid",     "fullId",  "nature",    "transactionId",
    "localOpcount", "localThru", "rc",      "step",    "duration",  "wait",
};
#define NCOLS ((int)(sizeof col_names / sizeof col_names[0]))

/* Room for the longest string column (fullId: three strings cut at
 * LG_REPORT_STR_MAX, two numbers, four dots). */
#define COL_STR_MAX (4 * LG_REPORT_STR_MAX + 64)

static char *put_text(char *p, const char *s)
{
    return put_lit(p, s, strlen(s));
}

/* Writes column i of ev at p, unquoted, and says what it is in *kind; a
 * COL_NULL writes nothing. Returns the end. */
static char *col_value(struct lg_report *r, const struct lg_event *ev, int i, char *p,
                       enum col_kind *kind)
{
    const struct lg_record *rec = ev->rec;
    *kind = COL_STR;
    switch (i) {
    case 0:  return lg_report_time(r, p, lg_clock_wall_ns(rec->u.ev.end_ns));
    case 2:  return put_text(p, lg_report_type(ev));
    case 10: return lg_report_full_id(p, ev);
    case 11: return put_text(p, lg_report_nature(ev));
    case 16: return lg_report_step(p, ev);
    case 12:
        if (rec->u.ev.tra)
            return lg_report_tra_id(p, ev);
        *kind = COL_NULL;
        return p;
    case 18:
        if (ev->open)
            break;
        *kind = COL_NULL;
        return p;
    }
    *kind = COL_NUM;
    switch (i) {
    case 1:  return lg_report_epoch(r, p, lg_clock_wall_ns(rec->u.ev.end_ns));
    case 3:  return lg_report_i64(p, ev->backlog);
    case 4:  return lg_report_u64(p, ev->global_ops);
    case 5:  return lg_report_fixed(p, ev->global_thru, 2);
    case 6:  return lg_report_i64(p, ev->started);
    case 7:  return lg_report_i64(p, ev->ended);
    case 8:  return lg_report_i64(p, ev->active);
    case 9:  return lg_report_i64(p, rec->pid);
    case 13: return lg_report_u64(p, rec->u.ev.opcount);
    case 14: return lg_report_local_thru(p, ev);
    case 15: return lg_report_u64(p, rec->rc);
    case 17: return lg_report_secs(p, rec->u.ev.end_ns - rec->u.ev.begin_ns);
    default: return lg_report_secs(p, rec->u.ev.begin_ns - rec->u.ev.intended_ns); /* wait */
    }
}

size_t lg_report_csv_header(char *buf)
{
    char *p = buf;
    for (int i = 0; i < NCOLS; i++) {
        if (i)
            *p++ = ',';
        p = put_text(p, col_names[i]);
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* One event as a csv row or (json) a JSON object: each column's value is
 * formatted into tmp, then quoted, escaped or copied as it is. */
static size_t cols_line(struct lg_report *r, const struct lg_event *ev, char *buf, int json)
{
    char tmp[COL_STR_MAX];
    enum col_kind kind;
    char *p = buf;
    if (json)
        *p++ = '{';
    for (int i = 0; i < NCOLS; i++) {
        if (i)
            *p++ = ',';
        if (json) {
            *p++ = '"';
            p = put_text(p, col_names[i]);
            p = PUT(p, "\":");
        }
        char *e = col_value(r, ev, i, tmp, &kind);
        size_t n = (size_t)(e - tmp);
        if (kind == COL_STR)
            p = json ? lg_report_json_field(p, tmp, n) : lg_report_csv_field(p, tmp, n);
        else if (kind == COL_NUM)
            p = put_lit(p, tmp, n);
        else if (json)
            p = PUT(p, "null");
    }
    if (json)
        *p++ = '}';
    *p++ = '\n';
    return (size_t)(p - buf);
}

size_t lg_report_csv(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    return cols_line(r, ev, buf, 0);
}

size_t lg_report_json(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    return cols_line(r, ev, buf, 1);
}
