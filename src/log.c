/* log.c -- see log.h. Under the progress line of a terminal (progress.h),
 * a line erases it first, and the parent redraws it after. */
#include "log.h"
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int lg_log_verbosity;
unsigned long lg_log_dropped;
static int log_fd = 2;

void lg_log_set_fd(int fd)
{
    log_fd = fd >= 0 ? fd : 2;
}

static const char *const level_names[] = { "ERROR", "WARN", "INFO", "DEBUG", "TRACE" };

void lg_log_raw(int level, const char *msg, size_t len)
{
    if (level > lg_log_verbosity)
        return;
    char line[4096];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    /* under a progress line, even a worker's line erases it (one write) */
    int n = snprintf(line, sizeof(line), "%s%02d:%02d:%02d.%03ld %s [%d] ",
                     lg_progress_active() ? LG_PROGRESS_ERASE : "", tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (long)tv.tv_usec / 1000,
                     level_names[level < 0 ? (level < -4 ? 4 : -level) : level > 4 ? 4 : level],
                     (int)getpid());
    size_t room = sizeof(line) - (size_t)n - 1;
    if (len > room)
        len = room;
    memcpy(line + n, msg, len);
    line[(size_t)n + len] = '\n';
    lg_progress_before(log_fd);
    ssize_t w = write(log_fd, line, (size_t)n + len + 1);
    if (w < (ssize_t)((size_t)n + len + 1))
        lg_log_dropped++; /* stderr full (non-blocking) or gone: nothing else to do */
    lg_progress_after(log_fd, 1);
}

void lg_log(int level, const char *fmt, ...)
{
    if (level > lg_log_verbosity)
        return;
    char msg[3072];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    lg_log_raw(level, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
}
