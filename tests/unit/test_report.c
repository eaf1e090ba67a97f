/* test_report.c -- exact event and error lines in every format (csv and
 * json included, with their quoting and escaping; none writes nothing), and the
 * output buffer they go through in front of a pipe nobody reads. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "outbuf.h"
#include "report.h"
#include "tap.h"

#define WALL0 1700000000LL /* 2023-11-14 22:13:20 UTC */

static char buf[LG_REPORT_LINE_MAX];

static const char *line_of(struct lg_report *r, const struct lg_event *ev)
{
    size_t n = lg_report_event(r, ev, buf);
    buf[n] = '\0';
    return buf;
}

static const char *header_of(const struct lg_report *r)
{
    size_t n = lg_report_header(r, buf);
    buf[n] = '\0';
    return buf;
}

static const char *error_of(struct lg_report *r, const struct lg_event *ev)
{
    size_t n = lg_report_error(r, ev, buf);
    buf[n] = '\0';
    return buf;
}

static struct lg_record req_rec(void)
{
    struct lg_record rec = { .type = LG_REC_REQ, .rc = 0, .worker = 2, .name = 3, .step = 1,
                             .seq = 9, .pid = 4242 };
    rec.u.ev.opcount = 5;
    rec.u.ev.begin_ns = 1500000000;          /* run time 1.5 s */
    rec.u.ev.end_ns = 1500000000 + 1234567;  /* 1.234567 ms later */
    rec.u.ev.inlen = 256;
    rec.u.ev.outlen = 300;
    return rec;
}

static struct lg_event base_event(const struct lg_record *rec)
{
    struct lg_event ev = { .rec = rec, .id = "myid", .cut = "Dummy", .name = "RMngr.R-EXEC",
                           .step = "256", .line = 0, .global_ops = 7, .global_thru = 123.456,
                           .local_thru = 3.333, .started = 2, .ended = 0, .active = 2,
                           .line_active = 2, .backlog = 4 };
    return ev;
}

static void test_numbers(void)
{
    char b[64], *e;
    e = lg_report_u64(b, 0);
    *e = 0;
    is_str(b, "0", "u64 0");
    e = lg_report_u64(b, 18446744073709551615ULL);
    *e = 0;
    is_str(b, "18446744073709551615", "u64 max");
    e = lg_report_i64(b, -9223372036854775807LL - 1);
    *e = 0;
    is_str(b, "-9223372036854775808", "i64 min");
    e = lg_report_fixed(b, 2.005, 2);
    *e = 0;
    ok(!strcmp(b, "2.00") || !strcmp(b, "2.01"), "fixed 2.005 rounds to a neighbour (%s)", b);
    e = lg_report_fixed(b, 1234.5678, 2);
    *e = 0;
    is_str(b, "1234.57", "fixed rounds half up");
    e = lg_report_fixed(b, -0.004, 2);
    *e = 0;
    is_str(b, "0.00", "fixed: tiny negative prints no sign");
    e = lg_report_fixed(b, -1.5, 1);
    *e = 0;
    is_str(b, "-1.5", "fixed negative");
    e = lg_report_fixed(b, 0.07, 0);
    *e = 0;
    is_str(b, "0", "fixed 0 decimals");
    e = lg_report_fixed(b, 1e300, 2);
    *e = 0;
    is_str(b, "1.000000e+300", "fixed: huge value in bounded scientific form");
}

static void test_short(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    struct lg_event ev = base_event(&rec);
    lg_report_init(&r, LG_OUT_SHORT);
    is_str(line_of(&r, &ev),
           "22:13:21.501234 1700000001.501234 req 7 123.46 2 0 2 myid.4242.Dummy.1.RMngr.R-EXEC "
           "solo None 5 3.33 RC 0 256 t 0.001235\n",
           "short: solo request");

    struct lg_record tra = rec;
    tra.type = LG_REC_TRA;
    tra.u.ev.tra = 5;
    tra.rc = 16;
    ev = base_event(&tra);
    ev.name = "RMngr";
    is_str(line_of(&r, &ev),
           "22:13:21.501234 1700000001.501234 tra 7 123.46 2 0 2 myid.4242.Dummy.1.RMngr "
           "tra myid.4242.5 5 3.33 RC 16 256 t 0.001235\n",
           "short: transaction");

    struct lg_record part = rec;
    part.u.ev.tra = 5;
    part.u.ev.opcount = 0;
    part.u.ev.end_ns = 3 * LG_NS_PER_S + 999999999; /* the second changes */
    part.u.ev.begin_ns = 3 * LG_NS_PER_S;
    ev = base_event(&part);
    ev.step = NULL;
    is_str(line_of(&r, &ev),
           "22:13:23.999999 1700000003.999999 req 7 123.46 2 0 2 myid.4242.Dummy.1.RMngr.R-EXEC "
           "part myid.4242.5 0 -1 RC 0 1 t 1.000000\n",
           "short: part of a transaction, step printed as its index, new second");
}

static void test_long(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    struct lg_event ev = base_event(&rec);
    lg_report_init(&r, LG_OUT_LONG);
    is_str(line_of(&r, &ev),
           "22:13:21.501234 1700000001.501234 typ=req q=4 ops=7 gThru=123.46 sta=2 end=0 act=2 "
           "pid=4242 fullId=myid.4242.Dummy.1.RMngr.R-EXEC kind=solo transId=None opcount=5 "
           "thru=3.33 RC=0 step=256 t=0.001235\n",
           "long: solo request");
}

static void test_raw(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    rec.rc = 16;
    rec.u.ev.tra = 5;
    rec.u.ev.opcount = 0;
    struct lg_event ev = base_event(&rec);
    ev.error = "bad \"x\"\n\tat line 1";
    ev.step = "a\\b";
    lg_report_init(&r, LG_OUT_RAW);
    is_str(line_of(&r, &ev),
           "{\"time\":\"22:13:21.501234\",\"epoch\":1700000001.501234,\"type\":\"req\",\"line\":1,"
           "\"ops\":7,\"gThru\":123.46,\"started\":2,\"ended\":0,\"active\":2,\"backlog\":4,"
           "\"fullId\":\"myid.4242.Dummy.1.RMngr.R-EXEC\",\"nature\":\"part\","
           "\"transactionId\":\"myid.4242.5\",\"name\":\"RMngr.R-EXEC\",\"step\":\"a\\\\b\","
           "\"duration\":0.001235,\"thru\":-1,\"worker\":2,\"pid\":4242,\"seq\":9,\"nameId\":3,"
           "\"stepIndex\":1,\"opcount\":0,\"tra\":5,\"begin_ns\":1500000000,\"end_ns\":1501234567,"
           "\"intended_ns\":0,\"inlen\":256,\"outlen\":300,\"rc\":16,"
           "\"error\":\"bad \\\"x\\\"\\n\\tat line 1\"}\n",
           "raw: a failed part, escaped strings");

    rec = req_rec();
    ev = base_event(&rec);
    like(line_of(&r, &ev), "\"transactionId\":null,", "raw: no transaction is null");
    ok(!strstr(buf, "\"error\""), "raw: no error field without an error");
}

static void test_jtl(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    struct lg_event ev = base_event(&rec);
    lg_report_init(&r, LG_OUT_JTL);
    is_str(header_of(&r),
           "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
           "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
           "jtl: JMeter's exact header");
    is_str(line_of(&r, &ev),
           "1700000001500,1,RMngr.R-EXEC,0,OK,myid 1-3,text,true,,300,256,2,2,,1,0,0\n",
           "jtl: a good request");

    rec.rc = 16;
    ev.error = "boom, \"badly\"\nstack";
    ev.line = 1;
    ev.line_active = 1;
    is_str(line_of(&r, &ev),
           "1700000001500,1,RMngr.R-EXEC,16,\"boom, \"\"badly\"\" | stack\",myid 2-3,text,false,"
           "\"boom, \"\"badly\"\" | stack\",300,256,1,2,,1,0,0\n",
           "jtl: a failed request, message quoted and on one line");

    struct lg_record tra = req_rec();
    tra.type = LG_REC_TRA;
    tra.u.ev.tra = 5;
    tra.u.ev.end_ns = tra.u.ev.begin_ns + 2500000; /* 2.5 ms rounds to 3 */
    ev = base_event(&tra);
    ev.name = "RMngr";
    ev.tra_samples = 3;
    ev.tra_failing = 1;
    is_str(line_of(&r, &ev),
           "1700000001500,3,RMngr,0,\"Number of samples in transaction : 3, number of failing "
           "samples : 1\",myid 1-3,text,false,,300,256,2,2,,3,0,0\n",
           "jtl: a transaction with one failing sample");

    lg_report_init(&r, LG_OUT_SHORT);
    is_int(lg_report_header(&r, buf), 0, "short: no header");
}

/* Open model: the wait (request start minus the event's intended time). */
static void test_open(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    rec.u.ev.intended_ns = rec.u.ev.begin_ns - 250000; /* due 250 us before it ran */
    struct lg_event ev = base_event(&rec);
    lg_report_init(&r, LG_OUT_SHORT);
    is_str(line_of(&r, &ev),
           "22:13:21.501234 1700000001.501234 req 7 123.46 2 0 2 myid.4242.Dummy.1.RMngr.R-EXEC "
           "solo None 5 3.33 RC 0 256 t 0.001235\n",
           "short: a closed line shows no wait, whatever the record holds");
    ev.open = 1;
    is_str(line_of(&r, &ev),
           "22:13:21.501234 1700000001.501234 req 7 123.46 2 0 2 myid.4242.Dummy.1.RMngr.R-EXEC "
           "solo None 5 3.33 RC 0 256 t 0.001235 w 0.000250\n",
           "short: an open line appends w and the wait");
    rec.u.ev.intended_ns = rec.u.ev.begin_ns + 1500; /* rounds to -2 us */
    like(line_of(&r, &ev), " t 0.001235 w -0.000002\n", "short: a negative wait keeps its sign");
    rec.u.ev.intended_ns = 0; /* due at the run epoch: a real time, not "none" */
    like(line_of(&r, &ev), " t 0.001235 w 1.500000\n", "short: intended at run time 0");

    rec.u.ev.intended_ns = rec.u.ev.begin_ns - 250000;
    lg_report_init(&r, LG_OUT_LONG);
    is_str(line_of(&r, &ev),
           "22:13:21.501234 1700000001.501234 typ=req q=4 ops=7 gThru=123.46 sta=2 end=0 act=2 "
           "pid=4242 fullId=myid.4242.Dummy.1.RMngr.R-EXEC kind=solo transId=None opcount=5 "
           "thru=3.33 RC=0 step=256 t=0.001235 w=0.000250\n",
           "long: an open line appends w=");

    lg_report_init(&r, LG_OUT_RAW);
    like(line_of(&r, &ev),
         "\"duration\":0.001235,\"intended\":1700000001.499750,\"wait\":0.000250,"
         "\"response\":0.001485,\"thru\":3.33,",
         "raw: intended (epoch), wait and response (end minus intended)");
    like(buf, "\"intended_ns\":1499750000,", "raw: the record's intended_ns as well");
    ev.open = 0;
    ok(!strstr(line_of(&r, &ev), "\"wait\""), "raw: no wait on a closed line");

    lg_report_init(&r, LG_OUT_JTL);
    ev.open = 1;
    is_str(line_of(&r, &ev),
           "1700000001500,1,RMngr.R-EXEC,0,OK,myid 1-3,text,true,,300,256,2,2,,1,0,0\n",
           "jtl: an open line's row is JMeter's, unchanged");
}

/* csv: RFC 4180 fields, a header naming every column, empty when null. */
static void test_csv(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    struct lg_event ev = base_event(&rec);
    lg_report_init(&r, LG_OUT_CSV);
    is_str(header_of(&r),
           "time,epoch,type,backlog,globalOps,globalThru,started,ended,active,pid,fullId,nature,"
           "transactionId,localOpcount,localThru,rc,step,duration,wait\n",
           "csv: the header names the long line's fields");
    is_str(line_of(&r, &ev),
           "22:13:21.501234,1700000001.501234,req,4,7,123.46,2,0,2,4242,"
           "myid.4242.Dummy.1.RMngr.R-EXEC,solo,,5,3.33,0,256,0.001235,\n",
           "csv: a solo request on a closed line, no transaction id, no wait");
    rec.u.ev.tra = 5;
    rec.u.ev.intended_ns = rec.u.ev.begin_ns - 250000;
    ev.open = 1;
    ev.name = "a,\"b\"\r\nc";
    ev.step = "x\"y";
    is_str(line_of(&r, &ev),
           "22:13:21.501234,1700000001.501234,req,4,7,123.46,2,0,2,4242,"
           "\"myid.4242.Dummy.1.a,\"\"b\"\"\r\nc\",part,myid.4242.5,5,-1,0,\"x\"\"y\",0.001235,"
           "0.000250\n",
           "csv: comma, quote, CR and LF quoted with quotes doubled; a part; the wait");
}

/* json: JSON lines, numbers as numbers, null where nothing applies. */
static void test_json(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    struct lg_event ev = base_event(&rec);
    lg_report_init(&r, LG_OUT_JSON);
    is_int(lg_report_header(&r, buf), 0, "json: no header");
    is_str(line_of(&r, &ev),
           "{\"time\":\"22:13:21.501234\",\"epoch\":1700000001.501234,\"type\":\"req\","
           "\"backlog\":4,\"globalOps\":7,\"globalThru\":123.46,\"started\":2,\"ended\":0,"
           "\"active\":2,\"pid\":4242,\"fullId\":\"myid.4242.Dummy.1.RMngr.R-EXEC\","
           "\"nature\":\"solo\",\"transactionId\":null,\"localOpcount\":5,\"localThru\":3.33,"
           "\"rc\":0,\"step\":\"256\",\"duration\":0.001235,\"wait\":null}\n",
           "json: a solo request on a closed line");
    ev.name = "q\"b\\s\x01\x7f\xc3\xa9\xe9\xed\xa0\x80!";
    like(line_of(&r, &ev),
         "\"fullId\":\"myid.4242.Dummy.1.q\\\"b\\\\s\\u0001\\u007f\xc3\xa9\\u00e9\\u00ed\\u00a0"
         "\\u0080!\"",
         "json: quote, backslash, control bytes escaped; valid UTF-8 kept, other bytes \\u00XX");
    rec.u.ev.intended_ns = rec.u.ev.begin_ns - 250000;
    ev.open = 1;
    like(line_of(&r, &ev), ",\"wait\":0.000250}\n", "json: an open line's wait");
}

static void test_none(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    struct lg_event ev = base_event(&rec);
    struct lg_outbuf b;
    FILE *f = tmpfile();
    lg_report_init(&r, LG_OUT_NONE);
    lg_outbuf_init(&b, f, 2 * LG_REPORT_LINE_MAX);
    lg_report_put_header(&r, &b);
    lg_report_put_event(&r, &b, &ev);
    is_int(b.len, 0, "none: no header, no event line");
    lg_outbuf_free(&b);
    is_int(ftell(f), 0, "none: nothing written");
    fclose(f);
}

static void test_error_line(void)
{
    struct lg_report r;
    struct lg_record rec = req_rec();
    rec.rc = 16;
    struct lg_event ev = base_event(&rec);
    ev.error = "cuts/Dummy.lua:12: failure 3\nstack traceback:\n\t[C]: in ?\n";
    lg_report_init(&r, LG_OUT_SHORT);
    is_str(error_of(&r, &ev),
           "22:13:21.501234 ERROR myid.4242.Dummy.1.RMngr.R-EXEC rc=16: cuts/Dummy.lua:12: "
           "failure 3 | stack traceback: | [C]: in ?\n",
           "error line: one line, traceback folded");

    rec.type = LG_REC_ERR;
    ev.name = "setUp";
    ev.error = NULL;
    is_str(error_of(&r, &ev), "22:13:21.501234 ERROR myid.4242.Dummy.1.setUp rc=16: (no message)\n",
           "error line: hook failure without a message");
}

static void test_long_strings(void)
{
    struct lg_report r;
    static char big[5000];
    memset(big, '"', sizeof big - 1);
    struct lg_record rec = req_rec();
    rec.rc = 16;
    struct lg_event ev = base_event(&rec);
    ev.id = ev.cut = ev.name = ev.step = ev.error = big;
    lg_report_init(&r, LG_OUT_RAW);
    size_t n = lg_report_event(&r, &ev, buf);
    ok(n < LG_REPORT_LINE_MAX && buf[n - 1] == '\n', "raw: huge strings are cut (%zu bytes)", n);
    lg_report_init(&r, LG_OUT_JTL);
    n = lg_report_event(&r, &ev, buf);
    ok(n < LG_REPORT_LINE_MAX && buf[n - 1] == '\n', "jtl: huge strings are cut (%zu bytes)", n);
}

/* Appends n lines "line\n" to b. */
static void put_lines(struct lg_outbuf *b, int n)
{
    for (int i = 0; i < n; i++) {
        memcpy(lg_outbuf_room(b), "line\n", 5);
        b->len += 5;
    }
}

/* In front of a pipe nobody reads, the buffer never blocks: it holds what
 * the pipe does not take, up to its bound, then drops and counts lines;
 * what the reader takes later is written; a file stays in stdio mode. */
static void test_outbuf_nonblock(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        return;
    FILE *f = fdopen(fds[1], "w");
    struct lg_outbuf b;
    lg_outbuf_init(&b, f, LG_REPORT_LINE_MAX + 4096);
    int fd = lg_outbuf_nonblock(&b, 4 * LG_REPORT_LINE_MAX);
    ok(fd >= 0 && fd != fds[1], "outbuf: a pipe is reopened, non-blocking (fd %d)", fd);
    ok(!(fcntl(fds[1], F_GETFL) & O_NONBLOCK), "outbuf: the shared description stays blocking");
    put_lines(&b, 20000); /* 100 KB: more than the pipe takes (64 KB) */
    lg_outbuf_flush(&b);
    ok(lg_outbuf_pending(&b) > 0, "outbuf: what the pipe does not take is held (%zu bytes)",
       lg_outbuf_pending(&b));
    is_int(b.lost_lines, 0, "outbuf: nothing lost while under the bound");
    static char sink[1 << 17];
    ssize_t got = read(fds[0], sink, sizeof sink);
    size_t before = lg_outbuf_pending(&b);
    lg_outbuf_flush(&b);
    ok(got > 0 && lg_outbuf_pending(&b) < before, "outbuf: once the reader reads, more is written");
    put_lines(&b, 100000); /* 500 KB: past the bound */
    ok(b.lost_lines > 0 && b.failed, "outbuf: past the bound, lines are dropped and counted (%llu)",
       (unsigned long long)b.lost_lines);
    uint64_t lost = b.lost_lines, held = lg_outbuf_pending(&b) / 5;
    lg_outbuf_abandon(&b);
    is_int(b.lost_lines, lost + held, "outbuf: giving up counts the lines held");
    put_lines(&b, 3);
    lg_outbuf_flush(&b);
    is_int(b.lost_lines, lost + held + 3, "outbuf: and every later line");
    lg_outbuf_free(&b);
    fclose(f);
    close(fds[0]);

    FILE *t = tmpfile();
    lg_outbuf_init(&b, t, LG_REPORT_LINE_MAX + 4096);
    is_int(lg_outbuf_nonblock(&b, 1 << 20), -1, "outbuf: a regular file stays in stdio mode");
    lg_outbuf_free(&b);
    fclose(t);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    lg_clock_epoch_wall_ns = WALL0 * LG_NS_PER_S;
    test_numbers();
    test_short();
    test_long();
    test_raw();
    test_jtl();
    test_open();
    test_csv();
    test_json();
    test_none();
    test_error_line();
    test_long_strings();
    test_outbuf_nonblock();
    return done_testing();
}
