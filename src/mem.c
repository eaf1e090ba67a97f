/* mem.c -- see mem.h. */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *mem_check(void *p, size_t size)
{
    if (!p && size) {
        fprintf(stderr, "logen: out of memory (%zu bytes)\n", size);
        abort();
    }
    return p;
}

void *lg_malloc(size_t size)
{
    return mem_check(malloc(size), size);
}

void *lg_calloc(size_t n, size_t size)
{
    return mem_check(calloc(n, size), n * size);
}

void *lg_realloc(void *ptr, size_t size)
{
    return mem_check(realloc(ptr, size), size);
}

char *lg_strdup(const char *s)
{
    return mem_check(strdup(s), strlen(s) + 1);
}

char *lg_strndup(const char *s, size_t n)
{
    return mem_check(strndup(s, n), n + 1);
}
