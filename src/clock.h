/* clock.h -- the run clock: CLOCK_MONOTONIC nanoseconds since the run epoch.
 *
 * The parent sets the epoch once before it forks; workers inherit it, so
 * every process stamps on one clock. Wall-clock time is used only to print
 * (lg_clock_wall_ns), and to start at an agreed instant (--start-at). Sleeps
 * go to absolute deadlines, so they never drift. */
#ifndef LG_CLOCK_H
#define LG_CLOCK_H

#include <stdint.h>
#include <time.h>

typedef int64_t lg_ns_t; /* nanoseconds on the run clock */

#define LG_NS_PER_S 1000000000LL

extern int64_t lg_clock_epoch_mono_ns; /* CLOCK_MONOTONIC at the epoch */
extern int64_t lg_clock_epoch_wall_ns; /* CLOCK_REALTIME at the epoch */

/* Sets the run epoch to now. Call once, in the parent, before any fork. */
void lg_clock_init(void);

/* Sets the run epoch to wall-clock time wall_ns (ns since the Unix epoch,
 * --start-at): run time 0 is then that instant on the monotonic clock, also
 * when it is slightly past. Instead of lg_clock_init. */
void lg_clock_init_at(int64_t wall_ns);

/* Waits until wall-clock time wall_ns, SIGINT, SIGTERM and SIGHUP blocked
 * and served at once: returns 0 at wall_ns, or the signal that came first
 * (it is consumed). Re-reads the real-time clock at least every second, so
 * a clock that is stepped meanwhile is followed. */
int lg_clock_wait_wall(int64_t wall_ns);

/* The real-time clock's synchronisation, as far as the kernel knows it
 * (adjtimex, read only): what an agreed start across machines is worth. */
struct lg_clock_sync {
    int synced;          /* 1: NTP/chrony keeps it; 0: unsynchronised, or unknown */
    int64_t maxerror_ns; /* the kernel's maximum error, ns; -1 unknown */
    int64_t esterror_ns; /* its estimated error, ns; -1 unknown */
};
void lg_clock_sync_state(struct lg_clock_sync *s);

static inline lg_ns_t lg_clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * LG_NS_PER_S + ts.tv_nsec - lg_clock_epoch_mono_ns;
}

/* Wall-clock nanoseconds since the Unix epoch of run time t. */
static inline int64_t lg_clock_wall_ns(lg_ns_t t)
{
    return lg_clock_epoch_wall_ns + t;
}

/* Sleeps until run time t. Returns 0 once t is reached, -EINTR when a signal
 * handler ran first (the caller decides whether to sleep again). */
int lg_clock_sleep_until(lg_ns_t t);

/* Seconds (as given on the command line) to nanoseconds, rounded. */
static inline lg_ns_t lg_clock_from_s(double s)
{
    return (lg_ns_t)(s * 1e9 + (s >= 0 ? 0.5 : -0.5));
}

/* poll(2)'s timeout from now to `until`: milliseconds rounded up (never
 * early), at most a second, so a loop looks again at least that often. */
static inline int lg_clock_poll_ms(lg_ns_t now, lg_ns_t until)
{
    if (until <= now)
        return 0;
    lg_ns_t ms = (until - now + 999999) / 1000000;
    return ms > 1000 ? 1000 : (int)ms;
}

#endif
