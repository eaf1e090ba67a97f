/* timer.h -- absolute deadlines (ns on the run clock) for ids 0..n-1, in a
 * binary min-heap: arm, re-arm and disarm in O(log n), the earliest in
 * O(1). Deadlines that tie come out in the order they were armed (a
 * sequence number breaks ties, as libuv's timers do), so no id waits
 * behind later ones. Pure: no clock is read, nothing fires; the caller
 * (sched.c) compares the earliest with the time. */
#ifndef LG_TIMER_H
#define LG_TIMER_H

#include <stdint.h>

#include "clock.h"

struct lg_timer {
    int n;            /* ids 0..n-1 */
    int len;          /* ids armed */
    int *heap;        /* the armed ids, earliest first (heap order) */
    int *pos;         /* id -> its index in heap; -1: not armed */
    lg_ns_t *due_ns;  /* id -> its deadline */
    uint64_t *seq;    /* id -> when it was armed, for ties */
    uint64_t next_seq;
};

/* Makes t for ids 0..n-1, none armed (aborts when out of memory);
 * lg_timer_fini frees what it holds. */
void lg_timer_init(struct lg_timer *t, int n);
void lg_timer_fini(struct lg_timer *t);

/* Arms id for due_ns; an armed id moves to its new deadline. */
void lg_timer_arm(struct lg_timer *t, int id, lg_ns_t due_ns);

/* Disarms id (nothing when it is not armed). */
void lg_timer_disarm(struct lg_timer *t, int id);

/* The id with the earliest deadline, written to *due_ns, or -1 when none
 * is armed. */
int lg_timer_next(const struct lg_timer *t, lg_ns_t *due_ns);

#endif
