/* test_codec.c -- codec.c: base64 (RFC 4648 section 10 vectors, both
 * alphabets), hex, CRC-32C (check value and RFC 3720 B.4 vectors), round
 * trips, bad input. Decoder inputs sit right before a PROT_NONE page, so an
 * over-read faults (picohttpparser's trick). */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codec.h"
#include "tap.h"

static unsigned char *guard_page; /* two pages: the second is PROT_NONE */
static size_t page_bytes;

/* A copy of s[0..n) ending exactly at the guard page (n <= one page). */
static const char *guarded(const char *s, size_t n)
{
    char *p = (char *)guard_page + page_bytes - n;
    memcpy(p, s, n);
    return p;
}

static void guard_init(void)
{
    page_bytes = (size_t)sysconf(_SC_PAGESIZE);
    guard_page = mmap(NULL, 2 * page_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (guard_page == MAP_FAILED || mprotect(guard_page + page_bytes, page_bytes, PROT_NONE) != 0)
        abort();
}

/* Decodes text (guarded) and returns it NUL-terminated in a static buffer,
 * or NULL with *why set. */
static const char *unb64(const char *text, const char **why)
{
    static unsigned char out[256];
    size_t n = strlen(text);
    long len = lg_codec_base64_decode(out, guarded(text, n), n, why);
    if (len < 0)
        return NULL;
    out[len] = '\0';
    return (const char *)out;
}

static const char *b64(const char *data, size_t n, int url)
{
    static char out[256];
    out[lg_codec_base64_encode(out, data, n, url)] = '\0';
    return out;
}

static void test_base64_vectors(void)
{
    static const char *const rfc[][2] = {
        { "", "" },           { "f", "Zg==" },         { "fo", "Zm8=" },         { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
    };
    const char *why = NULL;
    for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
        size_t n = strlen(rfc[i][0]);
        is_str(b64(rfc[i][0], n, 0), rfc[i][1], "base64 \"%s\" (RFC 4648)", rfc[i][0]);
        ok(strlen(rfc[i][1]) <= lg_codec_base64_len(n), "base64_len(%zu) is enough", n);
        is_str(unb64(rfc[i][1], &why), rfc[i][0], "unbase64 \"%s\"", rfc[i][1]);
    }
    is_str(b64("fo", 2, 1), "Zm8", "base64url has no padding");
    is_str(b64("\xfb\xff", 2, 0), "+/8=", "standard alphabet: + and /");
    is_str(b64("\xfb\xff", 2, 1), "-_8", "URL-safe alphabet: - and _");
    is_str(unb64("-_8", &why), "\xfb\xff", "unbase64 takes the URL-safe alphabet, unpadded");
    is_str(unb64("+/8=", &why), "\xfb\xff", "and the standard one, padded");
    is_str(unb64("Zm9v\r\nYmFy ", &why), "foobar", "white space is skipped");
    is_str(unb64("Zm8", &why), "fo", "unpadded input decodes");
}

static void test_base64_bad(void)
{
    static const char *const bad[][2] = {
        { "Zm9v!", "invalid character" },   { "Z", "truncated input" },
        { "Zg=", "incomplete padding" },    { "=Zg", "misplaced padding" },
        { "Zg===", "misplaced padding" },   { "Zg==Zg", "data after padding" },
        { "Zm9vY", "truncated input" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = NULL;
        const char *got = unb64(bad[i][0], &why);
        ok(got == NULL, "unbase64 \"%s\" fails", bad[i][0]);
        is_str(why, bad[i][1], "with \"%s\"", bad[i][1]);
    }
}

static void test_base64_round_trip(void)
{
    unsigned char in[200], back[sizeof in + 3];
    char text[lg_codec_base64_len(sizeof in)];
    srand(7);
    int good = 1;
    for (size_t n = 0; n <= sizeof in && good; n++) {
        for (size_t i = 0; i < n; i++)
            in[i] = (unsigned char)rand();
        for (int url = 0; url <= 1 && good; url++) {
            size_t tn = lg_codec_base64_encode(text, in, n, url);
            const char *why = NULL;
            long bn = lg_codec_base64_decode(back, guarded(text, tn), tn, &why);
            good = bn == (long)n && memcmp(back, in, n) == 0;
            if (!good)
                note("round trip fails at %zu bytes, url %d: %ld (%s)", n, url, bn, why ? why : "");
        }
    }
    ok(good, "base64 round trips for 0..200 random bytes, both alphabets");
}

static void test_hex(void)
{
    char text[8];
    unsigned char back[4];
    const char *why = NULL;
    lg_codec_hex_encode(text, "\x00\xff\x10\xab", 4);
    ok(memcmp(text, "00ff10ab", 8) == 0, "hex: lowercase, two digits a byte");
    is_int(lg_codec_hex_decode(back, guarded("00FF10ab", 8), 8, &why), 4, "unhex: either case");
    ok(memcmp(back, "\x00\xff\x10\xab", 4) == 0, "unhex: the bytes back");
    is_int(lg_codec_hex_decode(back, guarded("abc", 3), 3, &why), -1, "unhex: odd length fails");
    is_str(why, "odd length", "with \"odd length\"");
    is_int(lg_codec_hex_decode(back, guarded("0g", 2), 2, &why), -1, "unhex: a non-hex digit fails");
    is_str(why, "invalid character", "with \"invalid character\"");
    is_int(lg_codec_hex_decode(back, guarded("", 0), 0, &why), 0, "unhex: empty is empty");
}

static void test_crc32c_vectors(void)
{
    unsigned char buf[32];
    is_int(lg_codec_crc32c(0, "123456789", 9), 0xE3069283u, "CRC-32C check value of \"123456789\"");
    is_int(lg_codec_crc32c_soft(0, "123456789", 9), 0xE3069283u, "the same with the tables");
    is_int(lg_codec_crc32c(0, "", 0), 0, "CRC-32C of nothing is 0");
    is_int(lg_codec_crc32c(0, "hello world", 11), 3381945770u, "\"hello world\" (kms-api.md)");
    memset(buf, 0, sizeof buf);
    is_int(lg_codec_crc32c(0, buf, 32), 0x8A9136AAu, "32 zero bytes (RFC 3720 B.4)");
    memset(buf, 0xff, sizeof buf);
    is_int(lg_codec_crc32c(0, buf, 32), 0x62A8AB43u, "32 0xFF bytes (RFC 3720 B.4)");
    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)i;
    is_int(lg_codec_crc32c(0, buf, 32), 0x46DD794Eu, "bytes 0..31 (RFC 3720 B.4)");
    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)(31 - i);
    is_int(lg_codec_crc32c(0, buf, 32), 0x113FDB5Cu, "bytes 31..0 (RFC 3720 B.4)");
    is_int(lg_codec_crc32c(lg_codec_crc32c(0, "12345", 5), "6789", 4), 0xE3069283u,
           "continuing from a previous CRC gives the CRC of the whole");
}

static void test_crc32c_hw_vs_soft(void)
{
    static unsigned char data[1000];
    srand(11);
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)rand();
    int same = 1;
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= sizeof data; n += 37)
            same &= lg_codec_crc32c(0, data + off, n) == lg_codec_crc32c_soft(0, data + off, n);
    note("CRC-32C uses %s", lg_codec_crc32c_hw() ? "SSE4.2" : "the tables only");
    ok(same, "instruction and tables agree at every alignment and length");
}

int main(void)
{
    guard_init();
    test_base64_vectors();
    test_base64_bad();
    test_base64_round_trip();
    test_hex();
    test_crc32c_vectors();
    test_crc32c_hw_vs_soft();
    return done_testing();
}
