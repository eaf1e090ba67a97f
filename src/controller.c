/* controller.c -- the parent's event loop (see controller.h).
 *
 * One poll(2) over the stats pipe and a signalfd (SIGCHLD, SIGINT,
 * SIGTERM, SIGHUP): the end of the last worker is seen at once, never by
 * polling on a delay. After the last process is reaped the pipe is
 * drained: every writer is gone, so what is left in it is all there will be.
 *
 * The event lines never block the loop: while some wait for a slow reader
 * of stdout, the same poll(2) waits for it to take them (POLLOUT); past
 * OUT_HIGH_BYTES waiting, the pipe is left unread, so the workers wait as
 * they would behind a blocking write, yet a signal is served at once. A
 * stop request gives the reader the grace period, then the lines it did
 * not take are dropped and counted (ctl_output, ctl_drain_output).
 *
 * Workers are forked from the loop, a slice at a time (SPAWN_SLICE_NS), so
 * that a start-up of thousands of workers still reads the pipe, reaps and
 * answers a stop request between slices.
 *
 * Open-model lines follow Pylogen's controller: prefork workers and wait
 * until all are ready, then fork the generator; every --controllerDelay,
 * one more worker when more than --trigger events wait (and check again
 * ten times sooner), one fewer after --decrease quiet periods. When the
 * generator has queued its last event it exits, which closes the queue:
 * idle workers read its end and stop by themselves, so the run ends as
 * soon as every event is processed. */
#include "controller.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "collector.h"
#include "generator.h"
#include "schedule.h"
#include "errout.h"
#include "inflight.h"
#include "jobq.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "pool.h"
#include "progress.h"
#include "run_end.h"
#include "results.h"
#include "statpipe.h"
#include "worker.h"

#define GRACE_NS (1500 * 1000 * 1000LL) /* SIGTERM to SIGKILL */
#define PIPE_BYTES (1 << 20)            /* room for bursts before workers wait */
#define NEVER INT64_MAX
#define SPAWN_SLICE_NS (20 * 1000 * 1000LL) /* forking, between two turns of the loop */
#define OUT_HIGH_BYTES (1 << 20)        /* event lines held: stop reading the pipe until written */
#define HARD_END_SLACK_NS (2000 * 1000 * 1000LL) /* workers end their own calls at the hard end */
#define SHARD_SEED 0x6c6f67656e736864ULL /* the random schedule's seed when sharded */

/* The state of one line of the run. */
struct ctl_line {
    const struct lg_run_line *rl;
    int open;
    /* open model only */
    struct lg_schedule schedule;
    struct lg_burst burst;
    int job_r, job_w;       /* the job queue; job_w is closed once the generator runs */
    int gen_worker;         /* the generator's writer index, -1 before it starts */
    lg_ns_t next_check;     /* next controller period */
    int quiet;              /* consecutive periods without backlog */
    long held_peak;         /* most events in flight seen in those periods */
    int live;               /* workers forked and not reaped */
    long spawned;           /* workers forked so far */
    long initial;           /* workers to fork at the start: --process, or --prefork */
    char *event_id;         /* a shard's id prefix of the event lines, "ID-sI"; NULL: --id */
};

struct ctl {
    const struct lg_run *run;
    struct lg_collector *coll;
    struct lg_pool *pool;
    struct lg_statpipe_reader *reader;
    struct ctl_line *lines;
    int *worker_line;       /* writer index -> line */
    int32_t *inflight;      /* open lines: events each worker holds (inflight.h); NULL */
    int nworkers, capworkers;
    int pipe_w;
    int sfd;
    struct lg_errout err;   /* stderr, never blocking (errout.h); err.fd -1: a file */
    int interrupted;        /* the signal that stopped the run, 0 if none */
    const char *failed;     /* why the controller itself gave up (fork failed...), NULL */
    lg_ns_t kill_at;        /* when live processes get SIGKILL, 0: not armed */
    lg_ns_t stop_ns;        /* when the first stop request came, 0: none */
    lg_ns_t hard_end;       /* closed runs with a duration: the backstop, 0: none */
};

/* What a child needs: a copy lives in the child after the fork, so one on
 * the parent's stack is enough. */
struct spawn_ctx {
    struct ctl *ctl;
    int is_generator;
    struct lg_worker_args args;
    struct lg_generator_args gen;
};

/* Closes, in a child, the descriptors that are the parent's alone. */
static void ctl_child_close(struct ctl *ctl, int keep_job_r, int keep_job_w)
{
    close(ctl->reader->fd);
    close(ctl->sfd);
    if (ctl->err.fd >= 0)
        close(ctl->err.fd);
    lg_log_set_fd(2); /* a worker blocked on stderr holds up itself alone */
    lg_metrics_child(ctl->run->metrics);
    for (int l = 0; l < ctl->run->nlines; l++) {
        struct ctl_line *ln = &ctl->lines[l];
        if (ln->job_r >= 0 && ln->job_r != keep_job_r)
            close(ln->job_r);
        if (ln->job_w >= 0 && ln->job_w != keep_job_w)
            close(ln->job_w);
    }
}

static int ctl_child(void *p)
{
    struct spawn_ctx *s = p;
    if (s->is_generator) {
        ctl_child_close(s->ctl, -1, s->gen.job_fd);
        return lg_generator_run(&s->gen);
    }
    ctl_child_close(s->ctl, s->args.job_fd, -1);
    return lg_worker_run(&s->args);
}

static int ctl_new_writer(struct ctl *ctl, int line)
{
    if (ctl->nworkers == ctl->capworkers) {
        ctl->capworkers = ctl->capworkers ? 2 * ctl->capworkers : 64;
        ctl->worker_line = lg_realloc(ctl->worker_line, (size_t)ctl->capworkers * sizeof(int));
    }
    ctl->worker_line[ctl->nworkers] = line;
    return ctl->nworkers++;
}

/* Forks worker number `index` of line l. Returns 0 or -1. */
static int ctl_spawn_worker(struct ctl *ctl, int l, long index, lg_ns_t start_ns)
{
    struct ctl_line *ln = &ctl->lines[l];
    if (ctl->nworkers > UINT16_MAX - 1) {
        lg_log(LG_LOG_ERROR, "line %d: no more than 65535 workers in a run", l + 1);
        return -1;
    }
    int w = ctl_new_writer(ctl, l);
    struct spawn_ctx s = { .ctl = ctl };
    s.args = (struct lg_worker_args){
        .cfg = ln->rl->cfg, .lua_path = ctl->run->lua_path, .cut_path = ln->rl->cut_path,
        .cut_name = ln->rl->cut_name, .worker = w, .index = (int)index, .start_ns = start_ns,
        .pipe_fd = ctl->pipe_w, .job_fd = ln->open ? ln->job_r : -1,
        .inflight = ln->open && ctl->inflight ? &ctl->inflight[w] : NULL,
    };
    pid_t pid = lg_pool_spawn(ctl->pool, w, ctl_child, &s);
    if (pid < 0) {
        lg_log(LG_LOG_ERROR, "cannot start worker %d: %s", w, strerror((int)-pid));
        return -1;
    }
    lg_collector_add_worker(ctl->coll, w, l, (int)pid, lg_clock_now());
    ln->live++;
    ln->spawned++;
    return 0;
}

static int ctl_spawn_generator(struct ctl *ctl, int l)
{
    struct ctl_line *ln = &ctl->lines[l];
    const struct lg_config *c = ln->rl->cfg;
    int w = ctl_new_writer(ctl, l);
    lg_ns_t now = lg_clock_now(), start = lg_clock_from_s(c->postpone);
    struct spawn_ctx s = { .ctl = ctl, .is_generator = 1 };
    const struct lg_shard *sh = &ctl->run->shard;
    /* shards (even --shard 0/1, the whole run to compare with) share the
     * seed, so all draw the same random schedule; with an agreed start the
     * schedule starts at --postpone, late or not */
    uint64_t seed = sh->from[0] ? SHARD_SEED : (uint64_t)lg_clock_wall_ns(now);
    s.gen = (struct lg_generator_args){
        .schedule = &ln->schedule, .burst = ln->burst, .arrival = c->arrival,
        .seed = seed ^ (uint64_t)l, .start_ns = start > now || ctl->run->start_at ? start : now,
        .job_fd = ln->job_w, .stats_fd = ctl->pipe_w, .worker = w,
        .shard = (uint64_t)sh->index, .nshards = (uint64_t)sh->count,
    };
    pid_t pid = lg_pool_spawn(ctl->pool, w, ctl_child, &s);
    if (pid < 0) {
        lg_log(LG_LOG_ERROR, "cannot start the generator: %s", strerror((int)-pid));
        return -1;
    }
    lg_collector_add_generator(ctl->coll, w, l, (int)pid, now);
    ln->gen_worker = w;
    close(ln->job_w); /* the generator is the queue's only writer now */
    ln->job_w = -1;
    ln->next_check = now + lg_clock_from_s(c->controller_delay);
    return 0;
}

static void ctl_feed_cb(const struct lg_record *rec, void *p)
{
    struct ctl *ctl = p;
    lg_collector_feed(ctl->coll, rec, lg_clock_now());
}

/* Reads what the pipe holds, at most `rounds` reads. Returns -1 at EOF.
 * The backlog is sampled before reading: what waited for the collector,
 * not what is left once it has read. */
static int ctl_read(struct ctl *ctl, int rounds)
{
    lg_collector_backlog(ctl->coll, lg_statpipe_backlog(ctl->reader), lg_clock_now());
    while (rounds-- > 0) {
        long n = lg_statpipe_read(ctl->reader, ctl_feed_cb, ctl);
        if (n == 0)
            break;
        if (n < 0)
            return -1;
    }
    return 0;
}

/* Forks the next slice of the initial workers: closed lines fork every
 * worker, each sleeping to its start; open lines fork their prefork.
 * Returns 1 while some are left to fork, 0 when all are (or the run is
 * stopping: none will be), -1 when a fork failed. */
static int ctl_spawn_initial(struct ctl *ctl)
{
    lg_ns_t until = lg_clock_now() + SPAWN_SLICE_NS;
    if (ctl->interrupted || ctl->failed)
        return 0;
    for (int l = 0; l < ctl->run->nlines; l++) {
        struct ctl_line *ln = &ctl->lines[l];
        const struct lg_config *c = ln->rl->cfg;
        while (ln->spawned < ln->initial) {
            long i = ln->open ? ln->spawned : lg_shard_worker_index(&ctl->run->shard, ln->spawned);
            lg_ns_t start = ln->open ? 0 : lg_clock_from_s(c->postpone + (double)i * c->rampup);
            if (ctl_spawn_worker(ctl, l, i, start) < 0)
                return -1;
            if (lg_clock_now() >= until)
                return ln->spawned < ln->initial || l + 1 < ctl->run->nlines;
        }
    }
    return 0;
}

/* Stops every process: SIGTERM now, SIGKILL after the grace period, or at
 * once when asked a second time. */
static void ctl_stop_all(struct ctl *ctl)
{
    if (!ctl->pool) /* the run is over: nothing left to stop */
        return;
    if (!ctl->kill_at) {
        lg_pool_signal(ctl->pool, SIGTERM);
        ctl->kill_at = lg_clock_now() + GRACE_NS;
    } else {
        lg_pool_signal(ctl->pool, SIGKILL);
    }
}

static void ctl_interrupt(struct ctl *ctl, int sig)
{
    if (!ctl->interrupted) {
        ctl->interrupted = sig;
        ctl->stop_ns = lg_clock_now();
    }
    ctl_stop_all(ctl);
}

/* The controller cannot go on (the reason was logged; `why` says it in
 * short, static): end the run, exit 1. */
static void ctl_fail(struct ctl *ctl, const char *why)
{
    if (!ctl->failed && !ctl->interrupted) {
        ctl->failed = why;
        ctl_stop_all(ctl);
    }
}

static void ctl_signals(struct ctl *ctl)
{
    struct signalfd_siginfo si;
    while (read(ctl->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD) {
            int worker, status;
            ctl_read(ctl, 1 << 20); /* a dead process's records are all in the pipe */
            while (lg_pool_reap(ctl->pool, &worker, &status) > 0) {
                struct ctl_line *ln = &ctl->lines[ctl->worker_line[worker]];
                if (worker != ln->gen_worker)
                    ln->live--;
                if (ctl->inflight) /* what it held is done or lost: none in flight */
                    lg_inflight_store(&ctl->inflight[worker], 0);
                lg_collector_worker_exit(ctl->coll, worker, status, lg_clock_now());
            }
        } else {
            ctl_interrupt(ctl, (int)si.ssi_signo);
        }
    }
}

/* Retires the most recent live worker of line l (SIGUSR1: it ends after
 * its current event). */
static void ctl_retire_one(struct ctl *ctl, int l)
{
    for (int w = ctl->nworkers - 1; w >= 0; w--)
        if (ctl->worker_line[w] == l && w != ctl->lines[l].gen_worker &&
            lg_pool_signal_one(ctl->pool, w, SIGUSR1) == 0) {
            lg_log(LG_LOG_INFO, "line %d: retiring worker %d (idle)", l + 1, w);
            return;
        }
}

/* Events in flight on line l: taken by its workers, not yet done. */
static long ctl_held(const struct ctl *ctl, int l)
{
    long n = 0;
    for (int w = 0; ctl->inflight && w < ctl->nworkers; w++)
        if (ctl->worker_line[w] == l && w != ctl->lines[l].gen_worker)
            n += lg_inflight_load(&ctl->inflight[w]);
    return n;
}

/* One open line's controller step; returns when it wants to run next. */
static lg_ns_t ctl_open_step(struct ctl *ctl, int l, lg_ns_t now)
{
    struct ctl_line *ln = &ctl->lines[l];
    const struct lg_config *c = ln->rl->cfg;
    if (ln->gen_worker < 0) {
        struct lg_line_state st;
        lg_collector_line_state(ctl->coll, l, &st);
        if (ctl->interrupted || ctl->failed || ln->spawned < ln->initial)
            return NEVER;
        if (ln->live < c->prefork) {
            lg_log(LG_LOG_ERROR, "line %d: a preforked worker ended before the first event", l + 1);
            ctl_fail(ctl, "a preforked worker ended before the first event");
        } else if (st.ready >= c->prefork && ctl_spawn_generator(ctl, l) < 0) {
            ctl_fail(ctl, "the generator could not start");
        }
        return ln->gen_worker < 0 ? NEVER : ln->next_check;
    }
    long depth = lg_jobq_depth(ln->job_r);
    lg_collector_queue(ctl->coll, l, depth, now);
    if (now < ln->next_check || ctl->interrupted || ctl->failed)
        return ln->next_check;
    lg_ns_t period = lg_clock_from_s(c->controller_delay);
    /* A worker takes up to --concurrency events at once, so the queue
     * holds only what the line's in-flight capacity, live x C, leaves: a
     * backlog means it is all in use. Without one, a worker goes only when
     * the others could have held the most that was in flight meanwhile,
     * with a slot to spare: an empty queue says nothing of how full the
     * workers are, and retiring one that was needed would only bring the
     * backlog, then a new worker, back. */
    long held = ctl_held(ctl, l), room = (long)(ln->live - 1) * c->concurrency;
    lg_collector_inflight(ctl->coll, l, held);
    if (held > ln->held_peak)
        ln->held_peak = held;
    if (depth > c->trigger) {
        ln->quiet = 0;
        ln->held_peak = 0;
        if (c->maxproc == 0 || ln->live < c->maxproc) {
            lg_log(LG_LOG_INFO, "line %d: %ld events wait beyond %ld in flight (%d workers x %ld), "
                   "starting worker %ld", l + 1, depth, (long)ln->live * c->concurrency, ln->live,
                   c->concurrency, ln->spawned);
            if (ctl_spawn_worker(ctl, l, ln->spawned, 0) < 0)
                ctl_fail(ctl, "a worker could not start");
        }
        period /= 10;
    } else if (depth == 0 && ++ln->quiet >= c->decrease && ln->live > 1) {
        if (ln->held_peak < room)
            ctl_retire_one(ctl, l);
        else
            lg_log(LG_LOG_DEBUG, "line %d: no backlog, but up to %ld events in flight: "
                   "%d workers x %ld are all needed", l + 1, ln->held_peak, ln->live,
                   c->concurrency);
        ln->quiet = 0;
        ln->held_peak = held;
    }
    ln->next_check = now + period;
    return ln->next_check;
}

/* Seconds from the start of the run to the end of closed line c's load:
 * its last worker's start plus --duration. */
static double ctl_load_end_s(const struct lg_config *c)
{
    return c->postpone + (double)(c->process - 1) * c->rampup + c->duration;
}

/* When the load is planned to end, for the progress line: the latest
 * line's end (ctl_load_end_s), or postpone + schedule for an open line
 * (its events start once its prefork is ready: a little later). -1 when a
 * line runs --loops: its end is not known. */
static lg_ns_t ctl_planned_end(const struct ctl *ctl)
{
    lg_ns_t end = 0;
    for (int l = 0; l < ctl->run->nlines; l++) {
        const struct lg_config *c = ctl->lines[l].rl->cfg;
        lg_ns_t e;
        if (ctl->lines[l].open)
            e = lg_clock_from_s(c->postpone) + ctl->lines[l].schedule.duration_ns;
        else if (c->duration > 0)
            e = lg_clock_from_s(ctl_load_end_s(c));
        else
            return -1;
        end = e > end ? e : end;
    }
    return end;
}

/* The hard end's backstop: a worker ends the call it runs at its load end
 * plus --grace (worker.c), or a second later by itself; one still alive
 * HARD_END_SLACK_NS after the last worker's hard end gets SIGKILL. Only
 * when every line is closed with a --duration: others have no end to hold. */
static lg_ns_t ctl_hard_end(const struct lg_run *run)
{
    double end = 0;
    for (int l = 0; l < run->nlines; l++) {
        const struct lg_config *c = run->lines[l].cfg;
        if (c->openedmodel || c->duration <= 0)
            return 0;
        double e = ctl_load_end_s(c) + c->grace;
        end = e > end ? e : end;
    }
    return end > 0 && end < 1e9 ? lg_clock_from_s(end) + HARD_END_SLACK_NS : 0;
}

static void ctl_hard_kill(struct ctl *ctl)
{
    lg_log(LG_LOG_ERROR, "hard end: %d workers still running past --duration + --grace, "
           "killing them", lg_pool_alive(ctl->pool));
    lg_pool_signal(ctl->pool, SIGKILL);
    ctl->hard_end = 0;
}

/* The event-line output, before each poll: stops the run when it cannot
 * be written; past the grace period of a stop request, gives up on the
 * lines a reader does not take (they are counted). Sets what to poll: the
 * output for POLLOUT while lines wait, and the stats pipe unless too many
 * lines wait (the workers then wait on the pipe, as they would on a
 * blocking write, but a signal is still served). Returns when to look
 * again. */
static lg_ns_t ctl_output(struct ctl *ctl, struct pollfd *pipe, struct pollfd *out,
                          struct pollfd *err, lg_ns_t now)
{
    struct lg_collector_output o;
    lg_collector_output(ctl->coll, &o);
    lg_ns_t give_up = ctl->stop_ns ? ctl->stop_ns + GRACE_NS : NEVER;
    if (o.err_fd < 0)
        o.err_pending = 0; /* a file: its writes do not wait on a reader */
    if ((o.pending || o.err_pending) && now >= give_up) {
        lg_collector_output_write(ctl->coll);
        lg_collector_output_abandon(ctl->coll);
        lg_collector_output(ctl->coll, &o);
        o.err_pending = 0;
    }
    if (!ctl->failed && !ctl->interrupted && (ferror(ctl->run->out) || o.failed)) {
        lg_log(LG_LOG_ERROR, "the event lines cannot be written (a closed pipe, a full disk?): "
               "stopping the run");
        ctl_fail(ctl, "the event lines cannot be written");
    }
    int hold = o.pending > OUT_HIGH_BYTES && !ctl->interrupted && !ctl->failed;
    pipe->fd = hold ? -1 : ctl->reader->fd;
    out->fd = o.pending ? o.fd : -1;
    out->events = POLLOUT;
    err->fd = o.err_pending ? o.err_fd : -1;
    err->events = POLLOUT;
    return o.pending || o.err_pending ? give_up : NEVER;
}

/* After the run: waits until the output has taken every event line, or,
 * once a stop request came, its grace period is over (a second request
 * ends the wait at once). Nothing else is left to serve. */
static void ctl_drain_output(struct ctl *ctl)
{
    struct pollfd pf[3] = { { .fd = -1 }, { .fd = -1 }, { .fd = ctl->sfd, .events = POLLIN } };
    struct pollfd unused;
    for (;;) {
        lg_collector_output_write(ctl->coll);
        lg_ns_t now = lg_clock_now(), until = ctl_output(ctl, &unused, &pf[0], &pf[1], now);
        if (pf[0].fd < 0 && pf[1].fd < 0)
            return; /* nothing waits, or nothing can be written */
        if (poll(pf, 3, lg_clock_poll_ms(now, until)) < 0 && errno != EINTR)
            return;
        if (pf[2].revents)
            lg_errout_signals(&ctl->err);
    }
}

static void ctl_loop(struct ctl *ctl)
{
    struct pollfd pf[4 + LG_METRICS_NFDS] = { { .fd = ctl->reader->fd, .events = POLLIN },
                                              { .fd = ctl->sfd, .events = POLLIN },
                                              { .fd = -1 }, { .fd = -1 } }; /* then --metrics-listen's */
    lg_ns_t next_tick = lg_collector_tick(ctl->coll, lg_clock_now());
    lg_ns_t next_progress = lg_progress_tick(ctl->coll, lg_clock_now());
    int spawning = 1;
    while (spawning || lg_pool_alive(ctl->pool) > 0) {
        if (spawning && (spawning = ctl_spawn_initial(ctl)) < 0) {
            spawning = 0;
            ctl_fail(ctl, "a worker could not start");
        }
        lg_ns_t now = lg_clock_now();
        if (now >= next_tick)
            next_tick = lg_collector_tick(ctl->coll, now);
        if (now >= next_progress)
            next_progress = lg_progress_tick(ctl->coll, now);
        if (ctl->kill_at && now >= ctl->kill_at) {
            lg_pool_signal(ctl->pool, SIGKILL);
            ctl->kill_at = 0;
        }
        if (ctl->hard_end && now >= ctl->hard_end)
            ctl_hard_kill(ctl);
        lg_ns_t until = ctl_output(ctl, &pf[0], &pf[2], &pf[3], now);
        until = next_tick < until ? next_tick : until;
        until = next_progress < until ? next_progress : until;
        lg_ns_t served = lg_metrics_pollfds(ctl->run->metrics, pf + 4, now);
        until = served < until ? served : until;
        for (int l = 0; l < ctl->run->nlines; l++) {
            if (ctl->lines[l].open) {
                lg_ns_t t = ctl_open_step(ctl, l, now);
                until = t < until ? t : until;
            }
        }
        if (ctl->kill_at && ctl->kill_at < until)
            until = ctl->kill_at;
        if (ctl->hard_end && ctl->hard_end < until)
            until = ctl->hard_end;
        if (spawning)
            until = now;
        if (poll(pf, 4 + LG_METRICS_NFDS, lg_clock_poll_ms(now, until)) < 0 && errno != EINTR)
            break;
        if (pf[0].revents)
            ctl_read(ctl, 16);
        if (pf[1].revents)
            ctl_signals(ctl);
        if (pf[2].revents || pf[3].revents)
            lg_collector_output_write(ctl->coll);
        lg_metrics_serve(ctl->run->metrics, pf + 4, ctl->coll, lg_clock_now());
    }
    ctl_read(ctl, 1 << 20);
    lg_collector_tick(ctl->coll, lg_clock_now());
}

static int ctl_open_pipes(struct ctl *ctl)
{
    int fds[2];
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP); /* a closed terminal or ssh session: stop, with the summary */
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

/* Per line: the schedule and the job queue of open lines. */
static int ctl_lines_init(struct ctl *ctl)
{
    char err[512];
    ctl->lines = lg_calloc((size_t)ctl->run->nlines, sizeof(*ctl->lines));
    for (int l = 0; l < ctl->run->nlines; l++)
        ctl->lines[l].job_r = ctl->lines[l].job_w = -1;
    for (int l = 0; l < ctl->run->nlines; l++) {
        struct ctl_line *ln = &ctl->lines[l];
        const struct lg_config *c = ctl->run->lines[l].cfg;
        int fds[2] = { -1, -1 };
        ln->rl = &ctl->run->lines[l];
        ln->open = c->openedmodel;
        ln->initial = ln->open ? c->prefork : lg_shard_workers(&ctl->run->shard, c->process);
        if (!ln->open && ln->initial == 0 && lg_log_verbosity > 0) /* -v: INFO */
            lg_log(LG_LOG_ALWAYS(LG_LOG_INFO), "line %d: shard %ld/%ld runs none of its %ld "
                   "workers", l + 1, ctl->run->shard.index, ctl->run->shard.count, c->process);
        ln->gen_worker = -1;
        if (ln->open && (lg_schedule_parse(c->schedule, &ln->schedule, err, sizeof(err)) < 0 ||
                         lg_schedule_burst_parse(c->burst, &ln->burst, err, sizeof(err)) < 0)) {
            lg_log(LG_LOG_ERROR, "%s", err); /* cli.c validated it: not expected */
            return -1;
        }
        if (ln->open && lg_jobq_open(fds) < 0) {
            lg_log(LG_LOG_ERROR, "cannot open the job queue: %s", strerror(errno));
            return -1;
        }
        ln->job_r = fds[0];
        ln->job_w = fds[1];
        if (ctl->run->shard.count > 1) { /* the shards' event lines never share an id */
            char id[1024];
            snprintf(id, sizeof id, "%s-s%ld", c->id ? c->id : "", ctl->run->shard.index);
            ln->event_id = lg_strdup(id);
        }
    }
    return 0;
}

static void ctl_lines_fini(struct ctl *ctl)
{
    for (int l = 0; ctl->lines && l < ctl->run->nlines; l++) {
        struct ctl_line *ln = &ctl->lines[l];
        if (ln->job_r >= 0)
            close(ln->job_r);
        if (ln->job_w >= 0)
            close(ln->job_w);
        if (ln->open)
            lg_schedule_free(&ln->schedule);
        free(ln->event_id);
    }
    free(ctl->lines);
}

int lg_controller_run(const struct lg_run *run)
{
    struct ctl ctl = { .run = run, .pipe_w = -1, .sfd = -1, .hard_end = ctl_hard_end(run) };
    ctl.err = (struct lg_errout){ .fd = lg_errout_open(), .sfd = -1, .grace_ns = GRACE_NS,
                                  .stop_ns = &ctl.stop_ns, .interrupted = &ctl.interrupted };
    lg_log_set_fd(ctl.err.fd);
    struct lg_line_info *info = lg_calloc((size_t)run->nlines, sizeof(*info));
    int status = 1;
    if (ctl_lines_init(&ctl) < 0 || ctl_open_pipes(&ctl) < 0)
        goto out;
    ctl.err.sfd = ctl.sfd;
    for (int l = 0; l < run->nlines && !ctl.inflight; l++)
        if (ctl.lines[l].open && !(ctl.inflight = lg_inflight_map()))
            lg_log(LG_LOG_WARN, "no gauge of events in flight (%s): idle workers are "
                   "retired on an empty queue alone", strerror(errno));
    for (int l = 0; l < run->nlines; l++) {
        const struct lg_config *c = run->lines[l].cfg;
        info[l] = (struct lg_line_info){ .id = c->id, .event_id = ctl.lines[l].event_id,
                                         .cut = run->lines[l].cut_name,
                                         .steps = c->steps, .nsteps = c->nsteps,
                                         .open = ctl.lines[l].open,
                                         .schedule = ctl.lines[l].open ? &ctl.lines[l].schedule : NULL };
    }
    struct lg_collector_opts opts = { .out = run->out, .out_nonblock = 1, .err = stderr,
                                      .err_nonblock = 1,
                                      .format = run->format,
                                      .summary_ns = lg_clock_from_s(run->summary),
                                      .quiet = run->quiet,
                                      .lines = info, .nlines = run->nlines,
                                      .hdr_log = run->hdr_log,
                                      .keep_series = run->summary_json || run->report };
    ctl.pool = lg_pool_new();
    if (!ctl.pool) {
        lg_log(LG_LOG_ERROR, "cannot start the run's process group: %s", strerror(errno));
        goto out;
    }
    ctl.coll = lg_collector_new(&opts);
    lg_progress_start(ctl.coll, ctl.err.fd >= 0 ? ctl.err.fd : STDERR_FILENO, !run->quiet,
                      ctl_planned_end(&ctl));
    ctl_loop(&ctl);
    lg_pool_free(ctl.pool); /* every child is reaped: this ends what they left behind */
    ctl.pool = NULL;
    lg_collector_close(ctl.coll, lg_clock_now());
    ctl_drain_output(&ctl);
    lg_progress_stop();
    struct lg_results_meta m = { .argv = run->argv, .argc = run->argc, .lines = run->lines,
                                 .nlines = run->nlines,
                                 .start_epoch_s = (double)lg_clock_wall_ns(0) / 1e9,
                                 .interval_ns = opts.summary_ns, .thresholds = run->thresholds,
                                 .signal = ctl.interrupted, .failure = ctl.failed,
                                 .shard = (int)run->shard.index,
                                 .nshards = (int)run->shard.count, .clock = &run->clock };
    fflush(stderr);
    FILE *err = ctl.err.fd >= 0 ? lg_errout_stream(&ctl.err) : NULL;
    if (!err)
        err = stderr;
    status = lg_run_end(run, ctl.coll, &m, err);
    /* a run stopped by a signal was asked to end: no wait for a last scrape */
    lg_metrics_linger(ctl.interrupted ? NULL : run->metrics, ctl.coll, ctl.sfd,
                      run->quiet ? NULL : err);
    if (err != stderr)
        fclose(err);
    lg_collector_free(ctl.coll);
out:
    if (ctl.reader) {
        close(ctl.reader->fd);
        free(ctl.reader);
    }
    if (ctl.pipe_w >= 0)
        close(ctl.pipe_w);
    if (ctl.sfd >= 0)
        close(ctl.sfd);
    lg_log_set_fd(2);
    if (ctl.err.fd >= 0)
        close(ctl.err.fd);
    ctl_lines_fini(&ctl);
    free(ctl.worker_line);
    lg_inflight_unmap(ctl.inflight);
    free(info);
    return status;
}
