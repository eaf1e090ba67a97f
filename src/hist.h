/* hist.h -- a log-linear latency histogram (HdrHistogram-like).
 *
 * Values are nanoseconds. Below 256 ns every value has its own bucket; above,
 * each power of two is split into 128 linear sub-buckets, so a bucket is at
 * most 1/128 of its values wide and a percentile is within 0.4% of the true
 * value (its bucket's midpoint). Values up to 2^44 ns (about 4.9 hours) are
 * bucketed; larger ones land in the top bucket, while count, min, max and
 * mean stay exact for every value. Only the window of buckets between the
 * lowest and the highest value seen is allocated (at most about 39 KB, a
 * few dozen bytes for a row that saw one value), so one histogram per
 * request name stays cheap with tens of thousands of names; recording
 * allocates only when a value falls outside the window, which soon stops
 * happening. Histograms merge losslessly, so per-name histograms add up
 * to exact totals. */
#ifndef LG_HIST_H
#define LG_HIST_H

#include <stdint.h>

#define LG_HIST_SUB_BITS 7                        /* 128 sub-buckets per octave */
#define LG_HIST_SUB (1 << LG_HIST_SUB_BITS)
#define LG_HIST_MAX_BITS 44                       /* bucketed range: [0, 2^44) ns */
#define LG_HIST_BUCKETS (2 * LG_HIST_SUB + (LG_HIST_MAX_BITS - LG_HIST_SUB_BITS - 1) * LG_HIST_SUB)

struct lg_hist {
    uint64_t count;                    /* values recorded */
    uint64_t sum_ns;                   /* their sum, for the mean */
    uint64_t min_ns, max_ns;           /* exact; 0 when empty */
    uint64_t *buckets;                 /* counts of buckets lo .. lo + n - 1, owned; NULL: none */
    uint32_t lo, n;                    /* the window of allocated buckets */
};

/* Setup and recording */
/* An empty histogram; allocates nothing. */
void lg_hist_init(struct lg_hist *h);
/* Frees what recording allocated: h is then empty, as after lg_hist_init. */
void lg_hist_fini(struct lg_hist *h);
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
/* The value at percentile p (0..100) in ns: the smallest value such that
 * p% of the values are at or below it, as its bucket's midpoint clamped to
 * [min, max]. p <= 0 gives min, p >= 100 gives max. O(window). */
uint64_t lg_hist_percentile(const struct lg_hist *h, double p);

#endif
