/* bind_key.c -- keys for "logen.cryptoc": the "logen.crypto.pkey" userdata
 * on OpenSSL 3 EVP. private_key(pem[, pass]) reads PKCS#8 or traditional
 * PEM (RSA signs PKCS#1 v1.5, EC signs ECDSA with a DER signature, Ed25519
 * pure); public_key(pem) reads a SubjectPublicKeyInfo or a certificate's
 * key, and verifies. The methods share bind_crypto.c's state (upvalue 1:
 * digests, the EVP_MD_CTX, the memory BIO, the scratch buffer), so a call
 * allocates little beyond its result, and a key userdata is created before
 * any OpenSSL object so a raise leaks nothing. Misuse raises; a bad PEM
 * returns nil and OpenSSL's reason. Not done: RSA-PSS, X.509 chains, JWK,
 * DER input. */
#include "bind_key.h"

#include "bind_crypto.h"

#include <string.h>

#include <lauxlib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define PKEY_MT "logen.crypto.pkey"

struct lg_crypto_pkey {
    EVP_PKEY *pkey;           /* NULL once closed */
    int private;              /* holds the private half: can sign */
};

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
    const char *pem = lg_crypto_check_int_lstring(L, arg, &n);
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
    struct lg_crypto_state *s = lg_crypto_state(L);
    const char *pass = luaL_optstring(L, 2, NULL);
    lua_settop(L, 2);
    struct lg_crypto_pkey *k = pkey_push(L); /* before any OpenSSL object exists */
    ERR_clear_error();
    BIO *b = pem_bio(L, s, 1);
    if (b)
        k->pkey = PEM_read_bio_PrivateKey(b, NULL, pem_pass_cb, (void *)pass);
    BIO_reset(s->bio);
    if (!k->pkey)
        return lg_crypto_fail(L, "private_key");
    k->private = 1;
    return 1;
}

/* public_key(pem) -> pkey | nil, message. A SubjectPublicKeyInfo ("PUBLIC
 * KEY", what getPublicKey returns) or a certificate's key. */
static int c_public_key(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
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
        return lg_crypto_fail(L, "public_key");
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
    return pkey_is_eddsa(k) ? NULL : lg_crypto_check_md(L, s, arg);
}

/* key:sign(digest, data) -> signature | nil, message. RSA: PKCS#1 v1.5
 * (RS256 with sha256); EC: ECDSA, DER-encoded; Ed25519/Ed448: pure, the
 * digest argument is ignored. Raises on a public key. */
static int pkey_sign(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
    struct lg_crypto_pkey *k = check_pkey(L);
    if (!k->private)
        luaL_argerror(L, 1, "a public key cannot sign");
    const EVP_MD *md = pkey_md(L, s, k, 2);
    size_t n;
    const char *data = luaL_checklstring(L, 3, &n);
    int max = EVP_PKEY_get_size(k->pkey);
    if (max <= 0)
        return lg_crypto_fail(L, "sign");
    unsigned char *sig = lg_crypto_scratch(L, s, (size_t)max);
    size_t siglen = (size_t)max;
    ERR_clear_error();
    EVP_MD_CTX_reset(s->mdctx);
    int ok = EVP_DigestSignInit(s->mdctx, NULL, md, NULL, k->pkey) == 1 &&
             EVP_DigestSign(s->mdctx, sig, &siglen, (const unsigned char *)data, n) == 1;
    EVP_MD_CTX_reset(s->mdctx); /* drops its reference to the key */
    if (!ok)
        return lg_crypto_fail(L, "sign");
    lua_pushlstring(L, (const char *)sig, siglen);
    return 1;
}

/* key:verify(digest, data, signature) -> true | false[, message]
 * (the message is OpenSSL's reason when it gives one, e.g. bad DER). */
static int pkey_verify(lua_State *L)
{
    struct lg_crypto_state *s = lg_crypto_state(L);
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
        lg_crypto_fail(L, "verify");
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
    struct lg_crypto_state *s = lg_crypto_state(L);
    struct lg_crypto_pkey *k = check_pkey(L);
    char *p = NULL;
    BIO_reset(s->bio);
    if (PEM_write_bio_PUBKEY(s->bio, k->pkey) != 1)
        return lg_crypto_fail(L, "public_pem");
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

void lg_crypto_key_register(lua_State *L, int state_idx)
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
    static const luaL_Reg loaders[] = {
        { "private_key", c_private_key },
        { "public_key", c_public_key },
        { NULL, NULL },
    };
    if (luaL_newmetatable(L, PKEY_MT)) {
        lua_newtable(L);
        lua_pushvalue(L, state_idx);
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
    lua_pushvalue(L, state_idx);
    luaL_setfuncs(L, loaders, 1);
}
