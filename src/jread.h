/* jread.h -- reading a JSON document of known shape with libjansson, the
 * first field missing or of the wrong type named by its JSON path
 * ("B.json: lines[0].rows[2].histogram: missing").
 *
 * A reader carries the file's name, the path of the object being read and
 * the caller's message buffer. Every getter checks presence and type; the
 * first failure writes one line into the buffer and makes every later
 * getter return its default (0, NULL) without a word, so a caller reads a
 * whole object and tests lg_jread_failed once. Nothing here knows what a
 * logen summary holds (results_load.c does). */
#ifndef LG_JREAD_H
#define LG_JREAD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct lg_jread {
    const char *file;            /* borrowed; names the document in messages */
    char path[512];              /* the JSON path being read, "" at the top */
    size_t len;                  /* its length */
    char *err;                   /* the caller's buffer */
    size_t errlen;
    int failed;                  /* a message is in err */
};

void lg_jread_init(struct lg_jread *r, const char *file, char *err, size_t errlen);
static inline int lg_jread_failed(const struct lg_jread *r)
{
    return r->failed;
}

/* Descending: into member key, or element i; each returns a mark for
 * lg_jread_pop, which climbs back. */
size_t lg_jread_push(struct lg_jread *r, const char *key);
size_t lg_jread_push_index(struct lg_jread *r, size_t i);
void lg_jread_pop(struct lg_jread *r, size_t mark);

/* Fails, unless failed already, with "FILE: PATH[.key]: what" (key may be
 * NULL: the current path). */
void lg_jread_fail(struct lg_jread *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Getters of member key of object o (NULL o: fails as missing). Each fails
 * when the member is missing or of another type; the _or variants also
 * take JSON null, and return dflt for it. Strings are heap copies (free). */
json_t *lg_jread_object(struct lg_jread *r, const json_t *o, const char *key);
json_t *lg_jread_object_or_null(struct lg_jread *r, const json_t *o, const char *key);
json_t *lg_jread_array(struct lg_jread *r, const json_t *o, const char *key, size_t *n);
uint64_t lg_jread_count(struct lg_jread *r, const json_t *o, const char *key); /* integer >= 0 */
int64_t lg_jread_int(struct lg_jread *r, const json_t *o, const char *key);
int64_t lg_jread_int_or(struct lg_jread *r, const json_t *o, const char *key, int64_t dflt);
double lg_jread_num(struct lg_jread *r, const json_t *o, const char *key);
double lg_jread_num_or(struct lg_jread *r, const json_t *o, const char *key, double dflt);
int lg_jread_bool(struct lg_jread *r, const json_t *o, const char *key);
char *lg_jread_str(struct lg_jread *r, const json_t *o, const char *key);
char *lg_jread_str_or_null(struct lg_jread *r, const json_t *o, const char *key);

/* Object member key of o, and the path descended into it: *mark is for
 * lg_jread_pop. */
json_t *lg_jread_enter(struct lg_jread *r, const json_t *o, const char *key, size_t *mark);

/* Times: seconds (a JSON number) to nanoseconds, rounded, refused beyond
 * LG_JREAD_MAX_S either way (about 31 years: no run's clock goes there,
 * and ns stay far from int64's limits); the _or_none variant gives -1 for
 * JSON null. Milliseconds, from 0 to the same bound, to nanoseconds. */
#define LG_JREAD_MAX_S 1e9
int64_t lg_jread_s_ns(struct lg_jread *r, const json_t *o, const char *key);
int64_t lg_jread_s_ns_or_none(struct lg_jread *r, const json_t *o, const char *key);
uint64_t lg_jread_ms_ns(struct lg_jread *r, const json_t *o, const char *key);

#endif
