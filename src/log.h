/* log.h -- the one logging entry point: lines to stderr, honouring -v.
 *
 * Levels follow Pylogen's -v count: 0 error, 1 warning, 2 info, 3 debug,
 * 4 trace. A negative level -L is written at every verbosity and labelled
 * as L: LG_LOG_ALWAYS(LG_LOG_WARN) is a warning no -v count may hide (TLS
 * verification off, a key file others can read). A line is written with one
 * write(2) (atomic up to PIPE_BUF), so lines of concurrent processes never
 * interleave. */
#ifndef LG_LOG_H
#define LG_LOG_H

#include <stddef.h>

enum lg_log_level { LG_LOG_ERROR, LG_LOG_WARN, LG_LOG_INFO, LG_LOG_DEBUG, LG_LOG_TRACE };

#define LG_LOG_ALWAYS(level) (-(level))

extern int lg_log_verbosity; /* the run's -v count */

/* Writes "HH:MM:SS.mmm LEVEL [pid] message" when level <= lg_log_verbosity. */
void lg_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same for a message of known length (from Lua). */
void lg_log_raw(int level, const char *msg, size_t len);

/* Where the lines go: 2 (stderr) unless told. The parent, during a run,
 * gives a non-blocking descriptor of its stderr, so that a reader that
 * does not read never holds it up: a line that finds stderr full is then
 * dropped, and counted in lg_log_dropped. A forked child sets 2 back. */
void lg_log_set_fd(int fd);
extern unsigned long lg_log_dropped;

#endif
