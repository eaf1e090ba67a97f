/* lg_ffi.c -- the lg_ffi_* functions (see lg_ffi.h): what the Lua runner of
 * a worker calls to read the clock, sleep, take open-model events and send
 * its records down the stats pipe.
 *
 * They run in a worker only, on the state worker.c sets up (worker_state.h).
 * They never raise, never call back into Lua and never exit: a broken pipe
 * only raises the stop flag, which the runner sees between steps. The
 * worker's life (signals, the Lua state, the STOP record) is worker.c's. */
#include "lg_ffi.h"

#include <errno.h>
#include <string.h>

#include "jobq.h"
#include "log.h"
#include "record.h"
#include "worker_state.h"

#define W (&lg_worker_state)

double lg_ffi_now(void)
{
    return (double)lg_clock_now();
}

int lg_ffi_stopping(void)
{
    return W->stop;
}

int lg_ffi_sleep_until(double t_ns)
{
    lg_ns_t t = (lg_ns_t)t_ns;
    if (W->pipe.n > 0 && lg_statpipe_flush(&W->pipe) < 0)
        W->stop = 1; /* the collector is gone */
    while (!W->stop && lg_clock_now() < t)
        lg_clock_sleep_until(t); /* -EINTR: the timer fired, sleep again */
    return W->stop;
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
    rec->u.ev.intended_ns = W->intended_ns;
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
    if (W->pipe.n > 0 && lg_statpipe_flush(&W->pipe) < 0)
        W->stop = 1;
    W->intended_ns = 0;
    while (!W->stop && !W->retire && W->job_fd >= 0) {
        int rc = lg_jobq_take(W->job_fd, &j);
        if (rc == 1) {
            job[0] = (double)j.seq;
            job[1] = (double)j.intended_ns;
            job[2] = (double)j.dispatched_ns;
            job[3] = (double)j.phase;
            W->intended_ns = j.intended_ns;
            return 1;
        }
        if (rc != -EINTR)
            break; /* end of the queue */
    }
    return 0;
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
}
