/* proclimits.h -- how many processes a run may start, checked before any
 * starts: what the record format can tell apart (LG_CLI_WORKERS_MAX) and
 * what this machine allows now: RLIMIT_NPROC less the tasks the user
 * already runs (not enforced for root or CAP_SYS_RESOURCE/CAP_SYS_ADMIN),
 * the kernel's pid_max and threads-max less the tasks alive, and
 * MemAvailable at LG_PROCLIMITS_WORKER_BYTES a worker; under cgroup v2,
 * also pids.max and memory.max less their use (memory less its page
 * cache), the least over the cgroup and its ancestors (cgroup v1 is not
 * read). A figure that cannot
 * be read stays unknown and bounds nothing. It forks nothing. (Not
 * limits.h: the tests' -Isrc would hide the system's <limits.h>.) */
#ifndef LG_PROCLIMITS_H
#define LG_PROCLIMITS_H

#include <stddef.h>

/* Memory one worker costs, a floor: a Dummy worker measured about 250 KiB
 * private (smaps_rollup) when idle and about 500 KiB after a busy run
 * (JIT traces, GC heap), and MemAvailable fell by 330-450 KiB a worker
 * with 500 and 1000 workers alive (page tables and kernel stacks
 * included). A CUT holding more (curl, TLS) reaches memory sooner. */
#define LG_PROCLIMITS_WORKER_BYTES (512L * 1024)

struct lg_proclimits {
    long nproc;           /* RLIMIT_NPROC, -1: unlimited or not enforced */
    long nproc_used;      /* tasks (threads) of the real user, alive now */
    long pid_max;         /* /proc/sys/kernel/pid_max, -1: unknown */
    long threads_max;     /* /proc/sys/kernel/threads-max, -1: unknown */
    long tasks;           /* tasks alive on the system (/proc/loadavg) */
    long long mem_bytes;  /* MemAvailable, bytes, -1: unknown */
    long cg_pids;         /* cgroup v2: tasks pids.max leaves room for, -1: no limit */
    long long cg_mem_bytes; /* cgroup v2: memory.max less use (page cache not counted), -1: none */
};

/* Reads the machine's figures now. */
void lg_proclimits_read(struct lg_proclimits *m);

/* Fills m's cgroup figures from the cgroup v2 tree mounted at root, for
 * the cgroup at path ("/a/b") and its ancestors. */
void lg_proclimits_cgroup(struct lg_proclimits *m, const char *root, const char *path);

/* Checks that n more processes fit both the record format and m. `what`
 * names them in the message ("--process 5000"). Pure. Returns 0, or -1
 * with one line in err (no "logen: " prefix): "WHAT: more than ...",
 * naming the limit and its figures. */
int lg_proclimits_check(const struct lg_proclimits *m, long n, const char *what, char *err,
                        size_t errlen);

#endif
