/* clock.c -- the run epoch and absolute sleeps (see clock.h). */
#include "clock.h"

#include <errno.h>
#include <signal.h>
#include <sys/timex.h>

int64_t lg_clock_epoch_mono_ns;
int64_t lg_clock_epoch_wall_ns;

void lg_clock_init(void)
{
    struct timespec mono, wall;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &wall);
    lg_clock_epoch_mono_ns = (int64_t)mono.tv_sec * LG_NS_PER_S + mono.tv_nsec;
    lg_clock_epoch_wall_ns = (int64_t)wall.tv_sec * LG_NS_PER_S + wall.tv_nsec;
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * LG_NS_PER_S + ts.tv_nsec;
}

void lg_clock_init_at(int64_t wall_ns)
{
    int64_t mono = clock_ns(CLOCK_MONOTONIC), wall = clock_ns(CLOCK_REALTIME);
    lg_clock_epoch_wall_ns = wall_ns;
    lg_clock_epoch_mono_ns = mono - (wall - wall_ns);
}

int lg_clock_wait_wall(int64_t wall_ns)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (;;) {
        int64_t left = wall_ns - clock_ns(CLOCK_REALTIME);
        if (left <= 0)
            return 0;
        if (left > LG_NS_PER_S)
            left = LG_NS_PER_S;
        struct timespec ts = { .tv_sec = left / LG_NS_PER_S, .tv_nsec = left % LG_NS_PER_S };
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig > 0)
            return sig;
    }
}

int lg_clock_sleep_until(lg_ns_t t)
{
    int64_t abs_ns = t + lg_clock_epoch_mono_ns;
    struct timespec ts = { .tv_sec = abs_ns / LG_NS_PER_S, .tv_nsec = abs_ns % LG_NS_PER_S };
    int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    return rc == 0 ? 0 : -rc;
}

void lg_clock_sync_state(struct lg_clock_sync *s)
{
    struct timex tx = { .modes = 0 }; /* read only: no privilege needed */
    int state = adjtimex(&tx);
    s->synced = state >= 0 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
    s->maxerror_ns = state >= 0 ? (int64_t)tx.maxerror * 1000 : -1; /* us */
    s->esterror_ns = state >= 0 ? (int64_t)tx.esterror * 1000 : -1;
}
