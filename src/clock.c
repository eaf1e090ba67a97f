/* clock.c -- the run epoch and absolute sleeps (see clock.h). */
#include "clock.h"

#include <errno.h>

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

int lg_clock_sleep_until(lg_ns_t t)
{
    int64_t abs_ns = t + lg_clock_epoch_mono_ns;
    struct timespec ts = { .tv_sec = abs_ns / LG_NS_PER_S, .tv_nsec = abs_ns % LG_NS_PER_S };
    int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    return rc == 0 ? 0 : -rc;
}
