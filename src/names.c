/* names.c -- the run-wide name table (see names.h).
 *
 * Open addressing with linear probing over a power-of-two slot array, kept
 * at most half full, so a probe sequence stays short; the table is rebuilt
 * at twice the size when it would pass that. Slots hold index + 1 so that a
 * zeroed array is empty. No deletion: names live as long as the run. */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

static uint64_t name_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void names_rehash(struct lg_names *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 64;
    free(t->slots);
    t->slots = lg_calloc(n, sizeof *t->slots);
    t->nslots = n;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = t->v[i].hash & (n - 1);
        while (t->slots[j])
            j = (j + 1) & (n - 1);
        t->slots[j] = (uint32_t)i + 1;
    }
}

void lg_names_init(struct lg_names *t)
{
    memset(t, 0, sizeof *t);
    t->max = LG_NAMES_MAX;
    names_rehash(t);
}

void lg_names_free(struct lg_names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].s);
    free(t->v);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

int lg_names_intern(struct lg_names *t, const char *s, size_t len)
{
    uint64_t h = name_hash(s, len);
    size_t j = h & (t->nslots - 1);
    for (; t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
        const struct lg_name *n = &t->v[t->slots[j] - 1];
        if (n->hash == h && n->len == len && memcmp(n->s, s, len) == 0)
            return (int)t->slots[j] - 1;
    }
    if (t->n >= t->max)
        return -1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->v = lg_realloc(t->v, t->cap * sizeof *t->v);
    }
    struct lg_name *n = &t->v[t->n];
    n->s = lg_malloc(len + 1);
    memcpy(n->s, s, len);
    n->s[len] = '\0';
    n->len = len;
    n->hash = h;
    t->slots[j] = (uint32_t)++t->n;
    if (t->n * 2 > t->nslots)
        names_rehash(t);
    return (int)t->n - 1;
}

void lg_namemap_set(struct lg_namemap *m, unsigned id, int index)
{
    if (id >= m->n) {
        size_t n = m->n ? m->n : 16;
        while (n <= id)
            n *= 2;
        m->v = lg_realloc(m->v, n * sizeof *m->v);
        for (size_t i = m->n; i < n; i++)
            m->v[i] = -1;
        m->n = n;
    }
    m->v[id] = index;
}

void lg_namemap_free(struct lg_namemap *m)
{
    free(m->v);
    m->v = NULL;
    m->n = 0;
}
