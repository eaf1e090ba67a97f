/* start.c -- the shard and the start of a run (see start.h).
 *
 * The rules (what a shard is, which variables count, what --start-at
 * accepts) are shard.c's, pure and unit-tested; the waiting and the clock
 * are clock.c's. Here they meet the real environment, the real clock and
 * the run's lines. */
#include "start.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "schedule.h"

#define LATE_SAYS_NS (10 * 1000 * 1000LL) /* the wait itself ends within microseconds */

/* The planned length of the run, ns: the latest line's end (a line with
 * --loops counts to its last worker's start). */
static int64_t start_run_length_ns(const struct lg_launch *l)
{
    double end = 0;
    for (int i = 0; i < l->n; i++) {
        const struct lg_config *c = l->lines[i].cfg;
        struct lg_schedule s;
        double e = c->postpone + (c->openedmodel ? 0 : (double)(c->process - 1) * c->rampup);
        if (c->openedmodel && lg_schedule_parse(c->schedule, &s, NULL, 0) == 0) {
            e += (double)s.duration_ns / 1e9;
            lg_schedule_free(&s);
        } else if (!c->openedmodel) {
            e += c->duration;
        }
        end = e > end ? e : end;
    }
    return lg_clock_from_s(end);
}

static const char *start_env(const char *name)
{
    return getenv(name);
}

int lg_start_shard(struct lg_start *st, const struct lg_config *cfg, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    if (lg_shard_resolve(&st->shard, cfg->shard, start_env, err, errlen) < 0)
        return -1;
    if (st->shard.from[0] && cfg->verbose) /* -v names the source, as INFO */
        lg_log(LG_LOG_ALWAYS(LG_LOG_INFO), "shard %ld of %ld (0 to %ld), from %s",
               st->shard.index, st->shard.count, st->shard.count - 1, st->shard.from);
    return 0;
}

void lg_start_names(struct lg_config *cfg, const struct lg_shard *s)
{
    char **names[] = { &cfg->summary_json, &cfg->report, &cfg->hdr_log, &cfg->output };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char *was = *names[k];
        if (!was)
            continue;
        *names[k] = lg_shard_name(was, s);
        free(was);
    }
}

int lg_start_plan(struct lg_start *st, const struct lg_config *cfg, const struct lg_launch *l,
                  char *err, size_t errlen)
{
    struct timespec now;
    int64_t late;
    if (!cfg->start_at)
        return 0;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t wall = (int64_t)now.tv_sec * LG_NS_PER_S + now.tv_nsec;
    st->start_at = 1;
    if (lg_start_at_parse(cfg->start_at, wall, &st->start_wall_ns, err, errlen) < 0 ||
        lg_start_at_check(st->start_wall_ns, wall, start_run_length_ns(l), &late, err, errlen) < 0)
        return -1;
    return 0;
}

/* Says what the real-time clock is worth for an agreed start: a warning
 * when shards rely on an unsynchronised one. */
static void start_judge_clock(struct lg_clock_sync *cs, int sharded)
{
    lg_clock_sync_state(cs);
    if (!cs->synced && (sharded || lg_log_verbosity > 0))
        lg_log(LG_LOG_ALWAYS(LG_LOG_WARN), "--start-at: the real-time clock is not synchronised "
               "(adjtimex): copies on other machines may not start together (run NTP or chrony)");
    else if (cs->synced && lg_log_verbosity > 0) /* -v: INFO */
        lg_log(LG_LOG_ALWAYS(LG_LOG_INFO), "--start-at: the real-time clock is synchronised, "
               "estimated error %.3f ms, at most %.3f ms", (double)cs->esterror_ns / 1e6,
               (double)cs->maxerror_ns / 1e6);
}

int lg_start_clock(const struct lg_start *st, struct lg_clock_sync *cs)
{
    if (!st->start_at) {
        lg_clock_sync_state(cs); /* one adjtimex: the summary records it */
        lg_clock_init();
        return 0;
    }
    start_judge_clock(cs, st->shard.count > 1);
    if (lg_log_verbosity > 0) /* -v: INFO */
        lg_log(LG_LOG_ALWAYS(LG_LOG_INFO), "waiting for --start-at %.6f (epoch seconds)",
               (double)st->start_wall_ns / 1e9);
    int sig = lg_clock_wait_wall(st->start_wall_ns);
    if (sig) {
        lg_log(LG_LOG_ERROR, "stopped by signal %d while waiting for --start-at: no run", sig);
        return 128 + sig;
    }
    lg_clock_init_at(st->start_wall_ns);
    lg_ns_t late = lg_clock_now();
    if (late > LATE_SAYS_NS)
        lg_log(LG_LOG_ALWAYS(LG_LOG_WARN), "--start-at was %.3f s ago: starting at once, late",
               (double)late / 1e9);
    return 0;
}
