/* jobq.h -- the open model's job queue: a pipe of fixed-size jobs from the
 * generator to the workers.
 *
 * A job is 32 bytes; every write is a whole number of jobs of at most
 * PIPE_BUF bytes and every read takes exactly one job. Linux holds the pipe
 * lock for a whole read, so with several readers each gets whole jobs. The
 * queue ends when the generator, the only writer, exits: idle workers then
 * read end-of-file and stop by themselves. Its depth (unread bytes / 32) is
 * what the controller watches. */
#ifndef LG_JOBQ_H
#define LG_JOBQ_H

#include <stdint.h>

struct lg_job {
    uint64_t seq;          /* event number in the schedule */
    int64_t intended_ns;   /* when the schedule wanted it (run clock) */
    int64_t dispatched_ns; /* when the generator queued it */
    uint32_t phase;        /* its phase */
    uint32_t spare;
};

_Static_assert(sizeof(struct lg_job) == 32, "a job is 32 bytes");

/* Opens the queue: fds[0] blocking read end, fds[1] blocking write end, both
 * close-on-exec, as large as the system allows. Returns 0 or -errno. */
int lg_jobq_open(int fds[2]);

/* Writes n jobs (in atomic chunks); blocks while the queue is full. Returns
 * 0, or -errno (-EINTR when a signal interrupted a blocked write). */
int lg_jobq_put(int fd, const struct lg_job *jobs, int n);

/* Takes one job; blocks while the queue is empty. Returns 1, 0 at the end of
 * the queue, -EINTR when a signal came first, or another -errno. */
int lg_jobq_take(int fd, struct lg_job *job);

/* Jobs waiting in the queue, or -1. */
long lg_jobq_depth(int fd);

#endif
