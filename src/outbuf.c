/* outbuf.c -- a large output buffer in front of a stdio stream (see
 * outbuf.h). The hot path, lg_outbuf_room, is inline in the header; what
 * is here runs once per chunk or per rare line. */
#include "outbuf.h"

#include <stdarg.h>
#include <stdlib.h>

#include "mem.h"

void lg_outbuf_init(struct lg_outbuf *b, FILE *f, size_t cap)
{
    b->f = f;
    b->cap = cap;
    b->len = 0;
    b->failed = 0;
    b->buf = lg_malloc(cap);
}

void lg_outbuf_free(struct lg_outbuf *b)
{
    lg_outbuf_flush(b);
    free(b->buf);
    b->buf = NULL;
    b->cap = 0;
}

void lg_outbuf_flush(struct lg_outbuf *b)
{
    if (b->len && b->f && fwrite(b->buf, 1, b->len, b->f) != b->len)
        b->failed = 1;
    b->len = 0;
}

void lg_outbuf_sync(struct lg_outbuf *b)
{
    lg_outbuf_flush(b);
    if (b->f && fflush(b->f) != 0)
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
