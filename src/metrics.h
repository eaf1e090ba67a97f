/* metrics.h -- --metrics-listen: the run's live figures for Prometheus.
 *
 * Two files: metrics.c, a small HTTP/1.x server that lives in the
 * parent's event loop (the caller polls its descriptors and hands it what
 * poll saw; it never blocks), and metrics_text.c, the exposition of the
 * collector's read-only view in Prometheus's text format 0.0.4 or, when a
 * scrape's Accept asks for it, OpenMetrics 1.0. Rendering happens only
 * when a scrape arrives: nothing of this runs on the records' path. */
#ifndef LG_METRICS_H
#define LG_METRICS_H

#include <poll.h>
#include <stddef.h>
#include <stdio.h>

#include "clock.h"

struct lg_collector; /* collector.h */

#define LG_METRICS_CLIENTS 16                    /* connections served at once; more: closed */
#define LG_METRICS_NFDS (1 + LG_METRICS_CLIENTS) /* pollfds the caller gives */
#define LG_METRICS_REQUEST_MAX 8192              /* bytes of a request head; more: 431 */

/* A growable text buffer (owned p; free it with free()). */
struct lg_metrics_buf {
    char *p;
    size_t len, cap;
};
/* Appends printf-style text (abort on OOM). */
void lg_metrics_printf(struct lg_metrics_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --- the server (metrics.c) */

struct lg_metrics;

/* Listens on addr, "HOST:PORT": an IPv4 address, an IPv6 one in brackets
 * ([::1]:9464) or localhost; port 0 takes a free one. linger_s: after the
 * run, how long to wait for a scrape of the final figures
 * (lg_metrics_linger). Returns a server (free it with lg_metrics_close),
 * or NULL with err holding one line naming the option and the reason. */
struct lg_metrics *lg_metrics_open(const char *addr, double linger_s, char *err, size_t errlen);
void lg_metrics_close(struct lg_metrics *m);
/* Where it listens, "127.0.0.1:9464" or "[::1]:9464". Borrowed from m. */
const char *lg_metrics_where(const struct lg_metrics *m);
/* In a child after fork: closes m's descriptors there (the parent keeps
 * its own); frees nothing. m may be NULL. */
void lg_metrics_child(struct lg_metrics *m);

/* One turn of the caller's loop: fills pf[0..LG_METRICS_NFDS) (fd -1 where
 * unused) and returns when serve must run even if nothing is ready (a
 * connection's deadline; INT64_MAX: none). m may be NULL: nothing to poll. */
lg_ns_t lg_metrics_pollfds(struct lg_metrics *m, struct pollfd *pf, lg_ns_t now);
/* After poll: accepts, reads, answers and writes what the sockets take
 * now, and closes connections past their deadline. Renders from c. m may
 * be NULL. */
void lg_metrics_serve(struct lg_metrics *m, const struct pollfd *pf,
                      const struct lg_collector *c, lg_ns_t now);

/* The run is over (the collector closed, its view final): serves the final
 * figures until one scrape rendered after the end has been written whole,
 * for at most linger_s; a SIGINT, SIGTERM or SIGHUP read from sigfd (a
 * signalfd; SIGCHLD is ignored) ends the wait at once. Says on `note` (NULL:
 * nothing) that it waits. m may be NULL. */
void lg_metrics_linger(struct lg_metrics *m, const struct lg_collector *c, int sigfd, FILE *note);

/* --- the exposition (metrics_text.c) */

/* Appends the exposition of c's view to b: requests, errors and a latency
 * histogram per (line, name, kind), workers and open-model events per
 * line, records and the run's start time. openmetrics: OpenMetrics 1.0
 * (counter families without _total, "# EOF" last) instead of text 0.0.4.
 * ended: the run is over and the figures final (logen_run_ended 1). */
void lg_metrics_render(struct lg_metrics_buf *b, const struct lg_collector *c, int openmetrics,
                       int ended);

#endif
