/* pool.c -- see pool.h. The pid table is a plain array: pools hold tens to
 * a few thousand workers and are scanned only when a child ends or a signal
 * is sent, never per record. */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"

struct lg_child {
    pid_t pid;    /* 0 once reaped */
    int worker;   /* the caller's tag */
};

struct lg_pool {
    struct lg_child *child;
    int n, cap;
    int alive;
    pid_t group;  /* the run's process group: the guard's pid */
    int life_fd;  /* write end of the guard's pipe; only logen holds it */
};

/* The guard (see pool.h): leads the run's group, waits for the end of
 * logen's pipe, then kills the group, itself included. Holds no other
 * descriptor, so it keeps no output or pipe of the run open. Does not
 * return. */
static void pool_guard(int life_fd, int ready_fd)
{
    char c;
    pid_t me = getpid();
    setpgid(0, 0);
    prctl(PR_SET_NAME, "logen-guard");
    signal(SIGINT, SIG_IGN);  /* a terminal's ^C is logen's to handle */
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    if (write(ready_fd, &me, sizeof(me)) != (ssize_t)sizeof(me))
        _exit(1);
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(life_fd, 3) < 0)
        _exit(1);
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    close_range(4, ~0U, 0);
    while (read(3, &c, 1) < 0 && errno == EINTR)
        ;
    kill(0, SIGKILL);
    _exit(0);
}

/* Starts the guard, forked twice so that it is not logen's child: nothing
 * waits for it, and logen's children are its workers only. Returns 0 or -1
 * with errno set. */
static int pool_guard_start(struct lg_pool *p)
{
    int life[2], ready[2], status, err;
    if (pipe2(life, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(ready, O_CLOEXEC) < 0)
        goto fail_life;
    pid_t mid = fork();
    if (mid < 0)
        goto fail_ready;
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0)
            pool_guard(life[0], ready[1]);
        _exit(g < 0);
    }
    close(life[0]);
    close(ready[1]);
    waitpid(mid, &status, 0);
    ssize_t n;
    while ((n = read(ready[0], &p->group, sizeof(p->group))) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    if (n != (ssize_t)sizeof(p->group)) {
        close(life[1]);
        p->group = 0;
        errno = EAGAIN;
        return -1;
    }
    p->life_fd = life[1];
    return 0;
fail_ready:
    err = errno;
    close(ready[0]);
    close(ready[1]);
    errno = err;
fail_life:
    err = errno;
    close(life[0]);
    close(life[1]);
    errno = err;
    return -1;
}

struct lg_pool *lg_pool_new(void)
{
    struct lg_pool *p = lg_calloc(1, sizeof(struct lg_pool));
    p->life_fd = -1;
    if (pool_guard_start(p) < 0) {
        int err = errno;
        free(p);
        errno = err;
        return NULL;
    }
    return p;
}

void lg_pool_free(struct lg_pool *p)
{
    if (p) {
        kill(-p->group, SIGKILL); /* what the children left: the guard, a CUT's own processes */
        close(p->life_fd);
        free(p->child);
        free(p);
    }
}

pid_t lg_pool_spawn(struct lg_pool *p, int worker, int (*fn)(void *ctx), void *ctx)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->child = lg_realloc(p->child, (size_t)p->cap * sizeof(*p->child));
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) /* the parent died before prctl */
            _exit(1);
        setpgid(0, p->group);
        close(p->life_fd);
        _exit(fn(ctx));
    }
    setpgid(pid, p->group); /* both sides set it: whichever runs first wins the race */
    p->child[p->n++] = (struct lg_child){ .pid = pid, .worker = worker };
    p->alive++;
    return pid;
}

static struct lg_child *pool_find(struct lg_pool *p, pid_t pid)
{
    for (int i = 0; i < p->n; i++)
        if (p->child[i].pid == pid)
            return &p->child[i];
    return NULL;
}

pid_t lg_pool_reap(struct lg_pool *p, int *worker, int *status)
{
    for (;;) {
        pid_t pid = waitpid(-1, status, WNOHANG);
        if (pid <= 0)
            return 0;
        struct lg_child *c = pool_find(p, pid);
        if (!c)
            continue; /* not ours (a CUT's own child): already reaped */
        *worker = c->worker;
        c->pid = 0;
        p->alive--;
        return pid;
    }
}

int lg_pool_signal(struct lg_pool *p, int sig)
{
    int n = 0;
    for (int i = 0; i < p->n; i++)
        if (p->child[i].pid > 0 && kill(p->child[i].pid, sig) == 0)
            n++;
    return n;
}

int lg_pool_signal_one(struct lg_pool *p, int worker, int sig)
{
    for (int i = 0; i < p->n; i++)
        if (p->child[i].pid > 0 && p->child[i].worker == worker)
            return kill(p->child[i].pid, sig) == 0 ? 0 : -1;
    return -1;
}

int lg_pool_alive(const struct lg_pool *p)
{
    return p->alive;
}
