/* json.c -- a strict RFC 8259 scanner (see json.h).
 *
 * One recursive-descent scanner does both jobs: validating a text (stopping
 * at the first error, with its position) and, run again over a text already
 * known valid, finding where each value ends and decoding strings. Strings
 * must be valid UTF-8 and \u escapes must pair their surrogates, so every
 * decoded string is valid UTF-8. Numbers go through strtod and so assume the
 * "C" locale a program has until it calls setlocale. No tree is built. */
#include "json.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scan {
    const char *s;
    size_t n;                /* bytes in s */
    size_t i;                /* next byte to read */
    int depth;               /* objects and arrays open */
    struct lg_json_error *e; /* NULL when the text is known valid */
};

static int scan_value(struct scan *sc);

/* Records the first error at byte index at (0-based) and returns -1. */
static int fail(struct scan *sc, size_t at, const char *msg)
{
    struct lg_json_error *e = sc->e;
    size_t k;

    if (!e)
        return -1;
    e->pos = at + 1;
    e->line = 1;
    for (k = 0; k < at && k < sc->n; k++)
        e->line += sc->s[k] == '\n';
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    return -1;
}

/* The next byte, or -1 at the end of text. */
static int peek(const struct scan *sc)
{
    return sc->i < sc->n ? (unsigned char)sc->s[sc->i] : -1;
}

static void skip_ws(struct scan *sc)
{
    int c;
    while ((c = peek(sc)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        sc->i++;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void skip_digits(struct scan *sc)
{
    while (is_digit(peek(sc)))
        sc->i++;
}

/* Length of the valid UTF-8 sequence at sc->i, or 0 (overlong forms,
 * surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_len(const struct scan *sc)
{
    const unsigned char *p = (const unsigned char *)sc->s + sc->i;
    size_t avail = sc->n - sc->i, len, k;

    if (p[0] < 0xC2 || p[0] > 0xF4)
        return p[0] < 0x80;
    len = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
    if (avail < len)
        return 0;
    for (k = 1; k < len; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0;
    return len;
}

/* Appends code point cp to out[*k..] as UTF-8. */
static void utf8_put(char *out, size_t *k, long cp)
{
    unsigned char *o = (unsigned char *)out + *k;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        *k += 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        *k += 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        *k += 3;
    } else {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        *k += 4;
    }
}

/* The four hex digits at byte index at, or -1. */
static long hex4(const struct scan *sc, size_t at)
{
    long v = 0;
    size_t k;

    if (sc->n < 4 || at > sc->n - 4)
        return -1;
    for (k = at; k < at + 4; k++) {
        int c = (unsigned char)sc->s[k];
        int d = is_digit(c) ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Reads a \uXXXX escape (a pair of them for a surrogate pair) at sc->i and
 * returns its code point, or -1 after fail(). */
static long scan_unicode(struct scan *sc)
{
    size_t at = sc->i;
    long cp = hex4(sc, at + 2), lo = -1;

    if (cp < 0)
        return fail(sc, at, "invalid \\u escape");
    sc->i += 6;
    if (cp < 0xD800 || cp > 0xDFFF)
        return cp;
    if (cp <= 0xDBFF && peek(sc) == '\\' && sc->i + 1 < sc->n && sc->s[sc->i + 1] == 'u')
        lo = hex4(sc, sc->i + 2);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return fail(sc, at, "unpaired surrogate in \\u escape");
    sc->i += 6;
    return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
}

/* Reads the escape at sc->i (a backslash), appending its UTF-8 to out at
 * *k when out is not NULL. Returns 0 or -1. */
static int scan_escape(struct scan *sc, char *out, size_t *k)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    int c = sc->i + 1 < sc->n ? (unsigned char)sc->s[sc->i + 1] : -1;
    const char *p = c > 0 ? strchr(from, c) : NULL;
    long cp;

    if (p) {
        if (out)
            out[(*k)++] = to[p - from];
        sc->i += 2;
        return 0;
    }
    if (c != 'u')
        return fail(sc, sc->i, "invalid escape in string");
    if ((cp = scan_unicode(sc)) < 0)
        return -1;
    if (out)
        utf8_put(out, k, cp);
    return 0;
}

/* Reads the string at sc->i (its opening quote). When out is not NULL, the
 * decoded bytes go there, NUL-terminated, and their count to *outlen;
 * decoding never lengthens a string, so out needs the span's size. */
static int scan_string(struct scan *sc, char *out, size_t *outlen)
{
    size_t open = sc->i++, k = 0, len;
    int c;

    while ((c = peek(sc)) != '"') {
        if (c < 0)
            return fail(sc, open, "unterminated string");
        if (c == '\\') {
            if (scan_escape(sc, out, &k) < 0)
                return -1;
            continue;
        }
        if (c < 0x20)
            return fail(sc, sc->i, "control character in string");
        if ((len = utf8_len(sc)) == 0)
            return fail(sc, sc->i, "invalid UTF-8 in string");
        if (out)
            memcpy(out + k, sc->s + sc->i, len);
        k += len;
        sc->i += len;
    }
    sc->i++;
    if (out) {
        out[k] = '\0';
        *outlen = k;
    }
    return 0;
}

static int scan_number(struct scan *sc)
{
    if (peek(sc) == '-')
        sc->i++;
    if (!is_digit(peek(sc)))
        return fail(sc, sc->i, "expected a digit");
    if (peek(sc) == '0' && sc->i + 1 < sc->n && is_digit((unsigned char)sc->s[sc->i + 1]))
        return fail(sc, sc->i, "leading zeros are not allowed");
    skip_digits(sc);
    if (peek(sc) == '.') {
        sc->i++;
        if (!is_digit(peek(sc)))
            return fail(sc, sc->i, "expected a digit after '.'");
        skip_digits(sc);
    }
    if (peek(sc) == 'e' || peek(sc) == 'E') {
        sc->i++;
        if (peek(sc) == '+' || peek(sc) == '-')
            sc->i++;
        if (!is_digit(peek(sc)))
            return fail(sc, sc->i, "expected a digit in the exponent");
        skip_digits(sc);
    }
    return 0;
}

static int scan_literal(struct scan *sc, const char *word)
{
    size_t len = strlen(word);

    if (sc->n - sc->i < len || memcmp(sc->s + sc->i, word, len) != 0)
        return fail(sc, sc->i, "invalid literal");
    sc->i += len;
    return 0;
}

/* Reads "key": value pairs up to the closing brace; sc->i is on '{'. */
static int scan_object(struct scan *sc)
{
    sc->i++;
    skip_ws(sc);
    if (peek(sc) == '}') {
        sc->i++;
        return 0;
    }
    for (;;) {
        skip_ws(sc);
        if (peek(sc) != '"')
            return fail(sc, sc->i, "expected a string key");
        if (scan_string(sc, NULL, NULL) < 0)
            return -1;
        skip_ws(sc);
        if (peek(sc) != ':')
            return fail(sc, sc->i, "expected ':' after object key");
        sc->i++;
        if (scan_value(sc) < 0)
            return -1;
        skip_ws(sc);
        if (peek(sc) == '}')
            break;
        if (peek(sc) != ',')
            return fail(sc, sc->i, "expected '}' or ','");
        sc->i++;
    }
    sc->i++;
    return 0;
}

/* Reads values up to the closing bracket; sc->i is on '['. */
static int scan_array(struct scan *sc)
{
    sc->i++;
    skip_ws(sc);
    if (peek(sc) == ']') {
        sc->i++;
        return 0;
    }
    for (;;) {
        if (scan_value(sc) < 0)
            return -1;
        skip_ws(sc);
        if (peek(sc) == ']')
            break;
        if (peek(sc) != ',')
            return fail(sc, sc->i, "expected ']' or ','");
        sc->i++;
    }
    sc->i++;
    return 0;
}

/* Depth is bounded so that a hostile text cannot exhaust the stack. */
static int scan_nested(struct scan *sc, int (*scan)(struct scan *))
{
    int rc;

    if (sc->depth >= LG_JSON_DEPTH_MAX)
        return fail(sc, sc->i, "nesting too deep");
    sc->depth++;
    rc = scan(sc);
    sc->depth--;
    return rc;
}

/* Reads one value after optional white space. */
static int scan_value(struct scan *sc)
{
    skip_ws(sc);
    switch (peek(sc)) {
    case '{': return scan_nested(sc, scan_object);
    case '[': return scan_nested(sc, scan_array);
    case '"': return scan_string(sc, NULL, NULL);
    case 't': return scan_literal(sc, "true");
    case 'f': return scan_literal(sc, "false");
    case 'n': return scan_literal(sc, "null");
    case '-': return scan_number(sc);
    default:
        if (is_digit(peek(sc)))
            return scan_number(sc);
        return fail(sc, sc->i, "expected a value");
    }
}

/* Kind of the value starting with byte c (the text is valid). */
static enum lg_json_kind kind_of(int c)
{
    switch (c) {
    case '{': return LG_JSON_OBJECT;
    case '[': return LG_JSON_ARRAY;
    case '"': return LG_JSON_STRING;
    case 't': return LG_JSON_TRUE;
    case 'f': return LG_JSON_FALSE;
    case 'n': return LG_JSON_NULL;
    default: return LG_JSON_NUMBER;
    }
}

int lg_json_validate(const char *text, size_t len, enum lg_json_kind *kind,
                     struct lg_json_error *e)
{
    struct scan sc = { text, len, 0, 0, e };
    size_t start;

    skip_ws(&sc);
    start = sc.i;
    if (scan_value(&sc) < 0)
        return -1;
    skip_ws(&sc);
    if (sc.i < len)
        return fail(&sc, sc.i, "unexpected text after the value");
    if (kind)
        *kind = kind_of((unsigned char)text[start]);
    return 0;
}

int lg_json_iter_open(struct lg_json_iter *it, const char *text, size_t len,
                      struct lg_json_error *e)
{
    size_t at = 0;

    memset(it, 0, sizeof *it);
    if (lg_json_validate(text, len, &it->kind, e) < 0)
        return -1;
    /* Decoded key and value together never exceed the text, plus two NULs. */
    it->scratch = lg_malloc(len + 2);
    while (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')
        at++;
    it->text = text;
    it->len = len;
    it->at = (it->kind == LG_JSON_OBJECT || it->kind == LG_JSON_ARRAY) ? at + 1 : len;
    return 0;
}

/* Reads the value at sc->i into m, decoding into buf. */
static void member_value(struct scan *sc, struct lg_json_member *m, char *buf)
{
    size_t start = sc->i;

    m->kind = kind_of((unsigned char)sc->s[start]);
    m->pos = start + 1;
    if (m->kind == LG_JSON_STRING) {
        scan_string(sc, buf, &m->len);
        m->str = buf;
    } else {
        scan_value(sc);
    }
    m->raw = sc->s + start;
    m->rawlen = sc->i - start;
    if (m->kind == LG_JSON_NUMBER) {
        memcpy(buf, m->raw, m->rawlen);
        buf[m->rawlen] = '\0';
        m->str = buf;
        m->len = m->rawlen;
        m->num = strtod(buf, NULL);
    }
}

int lg_json_iter_next(struct lg_json_iter *it, struct lg_json_member *m)
{
    struct scan sc = { it->text, it->len, it->at, 0, NULL };
    size_t used = 0;

    memset(m, 0, sizeof *m);
    skip_ws(&sc);
    if (peek(&sc) == ',') {
        sc.i++;
        skip_ws(&sc);
    }
    if (sc.i >= sc.n || peek(&sc) == '}' || peek(&sc) == ']')
        return 0;
    if (it->kind == LG_JSON_OBJECT) {
        scan_string(&sc, it->scratch, &m->keylen);
        m->key = it->scratch;
        used = m->keylen + 1;
        skip_ws(&sc);
        sc.i++; /* the ':' */
        skip_ws(&sc);
    }
    member_value(&sc, m, it->scratch + used);
    it->at = sc.i;
    return 1;
}

void lg_json_iter_close(struct lg_json_iter *it)
{
    free(it->scratch);
    it->scratch = NULL;
    it->at = it->len;
}

const char *lg_json_kind_name(enum lg_json_kind kind)
{
    static const char *const names[] = {
        [LG_JSON_STRING] = "a string", [LG_JSON_NUMBER] = "a number",
        [LG_JSON_TRUE] = "true",       [LG_JSON_FALSE] = "false",
        [LG_JSON_NULL] = "null",       [LG_JSON_OBJECT] = "an object",
        [LG_JSON_ARRAY] = "an array",
    };
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}
