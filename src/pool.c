/* pool.c -- see pool.h. The pid table is a plain array: pools hold tens to
 * a few thousand workers and are scanned only when a child ends or a signal
 * is sent, never per record. */
#include "pool.h"

#include <errno.h>
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
};

struct lg_pool *lg_pool_new(void)
{
    return lg_calloc(1, sizeof(struct lg_pool));
}

void lg_pool_free(struct lg_pool *p)
{
    if (p) {
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
        _exit(fn(ctx));
    }
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
