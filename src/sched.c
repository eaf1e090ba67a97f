/* sched.c -- the event loop of a worker with --concurrency C > 1 (see
 * sched.h): C slots, one per coroutine, each holding that copy's state
 * (struct lg_co, which W->co points at while it runs) and what it waits
 * for: a time, an HTTP transfer, or an event of the open model's queue.
 *
 * One epoll set serves libcurl's multi interface (CURLMOPT_SOCKETFUNCTION
 * and TIMERFUNCTION, driven by curl_multi_socket_action, so connections
 * are shared and kept alive across the coroutines of a handle, at most one
 * a coroutine) and the job queue. There is one multi handle per GROUP
 * (64) slots: curl looks for a free connection to a host by walking all
 * the connections to it in the handle's cache, in use or not, and with
 * thousands of coroutines on one handle that walk cost more than the rest
 * of the request (about 36 instructions a connection: 72,000 a request at
 * 2,000). Deadlines (sleeps, a timed call's --timeout, the hard end, and
 * the multi handles' timeouts) are absolute, in timer.c's min-heap of
 * slots (O(log C) a change); the loop sleeps in epoll_pwait2 to the nearest, with ns resolution.
 * The stop request and the hard end wake every wait at once: a transfer
 * under way is then abandoned, never reported as done.
 *
 * Not done here: resuming coroutines (lua/logen/sched.lua does, this file
 * never calls into Lua), the blocking path of --concurrency 1, whose
 * waits stay in lg_ffi.c and bind_http.c. */
#include "sched.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include "jobq.h"
#include "log.h"
#include "mem.h"
#include "timer.h"
#include "worker_state.h"

#define W (&lg_worker_state)
#define EVENTS 256
#define GROUP 64 /* slots per multi handle (multi_new) */
#define FLUSH_NS 10000000 /* 10 ms: how late a record may be sent (flush_due) */

enum { WAIT_NONE, WAIT_SLEEP, WAIT_HTTP, WAIT_JOB };

struct sched_slot {
    struct lg_co co;    /* first: W->co points here while the slot runs */
    int wait;           /* WAIT_* */
    int status;         /* enum lg_sched_status the wait ended with */
    int queued;         /* in the ready list */
    CURL *easy;         /* WAIT_HTTP: the transfer */
    CURLcode rc;        /* its result */
};

/* A socket curl has shown the loop, by descriptor. */
struct sched_sock {
    uint32_t events;          /* registered in the epoll set with; 0: not in it */
    int watched;              /* curl asks for it now (not removed since) */
};

struct lg_sched {
    int n;
    int cur;                  /* the slot running, -1: none */
    struct sched_slot *slots;
    struct lg_co idle;        /* W->co while no coroutine runs */
    struct lg_timer due;      /* the slots' deadlines, then (ids n + m) the multis' */
    int *ready, nready;       /* slots that may go on */
    int *jobwait, njobwait;   /* slots waiting for an event */
    int job_fd, job_watched;  /* the queue; in the epoll set */
    int epfd;
    CURLM **multi;            /* one per GROUP slots: slot i's is multi[i / GROUP] */
    int nmulti;
    struct sched_sock *socks; /* by descriptor, nsocks of them (sock_get) */
    int nsocks;
    lg_ns_t flushed_ns;       /* the last flush of the record batch */
};

static struct lg_sched sched;
#define S (&sched)

/* ---- waking ---- */

/* Ends slot i's wait with status: it goes to the ready list. */
static void wake(int i, int status)
{
    struct sched_slot *s = &S->slots[i];
    if (s->wait == WAIT_HTTP && s->easy) {
        curl_multi_remove_handle(S->multi[i / GROUP], s->easy);
        s->easy = NULL;
    }
    lg_timer_disarm(&S->due, i);
    s->wait = WAIT_NONE;
    s->status = status;
    if (!s->queued) {
        s->queued = 1;
        S->ready[S->nready++] = i;
    }
}

/* A transfer cut short: by the stop (the request did not complete) or at
 * a deadline (the timed call around it is cut, rc 17). */
static void wake_cut(int i, lg_ns_t now)
{
    struct lg_co *co = &S->slots[i].co;
    int timed = co->depth > 0 &&
                (W->hard || (co->req_deadline_ns && now >= co->req_deadline_ns));
    if (timed)
        co->timed_out = W->hard ? 2 : 1;
    else
        co->cut_short = 1;
    wake(i, timed ? LG_SCHED_TIMEOUT : LG_SCHED_STOPPED);
}

static void job_unwatch(void)
{
    if (S->job_watched) {
        epoll_ctl(S->epfd, EPOLL_CTL_DEL, S->job_fd, NULL);
        S->job_watched = 0;
    }
}

/* Wakes k of the slots waiting for an event (all when k < 0): each tries
 * to take one, and waits again if another worker was first. */
static void wake_jobs(long k)
{
    while (S->njobwait > 0 && k-- != 0)
        wake(S->jobwait[--S->njobwait], LG_SCHED_DONE);
    if (S->njobwait == 0)
        job_unwatch();
}

/* The stop request or the hard end: every wait ends now. */
static void wake_all(lg_ns_t now)
{
    for (int i = 0; i < S->n; i++) {
        int w = S->slots[i].wait;
        if (w == WAIT_HTTP)
            wake_cut(i, now);
        else if (w == WAIT_SLEEP)
            wake(i, LG_SCHED_DONE); /* lg_ffi_sleep_until tells why */
    }
    wake_jobs(-1);
}

static void curl_action(int m, curl_socket_t fd, int events);

/* Ends the waits whose deadline has passed, and calls the multi handles
 * whose timeout has (curl may arm it again: from a later now). */
static void expire(lg_ns_t now)
{
    lg_ns_t due;
    int i;
    while ((i = lg_timer_next(&S->due, &due)) >= 0 && due <= now) {
        if (i >= S->n) {
            lg_timer_disarm(&S->due, i);
            curl_action(i - S->n, CURL_SOCKET_TIMEOUT, 0);
        } else if (S->slots[i].wait == WAIT_HTTP)
            wake_cut(i, now);
        else
            wake(i, LG_SCHED_DONE);
    }
}

/* ---- libcurl's multi interface ---- */

/* The entry of descriptor fd; NULL past the table (sized to the limit on
 * open files at the start: only a raised limit goes past it). */
static struct sched_sock *sock_get(curl_socket_t fd)
{
    return fd >= 0 && fd < S->nsocks ? &S->socks[fd] : NULL;
}

/* curl's CURLMOPT_SOCKETFUNCTION (userp: the multi handle's index, kept
 * in the event's data beside the descriptor). A transfer's end removes its socket, and
 * the connection's next transfer asks for it again at once: so a removed
 * socket stays in the epoll set, and the next ask is one EPOLL_CTL_MOD,
 * not DEL, then ADD. MOD also tells a descriptor closed and reused since
 * (ENOENT: added anew). Should a socket idle in the pool see an event (the
 * server closed it), loop_turn takes it out of the set. */
static int socket_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct sched_sock *k = sock_get(fd);
    struct epoll_event ev = { .data.u64 = (uint32_t)fd | (uint64_t)(uintptr_t)userp << 32 };
    if (what == CURL_POLL_REMOVE) {
        if (k)
            k->watched = 0;
        else /* past the table: not kept */
            epoll_ctl(S->epfd, EPOLL_CTL_DEL, fd, NULL);
        return 0;
    }
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    int op = k && !k->events ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(S->epfd, op, fd, &ev) < 0) {
        op = errno == ENOENT ? EPOLL_CTL_ADD : errno == EEXIST ? EPOLL_CTL_MOD : -1;
        if (op < 0 || epoll_ctl(S->epfd, op, fd, &ev) < 0)
            ev.events = 0;
    }
    if (k) {
        k->watched = 1;
        k->events = ev.events;
    }
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: multi handle m (userp) wants a call in
 * timeout_ms (-1: none), a deadline in the slots' heap. */
static int timer_cb(CURLM *cm, long timeout_ms, void *userp)
{
    int id = S->n + (int)(intptr_t)userp;
    if (timeout_ms < 0)
        lg_timer_disarm(&S->due, id);
    else
        lg_timer_arm(&S->due, id, lg_clock_now() + (lg_ns_t)timeout_ms * 1000000);
    return 0;
}

/* Wakes the slots whose transfer on multi handle m has ended. */
static void curl_done(int m)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(S->multi[m], &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        char *p = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
        struct sched_slot *s = (struct sched_slot *)p;
        int i = (int)(s - S->slots);
        s->rc = msg->data.result;
        wake(i, LG_SCHED_DONE); /* removes the handle: msg is not read after this */
    }
}

static void curl_action(int m, curl_socket_t fd, int events)
{
    int running;
    curl_multi_socket_action(S->multi[m], fd, events, &running);
    curl_done(m);
}

/* Multi handle m, for n slots. */
static CURLM *multi_new(int m, int n)
{
    CURLM *cm = curl_multi_init();
    if (!cm)
        return NULL;
    curl_multi_setopt(cm, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(cm, CURLMOPT_SOCKETDATA, (void *)(intptr_t)m);
    curl_multi_setopt(cm, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(cm, CURLMOPT_TIMERDATA, (void *)(intptr_t)m);
    curl_multi_setopt(cm, CURLMOPT_MAXCONNECTS, (long)n);
    curl_multi_setopt(cm, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)n);
    return cm;
}

/* ---- the loop ---- */

/* A connection per coroutine: raises the soft limit on descriptors to
 * what n of them need, as far as the hard limit allows, and says so when
 * that is not enough (the transfers beyond it fail, each recorded).
 * Returns the size of the socket table: descriptors below the limit, up
 * to 2 n + 1,024. */
static int fd_room(int n)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)n + 64, table = (rlim_t)2 * n + 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return (int)table;
    if (rl.rlim_cur >= want)
        return (int)(rl.rlim_cur < table ? rl.rlim_cur : table);
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < want)
        lg_log(LG_LOG_ALWAYS(LG_LOG_WARN), "--concurrency %d: this worker may open only %ld "
               "descriptors (RLIMIT_NOFILE), some transfers will fail", n, (long)rl.rlim_cur);
    return (int)rl.rlim_cur;
}

int lg_sched_start(int n, int job_fd)
{
    if (W->sched)
        return n == S->n ? 0 : -EINVAL; /* the runner's second phase: the same slots */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return -EIO;
    S->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (S->epfd < 0)
        return -errno;
    S->n = n;
    S->nmulti = (n + GROUP - 1) / GROUP;
    S->multi = lg_calloc((size_t)S->nmulti, sizeof *S->multi);
    lg_timer_init(&S->due, n + S->nmulti);
    for (int m = 0; m < S->nmulti; m++)
        if (!(S->multi[m] = multi_new(m, m + 1 < S->nmulti ? GROUP : n - m * GROUP)))
            return -ENOMEM;
    S->cur = -1;
    S->slots = lg_calloc((size_t)n, sizeof *S->slots);
    S->ready = lg_calloc((size_t)n, sizeof *S->ready);
    S->jobwait = lg_calloc((size_t)n, sizeof *S->jobwait);
    S->job_fd = job_fd;
    S->nsocks = fd_room(n);
    S->socks = lg_calloc((size_t)S->nsocks, sizeof *S->socks);
    if (job_fd >= 0 && fcntl(job_fd, F_SETFL, fcntl(job_fd, F_GETFL) | O_NONBLOCK) < 0)
        return -errno;
    W->sched = S;
    W->co = &S->idle;
    return 0;
}

void lg_sched_enter(int i)
{
    S->cur = i;
    W->co = i >= 0 ? &S->slots[i].co : &S->idle;
}

int lg_sched_active(void)
{
    return W->sched && S->cur >= 0;
}

/* How long epoll may sleep: to the nearest deadline, or -1 (no limit). */
static int loop_timeout(lg_ns_t now, struct timespec *ts)
{
    lg_ns_t due;
    if (lg_timer_next(&S->due, &due) < 0)
        due = INT64_MAX;
    if (due == INT64_MAX)
        return -1;
    lg_ns_t d = due > now ? due - now : 0;
    ts->tv_sec = d / 1000000000;
    ts->tv_nsec = d % 1000000000;
    return 0;
}

/* epoll_pwait2 (Linux 5.11, ns timeouts), or epoll_wait where the kernel
 * lacks it (the timeout rounded up to a millisecond). */
static int loop_epoll(struct epoll_event *ev, const struct timespec *ts)
{
    static int no_pwait2;
    if (!no_pwait2) {
        int k = epoll_pwait2(S->epfd, ev, EVENTS, ts, NULL);
        if (k >= 0 || errno != ENOSYS)
            return k;
        no_pwait2 = 1;
    }
    int ms = -1;
    if (ts && ts->tv_sec >= 1000000)
        ms = 1000000000; /* 11 days: the loop looks again */
    else if (ts)
        ms = (int)(ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000);
    return epoll_wait(S->epfd, ev, EVENTS, ms);
}

/* One turn: deadlines, then what epoll reports. */
static void loop_turn(void)
{
    struct epoll_event ev[EVENTS];
    struct timespec ts;
    lg_ns_t now = lg_clock_now();
    expire(now);
    if (S->nready > 0)
        return;
    int nev = loop_epoll(ev, loop_timeout(now, &ts) < 0 ? NULL : &ts);
    for (int j = 0; j < nev; j++) {
        int fd = (int)(uint32_t)ev[j].data.u64, m = (int)(ev[j].data.u64 >> 32);
        if (S->job_watched && fd == S->job_fd) {
            long depth = lg_jobq_depth(S->job_fd);
            wake_jobs(depth > 0 ? depth : -1); /* -1: the queue ended, all see it */
            continue;
        }
        struct sched_sock *k = sock_get(fd);
        if (k && !k->watched) { /* idle in curl's pool: out of the set until asked */
            epoll_ctl(S->epfd, EPOLL_CTL_DEL, fd, NULL);
            k->events = 0;
            continue;
        }
        int e = (ev[j].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                (ev[j].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                (ev[j].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        curl_action(m, fd, e);
    }
}

/* Sends the record batch when the last flush is FLUSH_NS old: a flush per
 * turn of the loop woke the collector for every few requests, and cost
 * both sides a system call or more each time. Between flushes, the
 * worker's 100 ms timer sends what waits (worker.c) and a full batch goes
 * at once (statpipe.c). */
static void flush_due(void)
{
    if (W->pipe.n == 0)
        return;
    lg_ns_t now = lg_clock_now();
    if (now - S->flushed_ns < FLUSH_NS)
        return;
    S->flushed_ns = now;
    if (lg_statpipe_flush(&W->pipe) < 0)
        W->stop = 1; /* the collector is gone */
}

static int any_wait(void)
{
    for (int i = 0; i < S->n; i++)
        if (S->slots[i].wait != WAIT_NONE)
            return 1;
    return 0;
}

int lg_sched_wait(int *ready)
{
    while (S->nready == 0) {
        if (W->hard_end_ns && lg_clock_now() >= W->hard_end_ns)
            W->hard = 1;
        if (W->stop || W->hard) {
            wake_all(lg_clock_now());
            if (S->nready == 0 && !any_wait())
                return 0;
        } else if (W->retire && S->njobwait > 0) {
            wake_jobs(-1);
        }
        if (S->nready > 0)
            break;
        flush_due();
        loop_turn();
    }
    int k = S->nready;
    for (int j = 0; j < k; j++) {
        ready[j] = S->ready[j];
        S->slots[ready[j]].queued = 0;
    }
    S->nready = 0;
    return k;
}

/* ---- waits ---- */

/* The deadline of a wait that only the stop, --timeout or the hard end
 * cuts; 0: none. */
static lg_ns_t cut_due(const struct lg_co *co)
{
    lg_ns_t due = co->depth > 0 ? co->req_deadline_ns : 0;
    if (W->hard_end_ns && (!due || W->hard_end_ns < due))
        due = W->hard_end_ns;
    return due;
}

int lg_sched_sleep(lg_ns_t t)
{
    struct sched_slot *s = &S->slots[S->cur];
    s->wait = WAIT_SLEEP;
    lg_timer_arm(&S->due, S->cur, W->hard_end_ns && W->hard_end_ns < t ? W->hard_end_ns : t);
    return LG_SCHED_YIELD;
}

int lg_sched_job_wait(void)
{
    struct sched_slot *s = &S->slots[S->cur];
    s->wait = WAIT_JOB;
    S->jobwait[S->njobwait++] = S->cur;
    if (!S->job_watched) {
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint32_t)S->job_fd };
        if (epoll_ctl(S->epfd, EPOLL_CTL_ADD, S->job_fd, &ev) == 0)
            S->job_watched = 1;
        else
            wake_jobs(-1); /* cannot watch it: retry at once */
    }
    return LG_SCHED_YIELD;
}

int lg_sched_http_start(CURL *easy)
{
    struct sched_slot *s = &S->slots[S->cur];
    if (W->stop || W->hard) {
        s->co.cut_short = 1;
        return LG_SCHED_STOPPED;
    }
    curl_easy_setopt(easy, CURLOPT_PRIVATE, (char *)s);
    s->rc = CURLE_OK;
    if (curl_multi_add_handle(S->multi[S->cur / GROUP], easy) != CURLM_OK)
        return LG_SCHED_STOPPED;
    s->easy = easy;
    s->wait = WAIT_HTTP;
    lg_ns_t due = cut_due(&s->co);
    if (due)
        lg_timer_arm(&S->due, S->cur, due);
    return LG_SCHED_YIELD;
}

int lg_sched_http_done(CURLcode *rc)
{
    struct sched_slot *s = &S->slots[S->cur];
    *rc = s->rc;
    return s->status;
}
