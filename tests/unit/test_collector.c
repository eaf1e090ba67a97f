/* test_collector.c -- synthetic record streams from a few workers through
 * the collector: event lines, grouping, errors, intervals, high-water marks,
 * losses, and the end summary and verdict rendered from the collector's
 * view (summary.c). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector.h"
#include "end_summary.h"
#include "summary.h"
#include "fake_worker.h"
#include "tap.h"

#define MS (1000 * 1000LL)
#define S LG_NS_PER_S

static char *steps1[] = { "A", "256" };
static char *steps2[] = { "x" };
static const struct lg_line_info lines[] = {
    { .id = "myid", .cut = "Dummy", .steps = steps1, .nsteps = 2 },
    { .id = "two", .cut = "Other", .steps = steps2, .nsteps = 1 },
};

static FILE *out, *err;

static struct lg_collector *start(enum lg_outformat format, int nlines)
{
    out = tmpfile();
    err = tmpfile();
    struct lg_collector_opts o = { .out = out, .err = err, .format = format, .summary_ns = S,
                                   .lines = lines, .nlines = nlines };
    coll = lg_collector_new(&o);
    return coll;
}

/* The whole content of f (static buffer, valid until the next call). A
 * tick at run time 0 closes no interval but flushes the collector's
 * buffers, as every tick does. */
static char *slurp(FILE *f)
{
    static char text[1 << 20];
    lg_collector_tick(coll, 0);
    fflush(f);
    long pos = ftell(f);
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fseek(f, pos, SEEK_SET);
    return text;
}

/* The end of a run as the controller ends it: close, then the summary. */
static int finish(int signal, lg_ns_t now)
{
    lg_collector_close(coll, now);
    return test_summary_end(coll, signal, NULL, NULL, err);
}

static void end_run(void)
{
    lg_collector_free(coll);
    fclose(out);
    fclose(err);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static int count_of(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* Line i (0-based) of s, in a static buffer. */
static const char *line_at(const char *s, int i)
{
    static char l[4096];
    while (i-- > 0 && s)
        s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL;
    if (!s)
        return "";
    size_t n = strcspn(s, "\n");
    memcpy(l, s, n);
    l[n] = '\0';
    return l;
}

/* Space-separated field i (0-based) of line l, in a static buffer. */
static const char *field(const char *l, int i)
{
    static char f[512];
    while (i-- > 0 && l)
        l = strchr(l, ' ') ? strchr(l, ' ') + 1 : NULL;
    if (!l)
        return "";
    size_t n = strcspn(l, " ");
    memcpy(f, l, n);
    f[n] = '\0';
    return f;
}

/* ---- record senders ---------------------------------------------------- */

static void send_start(struct fw *w, lg_ns_t t)
{
    struct lg_record r = { .type = LG_REC_START };
    r.u.ev.begin_ns = t;
    send(w, r, t);
}

static void send_ev(struct fw *w, int type, int name, int rc, uint64_t opcount, uint64_t tra,
                    lg_ns_t begin, lg_ns_t end)
{
    struct lg_record r = { .type = (uint8_t)type, .rc = (uint8_t)rc, .name = (uint16_t)name };
    r.u.ev.opcount = opcount;
    r.u.ev.tra = tra;
    r.u.ev.begin_ns = begin;
    r.u.ev.end_ns = end;
    send(w, r, end);
}

static void send_req(struct fw *w, int name, int rc, uint64_t opcount, lg_ns_t begin, lg_ns_t end)
{
    send_ev(w, LG_REC_REQ, name, rc, opcount, 0, begin, end);
}

static void send_stop(struct fw *w, int reason, uint64_t opcount, lg_ns_t start_ns, lg_ns_t end_ns,
                      lg_ns_t wait_ns)
{
    struct lg_record r = { .type = LG_REC_STOP, .rc = (uint8_t)reason };
    r.u.stop.sent = w->seq + 1; /* this one included */
    r.u.stop.opcount = opcount;
    r.u.stop.start_ns = start_ns;
    r.u.stop.end_ns = end_ns;
    r.u.stop.wait_ns = wait_ns;
    send(w, r, end_ns);
}

static struct lg_collector_totals totals(void)
{
    struct lg_collector_totals t;
    lg_collector_totals(coll, &t);
    return t;
}

/* ---- tests -------------------------------------------------------------- */

/* Two workers, one name each under different ids: one stats row. */
static void test_two_workers(void)
{
    struct fw a = { 0, 1001, 0 }, b = { 1, 1002, 0 };
    start(LG_OUT_SHORT, 1);
    lg_collector_add_worker(coll, 0, 0, 1001, 0);
    lg_collector_add_worker(coll, 1, 0, 1002, 0);
    send_start(&a, 1 * S);
    send_name(&a, 0, "RMngr.R-EXEC");
    send_start(&b, 1 * S);
    send_name(&b, 7, "RMngr.R-EXEC");
    for (int i = 1; i <= 4; i++) {
        send_req(&a, 0, 0, (uint64_t)i, 1 * S + i * 100 * MS, 1 * S + i * 100 * MS + 10 * MS);
        send_req(&b, 7, 0, (uint64_t)i, 1 * S + i * 100 * MS, 1 * S + i * 100 * MS + 30 * MS);
    }
    const char *o = slurp(out);
    is_int(count_lines(o), 8, "two workers: one line per request");
    is_str(field(line_at(o, 0), 3), "1", "first line: globalOps 1");
    is_str(field(line_at(o, 7), 3), "8", "last line: globalOps 8");
    is_str(field(line_at(o, 7), 4), "18.60", "before any interval: gThru = 8 / (1.43 - 1.0) s");
    is_str(field(line_at(o, 7), 5), "2", "started 2");
    is_str(field(line_at(o, 7), 7), "2", "active 2");
    is_str(field(line_at(o, 7), 8), "myid.1002.Dummy.0.RMngr.R-EXEC", "fullId of worker b");
    is_str(field(line_at(o, 6), 12), "9.76", "localThru = 4 ops / (1.41 - 1.0) s");
    is_str(field(line_at(o, 0), 15), "A", "step string");
    is_str(field(line_at(o, 1), 17), "0.030000", "duration in seconds");

    send_stop(&a, LG_STOP_DONE, 4, 1 * S, 2 * S, 5 * MS);
    o = slurp(out);
    lg_collector_worker_exit(coll, 0, 0, 2 * S);
    send_stop(&b, LG_STOP_DONE, 4, 1 * S, 3 * S, 20 * MS);
    lg_collector_worker_exit(coll, 1, 0, 3 * S);
    struct lg_collector_totals t = totals();
    is_int(t.received, 14, "received counts every record");
    is_int(t.started, 2, "totals: 2 started");
    is_int(t.ended, 2, "totals: 2 ended");
    is_int(t.active, 0, "totals: 0 active");
    is_int(finish(0, 3 * S), 0, "finish: a clean run returns 0");
    const char *e = slurp(err);
    is_int(count_of(e, "RMngr.R-EXEC"), 1, "one stats row for the name of both workers");
    like(e, "  req  RMngr.R-EXEC                  8        0", "the row counts both workers");
    like(e, "records: sent 14, received 14", "sent equals received");
    like(e, "sum of local 6.00 ops/s", "local throughputs: 4/1s + 4/2s");
    like(e, "blocked on the pipe: 0.025 s in total, at most 0.020 s (worker 1)", "pipe blocking");
    like(e, "result: OK", "verdict OK");
    ok(!strstr(e, "LOST"), "no loss reported");
    is_int(t.sent, 14, "sent from the STOP records");
    end_run();
}

/* A transaction, its parts, error text on the right request. */
static void test_transaction(void)
{
    struct fw w = { 0, 77, 0 };
    start(LG_OUT_SHORT, 1);
    lg_collector_add_worker(coll, 0, 0, 77, 0);
    send_start(&w, 0);
    send_name(&w, 0, "RMngr");
    send_name(&w, 1, "RMngr.R0-EXEC");
    send_name(&w, 2, "RMngr.R1-EXEC");
    send_name(&w, 3, "RMngr.R2-EXEC");
    send_ev(&w, LG_REC_TRA, 0, 16, 1, 1, 100 * MS, 130 * MS);
    send_ev(&w, LG_REC_REQ, 1, 0, 0, 1, 100 * MS, 110 * MS);
    send_text(&w, "R1 went wrong");
    send_ev(&w, LG_REC_REQ, 2, 16, 0, 1, 110 * MS, 120 * MS);
    send_ev(&w, LG_REC_REQ, 3, 0, 0, 1, 120 * MS, 130 * MS);
    send_req(&w, 1, 0, 2, 200 * MS, 210 * MS);
    const char *o = slurp(out);
    is_int(count_lines(o), 5, "tra + 3 parts + 1 solo");
    is_str(field(line_at(o, 0), 2), "tra", "first line is the transaction");
    is_str(field(line_at(o, 0), 3), "0", "a transaction does not count in globalOps");
    is_str(field(line_at(o, 0), 9), "tra", "nature tra");
    is_str(field(line_at(o, 0), 10), "myid.77.1", "transaction id");
    is_str(field(line_at(o, 0), 12), "7.69", "transaction local thru: 1 op / 0.13 s");
    int parts_ok = 1;
    for (int i = 1; i <= 3; i++) {
        const char *l = line_at(o, i);
        parts_ok &= !strcmp(field(l, 9), "part") && !strcmp(field(l, 10), "myid.77.1") &&
                    !strcmp(field(l, 11), "0") && !strcmp(field(l, 12), "-1") &&
                    atoi(field(l, 3)) == i;
    }
    ok(parts_ok, "parts: same transaction id, opcount 0, thru -1, globalOps 1..3");
    is_str(field(line_at(o, 4), 9), "solo", "then a solo request");
    is_str(field(line_at(o, 4), 10), "None", "solo: transaction id None");
    const char *e = slurp(err);
    is_int(count_lines(e), 1, "one error line");
    like(e, " ERROR myid.77.Dummy.0.RMngr.R1-EXEC rc=16: R1 went wrong\n",
         "the message is on the failing request");
    struct lg_collector_totals t = totals();
    is_int(t.requests, 4, "4 requests");
    is_int(t.transactions, 1, "1 transaction");
    is_int(t.errors, 2, "errors: the failed transaction and its failed request");
    send_stop(&w, LG_STOP_DONE, 2, 0, 300 * MS, 0);
    lg_collector_worker_exit(coll, 0, 0, 300 * MS);
    is_int(finish(0, 300 * MS), 0, "finish 0");
    e = slurp(err);
    like(e, "  tra  RMngr                         1        1", "the transaction has its own row");
    like(e, "  req  RMngr.R1-EXEC                 1        1", "request row with its error");
    like(e, "  req  RMngr.R0-EXEC                 2        0", "request name used in and out");
    end_run();
}

/* Messages belong to the record right after them, and to nothing else. */
static void test_error_text(void)
{
    struct fw w = { 0, 5, 0 };
    start(LG_OUT_SHORT, 1);
    lg_collector_add_worker(coll, 0, 0, 5, 0);
    send_start(&w, 0);
    send_name(&w, 0, "RMngr.R-EXEC");
    send_name(&w, 1, "setUp");
    send_req(&w, 0, 16, 1, 0, MS); /* no text */
    send_text(&w, "stale");
    send_req(&w, 0, 0, 2, MS, 2 * MS); /* ok: the text goes nowhere */
    send_req(&w, 0, 16, 3, 2 * MS, 3 * MS);
    char longmsg[200];
    memset(longmsg, 'x', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    memcpy(longmsg, "multi\nline", 10);
    send_text(&w, longmsg); /* five chunks */
    send_req(&w, 0, 16, 4, 3 * MS, 4 * MS);
    send_text(&w, "hook failed");
    struct lg_record r = { .type = LG_REC_ERR, .rc = 16, .name = 1, .step = 1 };
    r.u.ev.end_ns = 5 * MS;
    send(&w, r, 5 * MS);
    const char *e = slurp(err);
    is_int(count_lines(e), 4, "four error lines");
    like(line_at(e, 0), "R-EXEC rc=16: (no message)", "a failure without text");
    like(line_at(e, 1), "R-EXEC rc=16: (no message)", "a stale text is not attached later");
    like(line_at(e, 2), "R-EXEC rc=16: multi | linexxxx", "a chunked message, on one line");
    is_int(strlen(line_at(e, 2)), strlen("00:00:00.004000 ERROR myid.5.Dummy.0.RMngr.R-EXEC "
                                         "rc=16: ") + 199 + 2,
           "all five chunks are joined");
    like(line_at(e, 3), "ERROR myid.5.Dummy.1.setUp rc=16: hook failed", "hook error line");
    is_int(count_lines(slurp(out)), 4, "ERR records make no event line");
    is_int(totals().errors, 4, "4 errors counted");
    end_run();
}

/* Interval throughput, gThru in the lines, the high-water marks. */
static void test_intervals(void)
{
    struct fw w = { 0, 9, 0 };
    start(LG_OUT_LONG, 1);
    lg_collector_add_worker(coll, 0, 0, 9, 0);
    is_int(lg_collector_tick(coll, 0), S, "first tick due at 1 s");
    send_start(&w, 500 * MS);
    send_name(&w, 0, "n");
    uint64_t op = 0;
    for (int i = 0; i < 10; i++, op++) /* 10 in [0.5, 1) */
        send_req(&w, 0, 0, op + 1, 500 * MS + i * 10 * MS, 510 * MS + i * 10 * MS);
    is_int(lg_collector_tick(coll, S), 2 * S, "tick at 1 s: next at 2 s");
    send_req(&w, 0, 0, ++op, S, S + 200 * MS);
    const char *o = slurp(out);
    like(line_at(o, 10), " gThru=15.71 ", "partial first interval: gThru = 11 / 0.7 s");
    for (int i = 1; i < 20; i++, op++) /* 20 in [1, 2) */
        send_req(&w, 0, 0, op + 1, S + i * 40 * MS, S + i * 40 * MS + MS);
    lg_collector_backlog(coll, 640, 1500 * MS);
    lg_collector_backlog(coll, 130, 1600 * MS);
    is_int(lg_collector_tick(coll, 2 * S + MS), 3 * S, "tick at 2.001 s: next at 3 s");
    send_req(&w, 0, 0, ++op, 2 * S, 2 * S + 5 * MS);
    o = slurp(out);
    like(line_at(o, 30), " q=2 ops=31 gThru=20.00 ", "full interval: gThru = 20 / 1 s");
    for (int i = 1; i < 40; i++, op++) /* 40 in [2, 3) */
        send_req(&w, 0, 0, op + 1, 2 * S + i * 20 * MS, 2 * S + i * 20 * MS + MS);
    lg_collector_tick(coll, 3 * S);
    send_req(&w, 0, 0, ++op, 2 * S + 900 * MS, 2 * S + 990 * MS); /* late: into [3, 4) */
    lg_collector_tick(coll, 4 * S);
    const char *e = slurp(err);
    is_str(line_at(e, 0),
           "[   1.0s] reqs 10 tra 0 err 0 | 10.0/s | workers 1 started 0 ended 1 active | "
           "backlog 0",
           "periodic line at 1 s");
    like(line_at(e, 1), "[   2.0s] reqs 30 tra 0 err 0 | 20.0/s |", "20 req/s over [1, 2)");
    like(line_at(e, 1), "| backlog 2", "backlog in records");
    like(line_at(e, 2), "[   3.0s] reqs 70 tra 0 err 0 | 40.0/s |", "40 req/s over [2, 3)");
    like(line_at(e, 3), "[   4.0s] reqs 71 tra 0 err 0 | 1.0/s |", "a late request: next one");
    send_stop(&w, LG_STOP_DONE, op, 500 * MS, 4 * S + 500 * MS, 0);
    lg_collector_worker_exit(coll, 0, 0, 4 * S + 500 * MS);
    is_int(finish(0, 4 * S + 600 * MS), 0, "finish 0");
    e = slurp(err);
    like(e, "throughput high-water mark: 40.00 req/s in the interval ending at 3.0 s",
         "throughput high-water mark and when");
    like(e, "pipe backlog high-water mark: 10 records at 1.500 s", "backlog high-water mark");
    like(e, "throughput: global 17.75 req/s", "global = 71 requests / 4 s of load");
    end_run();
}

/* A gap in seq is a loss; finish says so and fails. */
static void test_gap(void)
{
    struct fw w = { 0, 31, 0 };
    start(LG_OUT_SHORT, 1);
    lg_collector_add_worker(coll, 0, 0, 31, 0);
    send_start(&w, 0);
    send_name(&w, 0, "n");
    send_req(&w, 0, 0, 1, 0, MS);
    w.seq += 2; /* two records lost */
    send_req(&w, 0, 0, 4, 3 * MS, 4 * MS);
    send_stop(&w, LG_STOP_DONE, 4, 0, 5 * MS, 0);
    lg_collector_worker_exit(coll, 0, 0, 5 * MS);
    struct lg_collector_totals t = totals();
    is_int(t.lost, 2, "the gap counts 2 lost records");
    is_int(t.sent, 7, "the worker said 7");
    is_int(t.received, 5, "5 arrived");
    is_int(finish(0, 5 * MS), 1, "finish: a loss returns 1");
    const char *e = slurp(err);
    like(e, "ERROR worker 0 (pid 31): 2 records lost (records 3 to 4)", "the gap, when seen");
    like(e, "*** RECORDS LOST", "a loud line at the end");
    like(e, "worker 0 (pid 31) sent 7 records, 5 received, 2 lost", "per-worker account");
    like(e, "result: FAILED", "verdict FAILED");
    end_run();
}

/* Killed and failing workers are named with their pid and reason. */
static void test_bad_workers(void)
{
    struct fw a = { 0, 2001, 0 }, b = { 1, 2002, 0 }, c3 = { 2, 2003, 0 };
    start(LG_OUT_SHORT, 1);
    lg_collector_add_worker(coll, 0, 0, 2001, 0);
    lg_collector_add_worker(coll, 1, 0, 2002, 0);
    lg_collector_add_worker(coll, 2, 0, 2003, 0);
    send_start(&a, 0);
    send_name(&a, 0, "n");
    send_req(&a, 0, 0, 1, 0, MS);
    lg_collector_worker_exit(coll, 0, SIGKILL, 2 * MS); /* as waitpid reports a SIGKILL */
    send_start(&b, 0);
    send_stop(&b, LG_STOP_DONE, 0, 0, MS, 0);
    lg_collector_worker_exit(coll, 1, 2 << 8, 2 * MS); /* exit(2) */
    send_text(&c3, "cannot load cuts/Nope.lua");
    send_stop(&c3, LG_STOP_FAILED, 0, 0, MS, 0);
    lg_collector_worker_exit(coll, 2, 1 << 8, 2 * MS);
    struct lg_collector_totals t = totals();
    is_int(t.started, 2, "the failed worker never started");
    is_int(t.ended, 2, "the killed worker counts as ended");
    is_int(finish(0, 3 * MS), 1, "finish: bad workers return 1");
    const char *e = slurp(err);
    like(e, "worker 0 (pid 2001) killed by signal 9 after 3 records", "killed worker");
    like(e, "worker 1 (pid 2002) exited with code 2", "non-zero exit");
    like(e, "worker 2 (pid 2003) failed: cannot load cuts/Nope.lua", "failed worker and why");
    end_run();
}

/* One worker, one way to end: what the end summary's verdict is. */
enum ending { END_CLEAN, END_EXIT2, END_FAILED, END_KILLED, END_TAIL_LOST, END_DUPLICATE };

static int verdict(enum ending how)
{
    struct fw w = { 0, 55, 0 };
    start(LG_OUT_SHORT, 1);
    lg_collector_add_worker(coll, 0, 0, 55, 0);
    send_start(&w, 0);
    send_name(&w, 0, "n");
    send_req(&w, 0, 0, 1, 0, MS);
    if (how == END_DUPLICATE) {
        w.seq--;
        send_req(&w, 0, 0, 2, MS, 2 * MS);
    }
    if (how == END_TAIL_LOST)
        w.seq++; /* the last request never arrived: no gap shows, STOP says more */
    if (how != END_KILLED)
        send_stop(&w, how == END_FAILED ? LG_STOP_FAILED : LG_STOP_DONE, 1, 0, 3 * MS, 0);
    int status = how == END_EXIT2 ? 2 << 8 : how == END_KILLED ? SIGKILL : 0;
    lg_collector_worker_exit(coll, 0, status, 3 * MS);
    int rc = finish(0, 3 * MS);
    is_int(test_verdict(coll, 0), rc, "verdict %d: the verdict alone agrees", (int)how);
    end_run();
    return rc;
}

static void test_verdicts(void)
{
    is_int(verdict(END_CLEAN), 0, "verdict: STOP done, exit 0, all received: 0");
    is_int(verdict(END_EXIT2), 1, "verdict: exit code 2: 1");
    is_int(verdict(END_FAILED), 1, "verdict: STOP failed: 1");
    is_int(verdict(END_KILLED), 1, "verdict: killed before STOP: 1");
    is_int(verdict(END_TAIL_LOST), 1, "verdict: sent > received without a gap: 1");
    is_int(verdict(END_DUPLICATE), 1, "verdict: a record out of sequence: 1");
}

/* Interrupted: workers stopped by signal are still a clean run. */
static void test_interrupted(void)
{
    struct fw w = { 0, 44, 0 };
    start(LG_OUT_SHORT, 1);
    lg_collector_add_worker(coll, 0, 0, 44, 0);
    send_start(&w, 0);
    send_stop(&w, LG_STOP_SIGNAL, 0, 0, MS, 0);
    lg_collector_worker_exit(coll, 0, 0, MS);
    is_int(finish(SIGTERM, MS), 128 + SIGTERM, "interrupted, all accounted: 128 + signal");
    like(slurp(err), "run interrupted by a signal", "the interruption is said");
    like(slurp(err), "\nresult: INTERRUPTED by signal 15 (exit 143)\n",
         "interrupted: the result line says the exit status");
    end_run();

    start(LG_OUT_SHORT, 1);
    w.seq = 0;
    lg_collector_add_worker(coll, 0, 0, 44, 0);
    send_start(&w, 0);
    lg_collector_worker_exit(coll, 0, 0, MS);
    is_int(finish(0, MS), 1, "exit 0 without a STOP record: 1");
    like(slurp(err), "worker 0 (pid 44) sent no STOP record (1 records received)",
         "missing STOP reported");
    end_run();
}

/* jtl: the transaction line waits for its requests. */
static void test_jtl(void)
{
    struct fw w = { 0, 8, 0 };
    start(LG_OUT_JTL, 1);
    lg_collector_add_worker(coll, 0, 0, 8, 0);
    send_start(&w, 0);
    send_name(&w, 0, "RMngr");
    send_ev(&w, LG_REC_TRA, 0, 16, 1, 1, 0, 30 * MS);
    send_name(&w, 1, "RMngr.R0-EXEC"); /* names may come inside */
    send_ev(&w, LG_REC_REQ, 1, 0, 0, 1, 0, 10 * MS);
    send_text(&w, "oops");
    send_ev(&w, LG_REC_REQ, 1, 16, 0, 1, 10 * MS, 20 * MS);
    send_ev(&w, LG_REC_REQ, 1, 0, 0, 1, 20 * MS, 30 * MS);
    const char *o = slurp(out);
    is_int(count_lines(o), 4, "header and the 3 requests; the transaction waits");
    send_req(&w, 1, 0, 2, 40 * MS, 41 * MS);
    o = slurp(out);
    is_int(count_lines(o), 6, "the next operation releases it");
    like(line_at(o, 0), "timeStamp,elapsed,label,", "header first");
    like(line_at(o, 2), ",16,oops,myid 1-1,text,false,oops,", "failed part");
    like(line_at(o, 4),
         ",30,RMngr,16,\"Number of samples in transaction : 3, number of failing samples : 1\","
         "myid 1-1,text,false,oops,",
         "transaction line with its counts and its first failure");
    like(line_at(o, 5), ",1,RMngr.R0-EXEC,0,OK,", "then the solo request");
    send_ev(&w, LG_REC_TRA, 0, 0, 3, 3, 50 * MS, 60 * MS);
    send_ev(&w, LG_REC_REQ, 1, 0, 0, 3, 50 * MS, 60 * MS);
    lg_collector_worker_exit(coll, 0, SIGKILL, 70 * MS);
    o = slurp(out);
    like(line_at(o, 7), "Number of samples in transaction : 1, number of failing samples : 0",
         "a dead worker's held transaction is written at its exit");
    finish(0, 70 * MS);
    end_run();
}

/* Two lines, workers added late, a worker never added, long names. */
static void test_lines_and_growth(void)
{
    struct fw a = { 0, 10, 0 }, b = { 40, 11, 0 }, c3 = { 70, 12, 0 };
    const char *longname = "RMngr.a-very-long-request-name-that-needs-three-chunks-"
                           "to-cross-the-pipe-in-name-records-really";
    start(LG_OUT_RAW, 2);
    lg_collector_add_worker(coll, 0, 0, 10, 0);
    send_start(&a, 0);
    send_name(&a, 0, longname);
    send_req(&a, 0, 0, 1, 0, MS);
    lg_collector_add_worker(coll, 40, 1, 11, 5 * MS); /* open model: a late worker */
    send_start(&b, 5 * MS);
    send_name(&b, 3, longname);
    send_req(&b, 3, 0, 1, 5 * MS, 6 * MS);
    send_start(&c3, 7 * MS); /* never declared: line 0 */
    send_req(&c3, 9, 16, 1, 7 * MS, 8 * MS); /* name 9 never defined */
    const char *o = slurp(out);
    is_int(count_lines(o), 3, "raw: one JSON line per request");
    like(line_at(o, 0), "\"fullId\":\"myid.10.Dummy.0.RMngr.a-very-long-request-name-that-needs-",
         "long name rebuilt from its chunks");
    like(line_at(o, 1), "\"fullId\":\"two.11.Other.0.", "line 2 prefix");
    like(line_at(o, 1), "\"step\":\"x\"", "line 2 step string");
    like(line_at(o, 2), "\"name\":\"?name9\"", "an undefined name is visible");
    send_stop(&a, LG_STOP_DONE, 1, 0, 10 * MS, 0);
    send_stop(&b, LG_STOP_DONE, 1, 5 * MS, 10 * MS, 0);
    send_stop(&c3, LG_STOP_DONE, 1, 7 * MS, 10 * MS, 0);
    lg_collector_worker_exit(coll, 0, 0, 10 * MS);
    lg_collector_worker_exit(coll, 40, 0, 10 * MS);
    lg_collector_worker_exit(coll, 70, 0, 10 * MS);
    is_int(finish(0, 10 * MS), 0, "finish 0");
    const char *e = slurp(err);
    is_int(count_of(e, longname), 2, "the name has a row in each line");
    like(e, "line 1: id myid, cut Dummy, 2 workers started", "line 1 table");
    like(e, "line 2: id two, cut Other, 1 workers started", "line 2 table");
    like(e, "all lines:", "run totals over the lines");
    end_run();
}

/* Each line's throughput is over its own span (its first load start to its
 * last end), the all-lines figure over the run's: a line that ran 0.5 s of
 * a 4 s run shows its own rate, not an eighth of it. */
static void test_line_spans(void)
{
    struct fw a = { 0, 20, 0 }, b = { 1, 21, 0 };
    start(LG_OUT_SHORT, 2);
    lg_collector_add_worker(coll, 0, 0, 20, 0);
    lg_collector_add_worker(coll, 1, 1, 21, 0);
    send_start(&a, 0);
    send_name(&a, 0, "n");
    for (int i = 0; i < 40; i++) /* line 1: 40 over [0, 4 s) */
        send_req(&a, 0, 0, (uint64_t)i + 1, i * 100 * MS, i * 100 * MS + 50 * MS);
    send_start(&b, 3 * S);
    send_name(&b, 0, "n");
    for (int i = 0; i < 10; i++) /* line 2: 10 over [3 s, 3.5 s) */
        send_req(&b, 0, 0, (uint64_t)i + 1, 3 * S + i * 50 * MS, 3 * S + i * 50 * MS + 10 * MS);
    send_stop(&b, LG_STOP_DONE, 10, 3 * S, 3500 * MS, 0);
    send_stop(&a, LG_STOP_DONE, 40, 0, 4 * S, 0);
    lg_collector_worker_exit(coll, 0, 0, 4 * S);
    lg_collector_worker_exit(coll, 1, 0, 4 * S);
    is_int(finish(0, 4 * S), 0, "line spans: finish 0");
    const char *e = slurp(err);
    const char *l2 = strstr(e, "line 2:"), *all = strstr(e, "all lines:");
    ok(l2 && all && l2 < all, "line spans: line 2's table, then the totals");
    like(l2 ? l2 : "", "  req  n                            10        0      20.00 ",
         "line spans: line 2's row over its 0.5 s, not the run's 4 s");
    like(l2 ? l2 : "", "  req  (all requests)               10        0      20.00 ",
         "line spans: line 2's total over its 0.5 s");
    like(e, "  req  n                            40        0      10.00 ",
         "line spans: line 1 over its 4 s");
    like(all ? all : "", "  req  (all requests)               50        0      12.50 ",
         "line spans: all lines over the run's 4 s");
    like(e, "throughput: global 12.50 req/s", "line spans: the global figure over the run's span");
    end_run();
}

/* ---- open model ---------------------------------------------------------- */

static struct lg_phase open_phases[] = {
    { .duration_s = 2, .r1 = 3, .r2 = 3, .events = 6, .start_ns = 0 },
    { .duration_s = 2, .r1 = 2, .r2 = 4, .events = 6, .start_ns = 2 * S },
};
static const struct lg_schedule open_sched = { .phases = open_phases, .nphases = 2,
                                               .events = 12, .duration_ns = 4 * S };
static const struct lg_line_info open_lines[] = {
    { .id = "op", .cut = "Dummy", .steps = steps1, .nsteps = 2, .open = 1,
      .schedule = &open_sched },
    { .id = "cl", .cut = "Other", .steps = steps2, .nsteps = 1 },
    { .id = "op2", .cut = "Dummy", .steps = steps1, .nsteps = 2, .open = 1,
      .schedule = &open_sched },
};

static void start_open(int nlines)
{
    out = tmpfile();
    err = tmpfile();
    struct lg_collector_opts o = { .out = out, .err = err, .format = LG_OUT_SHORT,
                                   .summary_ns = S, .lines = open_lines, .nlines = nlines };
    coll = lg_collector_new(&o);
}

/* One event's JOB or DROP record; `now` is its end. */
static void send_job(struct fw *w, int type, uint64_t seq, uint32_t phase, lg_ns_t intended,
                     lg_ns_t dispatched, lg_ns_t begin, lg_ns_t end, uint32_t requests)
{
    struct lg_record r = { .type = (uint8_t)type };
    r.u.job.seq = seq;
    r.u.job.phase = phase;
    r.u.job.intended_ns = intended;
    r.u.job.dispatched_ns = dispatched;
    r.u.job.begin_ns = begin;
    r.u.job.end_ns = end;
    r.u.job.requests = requests;
    send(w, r, end);
}

static void send_phase(struct fw *g, uint32_t index, uint64_t generated, lg_ns_t start_ns,
                       lg_ns_t end_ns, lg_ns_t last_ns, lg_ns_t late_max_ns)
{
    struct lg_record r = { .type = LG_REC_PHASE };
    r.u.phase.index = index;
    r.u.phase.generated = generated;
    r.u.phase.start_ns = start_ns;
    r.u.phase.end_ns = end_ns;
    r.u.phase.last_ns = last_ns;
    r.u.phase.late_max_ns = late_max_ns;
    send(g, r, end_ns > last_ns ? end_ns : last_ns);
}

static void send_oreq(struct fw *w, int name, uint64_t opcount, lg_ns_t intended, lg_ns_t begin,
                      lg_ns_t end)
{
    struct lg_record r = { .type = LG_REC_REQ, .name = (uint16_t)name };
    r.u.ev.opcount = opcount;
    r.u.ev.begin_ns = begin;
    r.u.ev.end_ns = end;
    r.u.ev.intended_ns = intended;
    send(w, r, end);
}

static struct lg_line_state state(int line)
{
    struct lg_line_state st;
    lg_collector_line_state(coll, line, &st);
    return st;
}

/* How an open run ends. */
enum open_end { OPEN_CLEAN, OPEN_EVENT_LOST, OPEN_INTERRUPTED, OPEN_PHASE_MISSING,
                OPEN_GEN_GAP };

/* Phase 0 (2@3): 6 events, five processed with dispatch lateness 0, exactly
 * 1 ms, 1.5 ms, exactly 10 ms and 10.5 ms, one dropped. Phase 1 (2@2-4): 6
 * events, on time, all processed unless `how` loses one (the one the
 * generator saw 12 ms late; an interrupted run loses it too). Wait 2 ms (50 ms for one), service 10 ms, two
 * requests per event. Worker b retires after phase 0, worker c joins. */
static void open_run(enum open_end how)
{
    struct fw g = { 0, 900, 0 }, a = { 1, 901, 0 }, b = { 2, 902, 0 }, c3 = { 3, 903, 0 };
    struct fw *wk[2] = { &a, &b };
    static const lg_ns_t late[5] = { 0, 1 * MS, 1500 * 1000, 10 * MS, 10500 * 1000 };
    start_open(2);
    lg_collector_add_generator(coll, 0, 0, 900, 0);
    lg_collector_add_worker(coll, 1, 0, 901, 0);
    lg_collector_add_worker(coll, 2, 0, 902, 0);
    send_start(&g, 0); /* a START from the generator counts for nothing */
    struct lg_line_state st = state(0);
    is_int(st.ready, 0, "open: the generator's START makes no worker ready");
    send_start(&a, 500 * MS);
    send_start(&b, 500 * MS);
    send_name(&a, 0, "RMngr.R-EXEC");
    st = state(0);
    is_int(st.ready, 2, "open: ready 2 once both START records are in");
    is_int(st.live, 2, "open: live 2");
    is_int(st.generated + st.processed + st.dropped + (uint64_t)st.phases_done, 0,
           "open: no event counted yet");

    /* event 0: worker a, its two requests carry the intended time */
    send_oreq(&a, 0, 1, 1 * S, 1 * S + 2 * MS, 1 * S + 7 * MS);
    send_oreq(&a, 0, 2, 1 * S, 1 * S + 7 * MS, 1 * S + 12 * MS);
    send_job(&a, LG_REC_JOB, 0, 0, 1 * S, 1 * S, 1 * S + 2 * MS, 1 * S + 12 * MS, 2);
    lg_collector_queue(coll, 0, 4, 1500 * MS);
    for (int k = 1; k < 5; k++) {
        lg_ns_t in = 1 * S + k * 300 * MS, wait = k == 3 ? 50 * MS : 2 * MS;
        send_job(wk[k % 2], LG_REC_JOB, (uint64_t)k, 0, in, in + late[k], in + wait,
                 in + wait + 10 * MS, 2);
    }
    lg_collector_queue(coll, 0, 7, 2200 * MS);
    send_job(&b, LG_REC_DROP, 5, 0, 2500 * MS, 2500 * MS, 3100 * MS, 3100 * MS, 0);
    lg_collector_queue(coll, 0, 2, 2500 * MS);
    send_phase(&g, 0, 6, 1 * S, 3 * S, 2500 * MS, 10500 * 1000);
    st = state(0);
    is_int(st.phases_done, 1, "open: one phase done");
    is_int(st.generated, 6, "open: generated from the PHASE record");
    is_int(st.processed, 5, "open: 5 processed (JOB)");
    is_int(st.dropped, 1, "open: 1 dropped (DROP)");

    /* the controller retires b and adds c */
    send_stop(&b, LG_STOP_RETIRED, 3, 500 * MS, 3200 * MS, 0);
    lg_collector_worker_exit(coll, 2, 0, 3200 * MS);
    lg_collector_add_worker(coll, 3, 0, 903, 3200 * MS);
    send_start(&c3, 3200 * MS);
    st = state(0);
    is_int(st.ready, 3, "open: ready counts every worker that started");
    is_int(st.live, 2, "open: live 2 after a retirement and a late worker");
    lg_collector_tick(coll, 3500 * MS);

    for (int k = 0; k < 6; k++) {
        lg_ns_t in = 3 * S + k * 350 * MS;
        if ((how == OPEN_EVENT_LOST || how == OPEN_INTERRUPTED) && k == 5)
            continue;
        send_job(k % 2 ? &c3 : &a, LG_REC_JOB, (uint64_t)(6 + k), 1, in, in, in + 2 * MS,
                 in + 12 * MS, 2);
    }
    if (how == OPEN_GEN_GAP)
        g.seq++;
    if (how != OPEN_PHASE_MISSING)
        send_phase(&g, 1, 6, 3 * S, 5 * S, 5500 * MS, 12 * MS);
    lg_collector_worker_exit(coll, 0, 0, 5600 * MS); /* the generator: no STOP */
    int reason = how == OPEN_INTERRUPTED ? LG_STOP_SIGNAL : LG_STOP_DONE;
    send_stop(&a, reason, 5, 500 * MS, 6 * S, 0);
    send_stop(&c3, reason, 3, 3200 * MS, 6 * S, 0);
    lg_collector_worker_exit(coll, 1, 0, 6 * S);
    lg_collector_worker_exit(coll, 3, 0, 6 * S);
}

/* The clean run: event lines, state, counts, summary, verdict. */
static void test_open_model(void)
{
    open_run(OPEN_CLEAN);
    const char *o = slurp(out);
    is_int(count_lines(o), 2, "open: two event lines");
    is_str(field(line_at(o, 0), 17), "0.005000", "open: duration field as before");
    is_str(field(line_at(o, 0), 18), "w", "open: the short line has a w field");
    is_str(field(line_at(o, 0), 19), "0.002000", "open: first request waited 2 ms");
    is_str(field(line_at(o, 1), 19), "0.007000", "open: second request of the event: 7 ms");
    is_str(field(line_at(o, 0), 8), "op.901.Dummy.0.RMngr.R-EXEC", "open: fullId of worker a");
    is_str(field(line_at(o, 0), 5), "2", "open: started 2, the generator is not a worker");
    const char *e = slurp(err);
    like(e, "| backlog 0 | queue 2 done 5 drop 1\n", "open: periodic line with queue and events");
    ok(!strstr(e, " L1 "), "open: one open line needs no line prefix");

    struct lg_line_state st = state(0);
    is_int(st.phases_done, 2, "open: both phases done");
    is_int(st.generated, 12, "open: 12 generated");
    is_int(st.processed, 11, "open: 11 processed");
    is_int(st.dropped, 1, "open: 1 dropped");
    is_int(st.ready, 3, "open: ready 3 at the end");
    is_int(st.live, 0, "open: live 0 at the end");
    st = state(1);
    is_int(st.generated + st.processed + st.dropped + (uint64_t)st.phases_done, 0,
           "open: the closed line has no events");
    struct lg_collector_totals t = totals();
    is_int(t.started, 3, "open: 3 workers started (the generator is none)");
    is_int(t.ended, 3, "open: 3 ended");
    is_int(t.active, 0, "open: 0 active");
    is_int(t.lost, 0, "open: no record lost");

    is_int(finish(0, 6 * S), 0, "open: a complete run returns 0");
    e = slurp(err);
    like(e, "==== summary: 5.500 s of load, 3 workers started, 3 ended", "open: summary head");
    like(e, "line 1: id op, cut Dummy, 3 workers started", "open: line head");
    like(e, "  open model: 2 of 2 phases done, 12 events generated\n", "open: open section");
    like(e, "  phase                   asked/s  achieved/s  generated  processed    dropped\n",
         "open: phase table head");
    like(e, "  2@3                           3        3.00          6          5          1\n",
         "open: phase 0 row: 6 over its 2 s");
    like(e, "  2@2-4                      2->4        2.40          6          6          0\n",
         "open: phase 1 row: 6 over 2.5 s, its last event came after its end");
    like(e, "  all                                                 12         11          1\n",
         "open: phase totals");
    like(e, "  *** 1 events DROPPED: they waited past --maxwait", "open: a loud line for drops");
    like(e, "  dispatch: 3 events late > 1 ms, 1 late > 10 ms, worst 12.000 ms late\n",
         "open: exactly 1 ms and 10 ms are not late past them; the PHASE worst counts");
    like(e, "  queue depth high-water mark: 7 events at 2.200 s\n", "open: queue high-water mark");
    like(e, "  wait                     11     2.000     6.364     2.001     2.001    50.000    "
            "50.000\n",
         "open: wait row (percentiles are the top of their count's range, hist.h)");
    like(e, "  response                 11    12.000    16.364    12.001    12.001    60.000    "
            "60.000\n",
         "open: response row, from the intended time");
    like(e, "  service                  11    10.000    10.000    10.000    10.000    10.000    "
            "10.000\n",
         "open: service row");
    like(e, "  lateness                 12     0.000     1.917     0.000    10.002    10.500    "
            "10.500\n",
         "open: lateness row, drops included");
    like(e, "  workers: 3 started, 1 retired, peak 2 live\n", "open: workers line");
    like(e, "  requests per event: 2.00 (", "open: requests per event");
    like(e, "line 2: id cl, cut Other, 0 workers started", "open: the closed line has its table");
    is_int(count_of(e, "open model:"), 1, "open: no open section for the closed line");
    ok(!strstr(e, "LOST"), "open: nothing lost");
    ok(!strstr(e, "worker 2 (pid 902)"), "open: the retired worker is normal");
    ok(!strstr(e, "pid 900"), "open: the generator owes no STOP");
    like(e, "result: OK", "open: verdict OK");
    end_run();
}

static void test_open_verdicts(void)
{
    open_run(OPEN_EVENT_LOST);
    struct lg_line_state st = state(0);
    is_int(st.processed + st.dropped, 11, "lost event: 11 accounted for");
    is_int(finish(0, 6 * S), 1, "lost event: finish returns 1");
    const char *e = slurp(err);
    like(e, "*** line 1: 1 events LOST: generated 12, processed 10, dropped 1 ***",
         "lost event: said with the counts");
    like(e, "worst 12.000 ms late", "lost event: its lateness still shows, from PHASE");
    like(e, "result: FAILED", "lost event: verdict FAILED");
    end_run();

    open_run(OPEN_INTERRUPTED);
    is_int(state(0).processed + state(0).dropped, 11, "interrupted: one event never ran");
    is_int(finish(SIGINT, 6 * S), 128 + SIGINT,
           "interrupted: events not checked, returns 128 + signal");
    ok(!strstr(slurp(err), "LOST"), "interrupted: no loss claimed");
    end_run();

    open_run(OPEN_PHASE_MISSING);
    is_int(finish(0, 6 * S), 1, "phase missing: finish returns 1");
    e = slurp(err);
    like(e, "*** line 1: the generator reported 1 of 2 phases ***", "phase missing: said");
    like(e, "  2@2-4                      2->4           -          -          6          0"
            "  (not finished)\n",
         "phase missing: its row shows what the workers did");
    end_run();

    open_run(OPEN_GEN_GAP);
    struct lg_collector_totals t = totals();
    is_int(t.lost, 1, "generator gap: its seq is checked");
    is_int(finish(0, 6 * S), 1, "generator gap: finish returns 1");
    like(slurp(err), "ERROR worker 0 (pid 900): 1 records lost", "generator gap: reported");
    end_run();
}

/* Several open lines: each has its part of the periodic line, numbered. */
static void test_open_two_lines(void)
{
    struct fw a = { 0, 70, 0 }, b = { 1, 71, 0 };
    start_open(3);
    lg_collector_add_worker(coll, 0, 0, 70, 0);
    lg_collector_add_worker(coll, 1, 2, 71, 0);
    send_start(&a, 0);
    send_start(&b, 0);
    send_job(&a, LG_REC_JOB, 0, 0, 100 * MS, 100 * MS, 100 * MS, 110 * MS, 1);
    send_job(&b, LG_REC_DROP, 0, 0, 100 * MS, 100 * MS, 900 * MS, 900 * MS, 0);
    lg_collector_queue(coll, 0, 3, 500 * MS);
    lg_collector_queue(coll, 2, 9, 500 * MS);
    lg_collector_tick(coll, S);
    is_str(line_at(slurp(err), 0),
           "[   1.0s] reqs 0 tra 0 err 0 | 0.0/s | workers 2 started 0 ended 2 active | backlog 0"
           " | L1 queue 3 done 1 drop 0 | L3 queue 9 done 0 drop 1",
           "two open lines: one periodic line, each open line numbered");
    is_int(state(2).dropped, 1, "two open lines: the drop is line 3's");
    is_int(state(0).dropped, 0, "two open lines: not line 1's");
    end_run();
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    lg_clock_epoch_wall_ns = 0;
    test_two_workers();
    test_transaction();
    test_error_text();
    test_intervals();
    test_gap();
    test_bad_workers();
    test_verdicts();
    test_interrupted();
    test_jtl();
    test_lines_and_growth();
    test_line_spans();
    test_open_model();
    test_open_verdicts();
    test_open_two_lines();
    return done_testing();
}
