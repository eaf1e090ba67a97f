/* errout.c -- the parent's stderr that never holds up a stop (errout.h). */
#include "errout.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#define NEVER INT64_MAX

int lg_errout_open(void)
{
    struct stat st;
    if (fstat(STDERR_FILENO, &st) < 0 ||
        (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) && !S_ISCHR(st.st_mode)))
        return -1;
    return open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
}

void lg_errout_signals(const struct lg_errout *e)
{
    struct signalfd_siginfo si;
    while (read(e->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD)
            continue;
        if (*e->stop_ns)
            *e->stop_ns = 1; /* asked again: give up now */
        else
            *e->stop_ns = lg_clock_now();
        if (!*e->interrupted)
            *e->interrupted = (int)si.ssi_signo;
    }
}

lg_ns_t lg_errout_give_up(const struct lg_errout *e)
{
    return *e->stop_ns ? *e->stop_ns + e->grace_ns : NEVER;
}

/* The stream's write function: what is not written by the time the wait
 * gives up is dropped, not retried. */
static ssize_t stream_write(void *cookie, const char *s, size_t n)
{
    const struct lg_errout *e = cookie;
    struct pollfd pf[2] = { { .fd = e->fd, .events = POLLOUT }, { .fd = e->sfd, .events = POLLIN } };
    size_t left = n;
    while (left > 0) {
        ssize_t w = write(e->fd, s, left);
        if (w > 0) {
            s += w;
            left -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        lg_ns_t now = lg_clock_now(), give_up = lg_errout_give_up(e);
        if ((w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || now >= give_up)
            break;
        if (poll(pf, 2, lg_clock_poll_ms(now, give_up)) < 0 && errno != EINTR)
            break;
        if (pf[1].revents)
            lg_errout_signals(e);
    }
    return (ssize_t)n;
}

FILE *lg_errout_stream(struct lg_errout *e)
{
    FILE *f = fopencookie(e, "w", (cookie_io_functions_t){ .write = stream_write });
    if (f)
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}
