/* collector_impl.h -- the collector's state, shared by collector.c (which
 * writes it, record by record) and collector_view.c (which exposes it read
 * only). Nothing else includes this file: the rest of the program sees the
 * collector through collector.h. */
#ifndef LG_COLLECTOR_IMPL_H
#define LG_COLLECTOR_IMPL_H

#include "collector.h"
#include "hdrlog.h"
#include "hist.h"
#include "interval.h"
#include "names.h"
#include "openstats.h"
#include "outbuf.h"
#include "report.h"

struct lg_cstat {                /* one (line, name, kind) row */
    struct lg_hist h;            /* durations, ns */
    uint64_t errors;             /* records with rc != 0 */
    struct lg_hdrlog_row *iv;    /* --hdr-log: its interval histograms; NULL until used */
};

struct lg_cline {
    const struct lg_line_info *info;
    int started, ended;          /* workers of the line */
    struct lg_cstat **rows;      /* [name * LG_NKINDS + kind], NULL until used */
    size_t nrows;
    uint64_t hook_errors;        /* ERR records */
    int retired;                 /* workers that stopped with LG_STOP_RETIRED */
    struct lg_openstats *open;   /* open model: its events; NULL when closed */
    struct lg_hdrlog_row *hdr_ev[LG_HDRLOG_EVENT_ROWS]; /* --hdr-log: event times, or NULL */
    int have_begin;
    lg_ns_t first_begin;         /* earliest load start of its workers */
    lg_ns_t last_end;            /* latest end of anything on it */
};

struct lg_cworker {
    int line, pid;
    int generator;               /* an open line's generator: not a worker */
    uint32_t next_seq;           /* seq expected next */
    uint64_t received;           /* records received, all types */
    uint64_t lost;               /* records missing in seq gaps */
    uint64_t disorder;           /* records with a seq already passed */
    int started, stopped, reaped, counted_end;
    int status;                  /* waitpid status once reaped */
    lg_ns_t start_ns;            /* START begin_ns: its load start */
    struct lg_record stop;       /* its STOP record once stopped */
    char *fail_msg;              /* message of a LG_STOP_FAILED, owned */
    struct lg_namemap names;     /* its name ids -> run-wide indices; freed at release */
    struct lg_cwlive *live;      /* NULL until needed, and again once released */
};

/* What only a worker still sending needs (2.4 KiB): allocated on its first
 * NAME, TEXT or held line, released with its name map once the worker has
 * both stopped and been reaped, so that an ended worker costs the collector
 * its counters only (struct lg_cworker) however many come and go. */
struct lg_cwlive {
    char name_buf[LG_NAME_MAX + 1]; /* NAME chunks so far */
    size_t name_len;
    char text[LG_TEXT_MAX + 1];  /* TEXT chunks: the next REQ/ERR's message */
    size_t text_len;
    int text_done;               /* the last chunk came: text is whole */
    struct lg_report_hold hold;  /* jtl: a transaction line held */
};

struct lg_collector {
    struct lg_line_info fallback_line; /* when the caller gives no line */
    struct lg_report rep;
    struct lg_outbuf out, err;
    struct lg_cline *lines;
    int nlines;
    struct lg_cworker **workers; /* by run-wide index, NULL: never seen */
    int nworkers;
    struct lg_names names;
    struct lg_collector_totals t;
    uint64_t bad_records;        /* records of an unknown type */
    uint64_t names_refused;      /* NAME definitions past the cap (names.h) */
    uint64_t unnamed;            /* REQ, TRA, ERR records with no name: over the cap */
    struct lg_hdrlog *hdr;       /* --hdr-log; NULL: none */
    /* intervals */
    lg_ns_t summary_ns;
    int quiet;                   /* no periodic summary lines */
    struct lg_hist *recent;      /* requests since lg_collector_recent; NULL: not kept */
    struct lg_intervals *iv;     /* the interval series (interval.h) */
    /* pipe and run span (its end: the latest of the lines' ends) */
    long backlog, hwm_backlog;   /* records */
    lg_ns_t hwm_backlog_at;
    int have_begin;
    lg_ns_t first_begin;         /* earliest load start */
};

#endif
