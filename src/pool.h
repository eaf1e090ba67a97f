/* pool.h -- the worker processes: fork, reap, signal; the pid table.
 *
 * Every child asks the kernel to SIGKILL it when the parent dies
 * (PR_SET_PDEATHSIG), so no worker outlives the run, whatever happens to
 * the parent. The pool only ever signals the pids it forked, and the
 * process group of the run.
 *
 * That group holds every process of the run but logen itself: the
 * children, and whatever they start (a CUT's os.execute('sleep 100 &')).
 * Its leader is a guard process, detached from logen, that does nothing
 * but wait on a pipe from logen: when logen ends, however it ends (kill -9
 * included), the pipe closes and the guard kills the whole group. A normal
 * end kills it at once (lg_pool_free). A process that leaves the group on
 * purpose (setsid, setpgid) escapes it; a CUT has no reason to. */
#ifndef LG_POOL_H
#define LG_POOL_H

#include <sys/types.h>

struct lg_pool;

/* A new, empty pool and its guard (abort on OOM). Returns NULL with errno
 * set when the guard cannot be started. lg_pool_free kills what is left of
 * the run's process group (the children should have been reaped first)
 * and releases the pool. */
struct lg_pool *lg_pool_new(void);
void lg_pool_free(struct lg_pool *p);

/* Forks a child that runs fn(ctx) and exits with its return value. `worker`
 * is the caller's tag for the child. Returns the child's pid, or a negative
 * errno when fork failed. */
pid_t lg_pool_spawn(struct lg_pool *p, int worker, int (*fn)(void *ctx), void *ctx);

/* Reaps one ended child without blocking: returns its pid and fills *worker
 * and *status (as waitpid), or 0 when none has ended. */
pid_t lg_pool_reap(struct lg_pool *p, int *worker, int *status);

/* Sends sig to every live child; returns how many were signalled. */
int lg_pool_signal(struct lg_pool *p, int sig);

/* Sends sig to the live child tagged `worker`; 0, or -1 if it is not live. */
int lg_pool_signal_one(struct lg_pool *p, int worker, int sig);

/* Live children. */
int lg_pool_alive(const struct lg_pool *p);

#endif
