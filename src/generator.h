/* generator.h -- the generator process of an open-model line: walks the
 * schedule (schedule.h) and queues each event (jobq.h) at its intended
 * time.
 *
 * It sleeps to absolute deadlines on the run clock. When it is late it
 * queues at once every event whose time has passed, each with its own
 * intended time, so lateness is measured, never hidden. At the end of each
 * phase it sends an LG_REC_PHASE record through the stats pipe. It warns on
 * stderr when it falls behind (dispatch lateness over 10 ms in a second) or
 * its CPU saturates: a saturated injector must never pass for a slow
 * server. It exits when the schedule is done, which closes the queue. A
 * shard walks the whole schedule and queues only its own events. */
#ifndef LG_GENERATOR_H
#define LG_GENERATOR_H

#include <stdint.h>

#include "cli.h"
#include "clock.h"
#include "schedule.h"

struct lg_generator_args {
    const struct lg_schedule *schedule;
    struct lg_burst burst;
    enum lg_arrival arrival;
    uint64_t seed;
    lg_ns_t start_ns;    /* run time of the schedule's start */
    int job_fd;          /* write end of the job queue */
    int stats_fd;        /* write end of the stats pipe (non-blocking) */
    int worker;          /* its index as a writer on the stats pipe */
    uint64_t shard;      /* queues event k only when k mod nshards = shard */
    uint64_t nshards;    /* 0 or 1: every event */
};

/* Runs the schedule to its end (or until SIGTERM); call in the child.
 * Returns the exit status: 0, or 1 if the queue broke. */
int lg_generator_run(const struct lg_generator_args *a);

#endif
