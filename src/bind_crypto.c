/* bind_crypto.c -- "logen.cryptoc": crypto primitives for CUTs on OpenSSL 3
 * EVP (lua/logen/crypto.lua is the layer CUTs use): digests, HMAC, random
 * bytes, AES-256-GCM, and the Lua side of codec.c's base64 (standard and
 * URL-safe), hex and CRC-32C. Keys ("logen.crypto.pkey") live in
 * bind_key.c, which this module registers.
 * One state userdata, an upvalue of every function, holds the digests
 * fetched once, a reused EVP_MD_CTX, cipher context, memory BIO and scratch
 * buffer: a call allocates little beyond its result string, and a raise
 * leaks nothing (no C resource lives only in a local across a Lua call).
 * Misuse raises; bad input (malformed base64, a bad ciphertext) returns
 * nil and a message naming the reason. Not done: AES modes other than GCM,
 * streaming digests. */
#include "bind_crypto.h"

#include "bind_key.h"
#include "codec.h"
#include "mem.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define STATE_MT "logen.crypto.state"
#define SCRATCH_MIN_BYTES 1024
#define SCRATCH_KEEP_BYTES (256 * 1024) /* larger scratch is not kept */
#define GCM_KEY_BYTES 32
#define GCM_TAG_BYTES 16

static const char *const md_names[LG_CRYPTO_MD_COUNT] = { "sha1", "sha224", "sha256", "sha384",
                                                          "sha512" };
static const char *const md_fetch_names[LG_CRYPTO_MD_COUNT] = { "SHA1", "SHA2-224", "SHA2-256",
                                                                "SHA2-384", "SHA2-512" };

/* ---- state, scratch, errors ---- */

/* A buffer of at least n bytes, valid until the calling function returns:
 * the state's scratch, grown up to SCRATCH_KEEP_BYTES; beyond that a Lua
 * userdata pushed on the stack (collected later, so nothing leaks on a
 * raise and no large block stays behind). */
unsigned char *lg_crypto_scratch(lua_State *L, struct lg_crypto_state *s, size_t n)
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
 * queue; returns 2 (for `return lg_crypto_fail(L, ...)`). */
int lg_crypto_fail(lua_State *L, const char *what)
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
const char *lg_crypto_check_int_lstring(lua_State *L, int arg, size_t *len)
{
    const char *s = luaL_checklstring(L, arg, len);
    if (*len > INT_MAX)
        luaL_argerror(L, arg, "string too long");
    return s;
}

/* Argument arg names a digest: sha1, sha224, sha256, sha384, sha512 (any
 * case). Raises on another name. */
const EVP_MD *lg_crypto_check_md(lua_State *L, struct lg_crypto_state *s, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    for (int i = 0; i < LG_CRYPTO_MD_COUNT; i++) {
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
    struct lg_crypto_state *s = lg_crypto_state(L);
    const EVP_MD *md = lg_crypto_check_md(L, s, 1);
    size_t n;
    const char *data = luaL_checklstring(L, 2, &n);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(s->mdctx, md, NULL) != 1 || EVP_DigestUpdate(s->mdctx, data, n) != 1 ||
        EVP_DigestFinal_ex(s->mdctx, out, &len) != 1)
        return lg_crypto_fail(L, "digest");
    lua_pushlstring(L, (const char *)out, len);
    return 1;
}

/* hmac(name, key, data) -> raw MAC bytes */
static int c_hmac(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    const EVP_MD *md = lg_crypto_check_md(L, s, 1);
    size_t klen, n;
    const char *key = lg_crypto_check_int_lstring(L, 2, &klen);
    const char *data = luaL_checklstring(L, 3, &n);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(md, key, (int)klen, (const unsigned char *)data, n, out, &len))
        return lg_crypto_fail(L, "hmac");
    lua_pushlstring(L, (const char *)out, len);
    return 1;
}

/* random(n) -> n bytes from OpenSSL's CSPRNG */
static int c_random(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 0 && n <= INT_MAX, 1, "byte count out of range");
    unsigned char *p = lg_crypto_scratch(L, s, (size_t)n);
    if (n > 0 && RAND_bytes(p, (int)n) != 1)
        return lg_crypto_fail(L, "random");
    lua_pushlstring(L, (const char *)p, (size_t)n);
    return 1;
}

/* ---- encodings (codec.c) ---- */

static int push_b64(lua_State *L, int url)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    size_t n;
    const char *in = luaL_checklstring(L, 1, &n);
    luaL_argcheck(L, n <= LG_CODEC_BASE64_MAX_IN, 1, "string too long");
    char *out = (char *)lg_crypto_scratch(L, s, lg_codec_base64_len(n));
    lua_pushlstring(L, out, lg_codec_base64_encode(out, in, n, url));
    return 1;
}

/* base64(data) -> standard alphabet, padded, no line breaks */
static int c_base64(lua_State *L)
{
    return push_b64(L, 0);
}

/* base64url(data) -> URL-safe alphabet, no padding (JWT, RFC 7515) */
static int c_base64url(lua_State *L)
{
    return push_b64(L, 1);
}

/* Pushes the decoded bytes, or nil and "what: why"; returns 1 or 2. */
static int push_decoded(lua_State *L, const unsigned char *out, long len, const char *what,
                        const char *why)
{
    if (len < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", what, why);
        return 2;
    }
    lua_pushlstring(L, (const char *)out, (size_t)len);
    return 1;
}

/* unbase64(text) -> bytes | nil, message. Standard or URL-safe, padded or
 * not; white space is skipped. */
static int c_unbase64(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    size_t n;
    const char *in = luaL_checklstring(L, 1, &n);
    unsigned char *out = lg_crypto_scratch(L, s, lg_codec_base64_decoded_max(n));
    const char *why = NULL;
    long len = lg_codec_base64_decode(out, in, n, &why);
    return push_decoded(L, out, len, "unbase64", why);
}

/* hex(data) -> lowercase hex */
static int c_hex(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    size_t n;
    const char *in = luaL_checklstring(L, 1, &n);
    luaL_argcheck(L, n <= SIZE_MAX / 2, 1, "string too long");
    char *out = (char *)lg_crypto_scratch(L, s, n * 2);
    lg_codec_hex_encode(out, in, n);
    lua_pushlstring(L, out, n * 2);
    return 1;
}

/* unhex(text) -> bytes | nil, message (either case, even length) */
static int c_unhex(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    size_t n;
    const char *in = luaL_checklstring(L, 1, &n);
    unsigned char *out = lg_crypto_scratch(L, s, n / 2);
    const char *why = NULL;
    long len = lg_codec_hex_decode(out, in, n, &why);
    return push_decoded(L, out, len, "unhex", why);
}

/* Shared by crc32c and its software-only twin. */
static int push_crc32c(lua_State *L, int soft)
{
    size_t n;
    const char *data = luaL_checklstring(L, 1, &n);
    lua_Number prev = luaL_optnumber(L, 2, 0);
    luaL_argcheck(L, prev >= 0 && prev <= 4294967295.0 && prev == (lua_Number)(uint32_t)prev, 2,
                  "not a CRC-32C value");
    uint32_t crc = soft ? lg_codec_crc32c_soft((uint32_t)prev, data, n)
                        : lg_codec_crc32c((uint32_t)prev, data, n);
    lua_pushnumber(L, (lua_Number)crc);
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
    const char *iv = lg_crypto_check_int_lstring(L, 2, &ivlen);
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
    struct lg_crypto_state *s = lg_crypto_state(L);
    size_t n, alen = 0;
    const char *pt = lg_crypto_check_int_lstring(L, 3, &n);
    const char *aad = lua_isnoneornil(L, 4) ? NULL : lg_crypto_check_int_lstring(L, 4, &alen);
    unsigned char *out = lg_crypto_scratch(L, s, n + GCM_TAG_BYTES);
    EVP_CIPHER_CTX *c = gcm_start(L, s, 1);
    int len = 0, fin = 0;
    if (!c || !gcm_aad(c, aad, alen) ||
        EVP_CipherUpdate(c, out, &len, (const unsigned char *)pt, (int)n) != 1 ||
        EVP_CipherFinal_ex(c, out + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, GCM_TAG_BYTES, out + n) != 1)
        return lg_crypto_fail(L, "aes_gcm_encrypt");
    lua_pushlstring(L, (const char *)out, n);
    lua_pushlstring(L, (const char *)out + n, GCM_TAG_BYTES);
    return 2;
}

/* aes_gcm_decrypt(key, iv, ciphertext, tag[, aad]) -> plaintext
 *   | nil, "aes_gcm_decrypt: authentication failed" */
static int c_gcm_decrypt(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    size_t n, tlen, alen = 0;
    const char *ct = lg_crypto_check_int_lstring(L, 3, &n);
    const char *tag = luaL_checklstring(L, 4, &tlen);
    const char *aad = lua_isnoneornil(L, 5) ? NULL : lg_crypto_check_int_lstring(L, 5, &alen);
    luaL_argcheck(L, tlen >= 4 && tlen <= GCM_TAG_BYTES, 4, "a GCM tag has 4 to 16 bytes");
    unsigned char *out = lg_crypto_scratch(L, s, n + 1);
    EVP_CIPHER_CTX *c = gcm_start(L, s, 0);
    int len = 0, fin = 0;
    if (!c || !gcm_aad(c, aad, alen) ||
        EVP_CipherUpdate(c, out, &len, (const unsigned char *)ct, (int)n) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, (int)tlen, (void *)tag) != 1)
        return lg_crypto_fail(L, "aes_gcm_decrypt");
    if (EVP_CipherFinal_ex(c, out + len, &fin) != 1) {
        ERR_clear_error();
        lua_pushnil(L);
        lua_pushliteral(L, "aes_gcm_decrypt: authentication failed");
        return 2;
    }
    lua_pushlstring(L, (const char *)out, n);
    return 1;
}

/* ---- the module ---- */

/* __gc of the state: frees everything the module's functions share. */
static int state_gc(lua_State *L)
{
    struct lg_crypto_state *s = luaL_checkudata(L, 1, STATE_MT);
    for (int i = 0; i < LG_CRYPTO_MD_COUNT; i++) {
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
        { NULL, NULL },
    };
    state_new(L);
    int st = lua_gettop(L);
    luaL_newlibtable(L, module);
    lua_pushvalue(L, st);
    luaL_setfuncs(L, module, 1);
    lg_crypto_key_register(L, st);
    lua_pushboolean(L, lg_codec_crc32c_hw());
    lua_setfield(L, -2, "crc32c_hw");
    lua_pushstring(L, OpenSSL_version(OPENSSL_VERSION));
    lua_setfield(L, -2, "openssl_version");
    lua_remove(L, st);
    return 1;
}
