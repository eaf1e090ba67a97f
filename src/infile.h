/* infile.h -- the input files logen reads whole: the --defaults file and
 * scenario files. Only regular files are read (a FIFO, a terminal or
 * /dev/zero would block or never end), and at most LG_INFILE_MAX_BYTES.
 * Also tells whether two paths name one file (device and inode), so that
 * --output never truncates an input. It does not read CUT files: Lua
 * loads those. */
#ifndef LG_INFILE_H
#define LG_INFILE_H

#include <stddef.h>

#define LG_INFILE_MAX_BYTES (1 << 20) /* a scenario or a profile is a few lines */
#define LG_INFILE_MAX_TEXT "1 MiB"

/* Reads the regular file at path into a heap buffer, NUL-terminated (free
 * it); *len excludes that NUL and counts any NUL inside. Returns 0, or -1
 * with errno set (ENOENT when missing) and the reason in why ("not a
 * regular file (a FIFO)", "larger than 1 MiB", or strerror's text). */
int lg_infile_read(const char *path, char **text, size_t *len, char *why, size_t whylen);

/* 1 when paths a and b both exist and are one file (same device and
 * inode, whatever the names and links), else 0. */
int lg_infile_same(const char *a, const char *b);

#endif
