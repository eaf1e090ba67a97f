/* progress.c -- the live progress line on a terminal (see progress.h).
 *
 * Relies on two terminal sequences only: "\r" (to column 0) and "ESC[K"
 * (erase to the end of the line), which every terminal emulator and tmux
 * understand, and on TIOCGWINSZ for the width, read at each draw so a
 * resized window is followed. One write(2) per draw, so a draw is never
 * split by another process's line. The rate and the p99 are those of the
 * last period (about a second): the rate from the request count, the p99
 * from the collector's histogram of the requests ended since the last
 * draw (lg_collector_recent).
 *
 * Deliberately not done: colours, several lines, a bar (the end of a run
 * is not always known), and erasing before what a CUT writes with print()
 * in a worker (it goes straight to the terminal: it may follow the line's
 * text; the next draw starts on a fresh line). */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector.h"
#include "hist.h"
#include "openstats.h"

#define PERIOD_NS LG_NS_PER_S
#define TEXT_BYTES 512
#define ERASE_LEN (sizeof LG_PROGRESS_ERASE - 1)

static struct {
    int on;              /* drawing, in the owner process */
    int active;          /* on here or in the parent: inherited by a fork */
    pid_t owner;         /* the process that draws */
    int fd;              /* the terminal */
    dev_t rdev;          /* its device: another descriptor on it is the same screen */
    int shown;           /* the line is on the screen */
    int midline;         /* another writer left the cursor mid-line: no draw */
    lg_ns_t end_ns;      /* planned end of the load; -1: unknown */
    lg_ns_t last_ns;     /* time of the last draw (or of the start) */
    uint64_t last_requests; /* requests at that time */
    char line[ERASE_LEN + TEXT_BYTES]; /* LG_PROGRESS_ERASE, then the text */
    size_t len;          /* bytes of line; 0: nothing to draw yet */
} P;

/* ==== the text =========================================================== */

/* Appends to buf[*len..size); what does not fit is cut. */
static void __attribute__((format(printf, 4, 5)))
put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    va_list ap;
    if (*len + 1 >= size)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, size - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

size_t lg_progress_format(char *buf, size_t size, int width, const struct lg_progress_figures *f)
{
    size_t len = 0;
    if (!size)
        return 0;
    buf[0] = '\0';
    put(buf, size, &len, "[%6.1fs", (double)f->now_ns / 1e9);
    if (f->end_ns >= 0) {
        lg_ns_t left = f->end_ns > f->now_ns ? f->end_ns - f->now_ns : 0;
        put(buf, size, &len, ", %.0fs left", (double)left / 1e9);
    }
    put(buf, size, &len, "] reqs %llu err %llu | %.1f/s | p99 ", (unsigned long long)f->requests,
        (unsigned long long)f->errors, f->rate);
    if (f->have_p99)
        put(buf, size, &len, "%.3f ms", (double)f->p99_ns / 1e6);
    else
        put(buf, size, &len, "-");
    put(buf, size, &len, " | workers %d", f->workers);
    if (f->open)
        put(buf, size, &len, " | queue %ld drop %llu", f->queue,
            (unsigned long long)f->dropped);
    if (width > 0 && len > (size_t)width) {
        len = (size_t)width;
        buf[len] = '\0';
    }
    return len;
}

/* ==== the terminal ======================================================= */

static int progress_owner(void)
{
    return P.on && getpid() == P.owner;
}

/* 1 when fd writes to the line's screen. */
static int progress_same(int fd)
{
    struct stat st;
    if (fd == P.fd)
        return 1;
    return fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == P.rdev;
}

static void progress_write(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(P.fd, s, n);
        if (w <= 0)
            return; /* a terminal gone: nothing sensible to do */
        s += w;
        n -= (size_t)w;
    }
}

static void progress_draw(void)
{
    if (!P.len || P.midline)
        return;
    progress_write(P.line, P.len);
    P.shown = 1;
}

/* Columns the text may take: one less than the terminal's, so the cursor
 * never wraps to a line of its own. */
static int progress_width(void)
{
    struct winsize ws;
    int cols = ioctl(P.fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    return cols > 1 ? cols - 1 : 1;
}

/* The figures of the last period, from the collector. */
static void progress_figures(struct lg_collector *c, lg_ns_t now, struct lg_progress_figures *f)
{
    struct lg_collector_totals t;
    struct lg_collector_view v;
    struct lg_hist h;
    lg_collector_totals(c, &t);
    lg_collector_view(c, &v);
    memset(f, 0, sizeof *f);
    f->now_ns = now;
    f->end_ns = P.end_ns;
    f->requests = t.requests;
    f->errors = t.errors;
    f->workers = t.active;
    if (now > P.last_ns)
        f->rate = (double)(t.requests - P.last_requests) * 1e9 / (double)(now - P.last_ns);
    lg_hist_init(&h);
    lg_collector_recent(c, &h);
    f->have_p99 = lg_hist_count(&h) > 0;
    f->p99_ns = lg_hist_percentile(&h, 99);
    lg_hist_fini(&h);
    for (int l = 0; l < v.nlines; l++) {
        struct lg_collector_line lv;
        struct lg_openstats_counts k;
        lg_collector_line(c, l, &lv);
        if (!lv.open)
            continue;
        lg_openstats_counts(lv.open, &k);
        f->open = 1;
        f->queue += k.depth;
        f->dropped += k.dropped;
    }
    P.last_ns = now;
    P.last_requests = t.requests;
}

/* ==== the calls ========================================================== */

int lg_progress_start(struct lg_collector *c, int fd, int wanted, lg_ns_t end_ns)
{
    struct stat st;
    struct lg_hist none;
    memset(&P, 0, sizeof P);
    P.fd = fd;
    if (!wanted || !isatty(fd) || fstat(fd, &st) < 0)
        return 0;
    lg_hist_init(&none);
    lg_collector_recent(c, &none); /* from now on, c keeps the last period */
    lg_hist_fini(&none);
    P.rdev = st.st_rdev;
    P.on = P.active = 1;
    P.owner = getpid();
    P.end_ns = end_ns;
    P.last_ns = lg_clock_now();
    memcpy(P.line, LG_PROGRESS_ERASE, ERASE_LEN);
    return 1;
}

lg_ns_t lg_progress_tick(struct lg_collector *c, lg_ns_t now)
{
    struct lg_progress_figures f;
    if (!progress_owner())
        return INT64_MAX;
    if (now < P.last_ns + PERIOD_NS)
        return P.last_ns + PERIOD_NS;
    progress_figures(c, now, &f);
    P.len = ERASE_LEN + lg_progress_format(P.line + ERASE_LEN, TEXT_BYTES, progress_width(), &f);
    progress_draw();
    return now + PERIOD_NS;
}

void lg_progress_stop(void)
{
    if (!progress_owner())
        return;
    if (P.shown)
        progress_write(LG_PROGRESS_ERASE, ERASE_LEN);
    memset(&P, 0, sizeof P);
}

int lg_progress_active(void)
{
    return P.active;
}

void lg_progress_before(int fd)
{
    if (!progress_owner() || !P.shown || !progress_same(fd))
        return;
    progress_write(LG_PROGRESS_ERASE, ERASE_LEN);
    P.shown = 0;
}

void lg_progress_after(int fd, int at_line_start)
{
    if (!progress_owner() || !progress_same(fd))
        return;
    P.midline = !at_line_start;
    progress_draw();
}
