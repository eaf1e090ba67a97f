/* test_statpipe.c -- record batching on the stats pipe: batch sizes and
 * flush rules, whole records across partial reads, concurrent writers that
 * never interleave, waiting (not dropping) on a full pipe, and the signal
 * handler's flush backing off while the batch is being changed. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "statpipe.h"
#include "tap.h"

static int pipe_open(int fds[2])
{
    if (pipe2(fds, O_NONBLOCK) < 0)
        abort();
    return 0;
}

/* Bytes waiting in the pipe. */
static long pending(int fd)
{
    struct lg_statpipe_reader r = { .fd = fd };
    return lg_statpipe_backlog(&r);
}

static void add(struct lg_statpipe_writer *w, uint64_t op, lg_ns_t now)
{
    struct lg_record *rec = lg_statpipe_slot(w, LG_REC_REQ);
    rec->u.ev.opcount = op;
    lg_statpipe_commit(w, now);
}

static void test_batching(void)
{
    int fds[2];
    struct lg_statpipe_writer w;
    pipe_open(fds);
    lg_statpipe_writer_init(&w, fds[1], 7, 1234);
    is_int(LG_BATCH_RECORDS * sizeof(struct lg_record), PIPE_BUF, "a full batch is exactly PIPE_BUF bytes");
    for (uint64_t i = 0; i < LG_BATCH_RECORDS - 1; i++)
        add(&w, i, 1000);
    is_int(pending(fds[0]), 0, "records wait in the batch until it is full");
    add(&w, 99, 1000);
    is_int(pending(fds[0]), PIPE_BUF, "the full batch is written in one write");
    is_int(w.n, 0, "  and the batch is empty again");
    add(&w, 100, 1000);
    add(&w, 101, 1000 + LG_FLUSH_NS - 1);
    is_int(pending(fds[0]), PIPE_BUF, "a young batch stays");
    add(&w, 102, 1000 + LG_FLUSH_NS);
    is_int(pending(fds[0]), PIPE_BUF + 3 * 64, "the oldest record waits at most LG_FLUSH_NS");
    add(&w, 103, 5 * LG_FLUSH_NS);
    is_int(lg_statpipe_flush(&w), 0, "an explicit flush succeeds");
    is_int(pending(fds[0]), PIPE_BUF + 4 * 64, "  and writes what was pending");
    is_int(w.sent, LG_BATCH_RECORDS + 4, "the writer counts what it sent");

    struct lg_record rec;
    ssize_t got = read(fds[0], &rec, sizeof(rec));
    is_int(got, 64, "records are 64 bytes");
    is_int(rec.worker, 7, "a slot is stamped with the worker");
    is_int(rec.pid, 1234, "  its pid");
    is_int(rec.seq, 0, "  and a sequence number from 0");
    is_int(rec.type, LG_REC_REQ, "  and the type asked");
    close(fds[0]);
    close(fds[1]);
}

struct sink {
    uint32_t next_seq[8];
    long records, bad;
};

static void sink_cb(const struct lg_record *rec, void *p)
{
    struct sink *s = p;
    s->records++;
    if (rec->worker >= 8 || rec->seq != s->next_seq[rec->worker] ||
        rec->u.ev.opcount != rec->seq * 3 + rec->worker)
        s->bad++;
    else
        s->next_seq[rec->worker]++;
}

static void test_partial_reads(void)
{
    int fds[2];
    struct lg_statpipe_reader *r = malloc(sizeof(*r));
    struct sink s = { 0 };
    pipe_open(fds);
    lg_statpipe_reader_init(r, fds[0]);
    struct lg_record recs[3];
    memset(recs, 0, sizeof(recs));
    for (int i = 0; i < 3; i++) {
        recs[i].worker = 1;
        recs[i].seq = (uint32_t)i;
        recs[i].u.ev.opcount = (uint64_t)i * 3 + 1;
    }
    const char *bytes = (const char *)recs;
    if (write(fds[1], bytes, 100) != 100)
        abort();
    is_int(lg_statpipe_read(r, sink_cb, &s), 1, "a read of 1.5 records delivers the whole one");
    if (write(fds[1], bytes + 100, 92) != 92)
        abort();
    is_int(lg_statpipe_read(r, sink_cb, &s), 2, "the rest completes the cut record");
    is_int(s.records, 3, "three records in all");
    is_int(s.bad, 0, "none torn, in order");
    is_int(lg_statpipe_read(r, sink_cb, &s), 0, "an empty pipe gives 0");
    close(fds[1]);
    is_int(lg_statpipe_read(r, sink_cb, &s), -1, "end of file gives -1");
    close(fds[0]);
    free(r);
}

/* Four processes write 20,000 records each through a small pipe that a
 * slow reader drains: no record torn, lost or out of order per writer,
 * and the writers report the time they waited. */
static void test_concurrent_writers(void)
{
    enum { WRITERS = 4, PER = 20000 };
    int fds[2], wait_fds[2];
    pipe_open(fds);
    if (pipe(wait_fds) < 0)
        abort();
    fcntl(fds[1], F_SETPIPE_SZ, 4096);
    pid_t pids[WRITERS];
    for (int k = 0; k < WRITERS; k++) {
        pids[k] = fork();
        if (pids[k] == 0) {
            static struct lg_statpipe_writer w;
            close(fds[0]);
            lg_statpipe_writer_init(&w, fds[1], k, getpid());
            for (uint64_t i = 0; i < PER; i++) {
                struct lg_record *rec = lg_statpipe_slot(&w, LG_REC_REQ);
                rec->u.ev.opcount = i * 3 + (uint64_t)k;
                lg_statpipe_commit(&w, lg_clock_now());
            }
            lg_statpipe_flush(&w);
            ssize_t n = write(wait_fds[1], &w.wait_ns, sizeof(w.wait_ns));
            _exit(n == sizeof(w.wait_ns) && w.sent == PER ? 0 : 1);
        }
    }
    close(fds[1]);
    struct lg_statpipe_reader *r = malloc(sizeof(*r));
    struct sink s = { 0 };
    lg_statpipe_reader_init(r, fds[0]);
    for (;;) {
        long n = lg_statpipe_read(r, sink_cb, &s);
        if (n < 0)
            break;
        usleep(n == 0 ? 200 : 50); /* a slow collector */
    }
    int clean = 1;
    for (int k = 0; k < WRITERS; k++) {
        int st;
        waitpid(pids[k], &st, 0);
        clean &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    lg_ns_t waited = 0, one;
    close(wait_fds[1]);
    while (read(wait_fds[0], &one, sizeof(one)) == sizeof(one))
        waited += one;
    ok(clean, "every writer sent all its records");
    is_int(s.records, WRITERS * PER, "the reader got every record");
    is_int(s.bad, 0, "no record torn, lost or out of order");
    ok(waited > 0, "writers waited on the full pipe instead of dropping (%.3f s)", waited / 1e9);
    close(fds[0]);
    close(wait_fds[0]);
    free(r);
}

static void test_async_flush(void)
{
    int fds[2];
    struct lg_statpipe_writer w;
    pipe_open(fds);
    lg_statpipe_writer_init(&w, fds[1], 0, 1);
    add(&w, 1, 10);
    struct lg_record *rec = lg_statpipe_slot(&w, LG_REC_REQ); /* busy now */
    lg_statpipe_flush_async(&w);
    is_int(pending(fds[0]), 0, "the handler's flush backs off while a slot is being filled");
    is_int(w.due, 1, "  and leaves a note");
    rec->u.ev.opcount = 2;
    lg_statpipe_commit(&w, 20);
    is_int(pending(fds[0]), 128, "the commit honours the note and flushes");
    add(&w, 3, 30);
    lg_statpipe_flush_async(&w);
    is_int(pending(fds[0]), 192, "when idle the handler writes the batch");
    is_int(w.sent, 3, "  and counts it");
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_batching();
    test_partial_reads();
    test_concurrent_writers();
    test_async_flush();
    return done_testing();
}
