/* test_timer.c -- the deadline heap (timer.h): earliest first, ties in
 * arming order, re-arming moves a deadline, disarming removes it, and a
 * long random sequence of operations agrees with a naive scan. */
#include "tap.h"
#include "timer.h"

#include <stdlib.h>

/* Pops every armed id in order into out; returns how many. */
static int drain(struct lg_timer *t, int *out)
{
    lg_ns_t due;
    int id, k = 0;
    while ((id = lg_timer_next(t, &due)) >= 0) {
        out[k++] = id;
        lg_timer_disarm(t, id);
    }
    return k;
}

static void test_order(void)
{
    struct lg_timer t;
    int out[8];
    lg_ns_t due = -1;
    lg_timer_init(&t, 8);
    is_int(lg_timer_next(&t, &due), -1, "an empty heap has no earliest");
    lg_timer_arm(&t, 3, 300);
    lg_timer_arm(&t, 1, 100);
    lg_timer_arm(&t, 5, 500);
    lg_timer_arm(&t, 2, 200);
    is_int(lg_timer_next(&t, &due), 1, "the earliest is id 1");
    is_int((int)due, 100, "  due at 100");
    lg_timer_arm(&t, 1, 400);
    is_int(lg_timer_next(&t, &due), 2, "re-armed later, id 1 gives way to id 2");
    lg_timer_disarm(&t, 2);
    lg_timer_disarm(&t, 2);
    is_int(lg_timer_next(&t, &due), 3, "disarmed (twice: harmless), id 2 is gone");
    lg_timer_arm(&t, 5, 50);
    is_int(drain(&t, out), 3, "three armed");
    ok(out[0] == 5 && out[1] == 3 && out[2] == 1, "drained earliest first: 5 3 1 (%d %d %d)",
       out[0], out[1], out[2]);
    lg_timer_fini(&t);
}

static void test_ties(void)
{
    struct lg_timer t;
    int out[6], order[6] = { 4, 0, 5, 2, 1, 3 };
    lg_timer_init(&t, 6);
    for (int i = 0; i < 6; i++)
        lg_timer_arm(&t, order[i], 1000);
    is_int(drain(&t, out), 6, "six tied deadlines");
    int same = 1;
    for (int i = 0; i < 6; i++)
        same &= out[i] == order[i];
    ok(same, "ties come out in arming order");
    lg_timer_fini(&t);
}

/* The earliest (due, seq) by scanning, as a reference. */
static int naive_next(const lg_ns_t *due, const unsigned *seq, const int *armed, int n)
{
    int best = -1;
    for (int i = 0; i < n; i++)
        if (armed[i] && (best < 0 || due[i] < due[best] ||
                         (due[i] == due[best] && seq[i] < seq[best])))
            best = i;
    return best;
}

static void test_random(void)
{
    enum { N = 257, OPS = 200000 };
    struct lg_timer t;
    lg_ns_t due[N], got_due = 0;
    unsigned seq[N], next = 0;
    int armed[N] = { 0 }, bad = 0;
    srand(12345);
    lg_timer_init(&t, N);
    for (int k = 0; k < OPS && !bad; k++) {
        int id = rand() % N, op = rand() % 4;
        if (op < 2) {
            due[id] = rand() % 1000; /* many ties */
            seq[id] = next++;
            armed[id] = 1;
            lg_timer_arm(&t, id, due[id]);
        } else if (op == 2) {
            armed[id] = 0;
            lg_timer_disarm(&t, id);
        } else {
            int want = naive_next(due, seq, armed, N), got = lg_timer_next(&t, &got_due);
            if (got != want || (got >= 0 && got_due != due[got]))
                bad = 1;
            if (got >= 0) {
                armed[got] = 0;
                lg_timer_disarm(&t, got);
            }
        }
    }
    ok(!bad, "%d random arms, re-arms, disarms and pops agree with a scan", OPS);
    lg_timer_fini(&t);
}

int main(void)
{
    test_order();
    test_ties();
    test_random();
    return done_testing();
}
