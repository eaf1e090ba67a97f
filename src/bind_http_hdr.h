/* bind_http_hdr.h -- the request headers of an HTTP client of bind_http.c,
 * and the growable buffer both files use. Private to the binding: nothing
 * else includes it. The header lines live in one buffer, the client's
 * defaults first, then the current request's own; the list handed to curl
 * is an array of curl_slist nodes pointing into that buffer, relinked only
 * when a request brings headers of its own (or after one did). */
#ifndef LG_BIND_HTTP_HDR_H
#define LG_BIND_HTTP_HDR_H

#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <lua.h>

struct http_buf {
    char *p;
    size_t len;                   /* bytes used */
    size_t cap;                   /* bytes allocated */
};

/* Makes room for n more bytes (aborts when out of memory, as lg_realloc). */
static inline void buf_reserve(struct http_buf *b, size_t n)
{
    if (n <= b->cap - b->len)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    b->p = lg_realloc(b->p, cap);
    b->cap = cap;
}

static inline void buf_append(struct http_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static inline void buf_free(struct http_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* A client's header lines and the list curl is given; all zero is empty. */
struct lg_http_hdr {
    struct http_buf lines;        /* header lines, each NUL-terminated */
    size_t default_bytes;         /* prefix of lines holding the defaults */
    size_t default_lines;         /* lines in that prefix */
    struct curl_slist *nodes;     /* the list handed to curl, points into lines */
    size_t nodes_cap;             /* entries allocated in nodes */
    int list_state;               /* what that list holds (bind_http_hdr.c) */
};

/* Is s (n bytes) a token, as a header name or a method must be? */
int lg_http_hdr_name_ok(const char *s, size_t n);

/* Adds the name -> value table at idx to the client's defaults (httpc.new's
 * headers option). Raises on a bad name or value (see bind_http_hdr.c). */
void lg_http_hdr_add_defaults(lua_State *L, struct lg_http_hdr *h, int idx);

/* Ends the defaults: adds "Expect:" (no 100-continue round trip before a
 * body) unless they set Expect. */
void lg_http_hdr_seal(struct lg_http_hdr *h);

/* Before a request: the defaults, with the name -> value table at idx (0
 * for none) adding to or replacing them, handed to curl as e's
 * CURLOPT_HTTPHEADER. Raises on a bad name or value. */
void lg_http_hdr_request(lua_State *L, struct lg_http_hdr *h, CURL *e, int idx);

/* Frees what h holds; h is empty afterwards. */
void lg_http_hdr_free(struct lg_http_hdr *h);

#endif
