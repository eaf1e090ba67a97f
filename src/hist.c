/* hist.c -- log-linear latency histogram (see hist.h).
 *
 * Bucket index of v: v itself below 2*SUB; above, with m the index of v's
 * highest set bit, the top SUB_BITS+1 bits of v select one of SUB linear
 * sub-buckets of octave m. This is HdrHistogram's layout with a fixed
 * precision and no configurable range, which keeps lg_hist_record to a
 * count-leading-zeros and a few shifts. The buckets live in a window
 * [lo, lo + n) grown on demand, at least doubling each time, so a
 * histogram reallocates a handful of times in its life at most. */
#include "hist.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define LINEAR_TOP (2 * LG_HIST_SUB) /* values below this are exact */
#define WINDOW_MIN 8                 /* buckets of a first window */

static unsigned hist_index(uint64_t v)
{
    if (v < LINEAR_TOP)
        return (unsigned)v;
    unsigned m = 63u - (unsigned)__builtin_clzll(v);
    if (m >= LG_HIST_MAX_BITS)
        return LG_HIST_BUCKETS - 1;
    unsigned shift = m - LG_HIST_SUB_BITS;
    unsigned sub = (unsigned)(v >> shift) - LG_HIST_SUB;
    return LINEAR_TOP + (m - LG_HIST_SUB_BITS - 1) * LG_HIST_SUB + sub;
}

/* Lowest value of bucket i, and its width. */
static uint64_t hist_low(unsigned i, uint64_t *width)
{
    if (i < LINEAR_TOP) {
        *width = 1;
        return i;
    }
    unsigned j = i - LINEAR_TOP;
    unsigned shift = j / LG_HIST_SUB + 1;
    uint64_t sub = LG_HIST_SUB + j % LG_HIST_SUB;
    *width = (uint64_t)1 << shift;
    return sub << shift;
}

void lg_hist_init(struct lg_hist *h)
{
    memset(h, 0, sizeof *h);
}

void lg_hist_fini(struct lg_hist *h)
{
    free(h->buckets);
    memset(h, 0, sizeof *h);
}

/* Grows h's window to hold buckets [lo, hi), and some room beyond on the
 * side it grows: at least twice the old width, within the bucket range. */
static void hist_window(struct lg_hist *h, uint32_t lo, uint32_t hi)
{
    uint32_t old_lo = h->lo, old_hi = h->lo + h->n;
    if (h->n == 0)
        old_lo = old_hi = lo;
    uint32_t new_lo = lo < old_lo ? lo : old_lo, new_hi = hi > old_hi ? hi : old_hi;
    uint32_t want = 2 * h->n > WINDOW_MIN ? 2 * h->n : WINDOW_MIN;
    if (new_hi - new_lo < want) {
        if (lo < old_lo) /* growing down */
            new_lo = new_hi > want ? new_hi - want : 0;
        else
            new_hi = new_lo + want < LG_HIST_BUCKETS ? new_lo + want : LG_HIST_BUCKETS;
    }
    uint64_t *b = lg_calloc(new_hi - new_lo, sizeof *b);
    if (h->n)
        memcpy(b + (old_lo - new_lo), h->buckets, h->n * sizeof *b);
    free(h->buckets);
    h->buckets = b;
    h->lo = new_lo;
    h->n = new_hi - new_lo;
}

void lg_hist_record(struct lg_hist *h, int64_t value_ns)
{
    uint64_t v = value_ns < 0 ? 0 : (uint64_t)value_ns;
    unsigned i = hist_index(v);
    if (i - h->lo >= h->n) /* unsigned: below the window wraps past n */
        hist_window(h, i, i + 1);
    if (h->count == 0 || v < h->min_ns)
        h->min_ns = v;
    if (v > h->max_ns)
        h->max_ns = v;
    h->count++;
    h->sum_ns += v;
    h->buckets[i - h->lo]++;
}

void lg_hist_merge(struct lg_hist *dst, const struct lg_hist *src)
{
    if (src->count == 0)
        return;
    if (src->lo < dst->lo || src->lo + src->n > dst->lo + dst->n || dst->n == 0)
        hist_window(dst, src->lo, src->lo + src->n);
    if (dst->count == 0 || src->min_ns < dst->min_ns)
        dst->min_ns = src->min_ns;
    if (src->max_ns > dst->max_ns)
        dst->max_ns = src->max_ns;
    dst->count += src->count;
    dst->sum_ns += src->sum_ns;
    for (uint32_t i = 0; i < src->n; i++)
        dst->buckets[src->lo - dst->lo + i] += src->buckets[i];
}

/* Bucket i of h, 0 outside its window. */
static uint64_t hist_at(const struct lg_hist *h, unsigned i)
{
    return i - h->lo < h->n ? h->buckets[i - h->lo] : 0;
}

int lg_hist_equal(const struct lg_hist *a, const struct lg_hist *b)
{
    if (a->count != b->count || a->sum_ns != b->sum_ns || a->min_ns != b->min_ns ||
        a->max_ns != b->max_ns)
        return 0;
    for (unsigned i = 0; i < LG_HIST_BUCKETS; i++)
        if (hist_at(a, i) != hist_at(b, i))
            return 0;
    return 1;
}

uint64_t lg_hist_count(const struct lg_hist *h)
{
    return h->count;
}

uint64_t lg_hist_min(const struct lg_hist *h)
{
    return h->min_ns;
}

uint64_t lg_hist_max(const struct lg_hist *h)
{
    return h->max_ns;
}

double lg_hist_mean(const struct lg_hist *h)
{
    return h->count ? (double)h->sum_ns / (double)h->count : 0.0;
}

uint64_t lg_hist_percentile(const struct lg_hist *h, double p)
{
    if (h->count == 0)
        return 0;
    if (p <= 0)
        return h->min_ns;
    if (p >= 100)
        return h->max_ns;
    /* rank of the wanted value, 1-based: ceil(p% of count) */
    double want = p / 100.0 * (double)h->count;
    uint64_t rank = (uint64_t)want;
    if ((double)rank < want || rank == 0)
        rank++;
    uint64_t seen = 0;
    unsigned i = 0;
    for (; i + 1 < h->n; i++) {
        seen += h->buckets[i];
        if (seen >= rank)
            break;
    }
    uint64_t width, v = hist_low(h->lo + i, &width);
    v += (width - 1) / 2;
    if (v < h->min_ns)
        v = h->min_ns;
    if (v > h->max_ns)
        v = h->max_ns;
    return v;
}
