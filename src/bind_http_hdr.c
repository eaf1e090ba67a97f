/* bind_http_hdr.c -- the request headers of an HTTP client (bind_http.c):
 * lines checked and built from Lua tables ("Name: value", "Name;" for an
 * empty value, "Name:" to remove a header curl would send), the client's
 * defaults overridden per request by name, case-insensitively, and the
 * curl_slist curl is given. The list is linked over the lines in place and
 * relinked only when a request brings headers of its own or follows one
 * that did; a request with none reuses the defaults' list as it is. Does
 * not perform, parse responses, or know other options. */
#include "bind_http_hdr.h"

#include <strings.h>

#include <lauxlib.h>

/* What the list handed to curl holds (lg_http_hdr.list_state). */
enum { LIST_NONE, LIST_DEFAULTS, LIST_CUSTOM };

int lg_http_hdr_name_ok(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= ' ' || ch >= 127 || strchr("()<>@,;:\\\"/[]?={}", ch))
            return 0;
    }
    return 1;
}

/* Appends one line for the key/value pair at -2/-1 to h->lines:
 * "Name: value", "Name;" for an empty value, "Name:" for false (removes a
 * header curl would send). Raises on anything else. */
static void header_line(lua_State *L, struct lg_http_hdr *h)
{
    size_t nlen, vlen = 0;
    const char *v = NULL;
    if (lua_type(L, -2) != LUA_TSTRING)
        luaL_error(L, "httpc: header names must be strings");
    const char *name = lua_tolstring(L, -2, &nlen);
    if (!lg_http_hdr_name_ok(name, nlen))
        luaL_error(L, "httpc: bad header name '%s'", name);
    int t = lua_type(L, -1);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        v = lua_tolstring(L, -1, &vlen); /* a copy of the value: safe for lua_next */
        if (strlen(v) != vlen || strpbrk(v, "\r\n"))
            luaL_error(L, "httpc: bad value for header '%s'", name);
    } else if (!(t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        luaL_error(L, "httpc: header '%s' must be a string, a number or false", name);
    }
    buf_append(&h->lines, name, nlen);
    if (v && vlen) {
        buf_append(&h->lines, ": ", 2);
        buf_append(&h->lines, v, vlen);
    } else {
        buf_append(&h->lines, v ? ";" : ":", 1);
    }
    buf_append(&h->lines, "", 1);
}

/* Appends the lines of the headers table at idx; returns how many. */
static size_t header_lines(lua_State *L, struct lg_http_hdr *h, int idx)
{
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        header_line(L, h);
        lua_pop(L, 1);
        n++;
    }
    return n;
}

/* Length of a header line's name (up to ':' or ';'). */
static size_t header_name_len(const char *line)
{
    return strcspn(line, ":;");
}

/* Does one of the n lines starting at p set the header named (name, len)? */
static int header_overridden(const char *p, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
        if (header_name_len(p) == len && strncasecmp(p, name, len) == 0)
            return 1;
    return 0;
}

/* Links the defaults not overridden by the n request lines, then those
 * lines, into h->nodes and hands the list to curl (NULL when empty). */
static void header_list(struct lg_http_hdr *h, CURL *e, size_t n)
{
    if (n == 0 && h->list_state == LIST_DEFAULTS)
        return;
    h->list_state = n ? LIST_CUSTOM : LIST_DEFAULTS;
    size_t need = h->default_lines + n, k = 0;
    if (need > h->nodes_cap) {
        h->nodes = lg_realloc(h->nodes, need * sizeof *h->nodes);
        h->nodes_cap = need;
    }
    const char *req = h->lines.p + h->default_bytes;
    const char *p = h->lines.p;
    for (size_t i = 0; i < h->default_lines; i++, p += strlen(p) + 1)
        if (!n || !header_overridden(req, n, p, header_name_len(p)))
            h->nodes[k++].data = (char *)p;
    for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
        h->nodes[k++].data = (char *)p;
    for (size_t i = 0; i < k; i++)
        h->nodes[i].next = i + 1 < k ? &h->nodes[i + 1] : NULL;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, k ? h->nodes : NULL);
}

void lg_http_hdr_add_defaults(lua_State *L, struct lg_http_hdr *h, int idx)
{
    h->default_lines += header_lines(L, h, idx);
}

void lg_http_hdr_seal(struct lg_http_hdr *h)
{
    if (!header_overridden(h->lines.p, h->default_lines, "Expect", 6)) {
        buf_append(&h->lines, "Expect:", sizeof "Expect:");
        h->default_lines++;
    }
    h->default_bytes = h->lines.len;
}

void lg_http_hdr_request(lua_State *L, struct lg_http_hdr *h, CURL *e, int idx)
{
    size_t n = 0;
    h->lines.len = h->default_bytes;
    if (idx) {
        h->list_state = LIST_NONE; /* appending may move h->lines: relink */
        n = header_lines(L, h, idx);
    }
    header_list(h, e, n);
}

void lg_http_hdr_free(struct lg_http_hdr *h)
{
    buf_free(&h->lines);
    free(h->nodes);
    memset(h, 0, sizeof *h);
}
