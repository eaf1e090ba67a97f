/* fuzz.h -- what the libFuzzer targets of tests/fuzz/ share: the entry
 * point's prototype (libFuzzer calls it; -Wmissing-prototypes wants one)
 * and a NUL-terminated heap copy of the input, since the parsers under test
 * take C strings. Nothing here parses. */
#ifndef LG_FUZZ_H
#define LG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data[0..size) followed by a NUL, on the heap (free it). */
static inline char *lg_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
