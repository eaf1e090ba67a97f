/* generator.c -- the generator process (see generator.h). */
#include "generator.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "jobq.h"
#include "log.h"
#include "record.h"
#include "statpipe.h"

#define BATCH 128                          /* jobs queued in one write at most */
#define WARN_LATE_NS (10 * 1000 * 1000LL)  /* lateness worth a warning */
#define CPU_SATURATED 0.9                  /* share of a core */

static volatile sig_atomic_t generator_stop;

static void generator_stop_cb(int sig)
{
    (void)sig;
    generator_stop = 1;
}

struct phase_acc {
    uint32_t index;
    uint64_t generated;
    lg_ns_t last_ns;
    lg_ns_t late_max_ns;
};

/* Once a second: warns when the generator itself is the bottleneck. */
struct watch {
    lg_ns_t window_end;
    lg_ns_t late_max;      /* worst lateness in this window */
    double cpu_s;          /* CPU seconds at the window start */
};

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static void watch_check(struct watch *w, lg_ns_t now)
{
    if (now < w->window_end)
        return;
    double cpu = cpu_seconds();
    double share = (cpu - w->cpu_s) / 1.0;
    /* Logged as errors so they show without -v: they say the figures of
     * this run are the injector's, not the server's. */
    if (w->late_max > WARN_LATE_NS)
        lg_log(LG_LOG_ERROR, "generator: events queued up to %.1f ms late this second: the "
               "injector cannot keep the schedule, latencies are biased", w->late_max / 1e6);
    if (share > CPU_SATURATED)
        lg_log(LG_LOG_ERROR, "generator: CPU at %.0f%%: the injector is saturated", share * 100);
    w->window_end = now + LG_NS_PER_S;
    w->late_max = 0;
    w->cpu_s = cpu;
}

static void phase_send(struct lg_statpipe_writer *wr, const struct lg_schedule *s,
                       const struct phase_acc *p, lg_ns_t start_ns)
{
    const struct lg_phase *ph = &s->phases[p->index];
    struct lg_record *rec = lg_statpipe_slot(wr, LG_REC_PHASE);
    rec->u.phase.index = p->index;
    rec->u.phase.generated = p->generated;
    rec->u.phase.start_ns = start_ns + ph->start_ns;
    rec->u.phase.end_ns = start_ns + ph->start_ns + lg_clock_from_s(ph->duration_s);
    rec->u.phase.last_ns = p->last_ns;
    rec->u.phase.late_max_ns = p->late_max_ns;
    lg_statpipe_commit(wr, lg_clock_now());
    lg_statpipe_flush(wr);
}

/* Sends the record of the phase in acc and of every phase before `next`
 * (phases too short for a single event); returns the accumulator of next. */
static struct phase_acc phase_next(struct lg_statpipe_writer *wr, const struct lg_generator_args *a,
                                   const struct phase_acc *acc, uint32_t next)
{
    phase_send(wr, a->schedule, acc, a->start_ns);
    for (uint32_t p = acc->index + 1; p < next; p++) {
        struct phase_acc empty = { .index = p };
        phase_send(wr, a->schedule, &empty, a->start_ns);
    }
    return (struct phase_acc){ .index = next };
}

/* Queues the batch; stamps every job with the dispatch time. */
static int batch_put(int fd, struct lg_job *jobs, int n, struct phase_acc *acc, struct watch *w)
{
    if (n == 0)
        return 0;
    lg_ns_t now = lg_clock_now();
    for (int i = 0; i < n; i++) {
        jobs[i].dispatched_ns = now;
        lg_ns_t late = now - jobs[i].intended_ns;
        if (late > acc->late_max_ns)
            acc->late_max_ns = late;
        if (late > w->late_max)
            w->late_max = late;
    }
    acc->last_ns = now;
    int rc;
    do
        rc = lg_jobq_put(fd, jobs, n);
    while (rc == -EINTR && !generator_stop);
    return rc;
}

int lg_generator_run(const struct lg_generator_args *a)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = generator_stop_cb;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    static struct lg_statpipe_writer wr;
    lg_statpipe_writer_init(&wr, a->stats_fd, a->worker, (int)getpid());
    struct lg_schedule_iter gen;
    lg_schedule_iter_init(&gen, a->schedule, &a->burst, a->arrival, a->seed);
    struct lg_job batch[BATCH];
    struct phase_acc acc = { 0 };
    struct watch w = { .window_end = lg_clock_now() + LG_NS_PER_S, .cpu_s = cpu_seconds() };
    struct lg_schedule_event ev;
    int n = 0, rc = 0, more = lg_schedule_iter_next_shard(&gen, &ev, a->shard, a->nshards);

    while (more && !generator_stop && rc == 0) {
        lg_ns_t due = a->start_ns + ev.offset_ns;
        if (ev.phase != acc.index || n == BATCH || (n > 0 && due > lg_clock_now())) {
            rc = batch_put(a->job_fd, batch, n, &acc, &w); /* what is due goes now */
            n = 0;
            if (ev.phase != acc.index)
                acc = phase_next(&wr, a, &acc, ev.phase);
            continue;
        }
        while (!generator_stop && lg_clock_now() < due)
            lg_clock_sleep_until(due);
        batch[n++] = (struct lg_job){ .seq = ev.seq, .intended_ns = due, .phase = ev.phase };
        acc.generated++;
        watch_check(&w, lg_clock_now());
        more = lg_schedule_iter_next_shard(&gen, &ev, a->shard, a->nshards);
    }
    if (n > 0 && rc == 0)
        rc = batch_put(a->job_fd, batch, n, &acc, &w);
    /* the phases never reached (stopped early) still get their record */
    acc = phase_next(&wr, a, &acc, (uint32_t)a->schedule->nphases);
    close(a->job_fd);
    if (rc < 0 && !generator_stop)
        lg_log(LG_LOG_ERROR, "generator: the job queue broke: %s", strerror(-rc));
    return rc < 0 && !generator_stop ? 1 : 0;
}
