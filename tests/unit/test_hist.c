/* test_hist.c -- the histogram: HdrHistogram's layout and percentiles,
 * exactness, precision, merge, and the V2 encoding: read back by a small
 * decoder written here from the format's definition (base64, the
 * compressed header, zlib, the payload header, ZigZag LEB128 words), and
 * by lg_hist_decode, which also reads hdr-histogram-js's output. */
#include <math.h>
#include <stdlib.h>
#include <zlib.h>

#include "hist.h"
#include "tap.h"

/* Reused from test to test: lg_hist_fini empties one (and frees its
 * window), as each test starts. */
static struct lg_hist a, b, u;

static int within(uint64_t got, double want, double rel)
{
    double d = (double)got - want;
    return d <= want * rel && -d <= want * rel;
}

/* HdrHistogram's layout for 3 digits, lowest 1, highest 30 days. */
static void test_layout(void)
{
    /* its bucket count: double the first bucket's range until past highest */
    int buckets = 1;
    for (uint64_t top = 2048; top <= (uint64_t)LG_HIST_HIGHEST_NS; top <<= 1)
        buckets++;
    is_int(buckets, LG_HIST_BUCKETS, "layout: HdrHistogram's bucket count for 30 days");
    is_int(LG_HIST_COUNTS, 44032, "layout: (buckets + 1) * 1024 counts");
    is_int(lg_hist_index(0), 0, "layout: 0 is index 0");
    is_int(lg_hist_index(2047), 2047, "layout: values below 2048 have their own count");
    is_int(lg_hist_index(2048), 2048, "layout: 2048 starts the second bucket");
    is_int(lg_hist_index(2049), 2048, "layout: ... whose counts are 2 wide");
    is_int(lg_hist_index(4096), 3072, "layout: 4096 starts the third bucket");
    is_int(lg_hist_index_low(3072), 4096, "layout: index 3072 starts at 4096");
    is_int(lg_hist_index_high(3072), 4099, "layout: ... and is 4 wide");
    is_int(lg_hist_index(LG_HIST_TOP), LG_HIST_COUNTS - 1, "layout: the top value is the top index");
    is_int(lg_hist_index_high(LG_HIST_COUNTS - 1), LG_HIST_TOP, "layout: ... and its range ends there");
    int bad = 0;
    for (uint32_t i = 1; i < LG_HIST_COUNTS; i++)
        bad += lg_hist_index_low(i) != lg_hist_index_high(i - 1) + 1 ||
               lg_hist_index(lg_hist_index_low(i)) != i || lg_hist_index(lg_hist_index_high(i)) != i ||
               (lg_hist_index_high(i) - lg_hist_index_low(i)) * 1000 > lg_hist_index_low(i);
    is_int(bad, 0, "layout: counts tile the range, each within 0.1%% of its values");
}

/* Percentiles as HdrHistogram's valueAtPercentile, held within [min, max]. */
static void test_hdr_percentile(void)
{
    lg_hist_fini(&a);
    lg_hist_record(&a, 5000000);
    lg_hist_record(&a, 10000000);
    /* 5e6 is counted in [4997120, 5001215] (4096 wide) */
    is_int(lg_hist_percentile(&a, 50), 5001215, "p50: the highest value of its count");
    is_int(lg_hist_percentile(&a, 0), 5000000, "p0: the lowest of its count, held to min");
    is_int(lg_hist_percentile(&a, 100), 10000000, "p100: held to the exact max");
    lg_hist_fini(&a);
    for (int i = 0; i < 1000; i++)
        lg_hist_record(&a, 5000000);
    is_int(lg_hist_percentile(&a, 99), 5000000, "constant 5 ms: p99 reads 5 ms");
    lg_hist_fini(&a);
    for (int v = 1; v <= 10; v++)
        lg_hist_record(&a, v * 1000000);
    /* rank ceil(0.9 * 10) = 9 even though 0.9 * 10 is 9.000000000000002 */
    ok(within(lg_hist_percentile(&a, 90), 9000000, 0.001), "p90 of 10 values: the 9th");
}

/* ---- a decoder of the V2 compressed encoding, for the round trip */

static int b64val(char ch)
{
    const char *d = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(d, ch);
    return ch && p ? (int)(p - d) : -1;
}

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Decodes text into counts[LG_HIST_COUNTS] (zeroed first); returns the
 * number of counts the payload covers, or -1 with what failed in why. */
static long decode(const char *text, uint64_t *counts, uint64_t *hdr, const char **why)
{
    static unsigned char bin[1 << 20], raw[1 << 20];
    size_t n = 0, len = strlen(text);
    for (size_t i = 0; i + 3 < len + 3 && i < len; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = text[i + k] == '=' ? 0 : b64val(text[i + k]);
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
            return *why = "base64", -1;
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        bin[n++] = (unsigned char)(w >> 16);
        if (text[i + 2] != '=')
            bin[n++] = (unsigned char)(w >> 8);
        if (text[i + 3] != '=')
            bin[n++] = (unsigned char)w;
    }
    if (n < 8 || be(bin, 4) != 0x1c849314 || be(bin + 4, 4) != n - 8)
        return *why = "compressed header", -1;
    uLongf rawlen = sizeof raw;
    if (uncompress(raw, &rawlen, bin + 8, n - 8) != Z_OK)
        return *why = "zlib", -1;
    if (rawlen < 40 || be(raw, 4) != 0x1c849313 || be(raw + 4, 4) != rawlen - 40)
        return *why = "V2 header", -1;
    for (int k = 0; k < 4; k++) /* offset, digits, lowest, highest */
        hdr[k] = be(raw + (k < 2 ? 8 + 4 * k : 16 + 8 * (k - 2)), k < 2 ? 4 : 8);
    hdr[4] = be(raw + 32, 8); /* the ratio's bits */
    memset(counts, 0, LG_HIST_COUNTS * sizeof *counts);
    long idx = 0;
    for (size_t p = 40; p < rawlen;) {
        uint64_t z = 0;
        int k = 0;
        for (; k < 8 && p < rawlen; k++) {
            z |= (uint64_t)(raw[p] & 0x7f) << (7 * k);
            if (!(raw[p++] & 0x80))
                break;
        }
        if (k == 8 && p < rawlen)
            z |= (uint64_t)raw[p++] << 56;
        int64_t w = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
        if (w < 0)
            idx -= w;
        else if (idx < LG_HIST_COUNTS)
            counts[idx++] = (uint64_t)w;
        else
            return *why = "past the counts array", -1;
    }
    return idx;
}

static void test_encode(void)
{
    static uint64_t counts[LG_HIST_COUNTS];
    uint64_t hdr[5];
    const char *why = "";
    size_t len;
    lg_hist_fini(&a);
    char *text = lg_hist_encode(&a, &len);
    ok(text && strlen(text) == len, "encode: an empty histogram encodes");
    is_int(decode(text, counts, hdr, &why), 0, "encode: empty: no count (%s)", why);
    is_int(hdr[0], 0, "encode: normalizing index offset 0");
    is_int(hdr[1], 3, "encode: 3 significant digits");
    is_int(hdr[2], 1, "encode: lowest discernible value 1");
    is_int(hdr[3], LG_HIST_HIGHEST_NS, "encode: highest trackable value 30 days in ns");
    is_int(hdr[4], 0x3ff0000000000000LL, "encode: conversion ratio 1.0 (a double)");
    free(text);

    lg_hist_record(&a, 0);
    lg_hist_record(&a, 3);
    lg_hist_record(&a, 3);
    text = lg_hist_encode(&a, NULL);
    is_int(decode(text, counts, hdr, &why), 4, "encode: counts up to the max's, zero run (%s)", why);
    ok(counts[0] == 1 && counts[1] == 0 && counts[2] == 0 && counts[3] == 2,
       "encode: 0 once, 3 twice");
    free(text);

    /* the wide range, and a count above 2^56 (the ninth byte of a word) */
    srand(7);
    for (int i = 0; i < 100000; i++)
        lg_hist_record(&a, (int64_t)(exp((double)(rand() % 3000) / 100.0)));
    lg_hist_record(&a, (int64_t)1 << 60);
    a.counts[lg_hist_index(3) - a.lo] += (uint64_t)1 << 58; /* a count no run reaches */
    text = lg_hist_encode(&a, NULL);
    long n = decode(text, counts, hdr, &why);
    is_int(n, LG_HIST_COUNTS, "encode: a value past the range: up to the top count (%s)", why);
    int bad = 0;
    for (uint32_t i = 0; i < LG_HIST_COUNTS; i++)
        bad += counts[i] != (i - a.lo < a.n ? a.counts[i - a.lo] : 0);
    is_int(bad, 0, "encode: every count read back");
    free(text);
    lg_hist_fini(&a);
}

/* lg_hist_decode: logen's own encoding back, exactly; merging decoded
 * histograms equals decoding the merge (what `logen merge` needs); another
 * implementation's encoding (hdr-histogram-js 3.0.1 wrote these); and
 * refusals. */
static void test_decode(void)
{
    static const char js[] = "HISTFAAAADh4nJNpmSzMwMAgxMDAwMjAwMDMAAGMDAzMbgY7FjDA+EzcLG/lmZhaNzOyLK9"
                             "nerydkQkArI8IUw==";
    static const char js_2digits[] = "HISTFAAAACh4nJNpmSzMwMDAzMDAwMjAwMDEAAGMDAzMbgY7FjDA+J/ZmQBSYgQc";
    static const char js_2p60[] = /* 2^60 ns, past logen's range */
        "HISTFAAAALZ4nO3HsQmAMABFwR/Ezs5WyKoW2SADuZgQwSA4xL3q3tH6ntxbkpJkyaykjrfvx7WeswQAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4I8H5wATbw==";
    struct lg_hist d, e, both;
    const char *why = NULL;
    lg_hist_fini(&a);
    lg_hist_fini(&b);
    lg_hist_init(&both);
    srand(11);
    for (int i = 0; i < 50000; i++) {
        int64_t v = (int64_t)exp((double)(rand() % 2500) / 100.0);
        lg_hist_record(i % 2 ? &a : &b, v);
        lg_hist_record(&both, v);
    }
    char *text = lg_hist_encode(&a, NULL);
    is_int(lg_hist_decode(&d, text, strlen(text), &why), 0, "decode: logen's encoding (%s)", why ? why : "");
    int bad = 0;
    for (uint32_t i = 0; i < LG_HIST_COUNTS; i++)
        bad += (i - a.lo < a.n ? a.counts[i - a.lo] : 0) != (i - d.lo < d.n ? d.counts[i - d.lo] : 0);
    is_int(bad, 0, "decode: every count back");
    is_int(lg_hist_count(&d), lg_hist_count(&a), "decode: the count");
    is_int(lg_hist_percentile(&d, 90), lg_hist_percentile(&a, 90), "decode: p90 unchanged");
    is_int(lg_hist_min(&d), lg_hist_index_low(lg_hist_index(lg_hist_min(&a))), "decode: min, its count's low end");
    is_int(lg_hist_max(&d), lg_hist_index_high(lg_hist_index(lg_hist_max(&a))), "decode: max, its count's high end");
    ok(within((uint64_t)lg_hist_mean(&d), lg_hist_mean(&a), 0.001), "decode: mean within 0.1%%");
    free(text);

    text = lg_hist_encode(&b, NULL);
    lg_hist_decode(&e, text, strlen(text), NULL);
    free(text);
    lg_hist_merge(&d, &e);
    lg_hist_fini(&e);
    text = lg_hist_encode(&both, NULL);
    lg_hist_decode(&e, text, strlen(text), NULL);
    free(text);
    ok(lg_hist_equal(&d, &e), "decode: merging decoded histograms equals decoding the merge");
    for (double p = 1; p < 100; p += 7.3)
        bad += lg_hist_percentile(&d, p) != lg_hist_percentile(&e, p);
    is_int(bad, 0, "decode: ... so every percentile of the merge is the union's");
    lg_hist_fini(&d);
    lg_hist_fini(&e);
    lg_hist_fini(&both);

    is_int(lg_hist_decode(&d, js, strlen(js), &why), 0, "decode: hdr-histogram-js's encoding");
    is_int(lg_hist_count(&d), 9, "decode: js: 9 values");
    is_int(lg_hist_percentile(&d, 50), 2049, "decode: js: p50 as it computes it");
    is_int(lg_hist_percentile(&d, 90), 3601330077695LL, "decode: js: p90 as it computes it");
    is_int(lg_hist_min(&d), 0, "decode: js: min");
    lg_hist_fini(&d);

    is_int(lg_hist_decode(&d, js_2digits, strlen(js_2digits), &why), -1, "decode: 2 digits refused");
    like(why ? why : "", "another layout", "decode: ... as another layout");
    is_int(lg_hist_decode(&d, js_2p60, strlen(js_2p60), &why), -1, "decode: a count past the range refused");
    like(why ? why : "", "beyond logen's range", "decode: ... saying so");
    is_int(lg_hist_decode(&d, "H@STFAAA", 8, &why), -1, "decode: not base64");
    is_int(lg_hist_decode(&d, js, strlen(js) - 8, &why), -1, "decode: cut short");
    is_int(lg_hist_decode(&d, "SGVsbG8sIHdvcmxkIQ==", 20, &why), -1, "decode: not a histogram");
    ok(d.counts == NULL && d.count == 0, "decode: a refused text leaves h empty");
}

/* ---- lg_hist_decode's edges: payloads built word by word */

/* in[0..n) as base64 (heap; free it), six bits at a time. */
static char *b64(const unsigned char *in, size_t n)
{
    const char *d = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++)
        for (acc = acc << 8 | in[i], bits += 8; bits >= 6;)
            out[o++] = d[acc >> (bits -= 6) & 63];
    if (bits)
        out[o++] = d[acc << (6 - bits) & 63];
    while (o % 4)
        out[o++] = '=';
    out[o] = '\0';
    return out;
}

/* The bytes of base64 text into out; returns their count. */
static size_t unb64(const char *text, unsigned char *out)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *text && *text != '='; text++)
        if (acc = acc << 6 | (uint32_t)b64val(*text), (bits += 6) >= 8)
            out[o++] = (unsigned char)(acc >> (bits -= 8));
    return o;
}

static unsigned char *put(unsigned char *p, uint64_t v, int n)
{
    while (n--)
        *p++ = (unsigned char)(v >> (8 * n));
    return p;
}

/* A V2 compressed histogram of logen's layout whose payload is the ZigZag
 * LEB128 words w[0..n), then `junk` bytes 0x80 (a word cut short); its
 * header states `stated` payload bytes (-1: the words' length). Heap text:
 * free it. */
static char *pack(const int64_t *w, int n, long stated, size_t junk)
{
    static unsigned char raw[1 << 20], z[1 << 20];
    unsigned char *p = raw + 40;
    for (int i = 0; i < n; i++) {
        uint64_t v = ((uint64_t)w[i] << 1) ^ (uint64_t)(w[i] >> 63);
        for (int k = 0; k < 8 && v >= 0x80; k++, v >>= 7)
            *p++ = (unsigned char)(v | 0x80);
        *p++ = (unsigned char)v;
    }
    size_t words = (size_t)(p - raw - 40);
    memset(p, 0x80, junk);
    p += junk;
    put(put(put(put(put(raw, 0x1c849313, 4), stated < 0 ? words : (uint64_t)stated, 4), 0, 4), 3, 4), 1, 8);
    put(put(raw + 24, (uint64_t)LG_HIST_HIGHEST_NS, 8), 0x3ff0000000000000ULL, 8);
    uLongf zlen = sizeof z - 8;
    compress(z + 8, &zlen, raw, (uLong)(p - raw));
    put(put(z, 0x1c849314, 4), zlen, 4);
    return b64(z, 8 + zlen);
}

/* lg_hist_decode of text[0..len) from a heap copy of exactly len bytes,
 * so that ASan catches a read past the text. */
static int decode_exact(struct lg_hist *h, const char *text, size_t len, const char **why)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    int rc = lg_hist_decode(h, copy, len, why);
    free(copy);
    return rc;
}

/* Count i of h, 0 outside its window. */
static uint64_t at(const struct lg_hist *h, uint32_t i)
{
    return i - h->lo < h->n ? h->counts[i - h->lo] : 0;
}

/* Empty, one value, the layout's extremes, a payload too large for the
 * stack (every count of the layout), 9-byte words. */
static void test_decode_edges(void)
{
    struct lg_hist d;
    const char *why = NULL;
    lg_hist_fini(&a);
    char *text = lg_hist_encode(&a, NULL);
    is_int(decode_exact(&d, text, strlen(text), &why), 0, "decode: empty (%s)", why ? why : "");
    ok(d.count == 0 && d.n == 0 && d.counts == NULL, "decode: empty: no window");
    free(text);

    lg_hist_record(&a, 1234567);
    text = lg_hist_encode(&a, NULL);
    decode_exact(&d, text, strlen(text), NULL);
    uint32_t i = lg_hist_index(1234567);
    ok(d.count == 1 && d.n == 1 && d.lo == i && d.counts[0] == 1, "decode: one value: a window of one count");
    ok(d.min_ns == lg_hist_index_low(i) && d.max_ns == lg_hist_index_high(i), "decode: one value: its count's range");
    is_int(d.sum_ns, lg_hist_index_low(i) + (lg_hist_index_high(i) - lg_hist_index_low(i) + 1) / 2,
           "decode: one value: the sum takes its count's midpoint");
    lg_hist_fini(&d);
    free(text);

    lg_hist_fini(&a);
    int64_t ext[] = {0, 1, 2047, 2048, (int64_t)LG_HIST_TOP, INT64_MAX};
    for (size_t k = 0; k < sizeof ext / sizeof *ext; k++)
        lg_hist_record(&a, ext[k]);
    text = lg_hist_encode(&a, NULL);
    is_int(decode_exact(&d, text, strlen(text), &why), 0, "decode: extremes (%s)", why ? why : "");
    ok(d.lo == 0 && d.n == LG_HIST_COUNTS, "decode: extremes: the whole layout (%u + %u)", d.lo, d.n);
    ok(at(&d, 0) == 1 && at(&d, 1) == 1 && at(&d, 2047) == 1 && at(&d, 2048) == 1 &&
       at(&d, LG_HIST_COUNTS - 1) == 2 && d.count == 6, "decode: extremes: each count");
    ok(d.min_ns == 0 && d.max_ns == LG_HIST_TOP, "decode: extremes: 0 to the top");
    lg_hist_fini(&d);
    free(text);

    lg_hist_fini(&a);
    for (i = 0; i < LG_HIST_COUNTS; i++)
        lg_hist_record(&a, (int64_t)lg_hist_index_low(i));
    text = lg_hist_encode(&a, NULL);
    decode_exact(&d, text, strlen(text), &why);
    int bad = 0;
    for (i = 0; i < LG_HIST_COUNTS; i++)
        bad += at(&d, i) != 1;
    is_int(bad, 0, "decode: every count of the layout (a payload past the stack buffer)");
    lg_hist_fini(&d);
    free(text);
    lg_hist_fini(&a);

    int64_t big[] = {-1000, INT64_MAX};
    text = pack(big, 2, -1, 0);
    is_int(decode_exact(&d, text, strlen(text), &why), 0, "decode: a 9-byte word (%s)", why ? why : "");
    ok(d.lo == 1000 && d.n == 1 && d.count == INT64_MAX, "decode: ... 2^63 - 1 at index 1000");
    lg_hist_fini(&d);
    free(text);
}

/* Refusals: each says why, reads nothing past its text or payload (run
 * under ASan), leaves h empty; every prefix and every bit flip of an
 * encoding. */
static void test_decode_refusals(void)
{
    static const struct {
        int64_t w[4];
        int n;
        long stated;
        size_t junk;
        const char *why; /* NULL: decodes */
        const char *what;
    } cases[] = {
        {{5, -3}, 2, 3, 1, "cut short", "a word cut short"}, /* 2 bytes of words, 1 of junk */
        {{5}, 1, 100, 0, "payload is cut short", "a payload shorter than its header says"},
        {{INT64_MIN, 1}, 2, -1, 0, "beyond logen's range", "a zero run of 2^63, then a count"},
        {{-INT64_MAX, -INT64_MAX, -2, 7}, 4, -1, 0, "beyond logen's range", "zero runs adding up to 2^64"},
        {{INT64_MAX, INT64_MAX, 2}, 3, -1, 0, "past 2^64", "counts adding up past 2^64"},
        {{-LG_HIST_COUNTS, 0}, 2, -1, 0, "beyond logen's range", "a zero count past the range"},
        {{0}, 0, 400000, 400000, "does not inflate", "a payload past the layout's largest"},
        {{5, -1000000}, 2, -1, 0, NULL, "a zero run past the range, last: decodes"},
        {{3}, 1, -1, 9000, NULL, "bytes past the stated payload: ignored"},
    };
    struct lg_hist d;
    const char *why;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char *text = pack(cases[k].w, cases[k].n, cases[k].stated, cases[k].junk);
        why = NULL;
        int rc = decode_exact(&d, text, strlen(text), &why);
        if (cases[k].why) {
            is_int(rc, -1, "decode: refused: %s", cases[k].what);
            like(why ? why : "", cases[k].why, "decode: ... saying so");
            ok(d.counts == NULL && d.n == 0 && d.count == 0, "decode: ... h left empty");
        } else
            ok(rc == 0 && d.count == (uint64_t)cases[k].w[0] && d.n == 1, "decode: %s (%s)", cases[k].what,
               why ? why : "");
        lg_hist_fini(&d);
        free(text);
    }

    lg_hist_fini(&a);
    for (int v = 1; v < 200; v++)
        lg_hist_record(&a, v * v * 1000);
    size_t len;
    char *text = lg_hist_encode(&a, &len);
    size_t pad = text[len - 1] == '=' ? (text[len - 2] == '=' ? 2 : 1) : 0;
    int bad = 0;
    for (size_t k = 0; k < len - pad; k++)
        bad += decode_exact(&d, text, k, NULL) != -1 || d.counts;
    is_int(bad, 0, "decode: each of the %zu prefixes of an encoding refused", len - pad);
    unsigned char bin[4096];
    size_t n = unb64(text, bin);
    int refused = 0;
    for (size_t k = 0; k < n * 8; k++) {
        bin[k / 8] ^= (unsigned char)(1 << k % 8);
        char *t = b64(bin, n);
        int rc = decode_exact(&d, t, strlen(t), NULL);
        refused += rc < 0;
        bad += rc < 0 ? d.counts != NULL : (d.n == 0) != (d.count == 0) || d.lo + d.n > LG_HIST_COUNTS;
        lg_hist_fini(&d);
        free(t);
        bin[k / 8] ^= (unsigned char)(1 << k % 8);
    }
    is_int(bad, 0, "decode: each of %zu bit flips refused or decoded to a sound window (%d refused)", n * 8,
           refused);
    free(text);
    lg_hist_fini(&a);
}

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

static void test_uniform(void)
{
    lg_hist_fini(&u);
    for (int v = 1; v <= 100000; v++)
        lg_hist_record(&u, v);
    static const double ps[] = { 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99 };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double want = ps[i] * 1000; /* p% of 1..100000 */
        uint64_t got = lg_hist_percentile(&u, ps[i]);
        ok(within(got, want, 0.001), "uniform 1..100000: p%g = %llu within 0.1%% of %.0f", ps[i],
           (unsigned long long)got, want);
    }
    is_int(lg_hist_min(&u), 1, "uniform: min exact");
    is_int(lg_hist_max(&u), 100000, "uniform: max exact");
    is_int(lg_hist_percentile(&u, 100), 100000, "uniform: p100 is max");
    is_double(lg_hist_mean(&u), 50000.5, 1e-6, "uniform: mean exact");
}

static void test_wide_range(void)
{
    /* 1 us .. 1 hour, spaced by a factor 1.37: each must come back within 0.1% */
    int bad = 0, n = 0;
    for (double v = 1000; v <= 3600e9; v *= 1.37) {
        lg_hist_fini(&a);
        lg_hist_record(&a, 1);
        lg_hist_record(&a, (int64_t)v);
        lg_hist_record(&a, (int64_t)3e13); /* keeps max above v */
        uint64_t got = lg_hist_percentile(&a, 50);
        if (!within(got, (double)(int64_t)v, 0.001)) {
            bad++;
            note("value %.0f came back as %llu", v, (unsigned long long)got);
        }
        n++;
    }
    ok(n > 50 && bad == 0, "1us..1h: %d values all within 0.1%%", n);

    lg_hist_fini(&a);
    lg_hist_record(&a, (int64_t)1 << 60); /* beyond the trackable range */
    is_int(lg_hist_max(&a), (int64_t)1 << 60, "huge value: max still exact");
    is_int(lg_hist_percentile(&a, 50), (int64_t)1 << 60, "huge value: p50 held to max");
    is_int(a.lo, LG_HIST_COUNTS - 1, "huge value: counted in the top count");
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
    ok(a.counts == NULL && a.n == 0, "window: an empty histogram holds no bucket");
    lg_hist_record(&a, 5000000);
    ok(a.n > 0 && a.n <= 16, "window: one value holds %u counts, not %d", a.n, LG_HIST_COUNTS);
    lg_hist_record(&a, 3);           /* far below the window */
    lg_hist_record(&a, 7200000000000); /* far above */
    lg_hist_record(&a, (int64_t)1 << 50); /* the top bucket */
    is_int(lg_hist_count(&a), 4, "window: grown both ways, count kept");
    is_int(lg_hist_percentile(&a, 25), 3, "window: the low value kept");
    ok(within(lg_hist_percentile(&a, 50), 5000000, 0.001), "window: the first value kept");
    ok(within(lg_hist_percentile(&a, 75), 7200000000000.0, 0.001), "window: the high value kept");
    is_int(lg_hist_percentile(&a, 100), (int64_t)1 << 50, "window: max exact");
    ok(a.lo + a.n <= LG_HIST_COUNTS, "window: never past the counts array (%u)", a.lo + a.n);
    lg_hist_fini(&b);
    lg_hist_record(&b, 3);
    lg_hist_merge(&b, &a); /* b's window must grow to take a's */
    is_int(lg_hist_count(&b), 5, "window: merge into a narrower window");
    is_int(lg_hist_percentile(&b, 100), (int64_t)1 << 50, "window: merge keeps the top");
    lg_hist_fini(&a);
    lg_hist_fini(&b);
    lg_hist_fini(&u);
}

/* Counts at or below bounds (Prometheus buckets): bucket-exact, exact at
 * the ends, one pass over ascending bounds. */
static void test_count_le(void)
{
    static const uint64_t bounds[] = { 1000000, 5000000, 5001215, 6000000, 9999999, 10000000,
                                       60000000000ULL };
    uint64_t out[7];
    lg_hist_fini(&a);
    lg_hist_count_le(&a, bounds, 7, out);
    is_int(out[0] + out[6], 0, "count_le: empty, none anywhere");
    lg_hist_record(&a, 5000000);
    lg_hist_record(&a, 7000000);
    lg_hist_record(&a, 10000000);
    lg_hist_count_le(&a, bounds, 7, out);
    is_int(out[0], 0, "count_le: a bound below min counts none");
    is_int(out[1], 0, "count_le: a bound inside a count's range leaves it out (5e6 in [4997120, 5001215])");
    is_int(out[2], 1, "count_le: ... the count's highest value takes it in");
    is_int(out[3], 1, "count_le: 6 ms: one value");
    is_int(out[4], 2, "count_le: 9999999 ns, inside 10 ms's count: two");
    is_int(out[5], 3, "count_le: at the exact max: every value");
    is_int(out[6], 3, "count_le: far above: every value");

    /* against the rule applied value by value, at random bounds */
    enum { NV = 5000, NB = 200 };
    static uint64_t vals[NV], bs[NB], got[NB];
    lg_hist_fini(&a);
    srand(7);
    for (int i = 0; i < NV; i++) {
        vals[i] = (uint64_t)(exp((double)rand() / RAND_MAX * 20.0) * 100.0);
        lg_hist_record(&a, (int64_t)vals[i]);
    }
    for (int k = 0; k < NB; k++)
        bs[k] = (uint64_t)(exp((double)k / NB * 21.0) * 90.0);
    lg_hist_count_le(&a, bs, NB, got);
    int bad = 0, nonmono = 0;
    for (int k = 0; k < NB; k++) {
        uint64_t want = 0, one;
        for (int i = 0; i < NV; i++)
            want += bs[k] >= lg_hist_max(&a) ||
                    (bs[k] >= lg_hist_min(&a) && lg_hist_index_high(lg_hist_index(vals[i])) <= bs[k]);
        lg_hist_count_le(&a, &bs[k], 1, &one);
        bad += got[k] != want || one != want;
        nonmono += k > 0 && got[k] < got[k - 1];
    }
    is_int(bad, 0, "count_le: 200 bounds agree with the rule applied to each of 5000 values");
    is_int(nonmono, 0, "count_le: cumulative (never decreasing)");
    is_int(got[NB - 1], NV, "count_le: the last bound, above max, holds all");
    /* the percentiles agree: p%% of the values are in at any bound at or above p's value */
    for (int p = 1; p < 100; p++) {
        uint64_t v = lg_hist_percentile(&a, p), n;
        lg_hist_count_le(&a, &v, 1, &n);
        bad += n * 100 < (uint64_t)p * NV;
    }
    is_int(bad, 0, "count_le: at each percentile's value, at least that share is counted");
}

int main(void)
{
    test_layout();
    test_hdr_percentile();
    test_encode();
    test_decode();
    test_decode_edges();
    test_decode_refusals();
    test_empty();
    test_small_exact();
    test_uniform();
    test_wide_range();
    test_merge();
    test_window();
    test_count_le();
    return done_testing();
}
