/* report_cols.c -- the csv and json event formats (see report.h): one
 * table of columns, written either as an RFC 4180 row or as a JSON object
 * on one line (JSON lines).
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

static char *put_span(char *p, const char *s, const char *end)
{
    memcpy(p, s, (size_t)(end - s));
    return p + (end - s);
}

static char *put_text(char *p, const char *s)
{
    return put_span(p, s, s + strlen(s));
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

size_t lg_report_csv(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    char tmp[COL_STR_MAX];
    enum col_kind kind;
    char *p = buf;
    for (int i = 0; i < NCOLS; i++) {
        if (i)
            *p++ = ',';
        char *e = col_value(r, ev, i, tmp, &kind);
        if (kind == COL_STR)
            p = lg_report_csv_field(p, tmp, (size_t)(e - tmp));
        else if (kind == COL_NUM)
            p = put_span(p, tmp, e);
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

size_t lg_report_json(struct lg_report *r, const struct lg_event *ev, char *buf)
{
    char tmp[COL_STR_MAX];
    enum col_kind kind;
    char *p = buf;
    *p++ = '{';
    for (int i = 0; i < NCOLS; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        p = put_text(p, col_names[i]);
        *p++ = '"';
        *p++ = ':';
        char *e = col_value(r, ev, i, tmp, &kind);
        if (kind == COL_STR)
            p = lg_report_json_field(p, tmp, (size_t)(e - tmp));
        else if (kind == COL_NUM)
            p = put_span(p, tmp, e);
        else
            p = put_text(p, "null");
    }
    *p++ = '}';
    *p++ = '\n';
    return (size_t)(p - buf);
}
