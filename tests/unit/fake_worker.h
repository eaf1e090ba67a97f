/* fake_worker.h -- for the unit tests: workers that feed a collector as the
 * stats pipe would, each record stamped with the worker's slot, pid and
 * next sequence number. The test owns `coll` (the collector fed) and
 * creates it; names and texts longer than a record are sent in chunks. */
#ifndef LG_TEST_FAKE_WORKER_H
#define LG_TEST_FAKE_WORKER_H

#include <stdint.h>
#include <string.h>

#include "collector.h"
#include "record.h"

/* A fake worker: its index, pid and record counter. */
struct fw {
    int worker, pid;
    uint32_t seq;
};

static struct lg_collector *coll;

static inline void send(struct fw *w, struct lg_record r, lg_ns_t now)
{
    r.worker = (uint16_t)w->worker;
    r.pid = w->pid;
    r.seq = w->seq++;
    lg_collector_feed(coll, &r, now);
}

static inline void send_chunks(struct fw *w, int type, int id, const char *s)
{
    size_t len = strlen(s);
    do {
        struct lg_record r = { .type = (uint8_t)type, .name = (uint16_t)id };
        size_t n = len > LG_TEXT_CHUNK ? LG_TEXT_CHUNK : len;
        memcpy(r.u.text.bytes, s, n);
        r.u.text.len = (uint16_t)n;
        r.u.text.more = len > n;
        s += n;
        len -= n;
        send(w, r, 0);
    } while (len);
}

static inline void send_name(struct fw *w, int id, const char *s)
{
    send_chunks(w, LG_REC_NAME, id, s);
}

static inline void send_text(struct fw *w, const char *s)
{
    send_chunks(w, LG_REC_TEXT, 0, s);
}

#endif
