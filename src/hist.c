/* hist.c -- latency histograms in HdrHistogram's layout (see hist.h).
 *
 * Index of v (HdrHistogram's countsArrayIndex with unit magnitude 0): with
 * b the bucket, the position of v's highest bit above the first bucket's
 * 11 bits (0 below 2048), the index is (b + 1) * 1024 + (v >> b) - 1024.
 * One count-leading-zeros and a few shifts, no branch but the clamp. The
 * counts live in a window [lo, lo + n) grown on demand, at least doubling
 * each time, so a histogram reallocates a handful of times in its life at
 * most. The old window is freed after the copy; when it was large (64 KiB
 * or more) its pages go back to the system at once (glibc's malloc_trim),
 * as otherwise they stay resident in the heap's free lists and a row that
 * widens late in a run (a new extreme value) costs its old window again
 * on top of its new one: what the soak measured. The windows themselves
 * are bounded by the layout (LG_HIST_COUNTS counts, 352 KiB) and grow only
 * with the span of the values. The V2 encoding is hist_v2.c. */
#include "hist.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define WINDOW_MIN 8              /* counts of a first window */
#define WINDOW_TRIM (64 * 1024 / 8) /* counts of an old window whose pages are returned */

static inline uint32_t hist_index(uint64_t v)
{
    if (v > LG_HIST_TOP)
        v = LG_HIST_TOP;
    unsigned b = 64u - (unsigned)__builtin_clzll(v | (2 * LG_HIST_HALF - 1)) - (LG_HIST_HALF_BITS + 1);
    return ((b + 1) << LG_HIST_HALF_BITS) + (uint32_t)(v >> b) - LG_HIST_HALF;
}

uint32_t lg_hist_index(uint64_t v)
{
    return hist_index(v);
}

/* Bucket and sub-bucket of index i, as HdrHistogram's valueFromIndex. */
static unsigned hist_shift(uint32_t i, uint64_t *sub)
{
    int b = (int)(i >> LG_HIST_HALF_BITS) - 1;
    *sub = (i & (LG_HIST_HALF - 1)) + LG_HIST_HALF;
    if (b < 0) {
        *sub -= LG_HIST_HALF;
        b = 0;
    }
    return (unsigned)b;
}

uint64_t lg_hist_index_low(uint32_t i)
{
    uint64_t sub;
    unsigned b = hist_shift(i, &sub);
    return sub << b;
}

uint64_t lg_hist_index_high(uint32_t i)
{
    uint64_t sub;
    unsigned b = hist_shift(i, &sub);
    return (sub << b) + ((uint64_t)1 << b) - 1;
}

void lg_hist_init(struct lg_hist *h)
{
    memset(h, 0, sizeof *h);
}

void lg_hist_fini(struct lg_hist *h)
{
    free(h->counts);
    memset(h, 0, sizeof *h);
}

void lg_hist_reset(struct lg_hist *h)
{
    if (h->n)
        memset(h->counts, 0, h->n * sizeof *h->counts);
    h->count = h->sum_ns = h->min_ns = h->max_ns = 0;
}

/* Grows h's window to hold counts [lo, hi), and some room beyond on the
 * side it grows: at least twice the old width, within the counts array. */
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
            new_hi = new_lo + want < LG_HIST_COUNTS ? new_lo + want : LG_HIST_COUNTS;
    }
    uint64_t *b = lg_calloc(new_hi - new_lo, sizeof *b);
    if (h->n)
        memcpy(b + (old_lo - new_lo), h->counts, h->n * sizeof *b);
    free(h->counts);
#ifdef __GLIBC__
    if (h->n >= WINDOW_TRIM) /* rare: a handful of times in a row's life */
        malloc_trim(0);
#endif
    h->counts = b;
    h->lo = new_lo;
    h->n = new_hi - new_lo;
}

void lg_hist_record(struct lg_hist *h, int64_t value_ns)
{
    uint64_t v = value_ns < 0 ? 0 : (uint64_t)value_ns;
    uint32_t i = hist_index(v);
    if (i - h->lo >= h->n) /* unsigned: below the window wraps past n */
        hist_window(h, i, i + 1);
    if (h->count == 0 || v < h->min_ns)
        h->min_ns = v;
    if (v > h->max_ns)
        h->max_ns = v;
    h->count++;
    h->sum_ns += v;
    h->counts[i - h->lo]++;
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
        dst->counts[src->lo - dst->lo + i] += src->counts[i];
}

/* Count i of h, 0 outside its window. */
static uint64_t hist_at(const struct lg_hist *h, uint32_t i)
{
    return i - h->lo < h->n ? h->counts[i - h->lo] : 0;
}

int lg_hist_equal(const struct lg_hist *a, const struct lg_hist *b)
{
    if (a->count != b->count || a->sum_ns != b->sum_ns || a->min_ns != b->min_ns ||
        a->max_ns != b->max_ns)
        return 0;
    for (uint32_t i = 0; i < LG_HIST_COUNTS; i++)
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
    /* HdrHistogram's rank: ceil(p% of count), forgiving one ulp of error
     * in the product, and at least the first value */
    double fp = (p < 100 ? (p > 0 ? p : 0) : 100) / 100.0 * (double)h->count;
    double up = ceil(fp - (nextafter(fp, INFINITY) - fp));
    uint64_t rank = up >= 1 ? (uint64_t)up : 1, seen = 0;
    uint32_t i = 0;
    for (; i + 1 < h->n; i++) {
        seen += h->counts[i];
        if (seen >= rank)
            break;
    }
    uint64_t v = p == 0 ? lg_hist_index_low(h->lo + i) : lg_hist_index_high(h->lo + i);
    if (v < h->min_ns)
        v = h->min_ns;
    if (v > h->max_ns)
        v = h->max_ns;
    return v;
}

void lg_hist_count_le(const struct lg_hist *h, const uint64_t *bounds_ns, size_t n,
                      uint64_t *out)
{
    uint64_t seen = 0;
    uint32_t next = 0; /* window offset of the first count not yet added */
    for (size_t k = 0; k < n; k++) {
        uint64_t b = bounds_ns[k];
        if (h->count == 0 || b < h->min_ns) {
            out[k] = 0;
            continue;
        }
        if (b >= h->max_ns) {
            out[k] = h->count;
            continue;
        }
        uint32_t i = hist_index(b);
        uint32_t end = lg_hist_index_high(i) <= b ? i + 1 : i; /* counts below `end` are in */
        while (next < h->n && h->lo + next < end)
            seen += h->counts[next++];
        out[k] = seen;
    }
}
