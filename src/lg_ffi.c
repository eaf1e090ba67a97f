/* lg_ffi.c -- the lg_ffi_* functions (see lg_ffi.h): what the Lua runner of
 * a worker calls to read the clock, sleep, take open-model events and send
 * its records down the stats pipe.
 *
 * They run in a worker only, on the state worker.c sets up (worker_state.h).
 * They never raise, never call back into Lua and never exit: a broken pipe
 * only raises the stop flag, which the runner sees between steps. The
 * worker's life (signals, the Lua state, the STOP record) is worker.c's;
 * with --concurrency > 1 the waits go to sched.c, and the lg_ffi_sched_*
 * here are the Lua scheduler's doors to it. */
#include "lg_ffi.h"

#include <errno.h>
#include <string.h>

#include "inflight.h"
#include "jobq.h"
#include "log.h"
#include "record.h"
#include "sched.h"
#include "worker_state.h"

#define W (&lg_worker_state)
#define NS_FAR 1e18 /* about 31 years: a later time is as good as never */

/* A run time from Lua, in range: NaN and negatives are 0, anything past
 * NS_FAR is NS_FAR, so the conversion never overflows. */
static lg_ns_t ffi_ns(double ns)
{
    if (!(ns > 0))
        return 0;
    return ns < NS_FAR ? (lg_ns_t)ns : (lg_ns_t)NS_FAR;
}

double lg_ffi_now(void)
{
    return (double)lg_clock_now();
}

int lg_ffi_stopping(void)
{
    return W->stop || W->hard;
}

int lg_ffi_sleep_until(double t_ns)
{
    struct lg_co *co = W->co;
    lg_ns_t t = ffi_ns(t_ns), cut = co->depth > 0 ? co->req_deadline_ns : 0;
    if (cut && cut < t)
        t = cut; /* a timed call's sleep ends at its --timeout */
    if (W->sched && !W->stop && !W->hard && lg_sched_active() && lg_clock_now() < t)
        return lg_sched_sleep(t); /* the caller yields, then calls again */
    if (W->pipe.n > 0 && lg_statpipe_flush(&W->pipe) < 0)
        W->stop = 1; /* the collector is gone */
    while (!W->stop && !W->hard && lg_clock_now() < t)
        lg_clock_sleep_until(t); /* -EINTR: the timer fired, sleep again */
    if (co->depth > 0 && (W->hard || (cut && lg_clock_now() >= cut)))
        co->timed_out = W->hard ? 2 : 1;
    int r = W->stop || W->hard || co->timed_out;
    co->cut_short |= r;
    return r;
}

/* label = "a.b", cut to LG_NAME_MAX bytes, as the runner's labels are. */
static void ffi_label(char *label, const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < LG_NAME_MAX ? alen : LG_NAME_MAX;
    memcpy(label, a, n);
    if (n < LG_NAME_MAX)
        label[n++] = '.';
    blen = blen < LG_NAME_MAX - n ? blen : LG_NAME_MAX - n;
    memcpy(label + n, b, blen);
    label[n + blen] = '\0';
}

void lg_ffi_cut_enter(int step, const char *manager, size_t len)
{
    struct lg_co *co = W->co;
    co->cut_step = step;
    ffi_label(co->cut_label, manager, len, "hooks", 5);
    co->in_cut = 1;
}

int lg_ffi_cut_leave(void)
{
    struct lg_co *co = W->co;
    int t = co->timed_out;
    co->in_cut = 0;
    co->timed_out = 0;
    return t;
}

void lg_ffi_request_begin(const char *manager, size_t mlen, const char *name, size_t nlen,
                          double begin_ns)
{
    struct lg_co *co = W->co;
    co->cut_short = 0;
    if (co->depth > 0) {
        co->depth++; /* a timed call inside another: the outer one is the request */
        return;
    }
    ffi_label(co->req_label, manager, mlen, name, nlen);
    co->req_begin_ns = ffi_ns(begin_ns);
    co->req_deadline_ns = W->timeout_ns ? co->req_begin_ns + W->timeout_ns : 0;
    co->serial = ++W->req_serial;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    co->depth = 1;
}

double lg_ffi_timeout(void)
{
    return (double)W->timeout_ns / 1e9;
}

int lg_ffi_request_end(void)
{
    struct lg_co *co = W->co;
    int t = co->timed_out;
    co->timed_out = 0;
    if (co->depth > 0 && --co->depth == 0 && !W->hard)
        W->hooked_ns = 0; /* the next call gets its own deadline */
    return t ? t : co->cut_short ? 3 : 0;
}

/* Sends text as chunks of `type` records for name id `name`. */
static void ffi_text(int type, int name, const char *s, size_t len, size_t max)
{
    if (len > max)
        len = max;
    do {
        size_t n = len < LG_TEXT_CHUNK ? len : LG_TEXT_CHUNK;
        struct lg_record *rec = lg_statpipe_slot(&W->pipe, type);
        rec->name = (uint16_t)name;
        rec->u.text.len = (uint16_t)n;
        rec->u.text.more = len > n;
        memcpy(rec->u.text.bytes, s, n);
        lg_statpipe_commit(&W->pipe, lg_clock_now());
        s += n;
        len -= n;
    } while (len > 0);
}

int lg_ffi_name(const char *s, size_t len)
{
    static int next_name;
    if (next_name >= LG_NAME_NONE) /* its records carry LG_NAME_NONE: counted, not named */
        return -1;
    ffi_text(LG_REC_NAME, next_name, s, len, LG_NAME_MAX);
    return next_name++;
}

void lg_ffi_text(const char *s, size_t len)
{
    ffi_text(LG_REC_TEXT, 0, s, len, LG_TEXT_MAX);
}

void lg_ffi_record(int type, int rc, int name, int step, double opcount, double tra,
                   double begin_ns, double end_ns, double inlen, double outlen)
{
    struct lg_record *rec = lg_statpipe_slot(&W->pipe, type);
    rec->rc = (uint8_t)(rc < 0 ? 255 : rc > 255 ? 255 : rc);
    rec->name = (uint16_t)name;
    rec->step = (uint16_t)step;
    rec->u.ev.opcount = (uint64_t)opcount;
    if (opcount > 0)
        W->opcount = (uint64_t)opcount;
    rec->u.ev.tra = (uint64_t)tra;
    rec->u.ev.begin_ns = (int64_t)begin_ns;
    rec->u.ev.end_ns = (int64_t)end_ns;
    rec->u.ev.inlen = inlen > 0 ? (uint32_t)inlen : 0;
    rec->u.ev.outlen = outlen > 0 ? (uint32_t)outlen : 0;
    rec->u.ev.intended_ns = W->co->intended_ns;
    lg_statpipe_commit(&W->pipe, (lg_ns_t)end_ns);
}

void lg_ffi_start(double t_ns)
{
    W->started_ns = (lg_ns_t)t_ns;
    struct lg_record *rec = lg_statpipe_slot(&W->pipe, LG_REC_START);
    rec->u.ev.begin_ns = W->started_ns;
    lg_statpipe_commit(&W->pipe, W->started_ns);
    lg_statpipe_flush(&W->pipe); /* the collector counts it as started now */
}

void lg_ffi_log(int level, const char *s, size_t len)
{
    lg_log_raw(level, s, len);
}

int lg_ffi_verbosity(void)
{
    return lg_log_verbosity;
}

int lg_ffi_job_take(double *job)
{
    struct lg_job j;
    if (!W->sched && W->pipe.n > 0 && lg_statpipe_flush(&W->pipe) < 0)
        W->stop = 1; /* with a scheduler, its loop flushes before it waits */
    W->co->intended_ns = 0;
    while (!W->stop && !W->retire && W->job_fd >= 0) {
        int rc = lg_jobq_take(W->job_fd, &j);
        if (rc == 1) {
            job[0] = (double)j.seq;
            job[1] = (double)j.intended_ns;
            job[2] = (double)j.dispatched_ns;
            job[3] = (double)j.phase;
            W->co->intended_ns = j.intended_ns;
            if (W->inflight)
                lg_inflight_store(W->inflight, ++W->held);
            return 1;
        }
        if (rc == -EAGAIN && lg_sched_active())
            return lg_sched_job_wait(); /* the caller yields, then takes again */
        if (rc != -EINTR)
            break; /* end of the queue */
    }
    return 0;
}

int lg_ffi_sched_start(int n)
{
    return lg_sched_start(n, W->job_fd);
}

void lg_ffi_sched_enter(int i)
{
    lg_sched_enter(i);
}

int lg_ffi_sched_wait(int *ready)
{
    return lg_sched_wait(ready);
}

void lg_ffi_job_done(const double *job, double begin_ns, double end_ns, int requests, int dropped)
{
    struct lg_record *rec = lg_statpipe_slot(&W->pipe, dropped ? LG_REC_DROP : LG_REC_JOB);
    rec->u.job.seq = (uint64_t)job[0];
    rec->u.job.intended_ns = (int64_t)job[1];
    rec->u.job.dispatched_ns = (int64_t)job[2];
    rec->u.job.phase = (uint32_t)job[3];
    rec->u.job.begin_ns = (int64_t)begin_ns;
    rec->u.job.end_ns = (int64_t)end_ns;
    rec->u.job.requests = requests > 0 ? (uint32_t)requests : 0;
    lg_statpipe_commit(&W->pipe, (lg_ns_t)end_ns);
    if (W->inflight && W->held > 0)
        lg_inflight_store(W->inflight, --W->held);
}
