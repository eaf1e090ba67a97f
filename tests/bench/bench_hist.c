/* bench_hist.c -- the cost of one histogram record (make bench, issue 9's
 * target: under 20 ns) and of one decode of the V2 encoding.
 *
 * Records N values (default 100 M; argv[1] overrides) into one histogram,
 * cycling through 64 Ki latencies drawn beforehand from a log-normal
 * spread around 1 ms (about 50 us to 20 ms, so the window spans a dozen
 * powers of two, as a busy row's does), and prints the mean ns per record
 * on the monotonic clock. The values are drawn before timing, so the loop
 * times lg_hist_record alone (and one array load).
 *
 * Then the mean us per lg_hist_decode (and lg_hist_fini) of two kinds of
 * histogram, each encoded once before timing, on the process's CPU clock
 * (a decode allocates and frees, so the machine's other load would
 * otherwise show in it): 64 typical interval
 * histograms (1,000 values uniform over 1-50 ms each, what a summary
 * keeps per line and interval, which logen merge, compare and report
 * decode by the thousand) decoded in turn M times (default 20,000;
 * argv[2] overrides), and the whole-run histogram above, M / 10 times.
 * Not a test: it asserts nothing, bench.sh prints its lines beside the
 * targets. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hist.h"

#define NVALUES (1 << 16)
#define NINTERVALS 64   /* distinct interval histograms decoded in turn */
#define INTERVAL_VALUES 1000

static uint64_t rng = 88172645463325252ULL; /* xorshift64 */

/* The next 53 random bits. */
static uint64_t bits53(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng >> 11;
}

/* Uniform in [0, 1). */
static double uniform(void)
{
    return (double)bits53() / 9007199254740992.0;
}

/* Seconds on clock id. */
static double now_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Mean us per decode of texts[0..k) taken in turn, m decodes in all. */
static double decode_us(char *const *texts, int k, long m)
{
    size_t len[NINTERVALS];
    for (int j = 0; j < k; j++)
        len[j] = strlen(texts[j]);
    double t0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    for (long i = 0; i < m; i++) {
        struct lg_hist h;
        if (lg_hist_decode(&h, texts[i % k], len[i % k], NULL) < 0) {
            fprintf(stderr, "bench_hist: a histogram does not decode\n");
            exit(1);
        }
        lg_hist_fini(&h);
    }
    return (now_s(CLOCK_PROCESS_CPUTIME_ID) - t0) * 1e6 / (double)m;
}

/* Mean us per encode of hs[0..k) taken in turn, m encodes in all. */
static double encode_us(const struct lg_hist *hs, int k, long m)
{
    double t0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    for (long i = 0; i < m; i++)
        free(lg_hist_encode(&hs[i % k], NULL));
    return (now_s(CLOCK_PROCESS_CPUTIME_ID) - t0) * 1e6 / (double)m;
}

static void bench_decode(const struct lg_hist *run, long m)
{
    static struct lg_hist hs[NINTERVALS];
    char *texts[NINTERVALS];
    size_t total = 0, runlen;
    for (int j = 0; j < NINTERVALS; j++) {
        lg_hist_init(&hs[j]);
        for (int i = 0; i < INTERVAL_VALUES; i++)
            lg_hist_record(&hs[j], (int64_t)(1e6 + 49e6 * uniform()));
        texts[j] = lg_hist_encode(&hs[j], NULL);
        total += strlen(texts[j]);
    }
    char *whole = lg_hist_encode(run, &runlen);
    printf("histogram decode: %.2f us CPU per interval histogram (1,000 values over 1-50 ms, "
           "%zu bytes of base64 on average; %ld decodes)\n",
           decode_us(texts, NINTERVALS, m), total / NINTERVALS, m);
    printf("histogram decode: %.2f us CPU per whole-run histogram (%zu bytes of base64; %ld decodes)\n",
           decode_us(&whole, 1, m / 10 > 0 ? m / 10 : 1), runlen, m / 10 > 0 ? m / 10 : 1);
    printf("histogram encode: %.2f us CPU per interval histogram (%ld encodes), "
           "%.2f us per whole-run histogram\n",
           encode_us(hs, NINTERVALS, m), m, encode_us(run, 1, m / 10 > 0 ? m / 10 : 1));
    for (int j = 0; j < NINTERVALS; j++) {
        free(texts[j]);
        lg_hist_fini(&hs[j]);
    }
    free(whole);
}

int main(int argc, char **argv)
{
    long long n = argc > 1 ? atoll(argv[1]) : 100000000LL;
    long m = argc > 2 ? atol(argv[2]) : 20000;
    static int64_t values[NVALUES];
    for (int i = 0; i < NVALUES; i++) {
        double u1 = ((double)bits53() + 1) / 9007199254740993.0; /* in (0, 1] */
        double u2 = uniform();
        double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2); /* Box-Muller */
        values[i] = (int64_t)(1e6 * exp(0.9 * z));
    }
    struct lg_hist h;
    lg_hist_init(&h);
    for (int i = 0; i < NVALUES; i++) /* the window, grown before timing */
        lg_hist_record(&h, values[i]);
    double t0 = now_s(CLOCK_MONOTONIC);
    for (long long i = 0; i < n; i++)
        lg_hist_record(&h, values[i & (NVALUES - 1)]);
    double t = now_s(CLOCK_MONOTONIC) - t0;
    printf("histogram record: %.2f ns per record (%lld records in %.3f s; p99 %.3f ms; "
           "target under 20 ns)\n",
           t * 1e9 / (double)n, n, t, (double)lg_hist_percentile(&h, 99) / 1e6);
    bench_decode(&h, m);
    lg_hist_fini(&h);
    return 0;
}
