/* openstats.h -- the open model's event accounting for one line.
 *
 * The collector hands it the records of an open line that concern events:
 * the generator's LG_REC_PHASE, the workers' LG_REC_JOB and LG_REC_DROP, and
 * what it hears of the job queue and of the line's workers. It counts events
 * generated, processed and dropped (per phase and in all), keeps histograms
 * of wait, response (from the intended time: free of coordinated omission),
 * service and dispatch lateness. It knows nothing of pipes, processes or
 * output streams, and prints nothing: the end summary renders its figures
 * once copied into a run's results (results_collect.c, summary_open.c). */
#ifndef LG_OPENSTATS_H
#define LG_OPENSTATS_H

#include <stdint.h>

#include "clock.h"
#include "schedule.h"
#include "record.h"

struct lg_hist; /* hist.h */

#define LG_OPEN_LATE1_NS 1000000LL   /* "late": dispatched more than 1 ms after intended */
#define LG_OPEN_LATE2_NS 10000000LL  /* "very late": more than 10 ms */

struct lg_openstats;

/* Setup: a new accounting for a line with schedule `s` (borrowed, may be
 * NULL: phases then grow as records name them). Aborts on OOM; free it
 * with lg_openstats_free. */
struct lg_openstats *lg_openstats_new(const struct lg_schedule *s);
void lg_openstats_free(struct lg_openstats *o);

/* Recording. A JOB or a DROP record (u.job); allocates only when a record
 * names a phase beyond every one seen so far. */
void lg_openstats_job(struct lg_openstats *o, const struct lg_record *rec);
/* A PHASE record from the generator (u.phase); a repeated index replaces
 * the earlier one. */
void lg_openstats_phase(struct lg_openstats *o, const struct lg_record *rec);
/* The job queue held `depth` events at `now` (high-water mark). */
void lg_openstats_queue(struct lg_openstats *o, long depth, lg_ns_t now);
/* Events the line's workers hold now (inflight.h), as the controller last summed them. */
void lg_openstats_inflight(struct lg_openstats *o, long n);
/* The line's workers now: started in all, live, retired in all. */
void lg_openstats_workers(struct lg_openstats *o, int started, int live, int retired);

/* Reading */
struct lg_openstats_counts {
    int phases_done;       /* PHASE records received (distinct phases) */
    int phases;            /* phases of the schedule (0 without one) */
    uint64_t generated;    /* sum of PHASE.generated */
    uint64_t processed;    /* JOB records */
    uint64_t dropped;      /* DROP records */
    long depth;            /* the queue depth last heard of */
    long inflight;         /* events held by the workers, last heard of */
};
void lg_openstats_counts(const struct lg_openstats *o, struct lg_openstats_counts *k);

/* Everything the summary shows, copied into a run's results (results_collect.c).
 * The histograms are borrowed: valid until the next recording call. */
enum { LG_OPEN_WAIT, LG_OPEN_RESPONSE, LG_OPEN_SERVICE, LG_OPEN_LATENESS, LG_OPEN_NTIMES };
struct lg_openstats_detail {
    uint64_t requests;         /* sum of JOB.requests */
    uint64_t late1, late2;     /* events later than LG_OPEN_LATE1_NS / LATE2 */
    lg_ns_t late_max_ns;       /* worst dispatch lateness */
    long hwm_depth;            /* queue high-water mark, events */
    lg_ns_t hwm_depth_at;      /* when; -1: never heard of */
    int started, retired, peak_live; /* the line's workers */
    const struct lg_hist *times[LG_OPEN_NTIMES]; /* wait, response, service, lateness; ns */
    int nphases;               /* phases known: the schedule's, or as records named them */
};
void lg_openstats_detail(const struct lg_openstats *o, struct lg_openstats_detail *d);

/* Phase i (0 <= i < detail.nphases). asked_r1/r2 are -1 for a phase the
 * schedule does not know; achieved is -1 until its PHASE record came. */
struct lg_openstats_phase {
    double duration_s, asked_r1, asked_r2; /* events/s asked, from .. to */
    double achieved;           /* events/s generated over its span */
    int done;                  /* its PHASE record came */
    uint64_t generated, processed, dropped;
};
void lg_openstats_phase_get(const struct lg_openstats *o, int i, struct lg_openstats_phase *p);

#endif
