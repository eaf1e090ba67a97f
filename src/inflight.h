/* inflight.h -- the open model's gauge of events in flight: how many
 * events each worker holds (taken from the job queue, not yet done), in a
 * page the controller maps shared before its first fork.
 *
 * One counter per writer index, each written by its worker alone (a
 * relaxed store, no lock, no system call) and read by the controller,
 * which sums a line's live workers to know how much of the line's capacity,
 * live workers x --concurrency, is in use: a worker is retired only when
 * the others can hold what was in flight (controller.c). */
#ifndef LG_INFLIGHT_H
#define LG_INFLIGHT_H

#include <stdint.h>

#define LG_INFLIGHT_SLOTS 65536 /* one per writer index (uint16_t in records) */

/* Maps the gauge, every counter 0. Returns NULL (errno set) on failure. */
int32_t *lg_inflight_map(void);
void lg_inflight_unmap(int32_t *gauge);

/* A worker's count, stored where its controller reads it. */
static inline void lg_inflight_store(int32_t *slot, int32_t n)
{
    __atomic_store_n(slot, n, __ATOMIC_RELAXED);
}

static inline int32_t lg_inflight_load(const int32_t *slot)
{
    return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

#endif
