/* names.h -- the run-wide name table: each distinct name string once, with
 * a dense index.
 *
 * Workers intern names in their own id space (NAME records); the collector
 * maps every worker's names into this one table, so the same name from two
 * workers is one index, hence one statistics row. Interning is O(1)
 * expected (open addressing, FNV-1a); reading a name by index is a plain
 * array access, inline, as the collector does it once per record. Indices
 * are stable for the table's life. Names are a bounded resource: a table
 * holds at most LG_NAMES_MAX names (a run's cap), and refuses any other
 * name once full; what a refusal means is the caller's business. Beside
 * it, lg_namemap: one worker's name ids to table indices. Aborts on OOM
 * (mem.h). Knows nothing of records, workers or lines. */
#ifndef LG_NAMES_H
#define LG_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define LG_NAMES_MAX 65535       /* distinct names a run may have */

struct lg_name {
    char *s;                     /* NUL-terminated, owned */
    size_t len;                  /* bytes, without the NUL */
    uint64_t hash;
};

struct lg_names {
    struct lg_name *v;           /* by index */
    size_t n, cap;
    size_t max;                  /* names it accepts: LG_NAMES_MAX, unless lowered */
    uint32_t *slots;             /* hash table: index + 1, 0 empty; power of two */
    size_t nslots;
};

/* An empty table; free it with lg_names_free. */
void lg_names_init(struct lg_names *t);
void lg_names_free(struct lg_names *t);

/* The index of the `len` bytes at s (need not be NUL-terminated), added if
 * new; -1 when new and the table already holds `max` names. */
int lg_names_intern(struct lg_names *t, const char *s, size_t len);

/* Reading; i must be an index lg_names_intern returned. */
static inline size_t lg_names_count(const struct lg_names *t)
{
    return t->n;
}
static inline const char *lg_names_str(const struct lg_names *t, int i)
{
    return t->v[i].s;
}
static inline size_t lg_names_len(const struct lg_names *t, int i)
{
    return t->v[i].len;
}

/* A map from one worker's name ids (record.name) to table indices, or to
 * LG_NAMEMAP_REFUSED (the table refused the name); a zeroed struct is
 * empty. */
#define LG_NAMEMAP_REFUSED (-2)
struct lg_namemap {
    int32_t *v;                  /* id -> index, -1 unknown */
    size_t n;
};

/* Maps id to index, growing the map (abort on OOM). */
void lg_namemap_set(struct lg_namemap *m, unsigned id, int index);
void lg_namemap_free(struct lg_namemap *m);

/* What id maps to, or -1 when id was never set. */
static inline int lg_namemap_get(const struct lg_namemap *m, unsigned id)
{
    return id < m->n ? m->v[id] : -1;
}

#endif
