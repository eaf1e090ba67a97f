/* json.h -- a small strict JSON (RFC 8259) scanner for option values and the
 * --defaults file.
 *
 * It validates a text, reporting the first error with its byte position and
 * line, and walks the members of one object (or the elements of one array)
 * at a time, decoding strings (\uXXXX escapes to UTF-8) and numbers and
 * giving nested objects and arrays as spans of the original text. It builds
 * no tree and knows nothing of Lua; the Lua side uses lua-cjson. */
#ifndef LG_JSON_H
#define LG_JSON_H

#include <stddef.h>

enum lg_json_kind {
    LG_JSON_STRING,
    LG_JSON_NUMBER,
    LG_JSON_TRUE,
    LG_JSON_FALSE,
    LG_JSON_NULL,
    LG_JSON_OBJECT,
    LG_JSON_ARRAY
};

#define LG_JSON_DEPTH_MAX 256 /* objects and arrays open at once */

/* Where and why a text is not JSON. */
struct lg_json_error {
    size_t pos;    /* 1-based byte offset of the culprit; length + 1 at the end of text */
    int line;      /* 1-based line holding pos */
    char msg[64];  /* what went wrong, e.g. "expected ':' after object key" */
};

/* One member of an object, or one element of an array. Strings point into
 * the iterator's scratch memory and stay valid until the next call. */
struct lg_json_member {
    const char *key;        /* decoded, NUL-terminated; NULL for an array element */
    size_t keylen;          /* bytes in key (a \u0000 escape may hide some from strlen) */
    enum lg_json_kind kind;
    const char *str;        /* STRING: decoded; NUMBER: as written; NUL-terminated; else NULL */
    size_t len;             /* bytes in str */
    double num;             /* NUMBER: its value */
    const char *raw;        /* the value's text in the document, not NUL-terminated */
    size_t rawlen;          /* bytes in raw */
    size_t pos;             /* 1-based byte offset of raw in the document */
};

/* Walks one object or array; fields are private to json.c. */
struct lg_json_iter {
    const char *text;
    size_t len;
    size_t at;              /* next byte to read */
    enum lg_json_kind kind; /* kind of the whole text */
    char *scratch;          /* decoded key and value, reused by each call */
};

/* --- checking */

/* Checks that text[0..len) is exactly one JSON value, white space around it
 * allowed. Returns 0 and sets *kind (unless NULL) to the value's kind, or -1
 * and fills e (unless NULL). Text may hold NUL bytes; they are errors. */
int lg_json_validate(const char *text, size_t len, enum lg_json_kind *kind,
                     struct lg_json_error *e);

/* --- walking */

/* Validates text as lg_json_validate does and prepares to walk it. Returns
 * 0, or -1 with e filled. On success it->kind tells what the text is; for
 * anything but an object or an array the walk is empty. The text must
 * outlive the iterator; release it with lg_json_iter_close. */
int lg_json_iter_open(struct lg_json_iter *it, const char *text, size_t len,
                      struct lg_json_error *e);

/* Fills m with the next member (object) or element (array). Returns 1, or
 * 0 when there is none left. Cannot fail: the text was validated. */
int lg_json_iter_next(struct lg_json_iter *it, struct lg_json_member *m);

/* Releases the iterator's scratch memory; safe to call twice. */
void lg_json_iter_close(struct lg_json_iter *it);

/* --- naming */

/* "a string", "a number", "true", "false", "null", "an object", "an array",
 * for messages. Static; do not free. */
const char *lg_json_kind_name(enum lg_json_kind kind);

#endif
