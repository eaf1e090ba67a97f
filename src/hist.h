/* hist.h -- latency histograms in HdrHistogram's layout, and its V2
 * encoding.
 *
 * Values are nanoseconds. The layout is HdrHistogram's for 3 significant
 * digits, a lowest discernible value of 1 and a highest trackable value of
 * 30 days (LG_HIST_HIGHEST_NS): values below 2048 ns each have their own
 * count; above, each power of two is split into 1024 linear sub-buckets, so
 * a count covers at most 1/1024 of its values (0.1 %). The counts array is
 * indexed exactly as HdrHistogram indexes it, which is what lets any
 * HdrHistogram implementation (Java, C, Go, JS, Python) decode what
 * lg_hist_encode writes. Values above the trackable range land in the top
 * count; count, min, max and mean stay exact for every value.
 *
 * Only the window of counts between the lowest and the highest value seen
 * is allocated: 8 KiB per power of two the values span (1024 counts of 8
 * bytes), 352 KiB at most, a few dozen bytes for a row that saw one value;
 * recording allocates only when a value falls outside the window, which
 * soon stops happening. Histograms add exactly, so per-name histograms add
 * up to exact totals. */
#ifndef LG_HIST_H
#define LG_HIST_H

#include <stddef.h>
#include <stdint.h>

#define LG_HIST_DIGITS 3                     /* significant digits */
#define LG_HIST_HALF_BITS 10                 /* log2 of half the sub-bucket count */
#define LG_HIST_HALF (1 << LG_HIST_HALF_BITS) /* 1024: sub-buckets above the first bucket */
#define LG_HIST_LOWEST 1                     /* lowest discernible value, ns */
#define LG_HIST_HIGHEST_NS 2592000000000000LL /* highest trackable value: 30 days */
#define LG_HIST_BUCKETS 42                   /* HdrHistogram's bucket count for that range */
#define LG_HIST_COUNTS ((LG_HIST_BUCKETS + 1) * LG_HIST_HALF) /* 44032 */
/* The highest value with a count of its own (2^52 - 1 ns, about 52 days). */
#define LG_HIST_TOP ((((uint64_t)2 * LG_HIST_HALF) << (LG_HIST_BUCKETS - 1)) - 1)

struct lg_hist {
    uint64_t count;                    /* values recorded */
    uint64_t sum_ns;                   /* their sum, for the mean */
    uint64_t min_ns, max_ns;           /* exact; 0 when empty */
    uint64_t *counts;                  /* counts lo .. lo + n - 1, owned; NULL: none */
    uint32_t lo, n;                    /* the window of allocated counts */
};

/* Setup and recording */
/* An empty histogram; allocates nothing. */
void lg_hist_init(struct lg_hist *h);
/* Frees what recording allocated: h is then empty, as after lg_hist_init. */
void lg_hist_fini(struct lg_hist *h);
/* Empties h but keeps its window, for a histogram refilled at once (an
 * interval's): O(window). */
void lg_hist_reset(struct lg_hist *h);
/* Records one value; a negative value counts as 0. O(1); allocates (abort
 * on OOM) only when the value falls outside the window held so far. */
void lg_hist_record(struct lg_hist *h, int64_t value_ns);
/* Adds every value of src to dst. */
void lg_hist_merge(struct lg_hist *dst, const struct lg_hist *src);
/* 1 when a and b hold the same values (whatever their windows), else 0. */
int lg_hist_equal(const struct lg_hist *a, const struct lg_hist *b);

/* Reading: each returns 0 for an empty histogram */
uint64_t lg_hist_count(const struct lg_hist *h);
uint64_t lg_hist_min(const struct lg_hist *h);
uint64_t lg_hist_max(const struct lg_hist *h);
double lg_hist_mean(const struct lg_hist *h);
/* The value at percentile p (0..100) in ns, as HdrHistogram's
 * valueAtPercentile computes it (the highest value equivalent to the
 * count where the cumulative count first reaches p% of the values; the
 * lowest for p = 0), then held within the exact [min, max]: a constant
 * 5 ms reads 5 ms, not the top of its count's range. Within 0.1 % of the
 * true value. O(window). */
uint64_t lg_hist_percentile(const struct lg_hist *h, double p);

/* The values at or below each bound of bounds_ns[0..n) (ascending), into
 * out[0..n): what a cumulative bucket of a Prometheus histogram holds.
 * Bucket-exact: each count stands for its highest equivalent value, as in
 * lg_hist_percentile, so a bound inside a count's range leaves that count
 * out (a value up to 0.1 % below the bound may be missed, never one above
 * it counted); a bound at or above the exact max gives every value, one
 * below the exact min none. Consistent with the percentiles: p% of the
 * values are counted at a bound iff the unclamped percentile p is at or
 * below it. One pass over the window: O(window + n). */
void lg_hist_count_le(const struct lg_hist *h, const uint64_t *bounds_ns, size_t n,
                      uint64_t *out);

/* Counts, for readers of the layout (tests, encoders) */
/* The index of value v in HdrHistogram's counts array (v above
 * LG_HIST_TOP: the top index). */
uint32_t lg_hist_index(uint64_t v);
/* The lowest and the highest value that index i counts. */
uint64_t lg_hist_index_low(uint32_t i);
uint64_t lg_hist_index_high(uint32_t i);

/* Encoding (hist_v2.c) */
/* h in HdrHistogram's V2 compressed encoding (cookie 0x1c849314: the V2
 * payload, its counts as ZigZag LEB128 words with zero runs, deflated by
 * zlib), as base64 text, NUL-terminated. Returns a heap string (free it),
 * its length in *len when len is not NULL; NULL only when zlib fails. */
char *lg_hist_encode(const struct lg_hist *h, size_t *len);
/* Decodes text[0..len), a V2 compressed histogram in base64 from any
 * HdrHistogram implementation, of logen's layout (3 digits, lowest 1)
 * with no count past LG_HIST_TOP, into h (initialised by the call; free it
 * with lg_hist_fini). The counts, hence the percentiles, come back exact;
 * the encoding has no exact min, max or sum, so min and max are the ends
 * of their counts' ranges and the mean takes each count's midpoint.
 * Allocates only h's window, once, at the span of the non-zero counts
 * (and, for a payload above 4 KiB inflated, a buffer of its size for the
 * call): about 17 us for an interval's histogram of 1,000 values.
 * Returns 0, or -1 with h empty and *why (when why is not NULL) saying
 * what is wrong (static; do not free): counts adding up past 2^64 too. */
int lg_hist_decode(struct lg_hist *h, const char *text, size_t len, const char **why);

#endif
