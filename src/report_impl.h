/* report_impl.h -- private to report.c and report_cols.c: the field writers
 * of report.c that the data formats (raw, jtl, csv, json) reuse. Each
 * appends at p (room as in report.h) and returns the new end; none
 * allocates. */
#ifndef LG_REPORT_IMPL_H
#define LG_REPORT_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "report.h"

static inline char *put_lit(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

#define PUT(p, lit) put_lit((p), (lit), sizeof(lit) - 1)

/* Bytes of s written: at most LG_REPORT_STR_MAX; 0 for NULL. */
static inline size_t cut_len(const char *s)
{
    return s ? strnlen(s, LG_REPORT_STR_MAX) : 0;
}

/* s cut at LG_REPORT_STR_MAX; NULL writes nothing. */
static inline char *put_str(char *p, const char *s)
{
    return put_lit(p, s ? s : "", cut_len(s));
}

/* A request inside a transaction. */
static inline int ev_is_part(const struct lg_event *ev)
{
    return ev->rec->type == LG_REC_REQ && ev->rec->u.ev.tra != 0;
}

static inline int64_t ev_duration(const struct lg_event *ev)
{
    return ev->rec->u.ev.end_ns - ev->rec->u.ev.begin_ns;
}

/* Open model: from the event's intended time to the request's start. */
static inline int64_t ev_wait(const struct lg_event *ev)
{
    return ev->rec->u.ev.begin_ns - ev->rec->u.ev.intended_ns;
}

/* ns as seconds with 6 decimals, rounded to the microsecond. */
char *lg_report_secs(char *p, int64_t ns);
/* s[0..n) as an RFC 4180 field: as it is, or quoted with its quotes
 * doubled when it holds a comma, a quote, a CR or a LF. */
char *lg_report_csv_field(char *p, const char *s, size_t n);
/* s[0..n) as a JSON string: `"` and `\` escaped, control bytes as \n, \t
 * or \u00XX, valid UTF-8 as it is, and each byte of an invalid UTF-8
 * sequence as \u00XX, the character of the same number (Latin-1). */
char *lg_report_json_field(char *p, const char *s, size_t n);
/* The same, of s cut at LG_REPORT_STR_MAX; NULL writes null. */
char *lg_report_json_str(char *p, const char *s);
/* A message on one line (line breaks folded into " | ", other control
 * bytes a space, trailing blanks dropped), then as a CSV field (jtl). */
char *lg_report_csv_clean(char *p, const char *s);

/* "HH:MM:SS.uuuuuu" local time and "SSSSSSSSSS.uuuuuu" epoch of wall ns,
 * from r's cached second. */
char *lg_report_time(struct lg_report *r, char *p, int64_t wall_ns);
char *lg_report_epoch(struct lg_report *r, char *p, int64_t wall_ns);
/* The epoch of wall ns without touching the cached second. */
char *lg_report_epoch_abs(char *p, int64_t wall_ns);

/* The event's fields as the short line shows them (README, Output). */
const char *lg_report_type(const struct lg_event *ev);   /* req, tra, err; static */
const char *lg_report_nature(const struct lg_event *ev); /* solo, part, tra; static */
char *lg_report_full_id(char *p, const struct lg_event *ev);   /* id.pid.Cut.stepIndex.name */
char *lg_report_tra_id(char *p, const struct lg_event *ev);    /* id.pid.tra, or None */
char *lg_report_step(char *p, const struct lg_event *ev);      /* the step as given */
char *lg_report_local_thru(char *p, const struct lg_event *ev); /* ops/s, -1 for a part */

/* The data formats' event lines, and the csv header row (report_cols.c). */
size_t lg_report_raw(struct lg_report *r, const struct lg_event *ev, char *buf);
size_t lg_report_jtl(const struct lg_event *ev, char *buf);
size_t lg_report_csv_header(char *buf);
size_t lg_report_csv(struct lg_report *r, const struct lg_event *ev, char *buf);
size_t lg_report_json(struct lg_report *r, const struct lg_event *ev, char *buf);

#endif
