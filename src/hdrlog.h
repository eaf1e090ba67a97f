/* hdrlog.h -- the --hdr-log file: an HdrHistogram interval log.
 *
 * One line per (line, name, kind) row per interval of the collector's
 * period in which the row got values: `Tag=<line id>.<name>.<req|tra>,`
 * (and on an open line `<line id>.<wait|response|service>.event`, its
 * events' times as the end summary's "event times" table has them),
 * the interval's start and length in seconds from the log's BaseTime (the
 * run epoch), its max in ms, and its histogram in the V2 compressed
 * encoding (hist.h), after the standard header (StartTime, BaseTime, the
 * column legend): what HdrHistogram's HistogramLogReader, its log
 * processor and HistogramLogAnalyzer read. A tag holds no comma, space or
 * line break: those bytes, '%' and any control byte are written %XX, and
 * so is '.' in the line id, so a tag splits at its first and last dots.
 *
 * The collector owns one when --hdr-log is given, and calls it only then:
 * one extra O(1) record per request or transaction, and a line per active
 * row at each interval's close. A record counts in the interval its end
 * falls in, or in the oldest open one when it comes after that interval
 * closed (as the collector's throughput counts do), or in the next when it
 * comes more than an interval early (lg_interval_slot, interval.h); so
 * every value is in exactly one line, and the lines of a tag add up to the end summary's row. */
#ifndef LG_HDRLOG_H
#define LG_HDRLOG_H

#include <stdint.h>
#include <stdio.h>

#include "clock.h"

struct lg_hdrlog;     /* the log: its file and the rows active in the open intervals */
struct lg_hdrlog_row; /* one row's interval histograms, owned by the log */

/* Writes the header to f (borrowed: the caller closes it) and returns a
 * new log (abort on OOM) whose intervals are [k*period, (k+1)*period) on
 * the run clock, the run epoch being base_wall_ns on the wall clock. */
struct lg_hdrlog *lg_hdrlog_new(FILE *f, lg_ns_t period_ns, int64_t base_wall_ns);
/* Frees the log and its rows (the file is not closed). */
void lg_hdrlog_free(struct lg_hdrlog *hl);

/* A new row tagged <line_id>.<name>.<kind>; the strings are copied. */
struct lg_hdrlog_row *lg_hdrlog_row_new(struct lg_hdrlog *hl, const char *line_id,
                                        const char *name, const char *kind);
/* One value of row r, which ended at run time end_ns. O(1). */
void lg_hdrlog_record(struct lg_hdrlog *hl, struct lg_hdrlog_row *r, lg_ns_t end_ns,
                      int64_t value_ns);

/* Open model: an event of line line_id, due at intended_ns, taken by a
 * worker at begin_ns, done at end_ns: its wait, response and service times
 * go to the rows ev[0..LG_HDRLOG_EVENT_ROWS) (NULL until used: created
 * here, tagged <line id>.wait.event, .response.event and .service.event). */
#define LG_HDRLOG_EVENT_ROWS 3
void lg_hdrlog_event(struct lg_hdrlog *hl, struct lg_hdrlog_row **ev, const char *line_id,
                     lg_ns_t intended_ns, lg_ns_t begin_ns, lg_ns_t end_ns);
/* Interval k (the oldest open one) is over: writes its rows and flushes. */
void lg_hdrlog_close(struct lg_hdrlog *hl, int64_t k);
/* The run is over at run time now: writes the intervals still open, each
 * with its length up to now. */
void lg_hdrlog_end(struct lg_hdrlog *hl, lg_ns_t now);

#endif
