/* test_collector_release.c -- what the collector keeps of a worker that
 * ended: once a worker has both stopped (its STOP record) and been reaped,
 * in either order, its name map and its text and hold buffers are freed,
 * so workers that come and go (the open model's controller) cost only
 * their counters. Looks inside the collector (collector_impl.h) on purpose:
 * the point is memory no output shows. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "collector_impl.h"
#include "tap.h"

#define MS (1000 * 1000LL)

static const struct lg_line_info line = { .id = "rel", .cut = "Dummy" };

static struct lg_collector *new_run(FILE *out, FILE *err, enum lg_outformat format)
{
    struct lg_collector_opts o = { .out = out, .err = err, .format = format,
                                   .summary_ns = LG_NS_PER_S, .lines = &line, .nlines = 1 };
    return lg_collector_new(&o);
}

static void send(struct lg_collector *c, int worker, uint32_t *seq, struct lg_record r)
{
    r.worker = (uint16_t)worker;
    r.pid = 100 + worker;
    r.seq = (*seq)++;
    lg_collector_feed(c, &r, 0);
}

static void send_text(struct lg_collector *c, int worker, uint32_t *seq, int type, const char *s)
{
    struct lg_record r = { .type = (uint8_t)type, .name = 0 };
    r.u.text.len = (uint16_t)strlen(s);
    memcpy(r.u.text.bytes, s, r.u.text.len);
    send(c, worker, seq, r);
}

/* A worker's life up to its last record but the STOP: a name, a failed
 * request with its message, and (jtl) a transaction held. */
static void live_worker(struct lg_collector *c, int worker, uint32_t *seq)
{
    struct lg_record r = { .type = LG_REC_START };
    lg_collector_add_worker(c, worker, 0, 100 + worker, 0);
    send(c, worker, seq, r);
    send_text(c, worker, seq, LG_REC_NAME, "R-EXEC");
    send_text(c, worker, seq, LG_REC_TEXT, "boom");
    r = (struct lg_record){ .type = LG_REC_REQ, .rc = 16, .name = 0 };
    r.u.ev.end_ns = 2 * MS;
    send(c, worker, seq, r);
    r = (struct lg_record){ .type = LG_REC_TRA, .name = 0 };
    r.u.ev.tra = 1;
    r.u.ev.end_ns = 3 * MS;
    send(c, worker, seq, r);
}

static void stop(struct lg_collector *c, int worker, uint32_t *seq, int reason)
{
    struct lg_record r = { .type = LG_REC_STOP, .rc = (uint8_t)reason };
    r.u.stop.sent = *seq + 1;
    r.u.stop.end_ns = 4 * MS;
    send(c, worker, seq, r);
}

static void test_release(enum lg_outformat format, const char *what)
{
    FILE *out = tmpfile(), *err = tmpfile();
    struct lg_collector *c = new_run(out, err, format);
    uint32_t s0 = 0, s1 = 0;
    live_worker(c, 0, &s0);
    live_worker(c, 1, &s1);
    ok(c->workers[0]->live && c->workers[0]->names.v, "%s: a live worker has its buffers", what);
    stop(c, 0, &s0, LG_STOP_DONE);
    ok(c->workers[0]->live && c->workers[0]->names.v, "%s: stopped, not reaped: kept", what);
    lg_collector_worker_exit(c, 0, 0, 5 * MS);
    ok(!c->workers[0]->live && !c->workers[0]->names.v, "%s: stopped then reaped: freed", what);
    lg_collector_worker_exit(c, 1, 0, 5 * MS);
    ok(c->workers[1]->live && c->workers[1]->names.v, "%s: reaped, its STOP to come: kept", what);
    send_text(c, 1, &s1, LG_REC_TEXT, "no CUT here");
    stop(c, 1, &s1, LG_STOP_FAILED);
    ok(!c->workers[1]->live && !c->workers[1]->names.v, "%s: reaped then stopped: freed", what);
    is_str(c->workers[1]->fail_msg, "no CUT here", "%s: the failure message outlives the buffers",
           what);
    struct lg_collector_totals t;
    lg_collector_totals(c, &t);
    is_int(t.ended, 2, "%s: both counted as ended", what);
    is_int(t.received, s0 + s1, "%s: every record counted", what);
    lg_collector_close(c, 6 * MS);
    lg_collector_free(c);
    if (format == LG_OUT_JTL) {
        char text[8192];
        rewind(out);
        size_t n = fread(text, 1, sizeof text - 1, out);
        text[n] = '\0';
        int held = 0;
        for (const char *p = text; (p = strstr(p, "Number of samples in transaction")); p++)
            held++;
        is_int(held, 2, "jtl: each worker's held transaction written before its release");
    }
    fclose(out);
    fclose(err);
}

int main(void)
{
    test_release(LG_OUT_SHORT, "short");
    test_release(LG_OUT_JTL, "jtl");
    return done_testing();
}
