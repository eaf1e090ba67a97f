/* statpipe.c -- batched, atomic record writes and whole-record reads (see
 * statpipe.h). The batch is shared with a signal handler (the periodic flush
 * of a worker blocked in a long request), hence the busy flag: the main line
 * raises it around every change, the handler backs off while it is up. */
#include "statpipe.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

void lg_statpipe_writer_init(struct lg_statpipe_writer *w, int fd, int worker, int pid)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->worker = (uint16_t)worker;
    w->pid = pid;
}

/* One write of the whole batch. Returns 1 when written, 0 when the pipe has
 * no room (EAGAIN), a negative errno when it is gone. */
static int batch_write(struct lg_statpipe_writer *w)
{
    size_t len = (size_t)w->n * sizeof(struct lg_record);
    for (;;) {
        ssize_t r = write(w->fd, w->batch, len);
        if (r == (ssize_t)len)
            return 1;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return 0;
        return r < 0 ? -errno : -EIO; /* a short write of <= PIPE_BUF cannot happen */
    }
}

int lg_statpipe_flush(struct lg_statpipe_writer *w)
{
    int rc = 0;
    w->busy = 1;
    barrier();
    while (w->n > 0) {
        rc = batch_write(w);
        if (rc == 1) {
            w->sent += (uint64_t)w->n;
            w->n = 0;
            rc = 0;
            break;
        }
        if (rc < 0) {
            w->n = 0; /* nobody reads any more: drop, the caller stops */
            break;
        }
        lg_ns_t t0 = lg_clock_now();
        struct pollfd p = { .fd = w->fd, .events = POLLOUT };
        poll(&p, 1, 100);
        w->wait_ns += lg_clock_now() - t0;
    }
    w->due = 0;
    barrier();
    w->busy = 0;
    return rc;
}

void lg_statpipe_flush_async(struct lg_statpipe_writer *w)
{
    int saved = errno;
    if (w->busy) {
        w->due = 1;
    } else if (w->n > 0 && batch_write(w) == 1) {
        w->sent += (uint64_t)w->n;
        w->n = 0;
    }
    errno = saved;
}

struct lg_record *lg_statpipe_slot(struct lg_statpipe_writer *w, int type)
{
    if ((size_t)w->n == LG_BATCH_RECORDS)
        lg_statpipe_flush(w);
    w->busy = 1;
    barrier();
    struct lg_record *rec = &w->batch[w->n];
    memset(rec, 0, sizeof(*rec));
    rec->type = (uint8_t)type;
    rec->worker = w->worker;
    rec->pid = w->pid;
    rec->seq = w->seq++;
    return rec;
}

void lg_statpipe_commit(struct lg_statpipe_writer *w, lg_ns_t now)
{
    if (w->n == 0)
        w->first_ns = now;
    w->n++;
    int full = (size_t)w->n == LG_BATCH_RECORDS;
    int late = now - w->first_ns >= LG_FLUSH_NS;
    barrier();
    w->busy = 0;
    barrier();
    if (full || late || w->due)
        lg_statpipe_flush(w);
}

void lg_statpipe_reader_init(struct lg_statpipe_reader *r, int fd)
{
    r->fd = fd;
    r->have = 0;
}

long lg_statpipe_read(struct lg_statpipe_reader *r,
                      void (*fn)(const struct lg_record *rec, void *ctx), void *ctx)
{
    ssize_t got;
    do
        got = read(r->fd, r->buf + r->have, sizeof(r->buf) - r->have);
    while (got < 0 && errno == EINTR);
    if (got == 0)
        return -1;
    if (got < 0)
        return errno == EAGAIN ? 0 : -errno;
    r->have += (size_t)got;
    size_t whole = r->have / sizeof(struct lg_record);
    for (size_t i = 0; i < whole; i++) {
        struct lg_record rec;
        memcpy(&rec, r->buf + i * sizeof(rec), sizeof(rec));
        fn(&rec, ctx);
    }
    size_t used = whole * sizeof(struct lg_record);
    memmove(r->buf, r->buf + used, r->have - used);
    r->have -= used;
    return (long)whole;
}

long lg_statpipe_backlog(const struct lg_statpipe_reader *r)
{
    int n = 0;
    if (ioctl(r->fd, FIONREAD, &n) < 0)
        return -1;
    return n;
}
