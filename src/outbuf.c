/* outbuf.c -- a large output buffer in front of a stdio stream or a
 * non-blocking descriptor (see outbuf.h). The hot path, lg_outbuf_room, is
 * inline in the header; what is here runs once per chunk or per rare line.
 *
 * Non-blocking mode keeps what the descriptor did not take at the front of
 * the buffer; when a line no longer fits, the buffer doubles, up to `max`,
 * and past that everything held is dropped and counted: a reader that does
 * not read costs memory up to a bound, then lines, never a blocked
 * writer.
 *
 * A write to the terminal that shows the progress line (progress.h)
 * erases that line first and redraws it after. */
#include "outbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "progress.h"

void lg_outbuf_init(struct lg_outbuf *b, FILE *f, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->f = f;
    b->cap = cap;
    b->buf = lg_malloc(cap);
    b->fd = -1;
    b->restore_fl = -1;
}

void lg_outbuf_free(struct lg_outbuf *b)
{
    lg_outbuf_flush(b);
    if (b->own_fd)
        close(b->fd);
    else if (b->fd >= 0 && b->restore_fl >= 0)
        fcntl(b->fd, F_SETFL, b->restore_fl);
    free(b->buf);
    b->buf = NULL;
    b->cap = 0;
    b->fd = -1;
}

int lg_outbuf_nonblock(struct lg_outbuf *b, size_t max)
{
    struct stat st;
    char path[64];
    if (!b->f || b->fd >= 0 || fflush(b->f) != 0 || fstat(fileno(b->f), &st) < 0)
        return b->fd;
    if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) && !S_ISCHR(st.st_mode))
        return -1;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(b->f));
    b->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    b->own_fd = b->fd >= 0;
    if (b->fd < 0) {
        int fl = fcntl(fileno(b->f), F_GETFL);
        if (fl < 0 || fcntl(fileno(b->f), F_SETFL, fl | O_NONBLOCK) < 0)
            return -1; /* stays in stdio mode */
        b->fd = fileno(b->f);
        b->restore_fl = fl;
    }
    b->max = max > b->cap ? max : b->cap;
    return b->fd;
}

/* Drops what is held, counting its lines (a line partly written counts:
 * its newline is in what is dropped). */
static void outbuf_drop(struct lg_outbuf *b)
{
    for (size_t i = 0; i < b->len; i++)
        b->lost_lines += b->buf[i] == '\n';
    b->len = 0;
    b->failed = 1;
}

void lg_outbuf_abandon(struct lg_outbuf *b)
{
    b->abandoned = 1;
    outbuf_drop(b);
}

/* Non-blocking mode: writes what fd takes now, keeps the rest at the front,
 * then makes room for one more line (growing, or dropping past max). A
 * write error other than "not now" gives up: the reader is gone. */
static void outbuf_write_fd(struct lg_outbuf *b)
{
    size_t off = 0;
    if (b->len)
        lg_progress_before(b->fd);
    while (!b->abandoned && off < b->len) {
        ssize_t n = write(b->fd, b->buf + off, b->len - off);
        if (n > 0)
            off += (size_t)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        else
            b->abandoned = 1;
    }
    memmove(b->buf, b->buf + off, b->len - off);
    b->len -= off;
    if (off)
        lg_progress_after(b->fd, b->len == 0); /* what is held is whole lines */
    if (b->abandoned)
        outbuf_drop(b);
    if (b->cap - b->len < LG_REPORT_LINE_MAX && b->cap < b->max) {
        b->cap = b->cap * 2 < b->max ? b->cap * 2 : b->max;
        b->buf = lg_realloc(b->buf, b->cap);
    }
    if (b->cap - b->len < LG_REPORT_LINE_MAX)
        outbuf_drop(b);
}

void lg_outbuf_flush(struct lg_outbuf *b)
{
    if (b->fd >= 0) {
        outbuf_write_fd(b);
        return;
    }
    if (b->len && b->f) {
        lg_progress_before(fileno(b->f));
        if (fwrite(b->buf, 1, b->len, b->f) != b->len)
            b->failed = 1;
        lg_progress_after(fileno(b->f), 1);
    }
    b->len = 0;
}

void lg_outbuf_sync(struct lg_outbuf *b)
{
    lg_outbuf_flush(b);
    if (b->fd < 0 && b->f && fflush(b->f) != 0)
        b->failed = 1;
}

void lg_outbuf_printf(struct lg_outbuf *b, const char *fmt, ...)
{
    char *p = lg_outbuf_room(b);
    size_t room = b->cap - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t)n < room ? (size_t)n : room - 1;
}
