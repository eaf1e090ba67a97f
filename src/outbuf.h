/* outbuf.h -- a large output buffer in front of a stdio stream, or in
 * front of a non-blocking descriptor.
 *
 * Event lines come hundreds of thousands a second; they are formatted in
 * place into this buffer and written with one fwrite per chunk. A writer
 * asks for room for one line (lg_outbuf_room: at least LG_REPORT_LINE_MAX
 * bytes, flushing first when less is left), writes at most that much there
 * and adds what it wrote to `len`. A failed write is remembered, never
 * retried.
 *
 * Non-blocking mode (lg_outbuf_nonblock), for a pipe, socket or terminal
 * whose reader may stop reading: the bytes go out with write(2) on a
 * descriptor that never blocks, and what it does not take stays held,
 * growing the buffer up to a bound; the caller polls the descriptor for
 * POLLOUT and calls lg_outbuf_flush again. Past the bound, or once the
 * caller gives up (lg_outbuf_abandon), held bytes are dropped and their
 * lines counted in `lost_lines`, never silently. Knows nothing of what the
 * lines say. */
#ifndef LG_OUTBUF_H
#define LG_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

struct lg_outbuf {
    FILE *f;                     /* borrowed; NULL discards */
    char *buf;                   /* owned */
    size_t len, cap;             /* bytes held, bytes allocated */
    int failed;                  /* a write (or an fflush) failed, or lines were dropped */
    /* non-blocking mode only */
    int fd;                      /* written with write(2); -1: through f */
    size_t max;                  /* most bytes held while fd takes none */
    int own_fd;                  /* fd is a private reopening: closed by lg_outbuf_free */
    int restore_fl;              /* fd's file status flags to put back; -1: none */
    int abandoned;               /* given up: every line is dropped, counted */
    uint64_t lost_lines;         /* lines dropped, never written */
};

/* A buffer of `cap` bytes (more than LG_REPORT_LINE_MAX) in front of f;
 * aborts on OOM. lg_outbuf_free flushes it first (in non-blocking mode,
 * what the descriptor does not take then is dropped). */
void lg_outbuf_init(struct lg_outbuf *b, FILE *f, size_t cap);
void lg_outbuf_free(struct lg_outbuf *b);

/* Switches b to non-blocking writes when its stream is a pipe, a socket or
 * a terminal (a regular file or no stream: nothing changes), holding at
 * most `max` bytes. The descriptor is reopened through /proc/self/fd, so
 * O_NONBLOCK stays on a file description of our own; when that fails (a
 * socket), O_NONBLOCK is set on the shared description, which other
 * processes holding it see too, and put back by lg_outbuf_free. Returns
 * the descriptor to poll, or -1 when b stays in stdio mode. */
int lg_outbuf_nonblock(struct lg_outbuf *b, size_t max);

/* Writes what is held to the stream (no fflush); in non-blocking mode,
 * what the descriptor takes now, keeping the rest. */
void lg_outbuf_flush(struct lg_outbuf *b);
/* lg_outbuf_flush, then fflush of the stream; a failure sets `failed`. */
void lg_outbuf_sync(struct lg_outbuf *b);

/* Non-blocking mode: drops what is held and all that comes later, counting
 * the lines in lost_lines; sets `failed`. */
void lg_outbuf_abandon(struct lg_outbuf *b);

/* Bytes held, not yet written. */
static inline size_t lg_outbuf_pending(const struct lg_outbuf *b)
{
    return b->len;
}

/* Room for one more line of any format, at the end of what is held. */
static inline char *lg_outbuf_room(struct lg_outbuf *b)
{
    if (b->cap - b->len < LG_REPORT_LINE_MAX)
        lg_outbuf_flush(b);
    return b->buf + b->len;
}

/* printf into the buffer; a line longer than the room left is cut. For
 * the rare lines (errors of the collector, summaries), not event lines. */
__attribute__((format(printf, 2, 3))) void lg_outbuf_printf(struct lg_outbuf *b,
                                                           const char *fmt, ...);

#endif
