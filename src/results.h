/* results.h -- a finished run's figures as plain data: what every end
 * summary is rendered from (the text one in summary.c, the JSON one in
 * summary_json.c), what thresholds are evaluated on (threshold_eval.c),
 * and what `logen merge`, `logen report` and `logen compare` read back.
 *
 * One struct, three sources: the collector at the end of a run
 * (results_collect.c, from its read-only view), a summary JSON read back
 * (results_load.c), and the exact sum of several (results_merge.c). Every
 * renderer takes a `const struct lg_results *` and knows nothing of where it
 * came from, so a merged run prints the same summary as a single one.
 *
 * Everything is owned by the struct (strings, arrays, histograms): free it
 * with lg_results_free. Times are on the run's clock (ns from its epoch,
 * start_epoch_s on the wall clock); latencies are histograms in ns. */
#ifndef LG_RESULTS_H
#define LG_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "collector.h"   /* LG_KIND_REQ, LG_KIND_TRA, struct lg_collector_totals */
#include "hist.h"
#include "openstats.h"   /* LG_OPEN_WAIT .. LG_OPEN_NTIMES */

/* One statistics row of a line: a (name, kind) that occurred. */
struct lg_results_row {
    char *name;
    int kind;                    /* LG_KIND_REQ or LG_KIND_TRA */
    uint64_t errors;             /* records with rc != 0 */
    struct lg_hist h;            /* durations, ns */
};

/* One phase of an open line's schedule. asked_r1/r2 are -1 for a phase the
 * schedule does not know; achieved is -1 until its PHASE record came. */
struct lg_results_phase {
    double duration_s, asked_r1, asked_r2, achieved;
    int done;
    uint64_t generated, processed, dropped;
};

/* An open line's events (openstats.h's figures). */
struct lg_results_open {
    int phases, phases_done;     /* of the schedule; PHASE records received */
    uint64_t generated, processed, dropped;
    uint64_t requests;           /* sum of JOB.requests */
    uint64_t late1, late2;       /* dispatched > LG_OPEN_LATE1_NS / LATE2_NS late */
    lg_ns_t late_max_ns;
    long hwm_depth;              /* queue high-water mark, events */
    lg_ns_t hwm_depth_at;        /* -1: never heard of */
    int started, retired, peak_live; /* the line's workers */
    struct lg_hist times[LG_OPEN_NTIMES]; /* wait, response, service, lateness; ns */
    struct lg_results_phase *phase;
    int nphases;
};

/* One line of the run (the whole run, or one scenario line). */
struct lg_results_line {
    char *id, *cut;              /* --id (may be ""), the CUT class name */
    char *options_json;          /* its parsed options, compact JSON with sorted keys */
    int started, ended, retired; /* its workers */
    uint64_t hook_errors;        /* ERR records (errors outside requests) */
    lg_ns_t begin_ns, end_ns;    /* its own span: its throughputs are over it */
    struct lg_results_row *rows; /* by name, then kind */
    size_t nrows;
    struct lg_results_open *open; /* open model; NULL when closed */
};

/* A worker (or generator) that did not end normally. */
struct lg_results_worker {
    int worker, pid, line;       /* run-wide index, pid, line index (0-based) */
    int generator;
    unsigned faults;             /* LG_FAULT_* (summary.h) */
    int signal, exit_code;       /* with LG_FAULT_SIGNAL / LG_FAULT_EXIT */
    uint64_t sent, received, lost, disorder;
    char *message;               /* LG_FAULT_FAILED: why its CUT could not run; may be NULL */
};

/* One line in one interval of the series. */
struct lg_results_ivl_line {
    uint64_t requests, errors;   /* requests ended in it; their errors and ERR records */
    char *histogram;             /* durations of those requests, ns, V2 encoded (hist.h);
                                  * NULL: none. Encoded, as interval.c keeps it: a decoded
                                  * histogram holds a window of up to 352 KiB (about 48 KiB
                                  * for 1-50 ms), an hour at 1 s with ten lines 36,000 */
    uint64_t max_ns;             /* the longest of them, exact (the encoding's is its
                                  * count's top); 0: none */
    int workers;                 /* live at its end */
    long queue_depth;            /* open: at its end; 0 when closed */
    uint64_t generated, dropped; /* open: events in it */
};

/* One interval of the series: [begin_ns, end_ns) on the run clock. */
struct lg_results_ivl {
    lg_ns_t begin_ns, end_ns;
    struct lg_results_ivl_line *lines; /* nlines */
};

struct lg_results {
    /* what the run was */
    char *version, *host;
    char **argv;
    int argc;
    double start_epoch_s;        /* the run clock's 0 on the wall clock */
    lg_ns_t interval_ns;         /* --summary: the series' period */
    int shard, nshards;          /* this is shard `shard` of `nshards` (0 of 1: whole;
                                  * -1 of N: all N shards of a run, merged) */
    int merged;                  /* how many summaries were merged into it (1: one run) */
    struct lg_results_clock {    /* the host's real-time clock, as the kernel knew it */
        int synced;              /* 1: synchronised (NTP, chrony); 0: not; -1: unknown */
        double max_error_s;      /* the kernel's maximum error, s; -1: unknown */
        double est_error_s;      /* its estimated error, s; -1: unknown */
    } clock;

    /* the run's figures */
    lg_ns_t begin_ns, end_ns;    /* run span */
    struct lg_collector_totals t;
    uint64_t received_stopped;   /* records received from the workers that stopped */
    uint64_t missing;            /* sent but not received, over the workers that stopped */
    uint64_t bad_records, names_refused, unnamed;
    double hwm_thru;             /* best closed interval's requests/s */
    lg_ns_t hwm_thru_at;         /* -1: no request in a closed interval */
    long hwm_backlog;            /* pipe backlog, records */
    lg_ns_t hwm_backlog_at;      /* -1: never above 0 */
    int out_failed;
    uint64_t out_lost;
    double local_ops;            /* sum of the workers' own ops/s (their STOP records) */
    lg_ns_t blocked_ns, blocked_max_ns; /* time blocked on the pipe, in all and the worst */
    int blocked_max_worker;      /* -1: no worker stopped */
    int hard_ended;              /* workers ended at the hard end */

    struct lg_results_line *lines;
    int nlines;
    struct lg_results_worker *bad; /* the workers that did not end normally */
    int nbad;
    struct lg_results_ivl *iv;   /* the series, in time order */
    size_t niv;

    /* the thresholds given for it, re-evaluated on whatever renders it */
    struct lg_results_threshold {
        char *expression;        /* as given, e.g. "R-Encrypt:p95<50ms" */
        int own_line;            /* the scenario line it was given on; -1: the run */
    } *thr;
    int nthr;

    /* how it ended */
    int signal;                  /* the signal that stopped it; 0: none */
    char *failure;               /* why the controller gave up; NULL: it did not */
};

void lg_results_free(struct lg_results *r);

/* The durations of il decoded into h (initialised by the call; free it
 * with lg_hist_fini), its max made exact: empty when il has none. Returns
 * 0, or -1 with h empty when the encoding does not decode. */
int lg_results_ivl_hist(const struct lg_results_ivl_line *il, struct lg_hist *h);

/* ---- from the collector (results_collect.c) ---------------------------- */

struct lg_run_line;   /* controller.h */
struct lg_thresholds; /* threshold.h */

/* What the collector does not know of the run. Borrowed. */
struct lg_results_meta {
    char *const *argv;
    int argc;
    const struct lg_run_line *lines; /* each line's options and CUT */
    int nlines;
    double start_epoch_s;
    lg_ns_t interval_ns;
    const struct lg_thresholds *thresholds; /* threshold.h; NULL: none */
    int signal;
    const char *failure;
    int shard, nshards;          /* this copy's shard (--shard); nshards 0 counts as 1 */
    const struct lg_clock_sync *clock; /* the real-time clock's state (clock.h); NULL: unknown */
};

/* The figures of c (after lg_collector_close), copied: the collector may be
 * freed afterwards. Aborts on OOM. */
struct lg_results *lg_results_collect(const struct lg_collector *c,
                                      const struct lg_results_meta *m);

/* ---- read back, and merged (results_load.c, results_merge.c) ----------- */

/* Reads the summary JSON at path. Returns NULL with a one-line reason in
 * err (naming path: not JSON, not a logen summary, another schema
 * version, a field missing or of the wrong type). */
struct lg_results *lg_results_load(const char *path, char *err, size_t errlen);

/* The exact sum of in[0..n): counts add, histograms add, spans and the
 * series align on absolute (wall-clock) time. Returns NULL with a one-line
 * reason in err when they cannot be merged (options differ where it
 * matters). */
struct lg_results *lg_results_merge(struct lg_results *const *in, int n, char *err,
                                    size_t errlen);

#endif
