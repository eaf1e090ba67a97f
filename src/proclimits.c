/* proclimits.c -- see proclimits.h. The figures come from getrlimit,
 * /proc/sys, /proc/loadavg (its fourth field counts every task alive),
 * /proc/meminfo and, when RLIMIT_NPROC binds, one pass over
 * /proc/PID/status to count the user's tasks as the kernel does (by real
 * uid, threads included). */
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

void lg_proclimits_read(struct lg_proclimits *m)
{
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
    if (m->mem_bytes >= 0 && (long long)n > m->mem_bytes / LG_PROCLIMITS_WORKER_BYTES) {
        snprintf(err, errlen, "%s%s %lld MiB of memory is available (MemAvailable) and a "
                 "worker takes at least %ld KiB", what, head, m->mem_bytes >> 20,
                 LG_PROCLIMITS_WORKER_BYTES / 1024);
        return -1;
    }
    return 0;
}
