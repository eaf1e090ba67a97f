/* jread.c -- a JSON document of known shape read with libjansson, the
 * first field missing or of the wrong type named by its path (jread.h).
 * Checks types only: what a value means is the caller's. */
#include "jread.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

void lg_jread_init(struct lg_jread *r, const char *file, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->file = file;
    r->err = err;
    r->errlen = errlen;
}

static size_t push_text(struct lg_jread *r, const char *text)
{
    size_t mark = r->len;
    size_t room = sizeof r->path - r->len;
    int k = snprintf(r->path + r->len, room, "%s", text);
    r->len += k < 0 ? 0 : (size_t)k < room ? (size_t)k : room - 1;
    return mark;
}

size_t lg_jread_push(struct lg_jread *r, const char *key)
{
    if (r->len == 0)
        return push_text(r, key);
    size_t mark = push_text(r, ".");
    push_text(r, key);
    return mark;
}

size_t lg_jread_push_index(struct lg_jread *r, size_t i)
{
    char buf[32];
    snprintf(buf, sizeof buf, "[%zu]", i);
    return push_text(r, buf);
}

void lg_jread_pop(struct lg_jread *r, size_t mark)
{
    r->len = mark;
    r->path[mark] = '\0';
}

void lg_jread_fail(struct lg_jread *r, const char *key, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    size_t mark = key ? lg_jread_push(r, key) : r->len;
    int k = snprintf(r->err, r->errlen, "%s: %s: ", r->file, r->len ? r->path : "(the document)");
    lg_jread_pop(r, mark);
    if (k < 0 || (size_t)k >= r->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
    va_end(ap);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* Member key of o, when of one of the types in `types` (bits 1 << type);
 * `want` names them. NULL when missing or of another type (failed) or
 * already failed. */
static json_t *member(struct lg_jread *r, const json_t *o, const char *key, unsigned types,
                      const char *want)
{
    if (r->failed)
        return NULL;
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    if (!v) {
        lg_jread_fail(r, key, "missing");
        return NULL;
    }
    if (!(types & (1u << json_typeof(v)))) {
        lg_jread_fail(r, key, "%s expected, found %s", want, type_name(v));
        return NULL;
    }
    return v;
}

#define T(t) (1u << (t))
#define T_NUM (T(JSON_INTEGER) | T(JSON_REAL))

json_t *lg_jread_object(struct lg_jread *r, const json_t *o, const char *key)
{
    return member(r, o, key, T(JSON_OBJECT), "an object");
}

json_t *lg_jread_object_or_null(struct lg_jread *r, const json_t *o, const char *key)
{
    json_t *v = member(r, o, key, T(JSON_OBJECT) | T(JSON_NULL), "an object or null");
    return json_is_null(v) ? NULL : v;
}

json_t *lg_jread_array(struct lg_jread *r, const json_t *o, const char *key, size_t *n)
{
    json_t *v = member(r, o, key, T(JSON_ARRAY), "an array");
    *n = v ? json_array_size(v) : 0;
    return v;
}

uint64_t lg_jread_count(struct lg_jread *r, const json_t *o, const char *key)
{
    json_t *v = member(r, o, key, T(JSON_INTEGER), "an integer");
    if (v && json_integer_value(v) < 0)
        lg_jread_fail(r, key, "a count (an integer >= 0) expected, found %lld",
                      (long long)json_integer_value(v));
    return v && !r->failed ? (uint64_t)json_integer_value(v) : 0;
}

int64_t lg_jread_int(struct lg_jread *r, const json_t *o, const char *key)
{
    json_t *v = member(r, o, key, T(JSON_INTEGER), "an integer");
    return v ? (int64_t)json_integer_value(v) : 0;
}

int64_t lg_jread_int_or(struct lg_jread *r, const json_t *o, const char *key, int64_t dflt)
{
    json_t *v = member(r, o, key, T(JSON_INTEGER) | T(JSON_NULL), "an integer or null");
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

double lg_jread_num(struct lg_jread *r, const json_t *o, const char *key)
{
    json_t *v = member(r, o, key, T_NUM, "a number");
    return v ? json_number_value(v) : 0;
}

double lg_jread_num_or(struct lg_jread *r, const json_t *o, const char *key, double dflt)
{
    json_t *v = member(r, o, key, T_NUM | T(JSON_NULL), "a number or null");
    return json_is_number(v) ? json_number_value(v) : dflt;
}

int lg_jread_bool(struct lg_jread *r, const json_t *o, const char *key)
{
    json_t *v = member(r, o, key, T(JSON_TRUE) | T(JSON_FALSE), "a boolean");
    return json_is_true(v);
}

char *lg_jread_str(struct lg_jread *r, const json_t *o, const char *key)
{
    json_t *v = member(r, o, key, T(JSON_STRING), "a string");
    return v ? lg_strdup(json_string_value(v)) : NULL;
}

char *lg_jread_str_or_null(struct lg_jread *r, const json_t *o, const char *key)
{
    json_t *v = member(r, o, key, T(JSON_STRING) | T(JSON_NULL), "a string or null");
    return json_is_string(v) ? lg_strdup(json_string_value(v)) : NULL;
}

/* s seconds in ns, when within +/- LG_JREAD_MAX_S (else failed, 0). */
static int64_t s_ns(struct lg_jread *r, const char *key, double s)
{
    if (fabs(s) <= LG_JREAD_MAX_S)
        return (int64_t)llround(s * 1e9);
    lg_jread_fail(r, key, "%g s is out of range (at most %g)", s, LG_JREAD_MAX_S);
    return 0;
}

int64_t lg_jread_s_ns(struct lg_jread *r, const json_t *o, const char *key)
{
    return s_ns(r, key, lg_jread_num(r, o, key));
}

int64_t lg_jread_s_ns_or_none(struct lg_jread *r, const json_t *o, const char *key)
{
    double s = lg_jread_num_or(r, o, key, NAN);
    return isnan(s) ? -1 : s_ns(r, key, s);
}

uint64_t lg_jread_ms_ns(struct lg_jread *r, const json_t *o, const char *key)
{
    double ms = lg_jread_num(r, o, key);
    if (ms >= 0 && ms <= LG_JREAD_MAX_S * 1e3)
        return (uint64_t)llround(ms * 1e6);
    lg_jread_fail(r, key, "%g ms is out of range (0 to %g)", ms, LG_JREAD_MAX_S * 1e3);
    return 0;
}

json_t *lg_jread_enter(struct lg_jread *r, const json_t *o, const char *key, size_t *mark)
{
    json_t *v = lg_jread_object(r, o, key);
    *mark = lg_jread_push(r, key);
    return v;
}
