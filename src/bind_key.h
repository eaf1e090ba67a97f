/* bind_key.h -- the key userdata of "logen.cryptoc" ("logen.crypto.pkey"):
 * PEM private and public keys that sign and verify, on OpenSSL 3 EVP.
 * bind_crypto.c calls lg_crypto_key_register while it builds the module. */
#ifndef LG_BIND_KEY_H
#define LG_BIND_KEY_H

#include <lua.h>

/* Registers the "logen.crypto.pkey" metatable, its methods bound to the
 * state userdata at stack index state_idx (their upvalue 1), and sets
 * private_key and public_key (same upvalue) in the table on top of the
 * stack. Leaves the stack as it found it. */
void lg_crypto_key_register(lua_State *L, int state_idx);

#endif
