/* inflight.c -- the gauge's shared page (see inflight.h). */
#include "inflight.h"

#include <stddef.h>
#include <sys/mman.h>

#define BYTES (LG_INFLIGHT_SLOTS * sizeof(int32_t))

int32_t *lg_inflight_map(void)
{
    void *p = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void lg_inflight_unmap(int32_t *gauge)
{
    if (gauge)
        munmap(gauge, BYTES);
}
