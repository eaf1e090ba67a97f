/* bench_hist.c -- the cost of one histogram record (make bench, issue 9's
 * target: under 20 ns).
 *
 * Records N values (default 100 M; argv[1] overrides) into one histogram,
 * cycling through 64 Ki latencies drawn beforehand from a log-normal
 * spread around 1 ms (about 50 us to 20 ms, so the window spans a dozen
 * powers of two, as a busy row's does), and prints the mean ns per record
 * on the monotonic clock. The values are drawn before timing, so the loop
 * times lg_hist_record alone (and one array load). Not a test: it asserts
 * nothing, bench.sh prints its line beside the target. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hist.h"

#define NVALUES (1 << 16)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long long n = argc > 1 ? atoll(argv[1]) : 100000000LL;
    static int64_t values[NVALUES];
    uint64_t x = 88172645463325252ULL; /* xorshift64 */
    for (int i = 0; i < NVALUES; i++) {
        double u1, u2;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        u1 = ((double)(x >> 11) + 1) / 9007199254740993.0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        u2 = (double)(x >> 11) / 9007199254740992.0;
        double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2); /* Box-Muller */
        values[i] = (int64_t)(1e6 * exp(0.9 * z));
    }
    struct lg_hist h;
    lg_hist_init(&h);
    for (int i = 0; i < NVALUES; i++) /* the window, grown before timing */
        lg_hist_record(&h, values[i]);
    double t0 = now_s();
    for (long long i = 0; i < n; i++)
        lg_hist_record(&h, values[i & (NVALUES - 1)]);
    double t = now_s() - t0;
    printf("histogram record: %.2f ns per record (%lld records in %.3f s; p99 %.3f ms; "
           "target under 20 ns)\n",
           t * 1e9 / (double)n, n, t, (double)lg_hist_percentile(&h, 99) / 1e6);
    lg_hist_fini(&h);
    return 0;
}
