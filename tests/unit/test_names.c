/* test_names.c -- the run-wide name table and a worker's id map: one index
 * per distinct string, bounded input, growth past many rehashes, and the
 * run's cap on names, in the table and through the collector (a name past
 * it is refused and counted, never given to another name's row). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "end_summary.h"
#include "names.h"
#include "summary.h"
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

/* A full table refuses new names and still finds the ones it has. */
static void test_cap(void)
{
    struct lg_names t;
    lg_names_init(&t);
    is_int(t.max, LG_NAMES_MAX, "cap: a table takes LG_NAMES_MAX names");
    t.max = 3;
    lg_names_intern(&t, "a", 1);
    lg_names_intern(&t, "b", 1);
    lg_names_intern(&t, "c", 1);
    is_int(lg_names_intern(&t, "d", 1), -1, "cap: a new name past it is refused");
    is_int(lg_names_intern(&t, "b", 1), 1, "cap: a name it holds is still found");
    is_int(lg_names_count(&t), 3, "cap: the count stays at the cap");
    lg_names_free(&t);
}

/* One record from worker 0 (pid 7) to c; seq counts them. */
static void feed(struct lg_collector *c, uint32_t *seq, int type, int name, const char *text)
{
    struct lg_record r = { .type = (uint8_t)type, .name = (uint16_t)name, .pid = 7 };
    r.seq = (*seq)++;
    if (text) {
        r.u.text.len = (uint16_t)strlen(text);
        memcpy(r.u.text.bytes, text, r.u.text.len);
    } else {
        r.u.ev.begin_ns = 1000;
        r.u.ev.end_ns = 2000;
    }
    lg_collector_feed(c, &r, 2000);
}

/* Through the collector: a worker defines LG_NAMES_MAX names, then one
 * more (refused: the run's table is full), and sends a request on each,
 * then one with LG_NAME_NONE (its own ids used up). The two past the cap
 * are counted, said once, and fail the run; no row absorbs them. */
static void test_cap_collector(void)
{
    static char text[1 << 16];
    FILE *err = tmpfile();
    struct lg_collector_opts o = { .out = NULL, .err = err, .summary_ns = LG_NS_PER_S };
    struct lg_collector *c = lg_collector_new(&o);
    uint32_t seq = 0;
    char s[32];
    lg_collector_add_worker(c, 0, 0, 7, 0);
    for (int i = 0; i <= LG_NAMES_MAX; i++) {
        snprintf(s, sizeof s, "n%d", i);
        feed(c, &seq, LG_REC_NAME, i, s);
        feed(c, &seq, LG_REC_REQ, i, NULL);
    }
    feed(c, &seq, LG_REC_REQ, LG_NAME_NONE, NULL);
    feed(c, &seq, LG_REC_REQ, 0, NULL); /* a name below the cap still counts */
    lg_collector_close(c, 3000);
    struct lg_collector_view v;
    lg_collector_view(c, &v);
    is_int(lg_names_count(v.names), LG_NAMES_MAX, "collector: the table stops at the cap");
    is_int(v.names_refused, 1, "collector: the name past the cap is refused");
    is_int(v.unnamed, 2, "collector: its request and the LG_NAME_NONE one are counted apart");
    is_int(v.t.requests, LG_NAMES_MAX + 1, "collector: only named requests are in the totals");
    struct lg_collector_row row;
    size_t pos = 0;
    uint64_t most = 0;
    while (lg_collector_row_next(c, 0, &pos, &row))
        most = lg_hist_count(row.h) > most ? lg_hist_count(row.h) : most;
    is_int(most, 2, "collector: no row absorbed them (n0 has its 2, the rest 1)");
    is_int(test_summary_end(c, 0, NULL, NULL, err), 1, "collector: names over the cap fail the run");
    fflush(err);
    rewind(err);
    text[fread(text, 1, sizeof text - 1, err)] = '\0';
    like(text, "more than 65535 request names in the run", "collector: said as an error");
    ok(strstr(strstr(text, "request names") + 1, "more than 65535 request names") == NULL,
       "collector: said once (before the summary)");
    fseek(err, -(long)sizeof text / 2, SEEK_END); /* the end of the summary */
    text[fread(text, 1, sizeof text - 1, err)] = '\0';
    like(text, "*** NAMES OVER THE CAP: a run may have 65535 request names; 1 more refused, 2 "
               "records named past the cap are in no figure above ***",
         "collector: the end summary counts them");
    like(text, "result: FAILED", "collector: and fails");
    lg_collector_free(c);
    fclose(err);
}

int main(void)
{
    test_intern();
    test_growth();
    test_namemap();
    test_cap();
    test_cap_collector();
    return done_testing();
}
