/* test_names.c -- the run-wide name table and a worker's id map: one index
 * per distinct string, bounded input, growth past many rehashes. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "tap.h"

static void test_intern(void)
{
    struct lg_names t;
    lg_names_init(&t);
    is_int(lg_names_count(&t), 0, "a new table is empty");
    int a = lg_names_intern(&t, "RMngr.R-EXEC", 12);
    int b = lg_names_intern(&t, "RMngr", 5);
    is_int(a, 0, "the first name is index 0");
    is_int(b, 1, "the second is index 1");
    is_int(lg_names_intern(&t, "RMngr.R-EXEC", 12), a, "the same string, the same index");
    is_int(lg_names_count(&t), 2, "two distinct names");
    is_str(lg_names_str(&t, a), "RMngr.R-EXEC", "the string is kept");
    is_int(lg_names_len(&t, b), 5, "and its length");
    /* input is `len` bytes, not a C string: a prefix is its own name */
    int p = lg_names_intern(&t, "RMngr.R-EXEC", 7);
    is_str(lg_names_str(&t, p), "RMngr.R", "only len bytes are taken, NUL-terminated");
    ok(p != a && p != b, "a prefix is a different name");
    int e = lg_names_intern(&t, "", 0);
    is_str(lg_names_str(&t, e), "", "the empty name is a name");
    is_int(lg_names_intern(&t, "x", 0), e, "any zero-length input is that name");
    lg_names_free(&t);
}

/* Far past the first table (64 slots): indices stay dense and stable. */
static void test_growth(void)
{
    enum { N = 5000 };
    struct lg_names t;
    char s[32];
    int dense = 1, stable = 1, strings = 1;
    lg_names_init(&t);
    for (int i = 0; i < N; i++) {
        int n = snprintf(s, sizeof s, "name-%d", i);
        dense &= lg_names_intern(&t, s, (size_t)n) == i;
    }
    for (int i = N - 1; i >= 0; i--) {
        int n = snprintf(s, sizeof s, "name-%d", i);
        stable &= lg_names_intern(&t, s, (size_t)n) == i;
        strings &= strcmp(lg_names_str(&t, i), s) == 0;
    }
    ok(dense, "growth: %d new names get indices 0..%d", N, N - 1);
    ok(stable, "growth: every name keeps its index across rehashes");
    ok(strings, "growth: every string is intact");
    is_int(lg_names_count(&t), N, "growth: count");
    lg_names_free(&t);
}

static void test_namemap(void)
{
    struct lg_namemap m = { 0 };
    is_int(lg_namemap_get(&m, 0), -1, "map: an empty map knows no id");
    lg_namemap_set(&m, 3, 7);
    is_int(lg_namemap_get(&m, 3), 7, "map: a set id");
    is_int(lg_namemap_get(&m, 2), -1, "map: an id below it stays unknown");
    lg_namemap_set(&m, 1000, 1);
    is_int(lg_namemap_get(&m, 1000), 1, "map: grows to a far id");
    is_int(lg_namemap_get(&m, 3), 7, "map: keeps what it had");
    is_int(lg_namemap_get(&m, 999), -1, "map: the gap is unknown");
    is_int(lg_namemap_get(&m, 1u << 20), -1, "map: beyond its end is unknown");
    lg_namemap_set(&m, 3, 9);
    is_int(lg_namemap_get(&m, 3), 9, "map: an id can be redefined");
    lg_namemap_free(&m);
}

int main(void)
{
    test_intern();
    test_growth();
    test_namemap();
    return done_testing();
}
