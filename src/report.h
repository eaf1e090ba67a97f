/* report.h -- formats event lines and error lines into a caller buffer.
 *
 * The collector writes one line per request or transaction, hundreds of
 * thousands a second, so nothing here calls printf: integers and fixed-point
 * decimals have their own writers, and the wall-clock second ("HH:MM:SS",
 * and the epoch seconds) is formatted once and reused until the second
 * changes. Formats (see the Statistics section of the Pylogen reference):
 * short and long columns, raw (one JSON object a line) and jtl (JMeter CSV),
 * and logen's own csv (RFC 4180) and json (JSON lines) of the long line's
 * fields; none writes no event line at all.
 * An open-model line also shows its event's wait (request start minus the
 * event's intended time): short ` w S`, long ` w=S`, raw "intended", "wait"
 * and "response"; jtl has no column for it and stays JMeter's.
 * Strings longer than LG_REPORT_STR_MAX bytes are cut, so a line never
 * exceeds LG_REPORT_LINE_MAX. Lines go into a caller buffer or, through
 * the lg_report_put_* calls, into an output buffer (outbuf.h). jtl holds a
 * transaction line until its requests are counted (lg_report_hold): the
 * collector keeps one hold per worker and asks this file whether to hold.
 * Nothing here allocates or knows of pipes. */
#ifndef LG_REPORT_H
#define LG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "record.h"

#define LG_REPORT_STR_MAX 1024     /* longest id, cut, name, step or message kept */
#define LG_REPORT_LINE_MAX 65536   /* room a caller must give each call, bytes */

/* Exactly JMeter 5's default CSV header, newline included. */
#define LG_REPORT_JTL_HEADER                                                         \
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,"     \
    "success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,"     \
    "IdleTime,Connect\n"

/* Formatter state: the format and the cached wall-clock second. */
struct lg_report {
    enum lg_outformat format;
    int64_t sec;               /* Unix second cached below; -1: none */
    char hms[8];               /* "HH:MM:SS" of sec, local time */
    char epoch[24];            /* sec in decimal */
    size_t epoch_len;
};

/* Everything one line shows besides the record. Borrowed for the call. */
struct lg_event {
    const struct lg_record *rec; /* LG_REC_REQ, LG_REC_TRA or LG_REC_ERR */
    const char *id;              /* the line's --id */
    const char *cut;             /* CUT class name */
    const char *name;            /* interned name of rec->name */
    const char *step;            /* the step string; NULL prints rec->step */
    const char *error;           /* error message, NULL if none */
    int line;                    /* 0-based line index */
    int open;                    /* open-model line: rec->u.ev.intended_ns is set */
    uint64_t global_ops;         /* requests counted so far */
    double global_thru;          /* requests/s */
    double local_thru;           /* the worker's ops/s; not shown for parts */
    int started, ended, active;  /* workers of the whole run */
    int line_active;             /* active workers of rec's line (jtl) */
    long backlog;                /* pipe backlog, records (long) */
    uint64_t tra_samples;        /* jtl, transactions: requests inside */
    uint64_t tra_failing;        /* jtl, transactions: failed ones */
};

void lg_report_init(struct lg_report *r, enum lg_outformat format);

/* Each writer below puts one whole line, newline included, at buf (which
 * has LG_REPORT_LINE_MAX bytes of room) and returns its length. Wall-clock
 * times are lg_clock_wall_ns of the record's run-clock times. */

/* What goes before the first event line: the jtl header, else nothing. */
size_t lg_report_header(const struct lg_report *r, char *buf);
/* The event line of a REQ or TRA record in r's format. */
size_t lg_report_event(struct lg_report *r, const struct lg_event *ev, char *buf);
/* `HH:MM:SS.uuuuuu ERROR {fullId} rc=N: {message}` for a failed REQ or an
 * ERR record, control characters folded so it stays one line. */
size_t lg_report_error(struct lg_report *r, const struct lg_event *ev, char *buf);

/* The same three, appended to the output buffer b (outbuf.h). */
struct lg_outbuf;
void lg_report_put_header(const struct lg_report *r, struct lg_outbuf *b);
void lg_report_put_event(struct lg_report *r, struct lg_outbuf *b, const struct lg_event *ev);
void lg_report_put_error(struct lg_report *r, struct lg_outbuf *b, const struct lg_event *ev);

/* jtl: JMeter wants a transaction's sample count in its line, so the line
 * is held until the transaction's requests have come (they follow it). One
 * hold per worker; `held` says a line is waiting. */
struct lg_report_hold {
    int held;
    struct lg_record rec;        /* the TRA record */
    int name;                    /* its run-wide name index */
    uint64_t samples, failing;   /* its requests so far, failed ones */
    char error[LG_TEXT_MAX + 1]; /* first failing request's message, "" none */
};

/* Whether r's format holds transaction lines (lg_report_hold). */
static inline int lg_report_holds(const struct lg_report *r)
{
    return r->format == LG_OUT_JTL;
}

/* Holds the line of TRA record rec (name: its run-wide index). */
void lg_report_hold(struct lg_report_hold *h, const struct lg_record *rec, int name);

/* Whether rec belongs to the held transaction, or may come inside it (a
 * NAME or TEXT chunk): if not, the held line is due before rec's. */
static inline int lg_report_hold_continues(const struct lg_report_hold *h,
                                           const struct lg_record *rec)
{
    if (rec->type == LG_REC_NAME || rec->type == LG_REC_TEXT)
        return 1;
    return rec->type == LG_REC_REQ && rec->u.ev.tra != 0 && rec->u.ev.tra == h->rec.u.ev.tra;
}

/* Counts a request of the held transaction; err is its message or NULL. */
void lg_report_hold_count(struct lg_report_hold *h, const struct lg_record *rec, const char *err);

/* Ends the hold: sets ev's transaction counts and error (pointing into h,
 * valid until the next lg_report_hold). ev is the caller's event of
 * h->rec, filled but for those. */
void lg_report_hold_release(struct lg_report_hold *h, struct lg_event *ev);

/* Number writers, shared with the collector; each returns the end. */
char *lg_report_u64(char *p, uint64_t v);
char *lg_report_i64(char *p, int64_t v);
/* v with `decimals` (0..9) digits after the point, rounded half away; a
 * value too big for that (or NaN) in %.6e form. At most 31 bytes. */
char *lg_report_fixed(char *p, double v, int decimals);

/* The length of the valid UTF-8 sequence at s[0..n) whose first byte is
 * >= 0x80, or 0 when it is not one (overlong forms, surrogates, code
 * points past U+10FFFF); also used by metrics_text.c. */
size_t lg_report_utf8_len(const unsigned char *s, size_t n);

#endif
