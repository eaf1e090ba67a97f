/* test_hist.c -- the log-linear histogram: exactness, precision, merge. */
#include <stdlib.h>

#include "hist.h"
#include "tap.h"

/* Reused from test to test: lg_hist_fini empties one (and frees its
 * window), as each test starts. */
static struct lg_hist a, b, u;

static void test_empty(void)
{
    lg_hist_fini(&a);
    is_int(lg_hist_count(&a), 0, "empty: count 0");
    is_int(lg_hist_percentile(&a, 50), 0, "empty: p50 is 0");
    is_double(lg_hist_mean(&a), 0, 0, "empty: mean is 0");
    is_int(lg_hist_min(&a), 0, "empty: min 0");
    is_int(lg_hist_max(&a), 0, "empty: max 0");
}

static void test_small_exact(void)
{
    lg_hist_fini(&a);
    for (int v = 1; v <= 200; v++)
        lg_hist_record(&a, v);
    is_int(lg_hist_count(&a), 200, "small: count");
    is_int(lg_hist_percentile(&a, 50), 100, "small: p50 exact");
    is_int(lg_hist_percentile(&a, 90), 180, "small: p90 exact");
    is_int(lg_hist_percentile(&a, 99), 198, "small: p99 exact");
    is_int(lg_hist_percentile(&a, 0.5), 1, "small: p0.5 exact");
    is_double(lg_hist_mean(&a), 100.5, 1e-9, "small: mean exact");

    lg_hist_fini(&a);
    lg_hist_record(&a, 7);
    lg_hist_record(&a, 7);
    lg_hist_record(&a, 9);
    is_int(lg_hist_percentile(&a, 66), 7, "three values: p66 is the second");
    is_int(lg_hist_percentile(&a, 67), 9, "three values: p67 is the third");
    lg_hist_record(&a, -5);
    is_int(lg_hist_min(&a), 0, "negative value counts as 0");
}

static int within(uint64_t got, double want, double rel)
{
    double d = (double)got - want;
    return d <= want * rel && -d <= want * rel;
}

static void test_uniform(void)
{
    lg_hist_fini(&u);
    for (int v = 1; v <= 100000; v++)
        lg_hist_record(&u, v);
    static const double ps[] = { 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99 };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double want = ps[i] * 1000; /* p% of 1..100000 */
        uint64_t got = lg_hist_percentile(&u, ps[i]);
        ok(within(got, want, 0.01), "uniform 1..100000: p%g = %llu within 1%% of %.0f", ps[i],
           (unsigned long long)got, want);
    }
    is_int(lg_hist_min(&u), 1, "uniform: min exact");
    is_int(lg_hist_max(&u), 100000, "uniform: max exact");
    is_int(lg_hist_percentile(&u, 100), 100000, "uniform: p100 is max");
    is_double(lg_hist_mean(&u), 50000.5, 1e-6, "uniform: mean exact");
}

static void test_wide_range(void)
{
    /* 1 us .. 1 hour, spaced by a factor 1.37: each must come back within 1% */
    int bad = 0, n = 0;
    for (double v = 1000; v <= 3600e9; v *= 1.37) {
        lg_hist_fini(&a);
        lg_hist_record(&a, 1);
        lg_hist_record(&a, (int64_t)v);
        lg_hist_record(&a, (int64_t)3e13); /* keeps max above v */
        uint64_t got = lg_hist_percentile(&a, 50);
        if (!within(got, (double)(int64_t)v, 0.01)) {
            bad++;
            note("value %.0f came back as %llu", v, (unsigned long long)got);
        }
        n++;
    }
    ok(n > 50 && bad == 0, "1us..1h: %d values all within 1%%", n);

    lg_hist_fini(&a);
    lg_hist_record(&a, (int64_t)1 << 50); /* beyond the bucketed range */
    is_int(lg_hist_max(&a), (int64_t)1 << 50, "huge value: max still exact");
    is_int(lg_hist_percentile(&a, 50), (int64_t)1 << 50, "huge value: p50 clamped to max");
}

static void test_merge(void)
{
    struct lg_hist both;
    lg_hist_fini(&a);
    lg_hist_fini(&b);
    lg_hist_init(&both);
    srand(42);
    for (int i = 0; i < 20000; i++) {
        int64_t v = (int64_t)rand() % 5000000 + 300;
        lg_hist_record(i % 3 ? &a : &b, v);
        lg_hist_record(&both, v);
    }
    lg_hist_record(&b, 17); /* only b holds the minimum */
    lg_hist_record(&both, 17);
    lg_hist_merge(&a, &b);
    ok(lg_hist_equal(&a, &both), "merge equals recording the union");
    is_int(lg_hist_min(&a), 17, "merge: min from the other side");

    lg_hist_fini(&b);
    lg_hist_merge(&a, &b);
    ok(lg_hist_equal(&a, &both), "merging an empty histogram changes nothing");
    lg_hist_merge(&b, &both);
    ok(lg_hist_equal(&b, &both), "merging into an empty histogram copies");
    lg_hist_fini(&both);
}

/* The window of buckets: a histogram of one value holds a few buckets, not
 * the whole range; growing it either way keeps every count. */
static void test_window(void)
{
    lg_hist_fini(&a);
    ok(a.buckets == NULL && a.n == 0, "window: an empty histogram holds no bucket");
    lg_hist_record(&a, 5000000);
    ok(a.n > 0 && a.n <= 16, "window: one value holds %u buckets, not %d", a.n, LG_HIST_BUCKETS);
    lg_hist_record(&a, 3);           /* far below the window */
    lg_hist_record(&a, 7200000000000); /* far above */
    lg_hist_record(&a, (int64_t)1 << 50); /* the top bucket */
    is_int(lg_hist_count(&a), 4, "window: grown both ways, count kept");
    is_int(lg_hist_percentile(&a, 25), 3, "window: the low value kept");
    ok(within(lg_hist_percentile(&a, 50), 5000000, 0.01), "window: the first value kept");
    ok(within(lg_hist_percentile(&a, 75), 7200000000000.0, 0.01), "window: the high value kept");
    is_int(lg_hist_percentile(&a, 100), (int64_t)1 << 50, "window: max exact");
    ok(a.n <= LG_HIST_BUCKETS, "window: never past the bucket range (%u)", a.n);
    lg_hist_fini(&b);
    lg_hist_record(&b, 3);
    lg_hist_merge(&b, &a); /* b's window must grow to take a's */
    is_int(lg_hist_count(&b), 5, "window: merge into a narrower window");
    is_int(lg_hist_percentile(&b, 100), (int64_t)1 << 50, "window: merge keeps the top");
    lg_hist_fini(&a);
    lg_hist_fini(&b);
    lg_hist_fini(&u);
}

int main(void)
{
    test_empty();
    test_small_exact();
    test_uniform();
    test_wide_range();
    test_merge();
    test_window();
    return done_testing();
}
