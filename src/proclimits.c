/* proclimits.c -- see proclimits.h. The figures come from getrlimit,
 * /proc/sys, /proc/loadavg (its fourth field counts every task alive),
 * /proc/meminfo, the cgroup v2 files of this process's cgroup and its
 * ancestors (/proc/self/cgroup's "0::" line) and, when RLIMIT_NPROC binds,
 * one pass over /proc/PID/status to count the user's tasks as the kernel
 * does (by real uid, threads included). */
#include "proclimits.h"

#include "cli.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_RESOURCE_BIT 24

/* The number after `key` on a line of file path, or -1. */
static long long proc_field(const char *path, const char *key)
{
    char line[256];
    long long v = -1;
    size_t klen = strlen(key);
    FILE *f = fopen(path, "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0) {
            if (sscanf(line + klen, " %lld", &v) != 1)
                v = -1;
            break;
        }
    fclose(f);
    return v;
}

/* The kernel lets root, CAP_SYS_RESOURCE and CAP_SYS_ADMIN pass
 * RLIMIT_NPROC. */
static int nproc_exempt(void)
{
    char line[256];
    unsigned long long caps = 0;
    FILE *f;

    if (getuid() == 0 || !(f = fopen("/proc/self/status", "r")))
        return getuid() == 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "CapEff: %llx", &caps) == 1)
            break;
    fclose(f);
    return (caps >> CAP_SYS_ADMIN_BIT & 1) || (caps >> CAP_SYS_RESOURCE_BIT & 1);
}

/* Tasks (threads) whose real uid is ours, as RLIMIT_NPROC counts them. */
static long user_tasks(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    long n = 0;
    uid_t me = getuid();

    while (d && (e = readdir(d))) {
        char path[300], line[128];
        long uid = -1, threads = 0;
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "Uid: %ld", &uid) != 1)
                sscanf(line, "Threads: %ld", &threads);
        if (f)
            fclose(f);
        if (uid == (long)me)
            n += threads > 0 ? threads : 1;
    }
    if (d)
        closedir(d);
    return n;
}

/* The number in file dir/name, or -1 ("max", missing, unreadable). */
static long long cgroup_value(const char *dir, const char *name)
{
    char path[4400];
    long long v = -1;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(f = fopen(path, "r")))
        return -1;
    if (fscanf(f, "%lld", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

/* What cgroup dir uses of `current`; for memory, less its page cache
 * (memory.stat "file"), which the kernel reclaims before it refuses. */
static long long cgroup_used(const char *dir, const char *current)
{
    char path[4400];
    long long cur = cgroup_value(dir, current), file;

    if (cur < 0 || strcmp(current, "memory.current") != 0)
        return cur;
    snprintf(path, sizeof path, "%s/memory.stat", dir);
    file = proc_field(path, "file ");
    return file > 0 ? (cur > file ? cur - file : 0) : cur;
}

/* The least room (limit less use) of cgroup root/path and of each of
 * its ancestors, whose limits bind it too; -1 when none sets a limit. */
static long long cgroup_room(const char *root, const char *path, const char *limit,
                             const char *current)
{
    char dir[4096];
    size_t rootlen = strlen(root);
    long long best = -1;

    snprintf(dir, sizeof dir, "%s%s", root, path);
    for (char *slash;; *slash = '\0') {
        long long max = cgroup_value(dir, limit), cur = cgroup_used(dir, current);
        if (max >= 0 && cur >= 0 && (best < 0 || max - cur < best))
            best = max > cur ? max - cur : 0;
        if (!(slash = strrchr(dir + rootlen, '/')))
            break;
    }
    return best;
}

/* See proclimits.h. */
void lg_proclimits_cgroup(struct lg_proclimits *m, const char *root, const char *path)
{
    m->cg_pids = cgroup_room(root, path, "pids.max", "pids.current");
    m->cg_mem_bytes = cgroup_room(root, path, "memory.max", "memory.current");
}

/* This process's cgroup v2 path ("0::/a/b" in /proc/self/cgroup), or "". */
static void cgroup_path(char *path, size_t len)
{
    char line[4096];
    FILE *f = fopen("/proc/self/cgroup", "r");

    path[0] = '\0';
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(path, len, "%s", line + 3);
            break;
        }
    if (f)
        fclose(f);
}

void lg_proclimits_read(struct lg_proclimits *m)
{
    char cgroup[4096];
    struct rlimit rl;
    long long running, total;
    FILE *f;

    memset(m, 0, sizeof *m);
    m->nproc = -1;
    if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && !nproc_exempt()) {
        m->nproc = rl.rlim_cur > (rlim_t)1 << 40 ? 1L << 40 : (long)rl.rlim_cur;
        m->nproc_used = user_tasks();
    }
    m->pid_max = (long)proc_field("/proc/sys/kernel/pid_max", "");
    m->threads_max = (long)proc_field("/proc/sys/kernel/threads-max", "");
    if ((f = fopen("/proc/loadavg", "r"))) {
        if (fscanf(f, "%*s %*s %*s %lld/%lld", &running, &total) == 2)
            m->tasks = (long)total;
        fclose(f);
    }
    long long kb = proc_field("/proc/meminfo", "MemAvailable:");
    m->mem_bytes = kb < 0 ? -1 : kb * 1024;
    m->cg_pids = m->cg_mem_bytes = -1;
    cgroup_path(cgroup, sizeof cgroup);
    if (cgroup[0] == '/')
        lg_proclimits_cgroup(m, "/sys/fs/cgroup", cgroup);
}

int lg_proclimits_check(const struct lg_proclimits *m, long n, const char *what, char *err,
                        size_t errlen)
{
    const char *head = ": more than this machine can start now:";

    if (n > LG_CLI_WORKERS_MAX) {
        snprintf(err, errlen, "%s: more than %d processes, the most a run can have (a record "
                 "tells workers apart in 16 bits)", what, LG_CLI_WORKERS_MAX);
        return -1;
    }
    if (m->nproc >= 0 && n > m->nproc - m->nproc_used) {
        snprintf(err, errlen, "%s%s RLIMIT_NPROC (ulimit -u) is %ld and this user runs %ld "
                 "tasks already", what, head, m->nproc, m->nproc_used);
        return -1;
    }
    if (m->pid_max > 0 && n > m->pid_max - m->tasks) {
        snprintf(err, errlen, "%s%s /proc/sys/kernel/pid_max is %ld and %ld tasks are alive",
                 what, head, m->pid_max, m->tasks);
        return -1;
    }
    if (m->threads_max > 0 && n > m->threads_max - m->tasks) {
        snprintf(err, errlen, "%s%s /proc/sys/kernel/threads-max is %ld and %ld tasks are "
                 "alive", what, head, m->threads_max, m->tasks);
        return -1;
    }
    if (m->cg_pids >= 0 && n > m->cg_pids) {
        snprintf(err, errlen, "%s%s its cgroup's pids.max leaves room for %ld more tasks", what,
                 head, m->cg_pids);
        return -1;
    }
    if (m->mem_bytes >= 0 && (long long)n > m->mem_bytes / LG_PROCLIMITS_WORKER_BYTES) {
        snprintf(err, errlen, "%s%s %lld MiB of memory is available (MemAvailable) and a "
                 "worker takes at least %ld KiB", what, head, m->mem_bytes >> 20,
                 LG_PROCLIMITS_WORKER_BYTES / 1024);
        return -1;
    }
    if (m->cg_mem_bytes >= 0 && (long long)n > m->cg_mem_bytes / LG_PROCLIMITS_WORKER_BYTES) {
        snprintf(err, errlen, "%s%s its cgroup's memory.max leaves %lld MiB and a worker takes "
                 "at least %ld KiB", what, head, m->cg_mem_bytes >> 20,
                 LG_PROCLIMITS_WORKER_BYTES / 1024);
        return -1;
    }
    return 0;
}
