/* infile.c -- see infile.h. The file is opened O_NONBLOCK, so that opening
 * a FIFO with no writer returns at once, and its type is checked on the
 * open descriptor (fstat), so nothing can swap it in between. */
#include "infile.h"

#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "a FIFO", "a character device"...: what a non-regular file is. Static. */
static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a file";
}

/* Reads fd whole, at most LG_INFILE_MAX_BYTES. Returns 0 or -1, errno set
 * (EFBIG past the bound). */
static int read_all(int fd, char **text, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = lg_malloc(cap + 1);
    ssize_t got;

    while ((got = read(fd, buf + n, cap - n)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || (n += (size_t)got) > LG_INFILE_MAX_BYTES) {
            int saved = got < 0 ? errno : EFBIG;
            free(buf);
            errno = saved;
            return -1;
        }
        if (n == cap)
            buf = lg_realloc(buf, (cap *= 2) + 1);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int lg_infile_read(const char *path, char **text, size_t *len, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), saved;
    struct stat st;

    if (fd < 0 || fstat(fd, &st) < 0) {
        saved = errno;
        snprintf(why, whylen, "%s", strerror(saved));
    } else if (S_ISDIR(st.st_mode)) {
        saved = EISDIR;
        snprintf(why, whylen, "%s", strerror(saved));
    } else if (!S_ISREG(st.st_mode)) {
        saved = EINVAL;
        snprintf(why, whylen, "not a regular file (%s)", file_kind(st.st_mode));
    } else if (read_all(fd, text, len) < 0) {
        saved = errno;
        if (saved == EFBIG)
            snprintf(why, whylen, "larger than %s", LG_INFILE_MAX_TEXT);
        else
            snprintf(why, whylen, "%s", strerror(saved));
    } else {
        close(fd);
        return 0;
    }
    if (fd >= 0)
        close(fd);
    errno = saved;
    return -1;
}

int lg_infile_same(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}
