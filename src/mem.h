/* mem.h -- the one out-of-memory policy: log and abort (as Redis' zmalloc).
 * Callers never test for NULL. */
#ifndef LG_MEM_H
#define LG_MEM_H

#include <stddef.h>

void *lg_malloc(size_t size);
void *lg_calloc(size_t n, size_t size);
/* Returns the moved block: reassign it, as with realloc(3). */
void *lg_realloc(void *ptr, size_t size);
char *lg_strdup(const char *s);
/* At most n bytes of s, always terminated. */
char *lg_strndup(const char *s, size_t n);

#endif
