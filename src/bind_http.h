/* bind_http.h -- the "logen.httpc" Lua module: an HTTP client on libcurl.
 *
 * lrt.c preloads it in every Lua state; the Lua-facing API is documented in
 * bind_http.c and wrapped for CUTs by lua/logen/http.lua. */
#ifndef LG_BIND_HTTP_H
#define LG_BIND_HTTP_H

#include <lua.h>

/* Builds the module table (httpc.new, httpc.curl_version) and registers the
 * "logen.http.client" metatable. Returns 1 (the table). */
int luaopen_logen_httpc(lua_State *L);

#endif
