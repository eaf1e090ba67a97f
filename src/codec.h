/* codec.h -- pure byte codecs: base64 (RFC 4648, standard and URL-safe
 * alphabets), lowercase hex, and CRC-32C (Castagnoli, the checksum of Cloud
 * KMS's *Crc32c fields). No Lua, no allocation: the caller gives the output
 * buffer, sized with the *_len / *_max helpers below.
 *
 * The tables are built on first use (once per process; logen's processes
 * are single-threaded). bind_crypto.c exposes these to Lua. */
#ifndef LG_CODEC_H
#define LG_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* ---- CRC-32C ---- */

/* CRC-32C of p[0..n), continuing from a previous result (0 to start), so
 * crc32c(b, crc32c(a, 0)) == crc32c(a || b, 0). Uses SSE4.2's crc32
 * instruction when the CPU has it, else slicing-by-8 tables. */
uint32_t lg_codec_crc32c(uint32_t prev, const void *p, size_t n);
/* The same, always with the tables (to test one against the other). */
uint32_t lg_codec_crc32c_soft(uint32_t prev, const void *p, size_t n);
/* 1 when lg_codec_crc32c uses the CPU instruction. */
int lg_codec_crc32c_hw(void);

/* ---- base64 ---- */

/* Output bytes of lg_codec_base64_encode for n input bytes (padded size,
 * an upper bound when unpadded). n must be at most LG_CODEC_BASE64_MAX_IN. */
static inline size_t lg_codec_base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}
#define LG_CODEC_BASE64_MAX_IN ((SIZE_MAX - 2) / 4 * 3)

/* Encodes in[0..n) into out (no NUL written); url = 0: standard alphabet
 * with '=' padding, url = 1: URL-safe alphabet without padding (JWT).
 * Returns the bytes written. */
size_t lg_codec_base64_encode(char *out, const void *in, size_t n, int url);

/* Room lg_codec_base64_decode needs for n input bytes. */
static inline size_t lg_codec_base64_decoded_max(size_t n)
{
    return n / 4 * 3 + 3;
}

/* Decodes base64 in either alphabet, padded or not, skipping white space
 * (space, tab, CR, LF). Returns the byte count, or -1 with *why set to a
 * static message ("invalid character", "misplaced padding", "data after
 * padding", "incomplete padding", "truncated input"; do not free). */
long lg_codec_base64_decode(unsigned char *out, const char *in, size_t n, const char **why);

/* ---- hex ---- */

/* Writes 2 * n lowercase hex digits of in[0..n) to out (no NUL). */
void lg_codec_hex_encode(char *out, const void *in, size_t n);

/* Decodes n hex digits (either case) into n / 2 bytes. Returns n / 2, or
 * -1 with *why set to "odd length" or "invalid character" (static). */
long lg_codec_hex_decode(unsigned char *out, const char *in, size_t n, const char **why);

#endif
