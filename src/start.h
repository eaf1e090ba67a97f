/* start.h -- where and when a run starts: its shard (shard.h: --shard or
 * the cluster engine's variables) and its agreed start (--start-at), both
 * judged against the run's lines before any worker starts; then the wait
 * for that instant and the run clock set there.
 *
 * It knows the lines only to tell the run's planned length (a start further
 * in the past than that is refused); it forks nothing and knows nothing of
 * workers, records or the summary. */
#ifndef LG_START_H
#define LG_START_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "clock.h"
#include "launch.h"
#include "shard.h"

struct lg_start {
    struct lg_shard shard;
    int start_at;          /* --start-at given */
    int64_t start_wall_ns; /* its instant, ns since the Unix epoch */
};

/* Resolves the shard of the run cfg describes (--shard, else the
 * environment); -v says where it came from. Returns 0, or -1 with one line
 * naming the option or variable in err. */
int lg_start_shard(struct lg_start *st, const struct lg_config *cfg, char *err, size_t errlen);

/* Expands %t and %N (lg_shard_name) in cfg's output file names
 * (--summary-json, --report, --hdr-log, --output), in place: once, after
 * lg_start_shard and before they are opened. */
void lg_start_names(struct lg_config *cfg, const struct lg_shard *s);

/* Then its --start-at, against its lines in l. Returns 0, or -1 with one
 * line in err. */
int lg_start_plan(struct lg_start *st, const struct lg_config *cfg, const struct lg_launch *l,
                  char *err, size_t errlen);

/* Sets the run clock: at once, or after waiting for the agreed start
 * (SIGINT, SIGTERM and SIGHUP end the wait at once); says how late a start
 * in the past is, and, for shards, what the real-time clock is worth.
 * Fills *cs with the clock's state in every case (the summary's
 * meta.clock). Returns 0, or 128 + the signal that ended the wait. */
int lg_start_clock(const struct lg_start *st, struct lg_clock_sync *cs);

#endif
