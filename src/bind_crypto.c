/* bind_crypto.c -- "logen.cryptoc": crypto primitives for CUTs on OpenSSL 3
 * EVP (lua/logen/crypto.lua is the layer CUTs use): digests, HMAC, base64
 * (standard and URL-safe), hex, CRC-32C (Castagnoli, the checksum of Cloud
 * KMS's *Crc32c fields: SSE4.2 when the CPU has it, else slicing-by-8),
 * random bytes, AES-256-GCM, and keys as "logen.crypto.pkey" userdata:
 * private keys from PEM (PKCS#8 or traditional; RSA signs PKCS#1 v1.5, EC
 * signs ECDSA with a DER signature, Ed25519 pure) and public keys that verify.
 * One state userdata, an upvalue of every function, holds the digests
 * fetched once, a reused EVP_MD_CTX, cipher context, memory BIO and scratch
 * buffer: a call allocates little beyond its result string, and a raise
 * leaks nothing (no C resource lives only in a local across a Lua call).
 * Misuse raises; bad input (a malformed PEM, base64, ciphertext) returns
 * nil and a message naming OpenSSL's error. Not done: RSA-PSS/OAEP,
 * X.509 chains, JWK, DER input. */
#include "bind_crypto.h"

#include "mem.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#define CRC_HW 1
#endif

#define STATE_MT "logen.crypto.state"
#define PKEY_MT "logen.crypto.pkey"
#define SCRATCH_MIN_BYTES 1024
#define SCRATCH_KEEP_BYTES (256 * 1024) /* larger scratch is not kept */
#define GCM_KEY_BYTES 32
#define GCM_TAG_BYTES 16

enum { MD_SHA1, MD_SHA224, MD_SHA256, MD_SHA384, MD_SHA512, MD_COUNT };

static const char *const md_names[MD_COUNT] = { "sha1", "sha224", "sha256", "sha384", "sha512" };
static const char *const md_fetch_names[MD_COUNT] = { "SHA1", "SHA2-224", "SHA2-256", "SHA2-384",
                                                      "SHA2-512" };

struct lg_crypto_state {
    EVP_MD *md[MD_COUNT];     /* fetched on first use */
    EVP_MD_CTX *mdctx;        /* digests, signatures, verifications */
    EVP_CIPHER *gcm;          /* AES-256-GCM, fetched on first use */
    EVP_CIPHER_CTX *cctx;     /* AES-256-GCM */
    BIO *bio;                 /* read-write memory BIO for PEM in and out */
    unsigned char *scratch;   /* reused output buffer */
    size_t scratch_bytes;     /* its size */
};

struct lg_crypto_pkey {
    EVP_PKEY *pkey;           /* NULL once closed */
    int private;              /* holds the private half: can sign */
};

/* ---- tables (built once per process; every state shares them) ---- */

static uint32_t crc_table[8][256];    /* slicing-by-8, reflected 0x82F63B78 */
static signed char b64_dec[256];      /* value, or B64_* below */
static int crc_hw;                    /* the CPU has SSE4.2's crc32 */
static int tables_ready;

enum { B64_BAD = -1, B64_SPACE = -2, B64_PAD = -3 };

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void tables_init(void)
{
    if (tables_ready)
        return;
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

/* CRC-32C of p[0..n) continuing from a previous result (0 to start). */
static uint32_t crc32c(uint32_t prev, const unsigned char *p, size_t n, int soft)
{
    uint32_t reg = ~prev;
#ifdef CRC_HW
    if (crc_hw && !soft)
        return ~crc32c_hw(reg, p, n);
#endif
    return ~crc32c_sw(reg, p, n);
}

/* ---- state, scratch, errors ---- */

static struct lg_crypto_state *state(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* A buffer of at least n bytes, valid until the calling function returns:
 * the state's scratch, grown up to SCRATCH_KEEP_BYTES; beyond that a Lua
 * userdata pushed on the stack (collected later, so nothing leaks on a
 * raise and no large block stays behind). */
static unsigned char *scratch(lua_State *L, struct lg_crypto_state *s, size_t n)
{
    if (n <= s->scratch_bytes)
        return s->scratch;
    if (n > SCRATCH_KEEP_BYTES)
        return lua_newuserdata(L, n);
    size_t cap = s->scratch_bytes * 2;
    if (cap < n)
        cap = n;
    if (cap > SCRATCH_KEEP_BYTES)
        cap = SCRATCH_KEEP_BYTES;
    s->scratch = lg_realloc(s->scratch, cap);
    s->scratch_bytes = cap;
    return s->scratch;
}

/* Pushes nil and "what: <OpenSSL's last error>", clears OpenSSL's error
 * queue; returns 2 (for `return fail(L, ...)`). */
static int fail(lua_State *L, const char *what)
{
    char buf[256];
    unsigned long e = ERR_peek_last_error();
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "unknown OpenSSL error");
    ERR_clear_error();
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", what, buf);
    return 2;
}

/* Argument arg as a string whose length fits an int (OpenSSL's lengths). */
static const char *check_int_lstring(lua_State *L, int arg, size_t *len)
{
    const char *s = luaL_checklstring(L, arg, len);
    if (*len > INT_MAX)
        luaL_argerror(L, arg, "string too long");
    return s;
}

/* Argument arg names a digest: sha1, sha224, sha256, sha384, sha512 (any
 * case). Raises on another name. */
static const EVP_MD *check_md(lua_State *L, struct lg_crypto_state *s, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    for (int i = 0; i < MD_COUNT; i++) {
        if (strcasecmp(name, md_names[i]) != 0)
            continue;
        if (!s->md[i]) {
            s->md[i] = EVP_MD_fetch(NULL, md_fetch_names[i], NULL);
            if (!s->md[i]) {
                ERR_clear_error();
                luaL_error(L, "cryptoc: OpenSSL has no %s digest", md_fetch_names[i]);
            }
        }
        return s->md[i];
    }
    luaL_argerror(L, arg, lua_pushfstring(L, "unknown digest '%s' (sha1, sha224, sha256, "
                                             "sha384 or sha512)", name));
    return NULL;
}

/* ---- digests, MAC, random ---- */

/* digest(name, data) -> raw digest bytes */
static int c_digest(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    const EVP_MD *md = check_md(L, s, 1);
    size_t n;
    const char *data = luaL_checklstring(L, 2, &n);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(s->mdctx, md, NULL) != 1 || EVP_DigestUpdate(s->mdctx, data, n) != 1 ||
        EVP_DigestFinal_ex(s->mdctx, out, &len) != 1)
        return fail(L, "digest");
    lua_pushlstring(L, (const char *)out, len);
    return 1;
}

/* hmac(name, key, data) -> raw MAC bytes */
static int c_hmac(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    const EVP_MD *md = check_md(L, s, 1);
    size_t klen, n;
    const char *key = check_int_lstring(L, 2, &klen);
    const char *data = luaL_checklstring(L, 3, &n);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(md, key, (int)klen, (const unsigned char *)data, n, out, &len))
        return fail(L, "hmac");
    lua_pushlstring(L, (const char *)out, len);
    return 1;
}

/* random(n) -> n bytes from OpenSSL's CSPRNG */
static int c_random(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 0 && n <= INT_MAX, 1, "byte count out of range");
    unsigned char *p = scratch(L, s, (size_t)n);
    if (n > 0 && RAND_bytes(p, (int)n) != 1)
        return fail(L, "random");
    lua_pushlstring(L, (const char *)p, (size_t)n);
    return 1;
}

/* ---- encodings ---- */

static size_t b64_encode(unsigned char *out, const unsigned char *in, size_t n, const char *abc,
                         int pad)
{
    unsigned char *o = out;
    for (; n >= 3; in += 3, n -= 3) {
        uint32_t v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
        *o++ = (unsigned char)abc[v >> 18];
        *o++ = (unsigned char)abc[(v >> 12) & 63];
        *o++ = (unsigned char)abc[(v >> 6) & 63];
        *o++ = (unsigned char)abc[v & 63];
    }
    if (n) {
        uint32_t v = (uint32_t)in[0] << 16 | (n == 2 ? (uint32_t)in[1] << 8 : 0);
        *o++ = (unsigned char)abc[v >> 18];
        *o++ = (unsigned char)abc[(v >> 12) & 63];
        if (n == 2)
            *o++ = (unsigned char)abc[(v >> 6) & 63];
        if (pad) {
            if (n == 1)
                *o++ = '=';
            *o++ = '=';
        }
    }
    return (size_t)(o - out);
}

static int push_b64(lua_State *L, const char *abc, int pad)
{
    struct lg_crypto_state *s = state(L);
    size_t n;
    const char *in = luaL_checklstring(L, 1, &n);
    luaL_argcheck(L, n <= (SIZE_MAX - 2) / 4 * 3, 1, "string too long");
    unsigned char *out = scratch(L, s, (n + 2) / 3 * 4);
    size_t len = b64_encode(out, (const unsigned char *)in, n, abc, pad);
    lua_pushlstring(L, (const char *)out, len);
    return 1;
}

/* base64(data) -> standard alphabet, padded, no line breaks */
static int c_base64(lua_State *L)
{
    return push_b64(L, b64_std, 1);
}

/* base64url(data) -> URL-safe alphabet, no padding (JWT, RFC 7515) */
static int c_base64url(lua_State *L)
{
    return push_b64(L, b64_url, 0);
}

/* Decodes base64 in either alphabet, padded or not, skipping white space.
 * Returns the byte count, or -1 with *why set. out holds n / 4 * 3 + 3. */
static long b64_decode(unsigned char *out, const unsigned char *in, size_t n, const char **why)
{
    uint32_t acc = 0;
    int q = 0, pads = 0; /* sextets in the current quantum; '=' seen */
    unsigned char *o = out;
    for (size_t i = 0; i < n; i++) {
        int v = b64_dec[in[i]];
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
    if (q == 2) {
        *o++ = (unsigned char)(acc >> 4);
    } else if (q == 3) {
        *o++ = (unsigned char)(acc >> 10);
        *o++ = (unsigned char)(acc >> 2);
    }
    return (long)(o - out);
}

/* unbase64(text) -> bytes | nil, message. Standard or URL-safe, padded or
 * not; white space is skipped. */
static int c_unbase64(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    size_t n;
    const char *in = luaL_checklstring(L, 1, &n);
    unsigned char *out = scratch(L, s, n / 4 * 3 + 3);
    const char *why = NULL;
    long len = b64_decode(out, (const unsigned char *)in, n, &why);
    if (len < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "unbase64: %s", why);
        return 2;
    }
    lua_pushlstring(L, (const char *)out, (size_t)len);
    return 1;
}

/* hex(data) -> lowercase hex */
static int c_hex(lua_State *L)
{
    static const char digits[] = "0123456789abcdef";
    struct lg_crypto_state *s = state(L);
    size_t n;
    const unsigned char *in = (const unsigned char *)luaL_checklstring(L, 1, &n);
    luaL_argcheck(L, n <= SIZE_MAX / 2, 1, "string too long");
    unsigned char *out = scratch(L, s, n * 2);
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = (unsigned char)digits[in[i] >> 4];
        out[2 * i + 1] = (unsigned char)digits[in[i] & 15];
    }
    lua_pushlstring(L, (const char *)out, n * 2);
    return 1;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* unhex(text) -> bytes | nil, message (either case, even length) */
static int c_unhex(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    size_t n;
    const unsigned char *in = (const unsigned char *)luaL_checklstring(L, 1, &n);
    unsigned char *out = scratch(L, s, n / 2);
    if (n % 2) {
        lua_pushnil(L);
        lua_pushliteral(L, "unhex: odd length");
        return 2;
    }
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_value(in[i]), lo = hex_value(in[i + 1]);
        if (hi < 0 || lo < 0) {
            lua_pushnil(L);
            lua_pushliteral(L, "unhex: invalid character");
            return 2;
        }
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    lua_pushlstring(L, (const char *)out, n / 2);
    return 1;
}

/* Shared by crc32c and its software-only twin. */
static int push_crc32c(lua_State *L, int soft)
{
    size_t n;
    const char *data = luaL_checklstring(L, 1, &n);
    lua_Number prev = luaL_optnumber(L, 2, 0);
    luaL_argcheck(L, prev >= 0 && prev <= 4294967295.0 && prev == (lua_Number)(uint32_t)prev, 2,
                  "not a CRC-32C value");
    lua_pushnumber(L, (lua_Number)crc32c((uint32_t)prev, (const unsigned char *)data, n, soft));
    return 1;
}

/* crc32c(data[, crc]) -> integer 0..2^32-1 (continues from crc if given) */
static int c_crc32c(lua_State *L)
{
    return push_crc32c(L, 0);
}

/* _crc32c_soft(data[, crc]): the table-driven variant, for tests */
static int c_crc32c_soft(lua_State *L)
{
    return push_crc32c(L, 1);
}

/* ---- AES-256-GCM ---- */

static EVP_CIPHER_CTX *gcm_start(lua_State *L, struct lg_crypto_state *s, int enc)
{
    size_t klen, ivlen;
    const char *key = luaL_checklstring(L, 1, &klen);
    const char *iv = check_int_lstring(L, 2, &ivlen);
    luaL_argcheck(L, klen == GCM_KEY_BYTES, 1, "AES-256 needs a 32-byte key");
    luaL_argcheck(L, ivlen > 0, 2, "empty IV");
    if (!s->gcm) {
        s->gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
        if (!s->gcm) {
            ERR_clear_error();
            luaL_error(L, "cryptoc: OpenSSL has no AES-256-GCM");
        }
    }
    EVP_CIPHER_CTX *c = s->cctx;
    EVP_CIPHER_CTX_reset(c);
    if (EVP_CipherInit_ex(c, s->gcm, NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL) != 1 ||
        EVP_CipherInit_ex(c, NULL, NULL, (const unsigned char *)key, (const unsigned char *)iv,
                          enc) != 1)
        return NULL;
    return c;
}

static int gcm_aad(EVP_CIPHER_CTX *c, const char *aad, size_t n)
{
    int outl;
    return !aad || n == 0 || EVP_CipherUpdate(c, NULL, &outl, (const unsigned char *)aad, (int)n) == 1;
}

/* aes_gcm_encrypt(key, iv, plaintext[, aad]) -> ciphertext, tag (16 bytes) */
static int c_gcm_encrypt(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    size_t n, alen = 0;
    const char *pt = check_int_lstring(L, 3, &n);
    const char *aad = lua_isnoneornil(L, 4) ? NULL : check_int_lstring(L, 4, &alen);
    unsigned char *out = scratch(L, s, n + GCM_TAG_BYTES);
    EVP_CIPHER_CTX *c = gcm_start(L, s, 1);
    int len = 0, fin = 0;
    if (!c || !gcm_aad(c, aad, alen) ||
        EVP_CipherUpdate(c, out, &len, (const unsigned char *)pt, (int)n) != 1 ||
        EVP_CipherFinal_ex(c, out + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, GCM_TAG_BYTES, out + n) != 1)
        return fail(L, "aes_gcm_encrypt");
    lua_pushlstring(L, (const char *)out, n);
    lua_pushlstring(L, (const char *)out + n, GCM_TAG_BYTES);
    return 2;
}

/* aes_gcm_decrypt(key, iv, ciphertext, tag[, aad]) -> plaintext
 *   | nil, "aes_gcm_decrypt: authentication failed" */
static int c_gcm_decrypt(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    size_t n, tlen, alen = 0;
    const char *ct = check_int_lstring(L, 3, &n);
    const char *tag = luaL_checklstring(L, 4, &tlen);
    const char *aad = lua_isnoneornil(L, 5) ? NULL : check_int_lstring(L, 5, &alen);
    luaL_argcheck(L, tlen >= 4 && tlen <= GCM_TAG_BYTES, 4, "a GCM tag has 4 to 16 bytes");
    unsigned char *out = scratch(L, s, n + 1);
    EVP_CIPHER_CTX *c = gcm_start(L, s, 0);
    int len = 0, fin = 0;
    if (!c || !gcm_aad(c, aad, alen) ||
        EVP_CipherUpdate(c, out, &len, (const unsigned char *)ct, (int)n) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, (int)tlen, (void *)tag) != 1)
        return fail(L, "aes_gcm_decrypt");
    if (EVP_CipherFinal_ex(c, out + len, &fin) != 1) {
        ERR_clear_error();
        lua_pushnil(L);
        lua_pushliteral(L, "aes_gcm_decrypt: authentication failed");
        return 2;
    }
    lua_pushlstring(L, (const char *)out, n);
    return 1;
}

/* ---- keys ---- */

/* Hands OpenSSL the passphrase given to private_key; without one, an
 * encrypted key fails instead of prompting on the terminal. */
static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pass = u;
    size_t n = pass ? strlen(pass) : 0;
    if (!pass || n > (size_t)size)
        return 0;
    memcpy(buf, pass, n);
    return (int)n;
}

/* A new, empty key userdata on the stack (closed until filled). */
static struct lg_crypto_pkey *pkey_push(lua_State *L)
{
    struct lg_crypto_pkey *k = lua_newuserdata(L, sizeof *k);
    k->pkey = NULL;
    k->private = 0;
    luaL_getmetatable(L, PKEY_MT);
    lua_setmetatable(L, -2);
    return k;
}

/* Loads the PEM text at arg into the state's BIO. */
static BIO *pem_bio(lua_State *L, struct lg_crypto_state *s, int arg)
{
    size_t n;
    const char *pem = check_int_lstring(L, arg, &n);
    BIO_reset(s->bio);
    if (BIO_write(s->bio, pem, (int)n) != (int)n)
        return NULL;
    return s->bio;
}

/* private_key(pem[, passphrase]) -> pkey | nil, message.
 * PKCS#8 ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY") or traditional ("RSA
 * PRIVATE KEY", "EC PRIVATE KEY"); other PEM blocks before it are skipped. */
static int c_private_key(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    const char *pass = luaL_optstring(L, 2, NULL);
    lua_settop(L, 2);
    struct lg_crypto_pkey *k = pkey_push(L); /* before any OpenSSL object exists */
    ERR_clear_error();
    BIO *b = pem_bio(L, s, 1);
    if (b)
        k->pkey = PEM_read_bio_PrivateKey(b, NULL, pem_pass_cb, (void *)pass);
    BIO_reset(s->bio);
    if (!k->pkey)
        return fail(L, "private_key");
    k->private = 1;
    return 1;
}

/* public_key(pem) -> pkey | nil, message. A SubjectPublicKeyInfo ("PUBLIC
 * KEY", what getPublicKey returns) or a certificate's key. */
static int c_public_key(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    lua_settop(L, 1);
    struct lg_crypto_pkey *k = pkey_push(L);
    ERR_clear_error();
    BIO *b = pem_bio(L, s, 1);
    if (b)
        k->pkey = PEM_read_bio_PUBKEY(b, NULL, pem_pass_cb, NULL);
    if (!k->pkey && (b = pem_bio(L, s, 1)) != NULL) {
        X509 *x = PEM_read_bio_X509(b, NULL, pem_pass_cb, NULL);
        if (x) {
            ERR_clear_error(); /* the failed PUBKEY attempt */
            k->pkey = X509_get_pubkey(x);
            X509_free(x);
        }
    }
    BIO_reset(s->bio);
    if (!k->pkey)
        return fail(L, "public_key");
    return 1;
}

static struct lg_crypto_pkey *check_pkey(lua_State *L)
{
    struct lg_crypto_pkey *k = luaL_checkudata(L, 1, PKEY_MT);
    if (!k->pkey)
        luaL_error(L, "attempt to use a closed key");
    return k;
}

static int pkey_is_eddsa(const struct lg_crypto_pkey *k)
{
    return EVP_PKEY_is_a(k->pkey, "ED25519") || EVP_PKEY_is_a(k->pkey, "ED448");
}

/* The digest for a signature: named at arg, or none for EdDSA keys (whose
 * argument is ignored). */
static const EVP_MD *pkey_md(lua_State *L, struct lg_crypto_state *s,
                             const struct lg_crypto_pkey *k, int arg)
{
    return pkey_is_eddsa(k) ? NULL : check_md(L, s, arg);
}

/* key:sign(digest, data) -> signature | nil, message. RSA: PKCS#1 v1.5
 * (RS256 with sha256); EC: ECDSA, DER-encoded; Ed25519/Ed448: pure, the
 * digest argument is ignored. Raises on a public key. */
static int pkey_sign(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    struct lg_crypto_pkey *k = check_pkey(L);
    if (!k->private)
        luaL_argerror(L, 1, "a public key cannot sign");
    const EVP_MD *md = pkey_md(L, s, k, 2);
    size_t n;
    const char *data = luaL_checklstring(L, 3, &n);
    int max = EVP_PKEY_get_size(k->pkey);
    if (max <= 0)
        return fail(L, "sign");
    unsigned char *sig = scratch(L, s, (size_t)max);
    size_t siglen = (size_t)max;
    ERR_clear_error();
    EVP_MD_CTX_reset(s->mdctx);
    int ok = EVP_DigestSignInit(s->mdctx, NULL, md, NULL, k->pkey) == 1 &&
             EVP_DigestSign(s->mdctx, sig, &siglen, (const unsigned char *)data, n) == 1;
    EVP_MD_CTX_reset(s->mdctx); /* drops its reference to the key */
    if (!ok)
        return fail(L, "sign");
    lua_pushlstring(L, (const char *)sig, siglen);
    return 1;
}

/* key:verify(digest, data, signature) -> true | false[, message]
 * (the message is OpenSSL's reason when it gives one, e.g. bad DER). */
static int pkey_verify(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    struct lg_crypto_pkey *k = check_pkey(L);
    const EVP_MD *md = pkey_md(L, s, k, 2);
    size_t n, slen;
    const char *data = luaL_checklstring(L, 3, &n);
    const char *sig = luaL_checklstring(L, 4, &slen);
    ERR_clear_error();
    EVP_MD_CTX_reset(s->mdctx);
    int r = EVP_DigestVerifyInit(s->mdctx, NULL, md, NULL, k->pkey) == 1
                ? EVP_DigestVerify(s->mdctx, (const unsigned char *)sig, slen,
                                   (const unsigned char *)data, n)
                : -1;
    EVP_MD_CTX_reset(s->mdctx);
    if (r == 1) {
        lua_pushboolean(L, 1);
        return 1;
    }
    if (ERR_peek_last_error()) {
        fail(L, "verify");
        lua_pushboolean(L, 0);
        lua_replace(L, -3); /* false, message */
        return 2;
    }
    lua_pushboolean(L, 0);
    return 1;
}

/* key:public_pem() -> "-----BEGIN PUBLIC KEY-----\n..." (SubjectPublicKeyInfo) */
static int pkey_public_pem(lua_State *L)
{
    struct lg_crypto_state *s = state(L);
    struct lg_crypto_pkey *k = check_pkey(L);
    char *p = NULL;
    BIO_reset(s->bio);
    if (PEM_write_bio_PUBKEY(s->bio, k->pkey) != 1)
        return fail(L, "public_pem");
    long len = BIO_get_mem_data(s->bio, &p);
    lua_pushlstring(L, p, len > 0 ? (size_t)len : 0); /* the BIO is the state's: no leak */
    BIO_reset(s->bio);
    return 1;
}

/* key:type() -> "RSA", "EC", "ED25519"..., key:bits(), key:private() */
static int pkey_type(lua_State *L)
{
    struct lg_crypto_pkey *k = check_pkey(L);
    const char *t = EVP_PKEY_get0_type_name(k->pkey);
    lua_pushstring(L, t ? t : "unknown");
    return 1;
}

static int pkey_bits(lua_State *L)
{
    struct lg_crypto_pkey *k = check_pkey(L);
    lua_pushinteger(L, EVP_PKEY_get_bits(k->pkey));
    return 1;
}

static int pkey_private(lua_State *L)
{
    struct lg_crypto_pkey *k = check_pkey(L);
    lua_pushboolean(L, k->private);
    return 1;
}

/* key:close() and __gc: frees the key. Idempotent. */
static int pkey_close(lua_State *L)
{
    struct lg_crypto_pkey *k = luaL_checkudata(L, 1, PKEY_MT);
    EVP_PKEY_free(k->pkey);
    k->pkey = NULL;
    return 0;
}

static int pkey_tostring(lua_State *L)
{
    struct lg_crypto_pkey *k = luaL_checkudata(L, 1, PKEY_MT);
    if (!k->pkey)
        lua_pushliteral(L, PKEY_MT " (closed)");
    else
        lua_pushfstring(L, PKEY_MT " (%s %d-bit %s, %p)", EVP_PKEY_get0_type_name(k->pkey),
                        EVP_PKEY_get_bits(k->pkey), k->private ? "private" : "public", (void *)k);
    return 1;
}

/* ---- the module ---- */

/* __gc of the state: frees everything the module's functions share. */
static int state_gc(lua_State *L)
{
    struct lg_crypto_state *s = luaL_checkudata(L, 1, STATE_MT);
    for (int i = 0; i < MD_COUNT; i++) {
        EVP_MD_free(s->md[i]);
        s->md[i] = NULL;
    }
    EVP_MD_CTX_free(s->mdctx);
    EVP_CIPHER_free(s->gcm);
    EVP_CIPHER_CTX_free(s->cctx);
    BIO_free(s->bio);
    free(s->scratch);
    memset(s, 0, sizeof *s);
    return 0;
}

static void state_new(lua_State *L)
{
    struct lg_crypto_state *s = lua_newuserdata(L, sizeof *s);
    memset(s, 0, sizeof *s);
    if (luaL_newmetatable(L, STATE_MT)) {
        lua_pushcfunction(L, state_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2); /* from here on, __gc frees what s holds */
    s->mdctx = EVP_MD_CTX_new();
    s->cctx = EVP_CIPHER_CTX_new();
    s->bio = BIO_new(BIO_s_mem());
    if (!s->mdctx || !s->cctx || !s->bio)
        luaL_error(L, "cryptoc: cannot allocate OpenSSL contexts");
    s->scratch = lg_malloc(SCRATCH_MIN_BYTES);
    s->scratch_bytes = SCRATCH_MIN_BYTES;
}

int luaopen_logen_cryptoc(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "sign", pkey_sign },
        { "verify", pkey_verify },
        { "public_pem", pkey_public_pem },
        { "type", pkey_type },
        { "bits", pkey_bits },
        { "private", pkey_private },
        { "close", pkey_close },
        { NULL, NULL },
    };
    static const luaL_Reg module[] = {
        { "digest", c_digest },
        { "hmac", c_hmac },
        { "random", c_random },
        { "base64", c_base64 },
        { "base64url", c_base64url },
        { "unbase64", c_unbase64 },
        { "hex", c_hex },
        { "unhex", c_unhex },
        { "crc32c", c_crc32c },
        { "_crc32c_soft", c_crc32c_soft },
        { "aes_gcm_encrypt", c_gcm_encrypt },
        { "aes_gcm_decrypt", c_gcm_decrypt },
        { "private_key", c_private_key },
        { "public_key", c_public_key },
        { NULL, NULL },
    };
    tables_init();
    state_new(L);
    int st = lua_gettop(L);
    if (luaL_newmetatable(L, PKEY_MT)) {
        lua_newtable(L);
        lua_pushvalue(L, st);
        luaL_setfuncs(L, methods, 1);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, pkey_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, pkey_tostring);
        lua_setfield(L, -2, "__tostring");
        lua_pushliteral(L, PKEY_MT);
        lua_setfield(L, -2, "__name");
    }
    lua_pop(L, 1);
    luaL_newlibtable(L, module);
    lua_pushvalue(L, st);
    luaL_setfuncs(L, module, 1);
    lua_pushboolean(L, crc_hw);
    lua_setfield(L, -2, "crc32c_hw");
    lua_pushstring(L, OpenSSL_version(OPENSSL_VERSION));
    lua_setfield(L, -2, "openssl_version");
    lua_remove(L, st);
    return 1;
}
