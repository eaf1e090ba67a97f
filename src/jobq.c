/* jobq.c -- see jobq.h. */
#include "jobq.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define JOBS_PER_WRITE ((int)(PIPE_BUF / sizeof(struct lg_job)))

/* The largest pipe an unprivileged process may ask for. */
static int jobq_max_size(void)
{
    int size = 1 << 20;
    FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
    if (f) {
        if (fscanf(f, "%d", &size) != 1)
            size = 1 << 20;
        fclose(f);
    }
    return size;
}

int lg_jobq_open(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -errno;
    fcntl(fds[1], F_SETPIPE_SZ, jobq_max_size()); /* best effort */
    return 0;
}

int lg_jobq_put(int fd, const struct lg_job *jobs, int n)
{
    while (n > 0) {
        int k = n < JOBS_PER_WRITE ? n : JOBS_PER_WRITE;
        ssize_t w = write(fd, jobs, (size_t)k * sizeof(*jobs));
        if (w < 0)
            return -errno;
        /* a blocking write of <= PIPE_BUF bytes is whole */
        jobs += k;
        n -= k;
    }
    return 0;
}

int lg_jobq_take(int fd, struct lg_job *job)
{
    ssize_t r = read(fd, job, sizeof(*job));
    if (r == (ssize_t)sizeof(*job))
        return 1;
    if (r == 0)
        return 0;
    return r < 0 ? -errno : -EIO;
}

long lg_jobq_depth(int fd)
{
    int n = 0;
    if (ioctl(fd, FIONREAD, &n) < 0)
        return -1;
    return n / (long)sizeof(struct lg_job);
}
