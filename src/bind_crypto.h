/* bind_crypto.h -- the "logen.cryptoc" Lua module: crypto primitives on
 * OpenSSL 3 EVP (digests, HMAC, base64, hex, CRC-32C, random bytes,
 * AES-256-GCM; keys that sign and verify come from bind_key.c).
 *
 * lrt.c preloads it in every Lua state; the Lua-facing API is documented in
 * bind_crypto.c and bind_key.c and wrapped for CUTs by lua/logen/crypto.lua.
 * The second part of this header is what bind_key.c shares: the state every
 * function of the module gets as upvalue 1, and the argument and error
 * helpers. */
#ifndef LG_BIND_CRYPTO_H
#define LG_BIND_CRYPTO_H

#include <stddef.h>

#include <lua.h>
#include <openssl/bio.h>
#include <openssl/evp.h>

/* Builds the module table and registers the "logen.crypto.pkey" and
 * "logen.crypto.state" metatables. Returns 1 (the table). */
int luaopen_logen_cryptoc(lua_State *L);

/* ---- shared with bind_key.c ---- */

enum { LG_CRYPTO_SHA1, LG_CRYPTO_SHA224, LG_CRYPTO_SHA256, LG_CRYPTO_SHA384, LG_CRYPTO_SHA512,
       LG_CRYPTO_MD_COUNT };

/* One per Lua state, a full userdata with a __gc: upvalue 1 of every
 * function of the module and of the key methods. */
struct lg_crypto_state {
    EVP_MD *md[LG_CRYPTO_MD_COUNT]; /* fetched on first use */
    EVP_MD_CTX *mdctx;        /* digests, signatures, verifications */
    EVP_CIPHER *gcm;          /* AES-256-GCM, fetched on first use */
    EVP_CIPHER_CTX *cctx;     /* AES-256-GCM */
    BIO *bio;                 /* read-write memory BIO for PEM in and out */
    unsigned char *scratch;   /* reused output buffer */
    size_t scratch_bytes;     /* its size */
};

/* The state of the running C function (its upvalue 1). */
static inline struct lg_crypto_state *lg_crypto_state(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* A buffer of at least n bytes, valid until the calling C function returns
 * (the state's scratch, or a userdata left on the stack when n is large);
 * do not free. */
unsigned char *lg_crypto_scratch(lua_State *L, struct lg_crypto_state *s, size_t n);

/* Pushes nil and "what: <OpenSSL's last error>", clears OpenSSL's error
 * queue; returns 2 (for `return lg_crypto_fail(L, ...)`). */
int lg_crypto_fail(lua_State *L, const char *what);

/* Argument arg as a string whose length fits an int (OpenSSL's lengths);
 * raises otherwise. */
const char *lg_crypto_check_int_lstring(lua_State *L, int arg, size_t *len);

/* Argument arg names a digest: sha1, sha224, sha256, sha384, sha512 (any
 * case); fetched once per state. Raises on another name. */
const EVP_MD *lg_crypto_check_md(lua_State *L, struct lg_crypto_state *s, int arg);

#endif
