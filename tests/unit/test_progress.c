/* test_progress.c -- the progress line (progress.c): its text, cut to a
 * width; its draws, erasures and redraws on a real pseudo-terminal; nothing
 * on a descriptor that is not a terminal. And what the collector gives it:
 * the durations of the last period (lg_collector_recent), and no periodic
 * line with --quiet. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "collector.h"
#include "hist.h"
#include "progress.h"
#include "tap.h"

#define MS (1000 * 1000LL)
#define S LG_NS_PER_S

static void test_format(void)
{
    char buf[512];
    struct lg_progress_figures f = { .now_ns = 12 * S, .end_ns = 30 * S, .requests = 23412,
                                     .errors = 3, .rate = 1951.24, .workers = 4, .have_p99 = 1,
                                     .p99_ns = 10650 * 1000 };
    size_t n = lg_progress_format(buf, sizeof buf, 200, &f);
    is_str(buf, "[  12.0s, 18s left] reqs 23412 err 3 | 1951.2/s | p99 10.650 ms | workers 4",
           "a closed run of known end");
    is_int(n, strlen(buf), "the length returned is the text's");
    f.end_ns = -1;
    f.have_p99 = 0;
    f.open = 1;
    f.queue = 7;
    f.dropped = 2;
    lg_progress_format(buf, sizeof buf, 200, &f);
    is_str(buf, "[  12.0s] reqs 23412 err 3 | 1951.2/s | p99 - | workers 4 | queue 7 drop 2",
           "end unknown, no request in the period, open model");
    f.end_ns = 5 * S;
    lg_progress_format(buf, sizeof buf, 200, &f);
    like(buf, "[  12.0s, 0s left]", "past the planned end: 0s left");
    n = lg_progress_format(buf, sizeof buf, 20, &f);
    is_int(n, 20, "cut to the width");
    is_str(buf, "[  12.0s, 0s left] r", "the cut keeps the start");
    n = lg_progress_format(buf, 8, 200, &f);
    is_int(n, 7, "a small buffer: cut, NUL-terminated");
    is_int(strlen(buf), 7, "  and the length is the text's");
}

/* ---- the collector's side ----------------------------------------------- */

static struct lg_collector *coll_new(FILE *out, FILE *err, int quiet)
{
    struct lg_collector_opts o = { .out = out, .err = err, .format = LG_OUT_SHORT,
                                   .summary_ns = S, .quiet = quiet };
    return lg_collector_new(&o);
}

static uint32_t seq;

static void feed(struct lg_collector *c, int type, lg_ns_t begin, lg_ns_t end)
{
    struct lg_record r = { .type = (uint8_t)type, .worker = 0, .pid = 42, .seq = seq++ };
    r.u.ev.begin_ns = begin;
    r.u.ev.end_ns = end;
    r.u.ev.opcount = seq;
    if (type == LG_REC_NAME) {
        memcpy(r.u.text.bytes, "R", 1);
        r.u.text.len = 1;
    }
    lg_collector_feed(c, &r, end);
}

static uint64_t recent(struct lg_collector *c, uint64_t *max)
{
    struct lg_hist h;
    lg_hist_init(&h);
    lg_collector_recent(c, &h);
    uint64_t n = lg_hist_count(&h);
    *max = lg_hist_max(&h);
    lg_hist_fini(&h);
    return n;
}

static void test_recent(void)
{
    FILE *out = tmpfile(), *err = tmpfile();
    struct lg_collector *c = coll_new(out, err, 0);
    uint64_t max;
    seq = 0;
    lg_collector_add_worker(c, 0, 0, 42, 0);
    feed(c, LG_REC_START, 0, 0);
    feed(c, LG_REC_NAME, 0, 0);
    feed(c, LG_REC_REQ, 0, 5 * MS);
    is_int(recent(c, &max), 0, "recent: nothing kept before the first call");
    feed(c, LG_REC_REQ, 10 * MS, 12 * MS);
    feed(c, LG_REC_REQ, 20 * MS, 27 * MS);
    feed(c, LG_REC_REQ, 30 * MS, 31 * MS);
    is_int(recent(c, &max), 3, "recent: the requests since the last call");
    is_int(max, 7 * MS, "  with their durations");
    is_int(recent(c, &max), 0, "recent: then forgotten");
    feed(c, LG_REC_REQ, 40 * MS, 49 * MS);
    is_int(recent(c, &max), 1, "recent: a new period");
    is_int(max, 9 * MS, "  its duration");
    lg_collector_free(c);
    fclose(out);
    fclose(err);
}

static long periodic_bytes(int quiet)
{
    FILE *out = tmpfile(), *err = tmpfile();
    struct lg_collector *c = coll_new(out, err, quiet);
    seq = 0;
    lg_collector_add_worker(c, 0, 0, 42, 0);
    feed(c, LG_REC_START, 0, 0);
    feed(c, LG_REC_NAME, 0, 0);
    feed(c, LG_REC_REQ, 400 * MS, 500 * MS);
    lg_collector_tick(c, 2500 * MS);
    fflush(err);
    long n = ftell(err);
    lg_collector_free(c);
    fclose(out);
    fclose(err);
    return n;
}

static void test_quiet(void)
{
    ok(periodic_bytes(0) > 0, "without --quiet: periodic lines");
    is_int(periodic_bytes(1), 0, "--quiet: no periodic line");
}

/* ---- on a terminal ------------------------------------------------------- */

/* What the terminal received since the last call (static, NUL-terminated). */
static const char *screen_read(int master)
{
    static char text[4096];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof text - 1 && (r = read(master, text + n, sizeof text - 1 - n)) > 0)
        n += (size_t)r;
    text[n] = '\0';
    return text;
}

static void test_terminal(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
        ok(1, "# SKIP no pseudo-terminal here");
        return;
    }
    int tty = open(ptsname(master), O_RDWR | O_NOCTTY);
    struct winsize ws = { .ws_row = 24, .ws_col = 40 };
    ioctl(tty, TIOCSWINSZ, &ws);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    FILE *out = tmpfile(), *err = tmpfile();
    struct lg_collector *c = coll_new(out, err, 0);
    seq = 0;

    is_int(lg_progress_start(c, fileno(out), 1, -1), 0, "a file is no terminal: no line");
    is_int(lg_progress_tick(c, 5 * S), INT64_MAX, "  and no draw, ever");
    is_int(lg_progress_start(c, tty, 0, -1), 0, "a terminal, not wanted (--quiet): no line");
    is_int(lg_progress_active(), 0, "  not active");
    is_int(lg_progress_start(c, tty, 1, 100 * S), 1, "a terminal, wanted: the line is on");
    is_int(lg_progress_active(), 1, "  active");
    lg_ns_t t0 = lg_clock_now();
    lg_collector_add_worker(c, 0, 0, 42, 0);
    feed(c, LG_REC_START, 0, 0);
    feed(c, LG_REC_NAME, 0, 0);
    feed(c, LG_REC_REQ, 0, 3 * MS);
    ok(lg_progress_tick(c, t0) > t0, "no draw before a period has passed");
    is_str(screen_read(master), "", "  nothing written");
    is_int(lg_progress_tick(c, t0 + S), t0 + 2 * S, "a draw a period later; the next one after another");
    const char *s = screen_read(master);
    ok(strncmp(s, "\r\033[K[", 5) == 0, "drawn at column 0, the line erased first");
    like(s, "s left] reqs 1 err 0 | ", "the figures");
    is_int(strlen(s), 4 + 39, "cut to 39 columns of a 40-column terminal");
    lg_progress_before(fileno(out));
    is_str(screen_read(master), "", "a write to a file erases nothing");
    lg_progress_before(tty);
    is_str(screen_read(master), "\r\033[K", "a write to the terminal erases the line first");
    lg_progress_after(tty, 0);
    is_str(screen_read(master), "", "  no redraw while the cursor is mid-line");
    lg_progress_after(tty, 1);
    ok(strncmp(screen_read(master), "\r\033[K[", 5) == 0, "  redrawn once at a line's start");
    lg_progress_stop();
    is_str(screen_read(master), "\r\033[K", "stop erases the line for good");
    is_int(lg_progress_active(), 0, "  no longer active");
    lg_progress_before(tty);
    lg_progress_after(tty, 1);
    is_str(screen_read(master), "", "  and nothing is drawn after");
    lg_collector_free(c);
    fclose(out);
    fclose(err);
    close(tty);
    close(master);
}

int main(void)
{
    test_format();
    test_recent();
    test_quiet();
    test_terminal();
    return done_testing();
}
