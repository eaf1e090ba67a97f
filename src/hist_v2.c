/* hist_v2.c -- HdrHistogram's V2 compressed encoding of a histogram, both
 * ways (see hist.h).
 *
 * The format, as HdrHistogram_c's hdr_encode_compressed and the Java
 * encodeIntoCompressedByteBuffer define it: a 40-byte big-endian header
 * (cookie, payload length, normalizing index offset, significant digits,
 * lowest discernible and highest trackable values, the integer-to-double
 * ratio as a double), then the counts up to the max's as ZigZag
 * LEB128-64b9B words, a negative word standing for that many zero counts;
 * all of it deflated by zlib behind an 8-byte header (cookie, length), then
 * base64. Cookies carry a word-size nibble (0x10 for V2) that readers mask
 * out. The decoder takes any V2 histogram of logen's layout (3 digits,
 * lowest 1) whose counts fit logen's range, from any implementation. */
#include "hist.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mem.h"

#define V2_COOKIE 0x1c849303u            /* V2 encoding cookie base */
#define V2_COMPRESSED_COOKIE 0x1c849304u /* V2 compressed encoding cookie base */
#define V2_WORDSIZE 0x10u                /* the cookie's nibble: V2's 9-byte words */
#define V2_HEADER_BYTES 40
#define V2_WORD_MAX 9                    /* bytes of one LEB128-64b9B word at most */
#define V2_RAW_MAX (V2_HEADER_BYTES + V2_WORD_MAX * LG_HIST_COUNTS)

static const char b64digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ==== encoding ============================================================ */

static unsigned char *put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int k = bytes - 1; k >= 0; k--)
        *p++ = (unsigned char)(v >> (8 * k));
    return p;
}

/* One ZigZag LEB128-64b9B word: 7 bits a byte, low first, the ninth byte
 * taking the last 8 bits whole. */
static unsigned char *put_word(unsigned char *p, int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    for (int k = 0; k < 8; k++) {
        if (z < 0x80) {
            *p++ = (unsigned char)z;
            return p;
        }
        *p++ = (unsigned char)(z | 0x80);
        z >>= 7;
    }
    *p++ = (unsigned char)z;
    return p;
}

/* Count i of h, 0 outside its window. */
static uint64_t count_at(const struct lg_hist *h, uint32_t i)
{
    return i - h->lo < h->n ? h->counts[i - h->lo] : 0;
}

/* The uncompressed V2 payload of h into buf (V2_HEADER_BYTES + V2_WORD_MAX
 * bytes per count up to the max's); returns its length. */
static size_t encode_v2(const struct lg_hist *h, unsigned char *buf)
{
    unsigned char *p = buf + V2_HEADER_BYTES;
    uint32_t limit = h->count ? lg_hist_index(h->max_ns) + 1 : 0;
    for (uint32_t i = 0; i < limit;) {
        uint64_t c = count_at(h, i++);
        int64_t zeros = 1;
        if (c != 0) {
            p = put_word(p, (int64_t)c);
            continue;
        }
        while (i < limit && count_at(h, i) == 0) {
            zeros++;
            i++;
        }
        p = put_word(p, -zeros); /* a lone zero too, as HdrHistogram_c */
    }
    union { double d; uint64_t u; } ratio = { 1.0 };
    unsigned char *q = put_be(buf, V2_COOKIE | V2_WORDSIZE, 4);
    q = put_be(q, (uint64_t)(p - buf - V2_HEADER_BYTES), 4);
    q = put_be(q, 0, 4);                        /* normalizing index offset */
    q = put_be(q, LG_HIST_DIGITS, 4);
    q = put_be(q, LG_HIST_LOWEST, 8);
    q = put_be(q, (uint64_t)LG_HIST_HIGHEST_NS, 8);
    put_be(q, ratio.u, 8);                      /* integer to double conversion ratio */
    return (size_t)(p - buf);
}

static char *base64(const unsigned char *in, size_t n, size_t *len)
{
    char *out = lg_malloc((n + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        *o++ = b64digits[w >> 18 & 63];
        *o++ = b64digits[w >> 12 & 63];
        *o++ = i + 1 < n ? b64digits[w >> 6 & 63] : '=';
        *o++ = i + 2 < n ? b64digits[w & 63] : '=';
    }
    *o = '\0';
    if (len)
        *len = (size_t)(o - out);
    return out;
}

char *lg_hist_encode(const struct lg_hist *h, size_t *len)
{
    uint32_t limit = h->count ? lg_hist_index(h->max_ns) + 1 : 0;
    unsigned char *raw = lg_malloc(V2_HEADER_BYTES + (size_t)V2_WORD_MAX * limit);
    size_t rawlen = encode_v2(h, raw);
    uLongf zlen = compressBound((uLong)rawlen);
    unsigned char *z = lg_malloc(8 + zlen);
    char *out = NULL;
    if (compress(z + 8, &zlen, raw, (uLong)rawlen) == Z_OK) {
        put_be(put_be(z, V2_COMPRESSED_COOKIE | V2_WORDSIZE, 4), zlen, 4);
        out = base64(z, 8 + zlen, len);
    }
    free(raw);
    free(z);
    return out;
}

/* ==== decoding ============================================================ */

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int k = 0; k < bytes; k++)
        v = v << 8 | p[k];
    return v;
}

/* text[0..len) as bytes into a heap buffer (free it), *n its length;
 * NULL when it is not base64 (padding only at the end). */
static unsigned char *unbase64(const char *text, size_t len, size_t *n)
{
    unsigned char *out = lg_malloc(len / 4 * 3 + 3);
    uint32_t w = 0;
    size_t bits = 0, o = 0, i = 0;
    for (; i < len && text[i] != '='; i++) {
        const char *d = text[i] ? strchr(b64digits, text[i]) : NULL;
        if (!d) {
            free(out);
            return NULL;
        }
        w = w << 6 | (uint32_t)(d - b64digits);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(w >> bits);
        }
    }
    while (i < len && text[i] == '=')
        i++;
    if (i != len) {
        free(out);
        return NULL;
    }
    *n = o;
    return out;
}

/* One ZigZag LEB128-64b9B word at *p, before end; -1 when cut short. */
static int get_word(const unsigned char **p, const unsigned char *end, int64_t *v)
{
    uint64_t z = 0;
    for (int k = 0; k < 9; k++) {
        if (*p >= end)
            return -1;
        unsigned char b = *(*p)++;
        z |= (uint64_t)(k < 8 ? b & 0x7f : b) << (7 * k);
        if (k < 8 && !(b & 0x80))
            break;
    }
    *v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    return 0;
}

/* The counts of V2 payload words [p, end) into counts[LG_HIST_COUNTS];
 * returns NULL or what is wrong. */
static const char *decode_counts(const unsigned char *p, const unsigned char *end, uint64_t *counts)
{
    uint64_t i = 0;
    while (p < end) {
        int64_t w;
        if (get_word(&p, end, &w) < 0)
            return "a count is cut short";
        if (w < 0) {
            i += (uint64_t)-w;
            continue;
        }
        if (i >= LG_HIST_COUNTS)
            return "counts beyond logen's range (30 days in ns)";
        counts[i++] = (uint64_t)w;
    }
    return NULL;
}

/* h from the full counts array: the window of its non-zero counts; min
 * and max are their range's ends, the sum takes each count's midpoint. */
static void hist_from_counts(struct lg_hist *h, const uint64_t *counts)
{
    uint32_t first = 0, last = 0;
    lg_hist_init(h);
    for (uint32_t i = 0; i < LG_HIST_COUNTS; i++) {
        if (!counts[i])
            continue;
        if (!h->count)
            first = i;
        last = i;
        uint64_t lo = lg_hist_index_low(i);
        h->count += counts[i];
        h->sum_ns += counts[i] * (lo + ((lg_hist_index_high(i) - lo + 1) >> 1));
    }
    if (!h->count)
        return;
    h->n = last - first + 1;
    h->lo = first;
    h->counts = lg_calloc(h->n, sizeof *h->counts);
    memcpy(h->counts, counts + first, h->n * sizeof *h->counts);
    h->min_ns = lg_hist_index_low(first);
    h->max_ns = lg_hist_index_high(last);
}

/* The payload raw[0..n) checked; NULL or what is wrong. */
static const char *check_v2(const unsigned char *raw, size_t n)
{
    if (n < V2_HEADER_BYTES || (get_be(raw, 4) & ~0xf0u) != V2_COOKIE)
        return "not an HdrHistogram V2 payload";
    if (get_be(raw + 4, 4) > n - V2_HEADER_BYTES)
        return "its payload is cut short";
    if (get_be(raw + 12, 4) != LG_HIST_DIGITS || get_be(raw + 16, 8) != LG_HIST_LOWEST)
        return "another layout (logen's: 3 significant digits, lowest discernible value 1)";
    return NULL;
}

int lg_hist_decode(struct lg_hist *h, const char *text, size_t len, const char **why)
{
    size_t n = 0;
    uLongf rawlen = V2_RAW_MAX + 1;
    unsigned char *bin = unbase64(text, len, &n), *raw = NULL;
    uint64_t *counts = NULL;
    const char *bad = NULL;
    lg_hist_init(h);
    if (!bin)
        bad = "not base64";
    else if (n < 8 || (get_be(bin, 4) & ~0xf0u) != V2_COMPRESSED_COOKIE || get_be(bin + 4, 4) > n - 8)
        bad = "not an HdrHistogram V2 compressed histogram";
    else if (uncompress((raw = lg_malloc(rawlen)), &rawlen, bin + 8, get_be(bin + 4, 4)) != Z_OK ||
             rawlen > V2_RAW_MAX)
        bad = "its deflated payload does not inflate (or holds more than logen's range)";
    else if (!(bad = check_v2(raw, rawlen))) {
        counts = lg_calloc(LG_HIST_COUNTS, sizeof *counts);
        const unsigned char *p = raw + V2_HEADER_BYTES;
        bad = decode_counts(p, p + get_be(raw + 4, 4), counts);
        if (!bad)
            hist_from_counts(h, counts);
    }
    free(bin);
    free(raw);
    free(counts);
    if (why)
        *why = bad;
    return bad ? -1 : 0;
}
