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
 * lowest 1) whose counts fit logen's range, from any implementation. It
 * inflates a payload of up to 4 KiB (an interval's) on the stack, a larger
 * one into a buffer of the size its header states, and walks the counts
 * twice, to allocate the window once at its span: no full counts array
 * (352 KiB), no buffer sized for the largest payload (396 KiB), which
 * each decode used to allocate, map and unmap. */
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
#define V2_STACK_BYTES 4096              /* payloads inflated on the stack: an interval's */

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

/* The uncompressed V2 payload of h into buf (encode_bytes); returns its
 * length. The counts below the window are one zero run, not walked. */
static size_t encode_v2(const struct lg_hist *h, unsigned char *buf)
{
    unsigned char *p = buf + V2_HEADER_BYTES;
    uint32_t limit = h->count ? lg_hist_index(h->max_ns) + 1 : 0;
    for (uint32_t i = 0; i < limit;) {
        uint64_t c = count_at(h, i);
        uint32_t from = i;
        if (c != 0) {
            p = put_word(p, (int64_t)c);
            i++;
            continue;
        }
        i = i >= h->lo ? i + 1 : h->lo < limit ? h->lo : limit;
        while (i < limit && count_at(h, i) == 0)
            i++;
        p = put_word(p, -(int64_t)(i - from)); /* a lone zero too, as HdrHistogram_c */
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

/* The most bytes h's V2 payload takes: the header, and a word per count
 * from the window's start to the max's, plus one for the zero run before
 * the window. */
static size_t encode_bytes(const struct lg_hist *h)
{
    uint32_t limit = h->count ? lg_hist_index(h->max_ns) + 1 : 0;
    return V2_HEADER_BYTES + (size_t)V2_WORD_MAX * (limit > h->lo ? limit - h->lo + 1 : 1);
}

char *lg_hist_encode(const struct lg_hist *h, size_t *len)
{
    unsigned char *raw = lg_malloc(encode_bytes(h));
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

/* The value of each ASCII base64 digit, -1 for other characters. */
static const signed char b64values[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
    -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
};

/* The value of base64 digit c, or -1. */
static inline int b64value(char c)
{
    return (unsigned char)c < 128 ? b64values[(unsigned char)c] : -1;
}

/* text[0..len) as bytes into a heap buffer (free it), *n its length;
 * NULL when it is not base64 (padding only at the end). Whole groups of
 * four digits go three bytes at a time; the rest, one digit at a time. */
static unsigned char *unbase64(const char *text, size_t len, size_t *n)
{
    unsigned char *out = lg_malloc(len / 4 * 3 + 3);
    uint32_t w = 0;
    size_t bits = 0, o = 0, i = 0;
    for (; i + 4 <= len; i += 4) {
        int a = b64value(text[i]), b = b64value(text[i + 1]), c = b64value(text[i + 2]),
            d = b64value(text[i + 3]);
        if ((a | b | c | d) < 0) /* a -1 among them: padding, or not base64 */
            break;
        uint32_t q = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = (unsigned char)(q >> 16);
        out[o++] = (unsigned char)(q >> 8);
        out[o++] = (unsigned char)q;
    }
    for (; i < len && text[i] != '='; i++) {
        int d = b64value(text[i]);
        if (d < 0) {
            free(out);
            return NULL;
        }
        w = w << 6 | (uint32_t)d;
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

/* The next non-zero count of the V2 payload words at *p (before end):
 * returns 1 with its index in *i (which the caller keeps between calls,
 * from 0) and the count in *c, 0 at the end, or -1 with *why. A zero run
 * past the range saturates, so no word brings the index back in range. */
static inline int next_count(const unsigned char **p, const unsigned char *end, uint32_t *i,
                             uint64_t *c, const char **why)
{
    while (*p < end) {
        int64_t w;
        if (**p < 0x80) /* a one-byte word: a count below 64 or a short zero run */
            w = (int64_t)(**p >> 1) ^ -(int64_t)(**p & 1), (*p)++;
        else if (get_word(p, end, &w) < 0)
            return *why = "a count is cut short", -1;
        if (w < 0) {
            uint64_t run = 0 - (uint64_t)w;
            *i = run < LG_HIST_COUNTS - *i ? *i + (uint32_t)run : LG_HIST_COUNTS;
            continue;
        }
        if (*i >= LG_HIST_COUNTS)
            return *why = "counts beyond logen's range (30 days in ns)", -1;
        if (w > 0)
            return *c = (uint64_t)w, 1;
        (*i)++;
    }
    return 0;
}

/* The midpoint of the values index i counts, for the sum: its lowest
 * plus half its width, 1 below the second bucket, else 2^(bucket). */
static uint64_t index_mid(uint32_t i)
{
    uint32_t b = i >> LG_HIST_HALF_BITS; /* the bucket, plus one */
    return lg_hist_index_low(i) + (b > 1 ? (uint64_t)1 << (b - 2) : 0);
}

/* h (empty) from the V2 payload words [p, end), walked twice: once to
 * check them and find the span of the non-zero counts, their total and
 * sum (each count's midpoint), then, with h's window allocated once at
 * that span, to store them. min and max are the span's ends. Returns
 * NULL or what is wrong; the counts may not add up past 2^64, so the
 * window is empty only when h is. */
static const char *decode_counts(const unsigned char *p, const unsigned char *end, struct lg_hist *h)
{
    const unsigned char *q = p;
    const char *bad = NULL;
    uint32_t i = 0, first = 0, last = 0;
    uint64_t c, count = 0, sum = 0;
    int rc;
    for (; (rc = next_count(&q, end, &i, &c, &bad)) > 0; i++) {
        if (count + c < count)
            return "its counts add up past 2^64";
        if (!count)
            first = i;
        last = i;
        count += c;
        sum += c * index_mid(i);
    }
    if (rc < 0 || !count)
        return bad;
    uint64_t *counts = lg_calloc(last - first + 1, sizeof *counts);
    for (i = 0; next_count(&p, end, &i, &c, &bad) > 0 && i <= last; i++)
        counts[i - first] = c;
    h->counts = counts;
    h->lo = first;
    h->n = last - first + 1;
    h->count = count;
    h->sum_ns = sum;
    h->min_ns = lg_hist_index_low(first);
    h->max_ns = lg_hist_index_high(last);
    return NULL;
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

/* The size to grow the inflate buffer raw[0..cap) to, full and with more
 * to come: the payload's stated size when it is larger, else twice as
 * much (trailing bytes); 0 past V2_RAW_MAX. */
static size_t inflate_room(const unsigned char *raw, size_t cap)
{
    size_t want = V2_HEADER_BYTES + get_be(raw + 4, 4);
    if (cap > V2_RAW_MAX)
        return 0;
    if (want <= cap)
        want = 2 * cap;
    return want > V2_RAW_MAX ? V2_RAW_MAX + 1 : want;
}

/* Inflates z[0..zlen) into buf[0..cap) (the caller's), or into a heap
 * buffer of the size the payload's header states once it is larger
 * (*heap, the caller frees it); returns the inflated bytes (buf or *heap)
 * with their length in *rawlen, or NULL when the stream is corrupt or
 * inflates past V2_RAW_MAX bytes. */
static unsigned char *inflate_v2(const unsigned char *z, size_t zlen, unsigned char *buf, size_t cap,
                                 size_t *rawlen, unsigned char **heap)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit(&s) != Z_OK)
        return NULL;
    s.next_in = (unsigned char *)z;
    s.avail_in = (uInt)zlen;
    s.next_out = buf;
    s.avail_out = (uInt)cap;
    int rc;
    while ((rc = inflate(&s, Z_FINISH)) == Z_BUF_ERROR && s.avail_out == 0) {
        size_t want = inflate_room(buf, cap);
        if (!want)
            break;
        if (!*heap) {
            *heap = lg_malloc(want);
            memcpy(*heap, buf, cap);
        } else
            *heap = lg_realloc(*heap, want);
        buf = *heap;
        s.next_out = buf + cap;
        s.avail_out = (uInt)(want - cap);
        cap = want;
    }
    *rawlen = s.total_out;
    inflateEnd(&s);
    return rc == Z_STREAM_END && *rawlen <= V2_RAW_MAX ? buf : NULL;
}

/* Decodes the compressed histogram bin[0..n) into h (empty); NULL or what
 * is wrong. A payload of up to 4 KiB (an interval's) inflates on the
 * stack, a larger one into a buffer of the size its header states. */
static const char *decode_bin(struct lg_hist *h, const unsigned char *bin, size_t n)
{
    unsigned char stack[V2_STACK_BYTES], *heap = NULL;
    size_t rawlen = 0;
    const unsigned char *raw;
    const char *bad = NULL;
    if (n < 8 || (get_be(bin, 4) & ~0xf0u) != V2_COMPRESSED_COOKIE || get_be(bin + 4, 4) > n - 8)
        bad = "not an HdrHistogram V2 compressed histogram";
    else if (!(raw = inflate_v2(bin + 8, get_be(bin + 4, 4), stack, sizeof stack, &rawlen, &heap)))
        bad = "its deflated payload does not inflate (or holds more than logen's range)";
    else if (!(bad = check_v2(raw, rawlen))) {
        const unsigned char *p = raw + V2_HEADER_BYTES;
        bad = decode_counts(p, p + get_be(raw + 4, 4), h);
    }
    free(heap);
    return bad;
}

int lg_hist_decode(struct lg_hist *h, const char *text, size_t len, const char **why)
{
    size_t n = 0;
    unsigned char *bin = unbase64(text, len, &n);
    const char *bad = bin ? NULL : "not base64";
    lg_hist_init(h);
    if (bin && (bad = decode_bin(h, bin, n)) != NULL)
        lg_hist_fini(h);
    free(bin);
    if (why)
        *why = bad;
    return bad ? -1 : 0;
}
