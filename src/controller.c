/* controller.c -- the parent's event loop (see controller.h).
 *
 * One poll(2) over the stats pipe and a signalfd (SIGCHLD, SIGINT,
 * SIGTERM): the end of the last worker is seen at once, never by polling on
 * a delay. After the last worker is reaped the pipe is drained: every
 * writer is gone, so what is left in it is all there will be. */
#include "controller.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "collector.h"
#include "log.h"
#include "mem.h"
#include "pool.h"
#include "statpipe.h"
#include "worker.h"

#define GRACE_NS (1500 * 1000 * 1000LL) /* SIGTERM to SIGKILL */
#define PIPE_BYTES (1 << 20)            /* room for bursts before workers wait */

struct ctl {
    const struct lg_run *run;
    struct lg_collector *coll;
    struct lg_pool *pool;
    struct lg_statpipe_reader *reader;
    int pipe_w;
    int sfd;
    int interrupted;     /* the signal that stopped the run, 0 if none */
    lg_ns_t kill_at;     /* when still-live workers get SIGKILL, 0: not armed */
};

struct spawn_ctx {
    struct ctl *ctl;
    struct lg_worker_args args;
};

static int ctl_child(void *p)
{
    struct spawn_ctx *s = p;
    close(s->ctl->reader->fd);
    close(s->ctl->sfd);
    return lg_worker_run(&s->args);
}

static void ctl_feed_cb(const struct lg_record *rec, void *p)
{
    struct ctl *ctl = p;
    lg_collector_feed(ctl->coll, rec, lg_clock_now());
}

/* Reads what the pipe holds, at most `rounds` reads. Returns -1 at EOF. */
static int ctl_read(struct ctl *ctl, int rounds)
{
    while (rounds-- > 0) {
        long n = lg_statpipe_read(ctl->reader, ctl_feed_cb, ctl);
        if (n == 0)
            break;
        if (n < 0)
            return -1;
    }
    lg_collector_backlog(ctl->coll, lg_statpipe_backlog(ctl->reader), lg_clock_now());
    return 0;
}

static int ctl_spawn_all(struct ctl *ctl, struct spawn_ctx *slots)
{
    int w = 0;
    for (int l = 0; l < ctl->run->nlines; l++) {
        const struct lg_run_line *line = &ctl->run->lines[l];
        for (long i = 0; i < line->cfg->process; i++, w++) {
            struct spawn_ctx *s = &slots[w];
            s->ctl = ctl;
            s->args = (struct lg_worker_args){
                .cfg = line->cfg, .lua_path = ctl->run->lua_path, .cut_path = line->cut_path,
                .cut_name = line->cut_name, .worker = w, .index = (int)i,
                .start_ns = lg_clock_from_s(line->cfg->postpone + (double)i * line->cfg->rampup),
                .pipe_fd = ctl->pipe_w,
            };
            pid_t pid = lg_pool_spawn(ctl->pool, w, ctl_child, s);
            if (pid < 0) {
                lg_log(LG_LOG_ERROR, "cannot start worker %d: %s", w, strerror((int)-pid));
                return -1;
            }
            lg_collector_add_worker(ctl->coll, w, l, (int)pid, lg_clock_now());
        }
    }
    return 0;
}

static void ctl_stop_all(struct ctl *ctl, int sig)
{
    if (!ctl->interrupted) {
        ctl->interrupted = sig;
        lg_pool_signal(ctl->pool, SIGTERM);
        ctl->kill_at = lg_clock_now() + GRACE_NS;
    } else {
        lg_pool_signal(ctl->pool, SIGKILL); /* asked twice: no more grace */
    }
}

static void ctl_signals(struct ctl *ctl)
{
    struct signalfd_siginfo si;
    while (read(ctl->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD) {
            int worker, status;
            ctl_read(ctl, 1 << 20); /* a dead worker's records are all in the pipe */
            while (lg_pool_reap(ctl->pool, &worker, &status) > 0)
                lg_collector_worker_exit(ctl->coll, worker, status, lg_clock_now());
        } else {
            ctl_stop_all(ctl, (int)si.ssi_signo);
        }
    }
}

static int ctl_timeout_ms(lg_ns_t now, lg_ns_t next_tick, lg_ns_t kill_at)
{
    lg_ns_t until = next_tick;
    if (kill_at && kill_at < until)
        until = kill_at;
    if (until <= now)
        return 0;
    return (int)((until - now + 999999) / 1000000);
}

static void ctl_loop(struct ctl *ctl)
{
    struct pollfd pf[2] = { { .fd = ctl->reader->fd, .events = POLLIN },
                            { .fd = ctl->sfd, .events = POLLIN } };
    lg_ns_t next_tick = lg_collector_tick(ctl->coll, lg_clock_now());
    while (lg_pool_alive(ctl->pool) > 0) {
        lg_ns_t now = lg_clock_now();
        if (now >= next_tick)
            next_tick = lg_collector_tick(ctl->coll, now);
        if (ctl->kill_at && now >= ctl->kill_at) {
            lg_pool_signal(ctl->pool, SIGKILL);
            ctl->kill_at = 0;
        }
        if (poll(pf, 2, ctl_timeout_ms(now, next_tick, ctl->kill_at)) < 0 && errno != EINTR)
            break;
        if (pf[0].revents)
            ctl_read(ctl, 64);
        if (pf[1].revents)
            ctl_signals(ctl);
    }
    ctl_read(ctl, 1 << 20);
    lg_collector_tick(ctl->coll, lg_clock_now());
}

static int ctl_open(struct ctl *ctl)
{
    int fds[2];
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    ctl->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (ctl->sfd < 0 || pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) {
        lg_log(LG_LOG_ERROR, "cannot set up the stats pipe: %s", strerror(errno));
        return -1;
    }
    fcntl(fds[0], F_SETPIPE_SZ, PIPE_BYTES); /* best effort: a smaller pipe only waits more */
    ctl->pipe_w = fds[1];
    ctl->reader = lg_malloc(sizeof(*ctl->reader));
    lg_statpipe_reader_init(ctl->reader, fds[0]);
    return 0;
}

int lg_controller_run(const struct lg_run *run)
{
    struct ctl ctl = { .run = run, .pipe_w = -1, .sfd = -1 };
    struct lg_line_info *info = lg_calloc((size_t)run->nlines, sizeof(*info));
    long nworkers = 0;
    for (int l = 0; l < run->nlines; l++) {
        const struct lg_config *c = run->lines[l].cfg;
        info[l] = (struct lg_line_info){ .id = c->id, .cut = run->lines[l].cut_name,
                                         .steps = c->steps, .nsteps = c->nsteps };
        nworkers += c->process;
    }
    struct lg_collector_opts opts = { .out = run->out, .err = stderr, .format = run->format,
                                      .summary_ns = lg_clock_from_s(run->summary),
                                      .lines = info, .nlines = run->nlines };
    int status = 1;
    if (ctl_open(&ctl) < 0)
        goto out;
    ctl.coll = lg_collector_new(&opts);
    ctl.pool = lg_pool_new();
    struct spawn_ctx *slots = lg_calloc((size_t)nworkers, sizeof(*slots));
    if (ctl_spawn_all(&ctl, slots) < 0)
        ctl_stop_all(&ctl, SIGTERM);
    close(ctl.pipe_w);
    ctl.pipe_w = -1;
    ctl_loop(&ctl);
    status = lg_collector_finish(ctl.coll, ctl.interrupted != 0, lg_clock_now());
    if (ctl.interrupted)
        status = 128 + ctl.interrupted;
    free(slots);
    lg_pool_free(ctl.pool);
    lg_collector_free(ctl.coll);
out:
    if (ctl.reader) {
        close(ctl.reader->fd);
        free(ctl.reader);
    }
    if (ctl.sfd >= 0)
        close(ctl.sfd);
    free(info);
    return status;
}
