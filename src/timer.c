/* timer.c -- a min-heap of absolute deadlines (see timer.h). The heap
 * holds ids; pos[] maps each id back to its slot, so that a deadline can
 * be moved or removed without a search. Order: deadline, then arming
 * sequence. Not here: reading the clock, callbacks, anything that fires. */
#include "timer.h"

#include <stdlib.h>

#include "mem.h"

void lg_timer_init(struct lg_timer *t, int n)
{
    t->n = n;
    t->len = 0;
    t->next_seq = 0;
    t->heap = lg_calloc((size_t)n, sizeof *t->heap);
    t->pos = lg_calloc((size_t)n, sizeof *t->pos);
    t->due_ns = lg_calloc((size_t)n, sizeof *t->due_ns);
    t->seq = lg_calloc((size_t)n, sizeof *t->seq);
    for (int i = 0; i < n; i++)
        t->pos[i] = -1;
}

void lg_timer_fini(struct lg_timer *t)
{
    free(t->heap);
    free(t->pos);
    free(t->due_ns);
    free(t->seq);
    t->heap = t->pos = NULL;
    t->due_ns = NULL;
    t->seq = NULL;
    t->n = t->len = 0;
}

/* Is the id at heap index a due before the one at b? */
static int timer_before(const struct lg_timer *t, int a, int b)
{
    int x = t->heap[a], y = t->heap[b];
    if (t->due_ns[x] != t->due_ns[y])
        return t->due_ns[x] < t->due_ns[y];
    return t->seq[x] < t->seq[y];
}

static void timer_swap(struct lg_timer *t, int a, int b)
{
    int x = t->heap[a];
    t->heap[a] = t->heap[b];
    t->heap[b] = x;
    t->pos[t->heap[a]] = a;
    t->pos[t->heap[b]] = b;
}

/* Restores the heap order around index i, up or down. */
static void timer_fix(struct lg_timer *t, int i)
{
    while (i > 0 && timer_before(t, i, (i - 1) / 2)) {
        timer_swap(t, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < t->len && timer_before(t, l, m))
            m = l;
        if (l + 1 < t->len && timer_before(t, l + 1, m))
            m = l + 1;
        if (m == i)
            return;
        timer_swap(t, i, m);
        i = m;
    }
}

void lg_timer_arm(struct lg_timer *t, int id, lg_ns_t due_ns)
{
    t->due_ns[id] = due_ns;
    t->seq[id] = t->next_seq++;
    int i = t->pos[id];
    if (i < 0) {
        i = t->len++;
        t->heap[i] = id;
        t->pos[id] = i;
    }
    timer_fix(t, i);
}

void lg_timer_disarm(struct lg_timer *t, int id)
{
    int i = t->pos[id];
    if (i < 0)
        return;
    t->pos[id] = -1;
    if (i != --t->len) {
        t->heap[i] = t->heap[t->len];
        t->pos[t->heap[i]] = i;
        timer_fix(t, i);
    }
}

int lg_timer_next(const struct lg_timer *t, lg_ns_t *due_ns)
{
    if (t->len == 0)
        return -1;
    *due_ns = t->due_ns[t->heap[0]];
    return t->heap[0];
}
