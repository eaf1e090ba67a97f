/* record.h -- the fixed-size binary record that crosses the stats pipe.
 *
 * Every worker sends its results to the one collector as 64-byte records,
 * never as text. A batch of whole records is written at once (at most
 * PIPE_BUF bytes, so concurrent writers never interleave). Names are
 * interned once per worker with LG_REC_NAME records; an error message rides
 * in LG_REC_TEXT records just before the record it belongs to. Every record
 * of a worker carries a sequence number, so a gap is a loss the collector can
 * see. All times are nanoseconds on the run clock (see clock.h). */
#ifndef LG_RECORD_H
#define LG_RECORD_H

#include <stdint.h>

enum lg_rec_type {
    LG_REC_REQ = 1, /* a request (alone, or inside the transaction before it) */
    LG_REC_TRA,     /* a transaction; its LG_REC_REQ records follow it */
    LG_REC_ERR,     /* a failure outside any request (a hook raised) */
    LG_REC_START,   /* the worker starts its load (u.ev.begin_ns) */
    LG_REC_STOP,    /* the worker is done (u.stop); its last record */
    LG_REC_NAME,    /* text: defines the string of name id `name` */
    LG_REC_TEXT,    /* text: the error message of the next REQ/ERR record */
    LG_REC_JOB,     /* open model: a worker processed one event (u.job) */
    LG_REC_DROP,    /* open model: an event dropped, it waited past --maxwait (u.job) */
    LG_REC_PHASE    /* open model, from the generator: a phase is done (u.phase) */
};

/* LG_REC_STOP reasons, in `rc`. */
enum lg_stop_reason {
    LG_STOP_DONE = 0,    /* ran all its loops or its duration */
    LG_STOP_SIGNAL = 1,  /* told to stop (SIGINT/SIGTERM) */
    LG_STOP_FAILED = 2,  /* could not run the CUT (see the text before it) */
    LG_STOP_RETIRED = 3, /* open model: retired by the controller (idle) */
    LG_STOP_HARD_END = 4 /* ended at the hard end (--duration + --grace): its
                          * last request could not be interrupted */
};

#define LG_RC_OK 0
#define LG_RC_ERROR 16      /* a Lua error inside an exec-wrapped call */
#define LG_RC_TIMEOUT 17    /* a call cut at --timeout or at the hard end */
#define LG_TEXT_CHUNK 44    /* text bytes in one LG_REC_NAME/LG_REC_TEXT */
#define LG_NAME_MAX 255     /* longest interned name, in bytes */
#define LG_NAME_NONE 65535  /* name id of no name: the worker's 65535 ids are used up */
#define LG_TEXT_MAX 1023    /* longest error message kept, in bytes */

/* The constants above that Lua reads, as (name in Lua, value): src/lrt.c
 * builds the module logen.record from this list, so the runtime never
 * repeats a number of this file (tests/e2e/ffi.t checks the list is whole). */
#define LG_RECORD_LUA_CONSTANTS(X)                                            \
    X(REQ, LG_REC_REQ) X(TRA, LG_REC_TRA) X(ERR, LG_REC_ERR)                 \
    X(START, LG_REC_START) X(STOP, LG_REC_STOP) X(NAME, LG_REC_NAME)         \
    X(TEXT, LG_REC_TEXT) X(JOB, LG_REC_JOB) X(DROP, LG_REC_DROP)             \
    X(PHASE, LG_REC_PHASE)                                                   \
    X(STOP_DONE, LG_STOP_DONE) X(STOP_SIGNAL, LG_STOP_SIGNAL)                \
    X(STOP_FAILED, LG_STOP_FAILED) X(STOP_RETIRED, LG_STOP_RETIRED)          \
    X(STOP_HARD_END, LG_STOP_HARD_END)                                       \
    X(RC_OK, LG_RC_OK) X(RC_ERROR, LG_RC_ERROR) X(RC_TIMEOUT, LG_RC_TIMEOUT) \
    X(TEXT_CHUNK, LG_TEXT_CHUNK) X(NAME_MAX, LG_NAME_MAX) X(TEXT_MAX, LG_TEXT_MAX) \
    X(NAME_NONE, LG_NAME_NONE)

struct lg_record {
    uint8_t type;    /* enum lg_rec_type */
    uint8_t rc;      /* request rc; stop reason for LG_REC_STOP */
    uint16_t worker; /* run-wide worker index */
    uint16_t name;   /* interned name id, per worker */
    uint16_t step;   /* index of the step in the line's --steps */
    uint32_t seq;    /* per-worker record number, from 0, no gaps */
    int32_t pid;     /* the worker's pid */
    union {
        struct {
            uint64_t opcount;    /* local op number (0 inside a transaction) */
            uint64_t tra;        /* op number of the transaction, 0 if none */
            int64_t begin_ns;    /* start of the request */
            int64_t end_ns;      /* end of the request */
            int64_t intended_ns; /* open model: when its event was due; else 0 */
            uint32_t inlen;      /* bytes sent, as the CUT reports them */
            uint32_t outlen;     /* bytes received */
        } ev;
        struct {
            uint16_t len;   /* bytes used in this chunk */
            uint16_t more;  /* 1 when another chunk of the same text follows */
            char bytes[LG_TEXT_CHUNK];
        } text;
        struct {
            uint64_t seq;           /* event number in the run's schedule, from 0 */
            int64_t intended_ns;    /* when the schedule wanted it */
            int64_t dispatched_ns;  /* when the generator queued it */
            int64_t begin_ns;       /* when a worker took it */
            int64_t end_ns;         /* when its loop ended (= begin_ns if dropped) */
            uint32_t phase;         /* index of its phase in --schedule */
            uint32_t requests;      /* request records its loop produced */
        } job;
        struct {
            uint32_t index;         /* phase index in --schedule */
            uint32_t spare;
            uint64_t generated;     /* events queued for this phase */
            int64_t start_ns;       /* the phase's scheduled start */
            int64_t end_ns;         /* its scheduled end */
            int64_t last_ns;        /* when its last event was queued */
            int64_t late_max_ns;    /* worst dispatch lateness in the phase */
        } phase;
        struct {
            uint64_t sent;     /* records this worker sent, this one included */
            uint64_t opcount;  /* its final local op count */
            int64_t wait_ns;   /* time spent blocked on a full pipe */
            int64_t end_ns;    /* when it stopped */
            int64_t start_ns;  /* when its load started (0: never) */
            uint64_t spare;
        } stop;
    } u;
};

_Static_assert(sizeof(struct lg_record) == 64, "a record is 64 bytes");

#endif
