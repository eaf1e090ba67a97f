/* bind_crypto.h -- the "logen.cryptoc" Lua module: crypto primitives on
 * OpenSSL 3 EVP (digests, HMAC, base64, CRC-32C, random bytes, keys that
 * sign and verify, AES-256-GCM).
 *
 * lrt.c preloads it in every Lua state; the Lua-facing API is documented in
 * bind_crypto.c and wrapped for CUTs by lua/logen/crypto.lua. */
#ifndef LG_BIND_CRYPTO_H
#define LG_BIND_CRYPTO_H

#include <lua.h>

/* Builds the module table and registers the "logen.crypto.pkey" and
 * "logen.crypto.state" metatables. Returns 1 (the table). */
int luaopen_logen_cryptoc(lua_State *L);

#endif
