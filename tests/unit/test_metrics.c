/* test_metrics.c -- the --metrics-listen server on a loopback socket,
 * driven as the controller drives it (pollfds, poll, serve), with the
 * clock in the test's hands: a whole request, one sent a byte at a time,
 * HTTP/1.0, OpenMetrics by Accept, HEAD, the index, errors (400, 404,
 * 405, 431 for a head that never ends), a silent client and a half
 * request closed at their deadline, the connection limit, the linger
 * after the run (ended by a scrape, by its bound, by a stop signal), and
 * the addresses refused before anything starts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector.h"
#include "metrics.h"
#include "tap.h"

#define MS (1000 * 1000LL)

static char *steps1[] = { "A" };
static const struct lg_line_info lines[] = { { .id = "l1", .cut = "Dummy", .steps = steps1,
                                               .nsteps = 1 } };
static struct lg_collector *coll;
static struct lg_metrics *m;
static int port;
static lg_ns_t now = 1000 * MS; /* the server's clock: the test moves it */

/* A collector holding one request, 2 ms long. */
static void feed(FILE *out, FILE *err)
{
    struct lg_collector_opts opts = { .out = out, .err = err, .format = LG_OUT_NONE,
                                      .summary_ns = LG_NS_PER_S, .lines = lines, .nlines = 1 };
    coll = lg_collector_new(&opts);
    lg_collector_add_worker(coll, 0, 0, 100, 0);
    struct lg_record r = { .type = LG_REC_NAME, .name = 1, .pid = 100 };
    r.u.text.len = 3;
    memcpy(r.u.text.bytes, "R_1", 3);
    lg_collector_feed(coll, &r, 0);
    r = (struct lg_record){ .type = LG_REC_REQ, .name = 1, .pid = 100, .seq = 1 };
    r.u.ev.end_ns = 2 * MS;
    lg_collector_feed(coll, &r, 2 * MS);
}

/* One turn of the server's loop, as the controller runs it. */
static void pump(int wait_ms)
{
    struct pollfd pf[LG_METRICS_NFDS];
    lg_metrics_pollfds(m, pf, now);
    poll(pf, LG_METRICS_NFDS, wait_ms);
    lg_metrics_serve(m, pf, coll, now);
}

static int dial(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    return fd;
}

/* What fd reads until EOF or a reset (the server turning meanwhile), at
 * most 2 s: NUL-terminated, in a static buffer. *closed: EOF came. */
static char *slurp(int fd, int *closed)
{
    static char buf[1 << 16];
    size_t len = 0;
    *closed = 0;
    for (int turn = 0; turn < 200 && len < sizeof buf - 1; turn++) {
        pump(10);
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, MSG_DONTWAIT);
        if (n > 0) {
            len += (size_t)n;
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            *closed = 1;
            break;
        }
    }
    buf[len] = '\0';
    return buf;
}

/* Sends the request in pieces of `piece` bytes (0: whole), one turn of the
 * server after each; returns the answer. */
static char *ask_n(const char *req, size_t len, size_t piece)
{
    int fd = dial(), closed;
    for (size_t at = 0; at < len; at += piece ? piece : len) {
        size_t n = piece && len - at > piece ? piece : len - at;
        send(fd, req + at, n, MSG_NOSIGNAL);
        pump(0);
    }
    char *a = slurp(fd, &closed);
    close(fd);
    return a;
}

static char *ask(const char *req, size_t piece)
{
    return ask_n(req, strlen(req), piece);
}

/* The value of header `name` in answer a (static), or "". */
static const char *header(const char *a, const char *name)
{
    static char v[256];
    const char *p = strcasestr(a, name);
    v[0] = '\0';
    if (p && (p = strchr(p, ':')))
        snprintf(v, sizeof v, "%.*s", (int)strcspn(p + 2, "\r\n"), p + 2);
    return v;
}

static void test_requests(void)
{
    char *a = ask("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    like(a, "HTTP/1.1 200 OK\r\n", "GET /metrics: 200");
    is_str(header(a, "Content-Type"), "text/plain; version=0.0.4; charset=utf-8",
           "... text format 0.0.4");
    const char *body = strstr(a, "\r\n\r\n");
    is_int(body ? (long)strlen(body + 4) : -1, atol(header(a, "Content-Length")),
           "... Content-Length is the body's");
    like(a, "logen_requests_total{line=\"l1\",name=\"R_1\",kind=\"req\"} 1\n", "... the figures");
    like(a, "Connection: close\r\n", "... and the connection closes");
    a = ask("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n", 1);
    like(a, "HTTP/1.1 200 OK\r\n", "a request sent a byte at a time: 200");
    like(a, "logen_run_ended 0\n", "... the whole exposition");
    a = ask("GET /metrics?x=1 HTTP/1.0\n\n", 0);
    like(a, "HTTP/1.1 200 OK\r\n", "HTTP/1.0, bare LF, a query string: 200");
    a = ask("GET /metrics HTTP/1.1\r\naccept: application/openmetrics-text;version=1.0.0,"
            "text/plain;q=0.5\r\n\r\n", 7);
    like(header(a, "Content-Type"), "application/openmetrics-text; version=1.0.0",
         "Accept asks for OpenMetrics: OpenMetrics");
    ok(strlen(a) > 6 && strcmp(a + strlen(a) - 6, "# EOF\n") == 0, "... ending with # EOF");
    a = ask("HEAD /metrics HTTP/1.1\r\n\r\n", 0);
    ok(strstr(a, "HTTP/1.1 200 OK\r\n") && atol(header(a, "Content-Length")) > 0 &&
       strcmp(strstr(a, "\r\n\r\n"), "\r\n\r\n") == 0, "HEAD: 200, a length, no body");
    a = ask("GET / HTTP/1.1\r\n\r\n", 0);
    like(a, "<a href=\"/metrics\">", "GET /: a link to /metrics");
}

static void test_errors(void)
{
    static const struct { const char *req, *want, *what; } t[] = {
        { "GARBAGE\r\n\r\n", "HTTP/1.1 400 ", "no request line" },
        { "GET /metrics HTTP/2.0\r\n\r\n", "HTTP/1.1 400 ", "another version" },
        { "GET metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 400 ", "a target without /" },
        { "GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", "HTTP/1.1 400 ", "a header without ':'" },
        { "GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n", "HTTP/1.1 400 ", "a space in a name" },
        { "GET /nope HTTP/1.1\r\n\r\n", "HTTP/1.1 404 ", "another path" },
        { "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 ", "POST" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        like(ask(t[i].req, 0), t[i].want, "%s: %.12s", t[i].what, t[i].want + 9);
    like(ask("DELETE /metrics HTTP/1.1\r\n\r\n", 0), "Allow: GET, HEAD\r\n",
         "405 says what is allowed");
    static const char nul[] = "GET /metrics\0 HTTP/1.1\r\n\r\n";
    like(ask_n(nul, sizeof nul - 1, 0), "HTTP/1.1 400 ", "a NUL in the head: 400");

    /* a head that never ends: 431 once the buffer is full, then closed */
    static char big[3 * LG_METRICS_REQUEST_MAX];
    int n = snprintf(big, sizeof big, "GET /metrics HTTP/1.1\r\nX-Long: ");
    memset(big + n, 'a', sizeof big - (size_t)n - 1);
    int fd = dial(), closed;
    for (size_t at = 0; at < sizeof big - 1; at += 4096) {
        send(fd, big + at, sizeof big - 1 - at > 4096 ? 4096 : sizeof big - 1 - at, MSG_NOSIGNAL);
        pump(0);
    }
    char *a = slurp(fd, &closed);
    like(a, "HTTP/1.1 431 ", "an endless header: 431");
    ok(closed, "... and the connection is closed");
    close(fd);
}

/* Connections that say nothing, or half a request, are closed at their
 * deadline; one past the limit at once. */
static void test_deadlines(void)
{
    int silent = dial(), half = dial(), closed;
    send(half, "GET /metr", 9, MSG_NOSIGNAL);
    char c, *a;
    for (int i = 0; i < 5; i++)
        pump(10);
    ok(recv(silent, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN,
       "a silent client is kept before its deadline");
    now += 6 * LG_NS_PER_S;
    slurp(silent, &closed);
    ok(closed, "... and closed at its deadline (5 s)");
    a = slurp(half, &closed);
    ok(closed && !*a, "half a request: closed at the deadline, no answer");
    close(silent);
    close(half);

    int fds[LG_METRICS_CLIENTS + 1], kept = 0;
    for (int i = 0; i < LG_METRICS_CLIENTS; i++) {
        fds[i] = dial();
        pump(0);
    }
    fds[LG_METRICS_CLIENTS] = dial();
    slurp(fds[LG_METRICS_CLIENTS], &closed);
    ok(closed, "a connection past %d: closed at once", LG_METRICS_CLIENTS);
    for (int i = 0; i < LG_METRICS_CLIENTS; i++) {
        kept += recv(fds[i], &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
    }
    is_int(kept, LG_METRICS_CLIENTS, "... the others are kept");
    now += 6 * LG_NS_PER_S;
    pump(0);
    for (int i = 0; i <= LG_METRICS_CLIENTS; i++)
        close(fds[i]);
    a = ask("GET /metrics HTTP/1.1\r\n\r\n", 0);
    like(a, "HTTP/1.1 200 OK", "once they are closed, a scrape is served again");
}

/* After the run: the linger ends at the first scrape rendered after the
 * end, at its bound, or at a stop signal. sigfd is a pipe here, written
 * as a signalfd would be. */
static void test_linger(void)
{
    int sig[2], closed;
    if (pipe(sig) < 0)
        abort();
    struct lg_metrics *keep = m;
    char err[256];
    m = lg_metrics_open("127.0.0.1:0", 5, err, sizeof err);
    port = atoi(strrchr(lg_metrics_where(m), ':') + 1);
    int fd = dial();
    send(fd, "GET /metrics HTTP/1.1\r\n\r\n", 25, MSG_NOSIGNAL);
    lg_ns_t t0 = lg_clock_now();
    lg_metrics_linger(m, coll, sig[0], NULL);
    ok(lg_clock_now() - t0 < 3 * LG_NS_PER_S, "linger: ends once a scrape took the final figures");
    like(slurp(fd, &closed), "logen_run_ended 1\n", "... which say the run has ended");
    close(fd);
    lg_metrics_close(m);

    m = lg_metrics_open("127.0.0.1:0", 0.3, err, sizeof err);
    t0 = lg_clock_now();
    lg_metrics_linger(m, coll, sig[0], NULL);
    lg_ns_t took = lg_clock_now() - t0;
    ok(took >= 290 * MS && took < 2 * LG_NS_PER_S, "linger: no scrape: ends at --metrics-linger");
    lg_metrics_close(m);

    m = lg_metrics_open("127.0.0.1:0", 30, err, sizeof err);
    struct signalfd_siginfo si = { .ssi_signo = SIGCHLD };
    if (write(sig[1], &si, sizeof si) < 0)
        abort();
    si.ssi_signo = SIGTERM;
    if (write(sig[1], &si, sizeof si) < 0)
        abort();
    t0 = lg_clock_now();
    lg_metrics_linger(m, coll, sig[0], NULL);
    ok(lg_clock_now() - t0 < 2 * LG_NS_PER_S, "linger: a stop signal ends it at once");
    lg_metrics_close(m);

    m = lg_metrics_open("127.0.0.1:0", 0, err, sizeof err);
    t0 = lg_clock_now();
    lg_metrics_linger(m, coll, sig[0], NULL);
    ok(lg_clock_now() - t0 < 100 * MS, "linger: 0 stops at once");
    lg_metrics_close(m);
    m = keep;
    close(sig[0]);
    close(sig[1]);
}

static void test_addresses(void)
{
    char err[256] = "";
    struct lg_metrics *v6 = lg_metrics_open("[::1]:0", 0, err, sizeof err);
    if (v6)
        like(lg_metrics_where(v6), "[::1]:", "[::1]:0: IPv6 loopback, a free port");
    else
        note("no IPv6 loopback here: %s", err);
    lg_metrics_close(v6);
    static const char *const bad[] = { "nonsense", "127.0.0.1", ":9464", "127.0.0.1:",
                                       "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:9x", "[::1:0",
                                       "999.1.1.1:0", "example.com:80" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        struct lg_metrics *x = lg_metrics_open(bad[i], 0, err, sizeof err);
        ok(!x && strstr(err, "logen: --metrics-listen '") && strstr(err, bad[i]) &&
           !strchr(err, '\n'), "refused: '%s', one line naming the option", bad[i]);
        lg_metrics_close(x);
    }
    char taken[64];
    snprintf(taken, sizeof taken, "127.0.0.1:%d", port);
    struct lg_metrics *x = lg_metrics_open(taken, 0, err, sizeof err);
    ok(!x && strstr(err, "--metrics-listen") && strstr(err, "in use"), "a port in use: %s",
       err);
    lg_metrics_close(x);
    x = lg_metrics_open("192.0.2.1:0", 0, err, sizeof err);
    ok(!x && strstr(err, "cannot listen"), "an address not of this host: refused (%s)", err);
    lg_metrics_close(x);
}

int main(void)
{
    char err[256];
    FILE *out = tmpfile(), *errf = tmpfile();
    feed(out, errf);
    m = lg_metrics_open("127.0.0.1:0", 0, err, sizeof err);
    ok(m != NULL, "listening on 127.0.0.1:0 (%s)", m ? lg_metrics_where(m) : err);
    if (!m)
        return done_testing();
    like(lg_metrics_where(m), "127.0.0.1:", "... a free port, told by where");
    port = atoi(strrchr(lg_metrics_where(m), ':') + 1);
    ok(port > 0, "... port %d", port);
    test_requests();
    test_errors();
    test_deadlines();
    test_addresses();
    test_linger();
    lg_metrics_close(m);
    lg_collector_free(coll);
    fclose(out);
    fclose(errf);
    return done_testing();
}
