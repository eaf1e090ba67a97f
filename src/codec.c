/* codec.c -- base64, hex and CRC-32C on caller buffers (see codec.h).
 *
 * CRC-32C is the reflected Castagnoli polynomial 0x82F63B78 with init and
 * final xor 0xFFFFFFFF (RFC 3720 appendix B.4): SSE4.2's crc32 instruction
 * when the CPU has it (x86-64 with GCC or Clang), else slicing-by-8 tables.
 * The base64 decoder accepts both alphabets, with or without padding, and
 * skips white space, as Cloud KMS's proto3 JSON parser does. Not done:
 * streaming base64, line-wrapped output. */
#include "codec.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#define CRC_HW 1
#endif

static uint32_t crc_table[8][256];    /* slicing-by-8, reflected 0x82F63B78 */
static signed char b64_dec[256];      /* value, or B64_* below */
static int crc_hw;                    /* the CPU has SSE4.2's crc32 */
static int tables_ready;

enum { B64_BAD = -1, B64_SPACE = -2, B64_PAD = -3 };

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void tables_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[0][i] = c;
    }
    for (int t = 1; t < 8; t++)
        for (int i = 0; i < 256; i++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
    memset(b64_dec, B64_BAD, sizeof b64_dec);
    for (int i = 0; i < 64; i++) {
        b64_dec[(unsigned char)b64_std[i]] = (signed char)i;
        b64_dec[(unsigned char)b64_url[i]] = (signed char)i;
    }
    b64_dec['='] = B64_PAD;
    b64_dec[' '] = b64_dec['\t'] = b64_dec['\r'] = b64_dec['\n'] = B64_SPACE;
#ifdef CRC_HW
    __builtin_cpu_init();
    crc_hw = __builtin_cpu_supports("sse4.2");
#endif
    tables_ready = 1;
}

static inline void tables(void)
{
    if (!tables_ready)
        tables_init();
}

/* ---- CRC-32C: both variants take and return the register (not inverted) ---- */

static uint32_t crc32c_sw(uint32_t crc, const unsigned char *p, size_t n)
{
    while (n && ((uintptr_t)p & 7)) {
        crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        n--;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint32_t lo = (uint32_t)w ^ crc, hi = (uint32_t)(w >> 32);
        crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
              crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
              crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
              crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
    }
#endif
    while (n--)
        crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

#ifdef CRC_HW
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const unsigned char *p,
                                                            size_t n)
{
    uint64_t c = crc;
    while (n && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        n--;
    }
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
    }
    while (n--)
        c = _mm_crc32_u8((uint32_t)c, *p++);
    return (uint32_t)c;
}
#endif

uint32_t lg_codec_crc32c(uint32_t prev, const void *p, size_t n)
{
    tables();
#ifdef CRC_HW
    if (crc_hw)
        return ~crc32c_hw(~prev, p, n);
#endif
    return ~crc32c_sw(~prev, p, n);
}

uint32_t lg_codec_crc32c_soft(uint32_t prev, const void *p, size_t n)
{
    tables();
    return ~crc32c_sw(~prev, p, n);
}

int lg_codec_crc32c_hw(void)
{
    tables();
    return crc_hw;
}

/* ---- base64 ---- */

size_t lg_codec_base64_encode(char *out, const void *in, size_t n, int url)
{
    const char *abc = url ? b64_url : b64_std;
    const unsigned char *i = in;
    char *o = out;
    for (; n >= 3; i += 3, n -= 3) {
        uint32_t v = (uint32_t)i[0] << 16 | (uint32_t)i[1] << 8 | i[2];
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        *o++ = abc[(v >> 6) & 63];
        *o++ = abc[v & 63];
    }
    if (n) {
        uint32_t v = (uint32_t)i[0] << 16 | (n == 2 ? (uint32_t)i[1] << 8 : 0);
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        if (n == 2)
            *o++ = abc[(v >> 6) & 63];
        if (!url) {
            if (n == 1)
                *o++ = '=';
            *o++ = '=';
        }
    }
    return (size_t)(o - out);
}

/* Writes the 1 or 2 bytes of a final partial quantum of q sextets. */
static unsigned char *b64_tail(unsigned char *o, uint32_t acc, int q)
{
    if (q == 2) {
        *o++ = (unsigned char)(acc >> 4);
    } else if (q == 3) {
        *o++ = (unsigned char)(acc >> 10);
        *o++ = (unsigned char)(acc >> 2);
    }
    return o;
}

long lg_codec_base64_decode(unsigned char *out, const char *in, size_t n, const char **why)
{
    uint32_t acc = 0;
    int q = 0, pads = 0; /* sextets in the current quantum; '=' seen */
    unsigned char *o = out;
    tables();
    for (size_t i = 0; i < n; i++) {
        int v = b64_dec[(unsigned char)in[i]];
        if (v >= 0) {
            if (pads) {
                *why = "data after padding";
                return -1;
            }
            acc = acc << 6 | (uint32_t)v;
            if (++q == 4) {
                *o++ = (unsigned char)(acc >> 16);
                *o++ = (unsigned char)(acc >> 8);
                *o++ = (unsigned char)acc;
                q = 0;
                acc = 0;
            }
        } else if (v == B64_PAD) {
            if (q < 2 || q + ++pads > 4) {
                *why = "misplaced padding";
                return -1;
            }
        } else if (v != B64_SPACE) {
            *why = "invalid character";
            return -1;
        }
    }
    if (pads && q + pads != 4) {
        *why = "incomplete padding";
        return -1;
    }
    if (q == 1) {
        *why = "truncated input";
        return -1;
    }
    return (long)(b64_tail(o, acc, q) - out);
}

/* ---- hex ---- */

void lg_codec_hex_encode(char *out, const void *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *i = in;
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = digits[i[k] >> 4];
        out[2 * k + 1] = digits[i[k] & 15];
    }
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long lg_codec_hex_decode(unsigned char *out, const char *in, size_t n, const char **why)
{
    if (n % 2) {
        *why = "odd length";
        return -1;
    }
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_value((unsigned char)in[i]), lo = hex_value((unsigned char)in[i + 1]);
        if (hi < 0 || lo < 0) {
            *why = "invalid character";
            return -1;
        }
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(n / 2);
}
