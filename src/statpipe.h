/* statpipe.h -- the stats pipe: workers write batches of whole records, the
 * collector reads them back.
 *
 * Relies on POSIX's guarantee that a write of at most PIPE_BUF bytes to a
 * pipe is atomic: a batch is at most LG_BATCH_RECORDS records, so batches of
 * concurrent writers never interleave and a record is never split between
 * writers. The write end is non-blocking: a full pipe makes the writer wait
 * in poll(2) (the collector is behind; nothing is dropped) and the time spent
 * waiting is counted. A signal handler may flush (lg_statpipe_flush_async)
 * when the main line is not touching the batch. */
#ifndef LG_STATPIPE_H
#define LG_STATPIPE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "record.h"

#define LG_BATCH_RECORDS (PIPE_BUF / sizeof(struct lg_record))
#define LG_FLUSH_NS (100 * 1000 * 1000LL) /* oldest record waits at most this */

struct lg_statpipe_writer {
    int fd;                       /* non-blocking write end */
    uint16_t worker;              /* stamped on every record */
    int32_t pid;
    uint32_t seq;                 /* next sequence number */
    uint64_t sent;                /* records written so far */
    lg_ns_t wait_ns;              /* time blocked on a full pipe */
    lg_ns_t first_ns;             /* when the oldest pending record was added */
    volatile sig_atomic_t n;      /* records pending in batch */
    volatile sig_atomic_t busy;   /* main line is changing the batch */
    volatile sig_atomic_t due;    /* an async flush found the batch busy */
    struct lg_record batch[LG_BATCH_RECORDS];
};

/* Sets up w on the (already non-blocking) write end fd. */
void lg_statpipe_writer_init(struct lg_statpipe_writer *w, int fd, int worker, int pid);

/* Returns the next free slot of the batch, zeroed but for the header fields
 * (type, worker, pid, seq), flushing first if the batch is full. The caller
 * fills it and calls lg_statpipe_commit. Never fails: the processes that
 * write ignore SIGPIPE, so a broken pipe (the collector died) drops the
 * pending records, and lg_statpipe_flush's -EPIPE tells the caller to stop. */
struct lg_record *lg_statpipe_slot(struct lg_statpipe_writer *w, int type);

/* Makes the slot part of the batch; flushes when it is full or when the
 * oldest pending record is LG_FLUSH_NS old. */
void lg_statpipe_commit(struct lg_statpipe_writer *w, lg_ns_t now);

/* Writes every pending record, waiting while the pipe is full. Returns 0, or
 * a negative errno when the pipe is gone. */
int lg_statpipe_flush(struct lg_statpipe_writer *w);

/* From a signal handler: writes the batch if the main line is not changing
 * it and the pipe has room; never blocks. Async-signal-safe. */
void lg_statpipe_flush_async(struct lg_statpipe_writer *w);

/* Reader side: buffers partial reads so callers only see whole records. */
struct lg_statpipe_reader {
    int fd;                       /* non-blocking read end */
    size_t have;                  /* bytes buffered */
    unsigned char buf[64 * PIPE_BUF];
};

void lg_statpipe_reader_init(struct lg_statpipe_reader *r, int fd);

/* Reads what is available and calls fn for each whole record. Returns the
 * number of records delivered (0 when nothing was there), -1 at end of file,
 * or a negative errno. */
long lg_statpipe_read(struct lg_statpipe_reader *r,
                      void (*fn)(const struct lg_record *rec, void *ctx), void *ctx);

/* Bytes waiting unread in the pipe (FIONREAD), or -1. */
long lg_statpipe_backlog(const struct lg_statpipe_reader *r);

#endif
