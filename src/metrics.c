/* metrics.c -- the HTTP side of --metrics-listen (see metrics.h).
 *
 * A listening socket and at most LG_METRICS_CLIENTS connections, all
 * non-blocking, served from the caller's poll(2): nothing here waits. A
 * connection reads one request head (at most LG_METRICS_REQUEST_MAX bytes:
 * past that, 431), answers it, writes the answer as the socket takes it,
 * then closes (Connection: close; HTTP/1.0 and 1.1 alike): after its
 * answer it shuts its side and discards what the client still sends for a
 * moment, so the client reads the answer rather than a reset. Every
 * connection has a deadline (REQUEST_NS to send its head, WRITE_NS to take
 * the answer): a client that sends half a request, or reads nothing, is
 * closed then. A connection past the limit is accepted and closed at once.
 * GET (or HEAD) /metrics gets the exposition (metrics_text.c), / a link to
 * it, another path 404, another method 405, anything else 400.
 *
 * Not here: keep-alive, chunked bodies, request bodies (ignored), TLS,
 * authentication: bind it to loopback, or put a proxy in front. */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mem.h"

#define REQUEST_NS (5 * LG_NS_PER_S)  /* to send a whole request head */
#define WRITE_NS (10 * LG_NS_PER_S)   /* to take the whole answer */
#define DRAIN_NS (LG_NS_PER_S / 2)    /* after the answer, before the close */
#define DRAIN_MAX_BYTES (64 * 1024)   /* discarded after the answer, at most */
#define ACCEPT_BURST 64               /* connections accepted in one turn, at most */
#define NEVER INT64_MAX

enum { C_FREE, C_READ, C_WRITE, C_DRAIN };

struct mclient {
    int fd, state;
    lg_ns_t deadline;
    int final;                         /* its answer was rendered after the run's end */
    size_t got;                        /* request bytes in req */
    size_t sent;                       /* answer bytes written */
    size_t drained;                    /* bytes discarded after the answer */
    struct lg_metrics_buf out;         /* the answer */
    char req[LG_METRICS_REQUEST_MAX];
};

struct lg_metrics {
    int fd;
    double linger_s;
    int ended;                         /* the run is over */
    int final_served;                  /* an answer rendered after the end went out whole */
    lg_ns_t rest_until;                /* out of descriptors: accept nothing until then */
    char where[INET6_ADDRSTRLEN + 16];
    struct lg_metrics_buf body;        /* scratch: the exposition being rendered */
    struct mclient cl[LG_METRICS_CLIENTS];
};

/* --- listening */

/* Splits "HOST:PORT" into an address. Returns 0 or -1. */
static int metrics_parse(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
    const char *colon = strrchr(addr, ':');
    char host[INET6_ADDRSTRLEN + 2];
    if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof host)
        return -1;
    const char *port = colon + 1;
    if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
        atoi(port) > 65535)
        return -1;
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    size_t hl = strlen(host);
    if (host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)atoi(port));
        *len = sizeof *v6;
        return inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1 ? 0 : -1;
    }
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)atoi(port));
    *len = sizeof *v4;
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    return inet_pton(AF_INET, host, &v4->sin_addr) == 1 ? 0 : -1;
}

/* "127.0.0.1:9464" or "[::1]:9464" of the bound socket. */
static void metrics_where(struct lg_metrics *m)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (getsockname(m->fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        port = ntohs(v6->sin6_port);
        snprintf(m->where, sizeof m->where, "[%s]:%d", host, port);
        return;
    }
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
    snprintf(m->where, sizeof m->where, "%s:%d", host, port);
}

struct lg_metrics *lg_metrics_open(const char *addr, double linger_s, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t len;
    if (metrics_parse(addr, &ss, &len) < 0) {
        snprintf(err, errlen, "logen: --metrics-listen '%s': not HOST:PORT (127.0.0.1:9464, "
                 "[::1]:9464, localhost:0)", addr);
        return NULL;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ss.ss_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
        listen(fd, LG_METRICS_CLIENTS) < 0) {
        snprintf(err, errlen, "logen: --metrics-listen %s: cannot listen there: %s", addr,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    struct lg_metrics *m = lg_calloc(1, sizeof *m);
    m->fd = fd;
    m->linger_s = linger_s;
    for (int i = 0; i < LG_METRICS_CLIENTS; i++)
        m->cl[i].fd = -1;
    metrics_where(m);
    return m;
}

const char *lg_metrics_where(const struct lg_metrics *m)
{
    return m->where;
}

/* Ends connection k: shut down as well as closed, as a forked child may
 * still hold a copy of the descriptor. */
static void client_close(struct mclient *k)
{
    if (k->fd >= 0) {
        shutdown(k->fd, SHUT_RDWR);
        close(k->fd);
    }
    free(k->out.p);
    k->out = (struct lg_metrics_buf){ 0 };
    k->fd = -1;
    k->state = C_FREE;
}

void lg_metrics_close(struct lg_metrics *m)
{
    if (!m)
        return;
    for (int i = 0; i < LG_METRICS_CLIENTS; i++)
        client_close(&m->cl[i]);
    close(m->fd);
    free(m->body.p);
    free(m);
}

void lg_metrics_child(struct lg_metrics *m)
{
    if (!m)
        return;
    for (int i = 0; i < LG_METRICS_CLIENTS; i++)
        if (m->cl[i].fd >= 0)
            close(m->cl[i].fd);
    close(m->fd);
}

/* --- one request */

/* What a request head asks. */
struct mreq {
    const char *method, *path; /* NUL-terminated inside the head */
    int head_only;             /* HEAD */
    int openmetrics;           /* its Accept names application/openmetrics-text */
};

/* The offset just past the blank line that ends the head in req[0..len),
 * looked for from `from` on; 0 while it has not come. */
static size_t head_end(const char *req, size_t from, size_t len)
{
    for (size_t i = from > 0 ? from : 1; i < len; i++)
        if (req[i] == '\n' && (req[i - 1] == '\n' || (i >= 2 && req[i - 1] == '\r' &&
                                                      req[i - 2] == '\n')))
            return i + 1;
    return 0;
}

/* A token character of RFC 9110 (methods, header names). */
static int is_tchar(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* The next line of the head at *p, NUL-terminated in place, without its
 * CR LF; *p moves past it (to the end, for the last one). */
static char *head_line(char **p)
{
    char *line = *p, *nl = line + strcspn(line, "\n");
    *p = *nl ? nl + 1 : nl;
    *nl = '\0';
    if (nl > line && nl[-1] == '\r')
        nl[-1] = '\0';
    return line;
}

/* Parses the head req[0..end) (a NUL at end - 1 ends it). Returns 0, or
 * -1 when it is not an HTTP/1.x request head. */
static int request_parse(char *req, size_t end, struct mreq *r)
{
    if (memchr(req, '\0', end))
        return -1;
    req[end - 1] = '\0'; /* the head's last '\n' */
    char *p = req, *line = head_line(&p), *sp1, *sp2;
    size_t mlen = 0;
    while (is_tchar((unsigned char)line[mlen]))
        mlen++;
    if (mlen == 0 || line[mlen] != ' ' || !(sp2 = strchr(line + mlen + 1, ' ')))
        return -1;
    sp1 = line + mlen;
    *sp1 = *sp2 = '\0';
    r->method = line;
    r->path = sp1 + 1;
    if (r->path[0] != '/' || (strcmp(sp2 + 1, "HTTP/1.1") != 0 && strcmp(sp2 + 1, "HTTP/1.0") != 0))
        return -1;
    for (const char *c = r->path; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7F)
            return -1;
    r->head_only = strcmp(r->method, "HEAD") == 0;
    r->openmetrics = 0;
    while (*(line = head_line(&p))) { /* up to the blank line */
        size_t nlen = 0;
        while (is_tchar((unsigned char)line[nlen]))
            nlen++;
        if (nlen == 0 || line[nlen] != ':')
            return -1;
        if (nlen == 6 && strncasecmp(line, "accept", 6) == 0 &&
            strcasestr(line + 7, "application/openmetrics-text"))
            r->openmetrics = 1;
    }
    return 0;
}

static const char *status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    default:  return "Bad Request";
    }
}

/* Sets k's answer: a status line, headers, then body[0..len) unless
 * head_only. */
static void answer(struct mclient *k, int status, const char *type, const char *body, size_t len,
                   int head_only)
{
    k->out.len = 0;
    lg_metrics_printf(&k->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                      "%sConnection: close\r\n\r\n", status, status_text(status), type, len,
                      status == 405 ? "Allow: GET, HEAD\r\n" : "");
    if (!head_only)
        lg_metrics_printf(&k->out, "%.*s", (int)len, body);
}

static void answer_error(struct mclient *k, int status)
{
    char body[64];
    int n = snprintf(body, sizeof body, "%d %s\n", status, status_text(status));
    answer(k, status, "text/plain; charset=utf-8", body, (size_t)n, 0);
}

#define INDEX_HTML "<html><head><title>logen</title></head><body>" \
                   "<a href=\"/metrics\">metrics</a></body></html>\n"

/* Answers the head req[0..end) of k. */
static void client_request(struct lg_metrics *m, struct mclient *k, size_t end,
                           const struct lg_collector *c)
{
    struct mreq r;
    int bad = request_parse(k->req, end, &r) < 0;
    size_t plen = bad ? 0 : strcspn(r.path, "?");
    int metrics = plen == 8 && strncmp(r.path, "/metrics", 8) == 0;
    if (bad || (!metrics && plen != 1) || (!r.head_only && strcmp(r.method, "GET") != 0)) {
        answer_error(k, bad ? 400 : !metrics && plen != 1 ? 404 : 405);
        return;
    }
    if (!metrics) {
        answer(k, 200, "text/html; charset=utf-8", INDEX_HTML, sizeof INDEX_HTML - 1, r.head_only);
        return;
    }
    m->body.len = 0;
    lg_metrics_render(&m->body, c, r.openmetrics, m->ended);
    k->final = m->ended;
    answer(k, 200, r.openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                 : "text/plain; version=0.0.4; charset=utf-8",
           m->body.p, m->body.len, r.head_only);
}

/* --- connections */

/* Writes what the socket takes of k's answer; once all of it, shuts k's
 * side and drains. */
static void client_write(struct lg_metrics *m, struct mclient *k, lg_ns_t now)
{
    while (k->sent < k->out.len) {
        ssize_t n = send(k->fd, k->out.p + k->sent, k->out.len - k->sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            client_close(k);
            return;
        }
        k->sent += (size_t)n;
    }
    if (k->final)
        m->final_served = 1;
    shutdown(k->fd, SHUT_WR);
    free(k->out.p);
    k->out = (struct lg_metrics_buf){ 0 };
    k->state = C_DRAIN;
    k->deadline = now + DRAIN_NS;
}

/* Reads what came of k's request head; answers it once whole (431 when it
 * outgrows the buffer), and starts writing. */
static void client_read(struct lg_metrics *m, struct mclient *k, const struct lg_collector *c,
                        lg_ns_t now)
{
    for (;;) {
        if (k->got == sizeof k->req) {
            answer_error(k, 431);
            break;
        }
        ssize_t n = recv(k->fd, k->req + k->got, sizeof k->req - k->got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) { /* gone before its request was whole */
            client_close(k);
            return;
        }
        size_t from = k->got > 3 ? k->got - 3 : 0, end;
        k->got += (size_t)n;
        if ((end = head_end(k->req, from, k->got)) > 0) {
            client_request(m, k, end, c);
            break;
        }
    }
    k->state = C_WRITE;
    k->sent = 0;
    k->deadline = now + WRITE_NS;
    client_write(m, k, now);
}

/* Discards what k still sends after its answer, up to EOF or a bound. */
static void client_drain(struct mclient *k)
{
    char junk[4096];
    for (;;) {
        ssize_t n = recv(k->fd, junk, sizeof junk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0 || (k->drained += (size_t)n) > DRAIN_MAX_BYTES) {
            client_close(k);
            return;
        }
    }
}

/* Accepts what waits; past LG_METRICS_CLIENTS, a connection is closed at
 * once. Out of descriptors, the listening socket rests a moment (else
 * poll would report it again at once, and spin). */
static void metrics_accept(struct lg_metrics *m, lg_ns_t now)
{
    for (int burst = 0; burst < ACCEPT_BURST; burst++) {
        int fd = accept4(m->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                m->rest_until = now + LG_NS_PER_S / 10;
            return;
        }
        struct mclient *k = NULL;
        for (int i = 0; i < LG_METRICS_CLIENTS && !k; i++)
            k = m->cl[i].state == C_FREE ? &m->cl[i] : NULL;
        if (!k) {
            close(fd);
            continue;
        }
        *k = (struct mclient){ .fd = fd, .state = C_READ, .deadline = now + REQUEST_NS };
    }
}

lg_ns_t lg_metrics_pollfds(struct lg_metrics *m, struct pollfd *pf, lg_ns_t now)
{
    lg_ns_t next = NEVER;
    for (int i = 0; i < LG_METRICS_NFDS; i++)
        pf[i] = (struct pollfd){ .fd = -1 };
    if (!m)
        return next;
    if (now >= m->rest_until)
        pf[0] = (struct pollfd){ .fd = m->fd, .events = POLLIN };
    else
        next = m->rest_until;
    for (int i = 0; i < LG_METRICS_CLIENTS; i++) {
        const struct mclient *k = &m->cl[i];
        if (k->state == C_FREE)
            continue;
        pf[1 + i] = (struct pollfd){ .fd = k->fd,
                                     .events = k->state == C_WRITE ? POLLOUT : POLLIN };
        next = k->deadline < next ? k->deadline : next;
    }
    return next;
}

void lg_metrics_serve(struct lg_metrics *m, const struct pollfd *pf, const struct lg_collector *c,
                      lg_ns_t now)
{
    if (!m)
        return;
    for (int i = 0; i < LG_METRICS_CLIENTS; i++) {
        struct mclient *k = &m->cl[i];
        if (k->state == C_FREE)
            continue;
        if (pf[1 + i].fd == k->fd && pf[1 + i].revents) {
            if (k->state == C_READ)
                client_read(m, k, c, now);
            else if (k->state == C_WRITE)
                client_write(m, k, now);
            else
                client_drain(k);
        }
        if (k->state != C_FREE && now >= k->deadline)
            client_close(k);
    }
    if (pf[0].fd == m->fd && pf[0].revents)
        metrics_accept(m, now);
}

/* A stop request among the signals waiting on sigfd (a signalfd). */
static int linger_stopped(int sigfd)
{
    struct signalfd_siginfo si;
    while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
        if (si.ssi_signo != SIGCHLD)
            return 1;
    return 0;
}

void lg_metrics_linger(struct lg_metrics *m, const struct lg_collector *c, int sigfd, FILE *note)
{
    if (!m)
        return;
    m->ended = 1;
    if (m->linger_s <= 0)
        return;
    lg_ns_t now = lg_clock_now(), until = now + lg_clock_from_s(m->linger_s);
    struct pollfd pf[1 + LG_METRICS_NFDS];
    if (note)
        fprintf(note, "metrics: serving the final figures until a scrape takes them, %gs at "
                "most (--metrics-linger)\n", m->linger_s);
    while (!m->final_served && now < until) {
        lg_ns_t next = lg_metrics_pollfds(m, pf + 1, now);
        next = next < until ? next : until;
        pf[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
        if (poll(pf, 1 + LG_METRICS_NFDS, lg_clock_poll_ms(now, next)) < 0 && errno != EINTR)
            return;
        if (pf[0].revents && linger_stopped(sigfd))
            return;
        now = lg_clock_now();
        lg_metrics_serve(m, pf + 1, c, now);
    }
}
