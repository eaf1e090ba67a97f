/* test_proclimits.c -- how many processes a run may start (proclimits.h): each
 * limit refuses with its own message, an unknown figure bounds nothing,
 * and this machine's figures read as plausible. */
#include "proclimits.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>

static const struct lg_proclimits roomy = {
    .nproc = -1, .pid_max = 4194304, .threads_max = 1000000, .tasks = 300,
    .mem_bytes = 64LL << 30, .cg_pids = -1, .cg_mem_bytes = -1,
};

static void refused(const struct lg_proclimits *m, long n, const char *want, const char *what)
{
    char err[512] = "";

    is_int(lg_proclimits_check(m, n, "--process X", err, sizeof err), -1, "%s: %ld refused",
           what, n);
    is_str(err, want, "  says: %s", want);
}

static void test_check(void)
{
    struct lg_proclimits m = roomy;
    char err[512] = "";

    is_int(lg_proclimits_check(&m, 65535, "--process 65535", err, sizeof err), 0,
           "65535 fit a roomy machine");
    refused(&m, 65536, "--process X: more than 65535 processes, the most a run can have (a "
            "record tells workers apart in 16 bits)", "the record format");

    m.nproc = 100;
    m.nproc_used = 30;
    is_int(lg_proclimits_check(&m, 70, "--process 70", err, sizeof err), 0,
           "70 fit RLIMIT_NPROC 100 less 30 in use");
    refused(&m, 71, "--process X: more than this machine can start now: RLIMIT_NPROC (ulimit -u) "
            "is 100 and this user runs 30 tasks already", "RLIMIT_NPROC");

    m = roomy;
    m.pid_max = 32768;
    m.tasks = 768;
    is_int(lg_proclimits_check(&m, 32000, "x", err, sizeof err), 0, "32000 fit pid_max 32768");
    refused(&m, 32001, "--process X: more than this machine can start now: "
            "/proc/sys/kernel/pid_max is 32768 and 768 tasks are alive", "pid_max");

    m = roomy;
    m.threads_max = 10300;
    refused(&m, 10001, "--process X: more than this machine can start now: "
            "/proc/sys/kernel/threads-max is 10300 and 300 tasks are alive", "threads-max");

    m = roomy;
    m.mem_bytes = 100LL << 20;
    is_int(lg_proclimits_check(&m, 200, "x", err, sizeof err), 0, "200 workers fit 100 MiB");
    refused(&m, 201, "--process X: more than this machine can start now: 100 MiB of memory is "
            "available (MemAvailable) and a worker takes at least 512 KiB", "memory");

    m = (struct lg_proclimits){ .nproc = -1, .pid_max = -1, .threads_max = -1, .mem_bytes = -1,
                                .cg_pids = -1, .cg_mem_bytes = -1 };
    is_int(lg_proclimits_check(&m, 65535, "x", err, sizeof err), 0,
           "unknown figures bound nothing");
}

/* Writes text to root/rel (its directory made first). */
static void put(const char *root, const char *rel, const char *text)
{
    char path[512], dir[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); *p++ = '/') {
        *p = '\0';
        mkdir(dir, 0700);
    }
    if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

/* A cgroup v2 tree in a temporary directory: the least room over the
 * cgroup and its ancestors binds; "max" is no limit; page cache is free. */
static void test_cgroup(void)
{
    char root[] = "/tmp/lg_test_cgroup_XXXXXX", cmd[600], err[512] = "";
    struct lg_proclimits m = roomy;

    if (!mkdtemp(root))
        abort();
    put(root, "a/pids.max", "500\n");
    put(root, "a/pids.current", "480\n");
    put(root, "a/b/pids.max", "max\n");
    put(root, "a/b/pids.current", "3\n");
    put(root, "a/memory.max", "max\n");
    put(root, "a/memory.current", "1000\n");
    put(root, "a/b/memory.max", "104857600\n");
    put(root, "a/b/memory.current", "62914560\n");
    put(root, "a/b/memory.stat", "anon 10485760\nfile 41943040\nfile_mapped 1\n");
    lg_proclimits_cgroup(&m, root, "/a/b");
    is_int(m.cg_pids, 20, "pids: the parent's 500 less 480 binds the child");
    is_int(m.cg_mem_bytes, 104857600 - (62914560 - 41943040),
           "memory: max less use, less page cache");
    refused(&m, 21, "--process X: more than this machine can start now: its cgroup's pids.max "
            "leaves room for 20 more tasks", "pids.max");
    m.cg_pids = -1;
    is_int(lg_proclimits_check(&m, 160, "x", err, sizeof err), 0, "160 workers fit 80 MiB");
    refused(&m, 161, "--process X: more than this machine can start now: its cgroup's "
            "memory.max leaves 80 MiB and a worker takes at least 512 KiB", "memory.max");
    lg_proclimits_cgroup(&m, root, "/nowhere");
    is_int(m.cg_pids, -1, "no cgroup files: no pids limit");
    is_int(m.cg_mem_bytes, -1, "  and no memory limit");
    snprintf(cmd, sizeof cmd, "rm -r %s", root);
    if (system(cmd) != 0)
        abort();
}

static void test_read(void)
{
    struct lg_proclimits m;

    lg_proclimits_read(&m);
    ok(m.pid_max > 300, "pid_max read: %ld", m.pid_max);
    ok(m.threads_max > 0, "threads-max read: %ld", m.threads_max);
    ok(m.tasks > 0 && m.tasks < m.threads_max, "tasks alive read: %ld", m.tasks);
    ok(m.mem_bytes > 0, "MemAvailable read: %lld MiB", m.mem_bytes >> 20);
    ok(m.nproc == -1 || m.nproc_used > 0, "RLIMIT_NPROC %ld, %ld tasks of this user", m.nproc,
       m.nproc_used);
    is_int(lg_proclimits_check(&m, 1, "--process 1", (char[256]){ 0 }, 256), 0,
           "one worker fits this machine");
}

int main(void)
{
    test_check();
    test_cgroup();
    test_read();
    return done_testing();
}
