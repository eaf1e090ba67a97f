/* bind_http.c -- "logen.httpc": a blocking HTTP client on one libcurl easy
 * handle per client userdata (lua/logen/http.lua is the layer CUTs use;
 * bind_http_hdr.c builds the request headers).
 * The handle is reused, so curl keeps connections alive and TLS sessions
 * cached; the body and header-line buffers belong to the userdata and are
 * reused, so a raise leaks nothing and steady state allocates only what
 * curl does plus the body's Lua string. Per request, only what changed is
 * set again (the URL, parsed once, when it changes; the method; headers
 * when a request brings its own); the environment's proxy variables are
 * read once per client, and its proxies are the only ones used (no proxy
 * options). CURLOPT_NOSIGNAL: curl leaves
 * SIGALRM (the worker's flush timer) alone, and its poll loop and socket I/O
 * retry on EINTR; signals are blocked while curl creates a resolver thread,
 * so they keep landing on the Lua thread. TLS peer and host verification
 * is on unless a client sets verify = false, and the first such client of
 * a process draws one warning at every verbosity. Nothing here logs a
 * request or a response (no CURLOPT_VERBOSE): headers carry credentials.
 * With --concurrency > 1, a request in a coroutine is not performed here:
 * the easy handle goes to the worker's multi handle (sched.c) and the Lua
 * side yields until it is done (client:result).
 * Not done: response headers, cookies, proxies, client certificates. */
#include "bind_http.h"
#include "bind_http_hdr.h"

#include "log.h"
#include "mem.h"
#include "sched.h"

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <lauxlib.h>

#define HTTP_MT "logen.http.client"
#define HTTP_BODY_MAX_BYTES ((size_t)64 * 1024 * 1024)

extern char **environ;

struct lg_http_client {
    CURL *easy;                   /* NULL once closed */
    struct http_buf body;         /* the last response's body */
    struct lg_http_hdr hdr;       /* request header lines, the list curl gets */
    int plain_get;                /* the handle is set for a GET without a body */
    size_t max_body_bytes;        /* a larger body fails the request */
    int discard_body;             /* count the body, keep nothing */
    int too_big;                  /* the write callback refused the body */
    int masked;                   /* signals blocked by resolver_start_cb */
    int in_multi;                 /* its transfer is on the worker's multi handle */
    char custom[32];              /* CURLOPT_CUSTOMREQUEST in force, "" for none */
    CURLU *uh;                    /* the URL in force, parsed (CURLOPT_CURLU), or NULL */
    size_t url_len;               /* length of url, 0 when not cached */
    char url[256];                /* the URL in force as given, when it fits */
    char errbuf[CURL_ERROR_SIZE]; /* curl's detailed message */
};

/* ---- curl callbacks (never raise: they run inside curl) ---- */

static size_t write_cb(char *data, size_t size, size_t nmemb, void *ud)
{
    struct lg_http_client *c = ud;
    size_t n = size * nmemb;
    if (c->discard_body)
        return n;
    if (n > c->max_body_bytes - c->body.len) {
        c->too_big = 1;
        return 0; /* a short count fails the transfer with CURLE_WRITE_ERROR */
    }
    buf_append(&c->body, data, n);
    return n;
}

/* Clients of this process whose resolver start has the signals blocked,
 * and the mask from before the first of them: with --concurrency several
 * transfers may resolve at once, and only the last to go on may restore. */
static int http_masked;
static sigset_t http_saved_mask;

static void unmask(struct lg_http_client *c)
{
    if (c->masked) {
        c->masked = 0;
        if (c->easy)
            curl_easy_setopt(c->easy, CURLOPT_NOPROGRESS, 1L);
        if (--http_masked == 0)
            pthread_sigmask(SIG_SETMASK, &http_saved_mask, NULL);
    }
}

/* Called just before curl starts a resolver thread: block the asynchronous
 * signals so that the thread inherits a mask with them blocked, and turn
 * curl's progress calls on until xferinfo_cb has restored them. Progress
 * is off the rest of the time: curl called xferinfo_cb about 11 times a
 * transfer, some 600 instructions a request for nothing, while a resolver
 * thread starts only when the DNS cache has no answer. (The option only
 * flips a flag of the handle, which curl reads at its next progress
 * update: setting it here, inside a callback, is safe.) */
static int resolver_start_cb(void *resolver_state, void *reserved, void *ud)
{
    struct lg_http_client *c = ud;
    if (c->masked)
        return 0;
    c->masked = 1;
    curl_easy_setopt(c->easy, CURLOPT_NOPROGRESS, 0L);
    if (http_masked++ > 0)
        return 0; /* blocked already, for another client's resolver */
    sigset_t set;
    sigfillset(&set);
    sigdelset(&set, SIGSEGV);
    sigdelset(&set, SIGBUS);
    sigdelset(&set, SIGFPE);
    sigdelset(&set, SIGILL);
    sigdelset(&set, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &set, &http_saved_mask);
    return 0;
}

/* Called at curl's progress updates, which are on only from a resolver
 * start to the first update after it: the resolver thread exists by now,
 * so the signals blocked for its creation come back (pending ones are
 * delivered) and progress goes off again (unmask). */
static int xferinfo_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    unmask(ud);
    return 0;
}

/* ---- options ---- */

static struct lg_http_client *check_client(lua_State *L)
{
    struct lg_http_client *c = luaL_checkudata(L, 1, HTTP_MT);
    if (!c->easy)
        luaL_error(L, "attempt to use a closed HTTP client");
    return c;
}

static void setopt_check(lua_State *L, CURLcode rc, const char *what)
{
    if (rc != CURLE_OK)
        luaL_error(L, "httpc: cannot set %s: %s", what, curl_easy_strerror(rc));
}

/* Seconds at the top of the stack as milliseconds (0 = no limit). */
static long opt_ms(lua_State *L, const char *name)
{
    if (lua_type(L, -1) != LUA_TNUMBER || lua_tonumber(L, -1) < 0)
        luaL_error(L, "httpc.new: %s must be a number of seconds >= 0", name);
    double ms = lua_tonumber(L, -1) * 1000.0;
    return ms > (double)LONG_MAX / 2 ? LONG_MAX / 2 : (long)(ms + 0.5);
}

/* TLS peer and host checks on or off; off draws a warning, once per
 * process (a worker), whatever -v says. */
static void set_verify(CURL *e, int on)
{
    static int warned;
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, on ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, on ? 2L : 0L);
    if (!on && !warned) {
        warned = 1;
        lg_log(LG_LOG_ALWAYS(LG_LOG_WARN), "TLS verification is off (an HTTP client with verify = "
               "false): HTTPS servers are not authenticated, this worker's requests can be "
               "intercepted");
    }
}

/* Applies option `key` of httpc.new, whose value is at the top of the
 * stack. Option names are checked so that a typo raises instead of being
 * ignored; so is a value of the wrong type. */
static void apply_option(lua_State *L, struct lg_http_client *c, const char *key)
{
    static const char *const names[] = { "timeout", "connect_timeout", "verify", "cainfo",
                                         "headers", "http2", "max_body", "discard_body",
                                         "follow", NULL };
    CURL *e = c->easy;
    int i = 0;
    while (names[i] && strcmp(names[i], key) != 0)
        i++;
    switch (i) {
    case 0:
        setopt_check(L, curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, opt_ms(L, key)), key);
        break;
    case 1:
        setopt_check(L, curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, opt_ms(L, key)), key);
        break;
    case 2:
        set_verify(e, lua_toboolean(L, -1));
        break;
    case 3:
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "httpc.new: cainfo must be a file name");
        setopt_check(L, curl_easy_setopt(e, CURLOPT_CAINFO, lua_tostring(L, -1)), key);
        break;
    case 4:
        if (!lua_istable(L, -1))
            luaL_error(L, "httpc.new: headers must be a table");
        lg_http_hdr_add_defaults(L, &c->hdr, lua_gettop(L));
        break;
    case 5:
        setopt_check(L, curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                                         lua_toboolean(L, -1) ? (long)CURL_HTTP_VERSION_2TLS
                                                              : (long)CURL_HTTP_VERSION_1_1),
                     key);
        break;
    case 6:
        if (lua_type(L, -1) != LUA_TNUMBER || lua_tonumber(L, -1) < 0)
            luaL_error(L, "httpc.new: max_body must be a number of bytes >= 0");
        c->max_body_bytes = (size_t)lua_tonumber(L, -1);
        break;
    case 7:
        c->discard_body = lua_toboolean(L, -1);
        break;
    case 8: {
        long max = lua_type(L, -1) == LUA_TNUMBER ? (long)lua_tonumber(L, -1)
                                                  : lua_toboolean(L, -1) ? 10 : 0;
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, max > 0 ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, max);
        break;
    }
    default:
        luaL_error(L, "httpc.new: unknown option '%s'", key);
    }
}

/* Applies the option table of httpc.new, at index 1, then the default
 * headers. */
static void apply_options(lua_State *L, struct lg_http_client *c)
{
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "httpc.new: option names must be strings");
        apply_option(L, c, lua_tostring(L, -2));
        lua_pop(L, 1);
    }
    lg_http_hdr_seal(&c->hdr);
}

/* Does the environment name a proxy ("<scheme>_proxy", "ALL_PROXY"...,
 * not no_proxy), with a value that is not empty? */
static int proxy_in_environment(void)
{
    for (char **v = environ; v && *v; v++) {
        const char *eq = strchr(*v, '=');
        size_t n = eq ? (size_t)(eq - *v) : 0;
        if (n > 6 && eq[1] && strncasecmp(eq - 6, "_proxy", 6) == 0 &&
            !(n == 8 && strncasecmp(*v, "no", 2) == 0))
            return 1;
    }
    return 0;
}

/* curl reads the proxy variables of the environment at every request (up to
 * five getenv calls and copies, in its connection set-up). The environment
 * does not change during a run, so it is read once, here: no_proxy (or
 * NO_PROXY) becomes CURLOPT_NOPROXY, "" when unset, and when no proxy
 * variable is set CURLOPT_PROXY "" says there is no proxy. When one is, curl
 * still picks it per request by the URL's scheme, as it does by default. */
static void proxy_options(CURL *e)
{
    const char *no = getenv("no_proxy");
    if (!no || !*no)
        no = getenv("NO_PROXY");
    curl_easy_setopt(e, CURLOPT_NOPROXY, no ? no : "");
    if (!proxy_in_environment())
        curl_easy_setopt(e, CURLOPT_PROXY, "");
}

/* Settings every client starts with; options may override them. TCP: no
 * Nagle delay (curl's default, said here), keep-alive probes after 60 s
 * idle so that a connection idle through think time is kept by NATs and
 * found dead when it is; up to 5 idle connections cached per client (one
 * per host: a token service and an API, say). DNS answers are cached for
 * curl's default 60 s, so a long run follows a service's DNS changes. */
static void base_options(struct lg_http_client *c)
{
    CURL *e = c->easy;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_RESOLVER_START_FUNCTION, resolver_start_cb);
    curl_easy_setopt(e, CURLOPT_RESOLVER_START_DATA, c);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 1L); /* on only while a resolver starts */
    curl_easy_setopt(e, CURLOPT_USERAGENT, "logen");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 60L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 60L);
    curl_easy_setopt(e, CURLOPT_MAXCONNECTS, 5L);
    curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, 60L);
    proxy_options(e);
}

/* ---- the module ---- */

/* httpc.new([opts]) -> client. Options: timeout (s, default 30, 0 = none),
 * connect_timeout (s, default 10), verify (default true), cainfo (a PEM
 * file), headers (name -> value, sent with every request), http2 (ALPN h2
 * over TLS; default HTTP/1.1), max_body (bytes, default 64 MiB), discard_body
 * (count the body, return ""), follow (true or a maximum of redirects). */
static int http_new(lua_State *L)
{
    static int curl_ready; /* per process: states are created after the fork */
    if (lua_isnoneornil(L, 1)) {
        lua_settop(L, 0);
        lua_newtable(L);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return luaL_error(L, "httpc.new: curl_global_init failed");
        curl_ready = 1;
    }
    struct lg_http_client *c = lua_newuserdata(L, sizeof *c);
    memset(c, 0, sizeof *c);
    luaL_getmetatable(L, HTTP_MT);
    lua_setmetatable(L, -2);
    c->easy = curl_easy_init();
    if (!c->easy)
        return luaL_error(L, "httpc.new: curl_easy_init failed");
    c->max_body_bytes = HTTP_BODY_MAX_BYTES;
    /* the body buffer grows on the first responses, to what they need: with
     * thousands of clients in a worker (--concurrency), 16 KiB up front
     * cost 2.6 KiB of private memory per client for 1 KiB bodies */
    base_options(c);
    apply_options(L, c); /* may raise: __gc frees what c holds */
    return 1;
}

/* Sets the method for this request. The handle keeps options from request
 * to request, so everything a previous request set is reset first, unless
 * it was a plain GET (no body, not HEAD): then there is nothing to undo. */
static void set_method(lua_State *L, struct lg_http_client *c, const char *m, const char *body,
                       size_t blen)
{
    CURL *e = c->easy;
    size_t mlen = strlen(m);
    if (mlen == 0 || mlen >= sizeof c->custom || !lg_http_hdr_name_ok(m, mlen))
        luaL_error(L, "httpc: bad method '%s'", m);
    if (!c->plain_get) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, (char *)NULL);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        c->plain_get = 1;
    }
    const char *natural = body ? "POST" : "GET";
    if (strcmp(m, "HEAD") == 0) {
        if (body)
            luaL_error(L, "httpc: a HEAD request takes no body");
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        natural = "HEAD";
        c->plain_get = 0;
    } else if (body) {
        c->plain_get = 0;
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body); /* not copied: alive until we return */
    }
    const char *custom = strcmp(m, natural) == 0 ? "" : m;
    if (strcmp(custom, c->custom) != 0) { /* curl copies the string: only when it changes */
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, *custom ? custom : NULL);
        memcpy(c->custom, custom, strlen(custom) + 1);
    }
}

/* The response table's field names, in the order of INFO_KEYS: kept in a
 * table that is upvalue 1 of client:request and client:result, so a field
 * is set with lua_rawset on a string already made, not lua_setfield, which
 * hashes and looks up its key string every time (callgrind: filling the
 * table 7,200 -> 5,900 instructions a request). lua/logen/http.lua hands
 * in a table that has every field already (a constructor), so each
 * rawset finds its key instead of inserting it: 5,780 -> 4,200 for
 * client_result with its getinfo calls and the body string. */
enum { K_NAMELOOKUP = 1, K_CONNECT, K_APPCONNECT, K_PRETRANSFER, K_STARTTRANSFER, K_TTFB,
       K_TOTAL, K_SIZE_UPLOAD, K_SIZE_DOWNLOAD, K_HEADER_SIZE, K_REQUEST_SIZE, K_LOCAL_PORT,
       K_HTTP_VERSION, K_REUSED, K_CONTENT_TYPE, K_COUNT = K_CONTENT_TYPE };
static const char *const INFO_KEYS[K_COUNT] = {
    "namelookup", "connect", "appconnect", "pretransfer", "starttransfer", "ttfb", "total",
    "size_upload", "size_download", "header_size", "request_size", "local_port",
    "http_version", "reused", "content_type",
};

/* Pushes the name of field k; its value goes above it, then
 * lua_rawset(L, -3) stores both in the table just below (pushing the key
 * first spares a lua_insert a field). */
static void info_key(lua_State *L, int k)
{
    lua_rawgeti(L, lua_upvalueindex(1), k);
}

static void set_seconds(lua_State *L, CURL *e, CURLINFO what, int k)
{
    curl_off_t us = 0;
    curl_easy_getinfo(e, what, &us);
    info_key(L, k);
    lua_pushnumber(L, (double)us * 1e-6);
    lua_rawset(L, -3);
}

static void set_number(lua_State *L, int k, double v)
{
    info_key(L, k);
    lua_pushnumber(L, v);
    lua_rawset(L, -3);
}

/* Fills the table at the top with the transfer's timings (seconds from the
 * start of the request) and sizes (bytes). */
static void push_info(lua_State *L, CURL *e)
{
    curl_off_t up = 0, down = 0, ttfb = 0;
    long hdr = 0, req = 0, conns = 0, ver = 0, port = 0;
    char *ctype = NULL;
    set_seconds(L, e, CURLINFO_NAMELOOKUP_TIME_T, K_NAMELOOKUP);
    set_seconds(L, e, CURLINFO_CONNECT_TIME_T, K_CONNECT);
    set_seconds(L, e, CURLINFO_APPCONNECT_TIME_T, K_APPCONNECT);
    set_seconds(L, e, CURLINFO_PRETRANSFER_TIME_T, K_PRETRANSFER);
    curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
    set_number(L, K_STARTTRANSFER, (double)ttfb * 1e-6);
    set_number(L, K_TTFB, (double)ttfb * 1e-6);
    set_seconds(L, e, CURLINFO_TOTAL_TIME_T, K_TOTAL);
    curl_easy_getinfo(e, CURLINFO_SIZE_UPLOAD_T, &up);
    curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &down);
    curl_easy_getinfo(e, CURLINFO_HEADER_SIZE, &hdr);
    curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &req);
    curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &conns);
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &ver);
    curl_easy_getinfo(e, CURLINFO_LOCAL_PORT, &port);
    curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype);
    set_number(L, K_SIZE_UPLOAD, (double)up);
    set_number(L, K_SIZE_DOWNLOAD, (double)down);
    set_number(L, K_HEADER_SIZE, (double)hdr);
    set_number(L, K_REQUEST_SIZE, (double)req);
    set_number(L, K_LOCAL_PORT, (double)port);
    set_number(L, K_HTTP_VERSION, ver == CURL_HTTP_VERSION_2_0 ? 2 : ver == CURL_HTTP_VERSION_1_0 ? 1.0 : 1.1);
    info_key(L, K_REUSED);
    lua_pushboolean(L, conns == 0);
    lua_rawset(L, -3);
    info_key(L, K_CONTENT_TYPE);
    lua_pushstring(L, ctype); /* nil when none: clears a reused table's */
    lua_rawset(L, -3);
}

/* Sets the URL, unless it is the one already set: curl keeps the URL it
 * was given from transfer to transfer (a redirect changes only the
 * transfer's own copy), so the same URL again is nothing to do. A URL that
 * fits c->url is handed over parsed (CURLOPT_CURLU): curl then copies the
 * parts of that handle at each transfer, where from a string it parses the
 * URL and prints it back again (callgrind, Debian's 7.88: about 11,000
 * instructions a request of 80,000). The request sent is the same: curl
 * reads the host, path and query out of a parsed handle either way. The
 * parse flags are the ones curl uses for CURLOPT_URL with this client's
 * options (no default protocol, user names allowed, paths normalised). A
 * URL that does not parse, or is too long to keep, goes to curl as a string
 * (each time), so curl's own handling and messages stay. Allocates only
 * when the URL changes. */
static void set_url(struct lg_http_client *c, const char *url, size_t len)
{
    if (len != 0 && len == c->url_len && memcmp(url, c->url, len) == 0)
        return;
    c->url_len = 0;
    CURLU *uh = NULL;
    if (len < sizeof c->url && strlen(url) == len) {
        uh = curl_url();
        if (uh && curl_url_set(uh, CURLUPART_URL, url,
                               CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
            curl_url_cleanup(uh);
            uh = NULL;
        }
    }
    if (uh) {
        curl_easy_setopt(c->easy, CURLOPT_URL, (char *)NULL); /* curl prints uh's at the next transfer */
        curl_easy_setopt(c->easy, CURLOPT_CURLU, uh);
        memcpy(c->url, url, len + 1);
        c->url_len = len;
    } else {
        curl_easy_setopt(c->easy, CURLOPT_CURLU, (CURLU *)NULL);
        curl_easy_setopt(c->easy, CURLOPT_URL, url);
    }
    curl_url_cleanup(c->uh); /* the handle no longer refers to it */
    c->uh = uh;
}

/* Sets up the transfer client:request's arguments (at 2..6) describe. */
static void client_prepare(lua_State *L, struct lg_http_client *c)
{
    const char *method = luaL_checkstring(L, 2);
    size_t ulen;
    const char *url = luaL_checklstring(L, 3, &ulen);
    size_t blen = 0;
    const char *body = luaL_optlstring(L, 4, NULL, &blen);
    if (!lua_isnoneornil(L, 5))
        luaL_checktype(L, 5, LUA_TTABLE);
    if (!lua_isnoneornil(L, 6))
        luaL_checktype(L, 6, LUA_TTABLE);
    lua_settop(L, 6);

    lg_http_hdr_request(L, &c->hdr, c->easy, lua_istable(L, 5) ? 5 : 0);
    set_method(L, c, method, body, blen);
    set_url(c, url, ulen);
    c->body.len = 0;
    c->too_big = 0;
    c->errbuf[0] = '\0';
}

/* Pushes the outcome of the transfer that ended with rc: status, body,
 * info (into, at index `into` when it is a table), or nil, message, code. */
static int client_result(lua_State *L, struct lg_http_client *c, CURLcode rc, int into)
{
    if (rc != CURLE_OK) {
        lua_pushnil(L);
        if (c->too_big)
            lua_pushfstring(L, "response body larger than max_body (%d bytes)",
                            (int)(c->max_body_bytes > INT32_MAX ? INT32_MAX : c->max_body_bytes));
        else
            lua_pushstring(L, c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
        lua_pushinteger(L, rc);
        return 3;
    }
    long status = 0;
    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
    lua_pushinteger(L, status);
    lua_pushlstring(L, c->body.p, c->body.len);
    if (lua_istable(L, into))
        lua_pushvalue(L, into);
    else
        lua_createtable(L, 0, 18);
    push_info(L, c->easy);
    return 3;
}

/* nil, message, code for a transfer the scheduler cut (enum lg_sched_status). */
static int client_cut(lua_State *L, int how)
{
    lua_pushnil(L);
    lua_pushstring(L, how == LG_SCHED_TIMEOUT ? "timeout: the transfer was cut at its deadline"
                                              : "interrupted: the run stopped during this request");
    lua_pushinteger(L, CURLE_ABORTED_BY_CALLBACK);
    return 3;
}

/* client:request(method, url[, body][, headers][, into])
 *   -> status, body, info   (info is `into` when given, else a new table)
 *   -> nil, message, curlcode   on a transport error (refused, timeout, TLS...)
 *   -> false   in a coroutine of the scheduler (--concurrency > 1): the
 *      transfer is under way on the worker's multi handle; the caller
 *      yields, and once resumed gets the above from client:result([into]).
 * headers add to or replace the client's defaults for this request. An HTTP
 * error status is not a transport error. Raises on misuse only, and when
 * the client is already busy with another coroutine's request. */
static int client_request(lua_State *L)
{
    struct lg_http_client *c = check_client(L);
    if (c->in_multi)
        return luaL_error(L, "httpc: this client has a request under way in another coroutine: "
                          "build one client per CUT object (in its init)");
    client_prepare(L, c);
    if (lg_sched_active()) {
        int how = lg_sched_http_start(c->easy);
        if (how != LG_SCHED_YIELD)
            return client_cut(L, how);
        c->in_multi = 1;
        lua_pushboolean(L, 0);
        return 1;
    }
    CURLcode rc = curl_easy_perform(c->easy);
    unmask(c);
    return client_result(L, c, rc, 6);
}

/* client:result([into]): the outcome of the transfer client:request
 * started on the multi handle, once the scheduler resumed the caller. */
static int client_result_after(lua_State *L)
{
    struct lg_http_client *c = check_client(L);
    CURLcode rc = CURLE_OK;
    if (!c->in_multi)
        return luaL_error(L, "httpc: no request under way on this client");
    c->in_multi = 0;
    int how = lg_sched_http_done(&rc);
    unmask(c);
    return how == LG_SCHED_DONE ? client_result(L, c, rc, 2) : client_cut(L, how);
}

/* client:close() and __gc: frees the handle (closing its connections) and
 * the buffers. Idempotent. */
static int client_close(lua_State *L)
{
    struct lg_http_client *c = luaL_checkudata(L, 1, HTTP_MT);
    if (c->easy) {
        curl_easy_cleanup(c->easy); /* also takes it off a multi handle */
        c->easy = NULL;
    }
    curl_url_cleanup(c->uh); /* after the handle that referred to it */
    c->uh = NULL;
    c->in_multi = 0;
    unmask(c);
    buf_free(&c->body);
    lg_http_hdr_free(&c->hdr);
    return 0;
}

static int client_tostring(lua_State *L)
{
    struct lg_http_client *c = luaL_checkudata(L, 1, HTTP_MT);
    lua_pushfstring(L, c->easy ? HTTP_MT " (%p)" : HTTP_MT " (closed)", (void *)c);
    return 1;
}

static int http_curl_version(lua_State *L)
{
    lua_pushstring(L, curl_version());
    return 1;
}

int luaopen_logen_httpc(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "request", client_request },
        { "result", client_result_after },
        { "close", client_close },
        { NULL, NULL },
    };
    static const luaL_Reg module[] = {
        { "new", http_new },
        { "curl_version", http_curl_version },
        { NULL, NULL },
    };
    if (luaL_newmetatable(L, HTTP_MT)) {
        luaL_newlibtable(L, methods);
        lua_createtable(L, K_COUNT, 0); /* upvalue 1: the response fields' names */
        for (int k = 1; k <= K_COUNT; k++) {
            lua_pushstring(L, INFO_KEYS[k - 1]);
            lua_rawseti(L, -2, k);
        }
        luaL_setfuncs(L, methods, 1);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, client_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, client_tostring);
        lua_setfield(L, -2, "__tostring");
        lua_pushliteral(L, HTTP_MT);
        lua_setfield(L, -2, "__name");
    }
    lua_pop(L, 1);
    luaL_newlib(L, module);
    return 1;
}
