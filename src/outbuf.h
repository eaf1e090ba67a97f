/* outbuf.h -- a large output buffer in front of a stdio stream.
 *
 * Event lines come hundreds of thousands a second; they are formatted in
 * place into this buffer and written with one fwrite per chunk. A writer
 * asks for room for one line (lg_outbuf_room: at least LG_REPORT_LINE_MAX
 * bytes, flushing first when less is left), writes at most that much there
 * and adds what it wrote to `len`. A failed write is remembered, never
 * retried. Knows nothing of what the lines say. */
#ifndef LG_OUTBUF_H
#define LG_OUTBUF_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

struct lg_outbuf {
    FILE *f;                     /* borrowed; NULL discards */
    char *buf;                   /* owned */
    size_t len, cap;             /* bytes held, bytes allocated */
    int failed;                  /* a write (or an fflush) failed */
};

/* A buffer of `cap` bytes (more than LG_REPORT_LINE_MAX) in front of f;
 * aborts on OOM. lg_outbuf_free flushes it first. */
void lg_outbuf_init(struct lg_outbuf *b, FILE *f, size_t cap);
void lg_outbuf_free(struct lg_outbuf *b);

/* Writes what is held to the stream (no fflush). */
void lg_outbuf_flush(struct lg_outbuf *b);
/* lg_outbuf_flush, then fflush of the stream; a failure sets `failed`. */
void lg_outbuf_sync(struct lg_outbuf *b);

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
