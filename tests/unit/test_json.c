/* test_json.c -- the strict JSON scanner: valid and invalid texts, error
 * positions and lines, escapes, nesting, trailing text, walking members. */
#include "json.h"
#include "tap.h"

#include <stdlib.h>

/* text with control and non-ASCII bytes escaped, so that a test name stays
 * on one TAP line. Rotates over a few static buffers. */
static const char *show(const char *text)
{
    static char bufs[4][256];
    static int slot;
    char *o = bufs[slot = (slot + 1) % 4];
    size_t k = 0;

    for (; *text && k < 240; text++) {
        unsigned char c = (unsigned char)*text;
        if (c >= 0x20 && c < 0x7f)
            o[k++] = (char)c;
        else
            k += (size_t)snprintf(o + k, 256 - k, "\\x%02x", c);
    }
    o[k] = '\0';
    return o;
}

/* Validates text (a C string) and returns the result; *e is filled. */
static int check(const char *text, struct lg_json_error *e, enum lg_json_kind *kind)
{
    memset(e, 0, sizeof *e);
    return lg_json_validate(text, strlen(text), kind, e);
}

static void valid(const char *text, enum lg_json_kind want)
{
    struct lg_json_error e;
    enum lg_json_kind kind = (enum lg_json_kind)-1;
    int rc = check(text, &e, &kind);

    is_int(rc, 0, "valid: %s", show(text));
    if (rc)
        note("error: %s at character %zu", e.msg, e.pos);
    is_int(kind, want, "  it is %s", lg_json_kind_name(want));
}

/* Expects text to fail with msg at 1-based byte pos on line. */
static void invalid(const char *text, const char *msg, size_t pos, int line)
{
    struct lg_json_error e;

    is_int(check(text, &e, NULL), -1, "invalid: %s", show(text));
    is_str(e.msg, msg, "  message: %s", msg);
    is_int(e.pos, pos, "  at character %zu", pos);
    is_int(e.line, line, "  on line %d", line);
}

static void test_valid(void)
{
    valid("{}", LG_JSON_OBJECT);
    valid(" \t\r\n{ } \n", LG_JSON_OBJECT);
    valid("[]", LG_JSON_ARRAY);
    valid("[1, -2, 3.5, 0, -0, 1e3, 1E+3, 2.5e-3, 0.0]", LG_JSON_ARRAY);
    valid("\"x\"", LG_JSON_STRING);
    valid("\"\"", LG_JSON_STRING);
    valid("0", LG_JSON_NUMBER);
    valid("-12.5e10", LG_JSON_NUMBER);
    valid("true", LG_JSON_TRUE);
    valid("false", LG_JSON_FALSE);
    valid("null", LG_JSON_NULL);
    valid("{\"a\":{\"b\":[1,{\"c\":null}]},\"d\":[[],{}]}", LG_JSON_OBJECT);
    valid("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"", LG_JSON_STRING);
    valid("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", LG_JSON_STRING);
    valid("{\"a\":1,\"a\":2}", LG_JSON_OBJECT); /* duplicates: RFC 8259 allows them */
}

static void test_invalid(void)
{
    invalid("", "expected a value", 1, 1);
    invalid("   ", "expected a value", 4, 1);
    invalid("{\"a\" 1}", "expected ':' after object key", 6, 1);
    invalid("{\"sleep\":1 \"a\":2}", "expected '}' or ','", 12, 1);
    invalid("{\"a\":1,}", "expected a string key", 8, 1);
    invalid("{a:1}", "expected a string key", 2, 1);
    invalid("{\"a\":}", "expected a value", 6, 1);
    invalid("{\"a\":1", "expected '}' or ','", 7, 1);
    invalid("[1,]", "expected a value", 4, 1);
    invalid("[1 2]", "expected ']' or ','", 4, 1);
    invalid("[", "expected a value", 2, 1);
    invalid("{} x", "unexpected text after the value", 4, 1);
    invalid("{}{}", "unexpected text after the value", 3, 1);
    invalid("1 2", "unexpected text after the value", 3, 1);
    invalid("01", "leading zeros are not allowed", 1, 1);
    invalid("-01", "leading zeros are not allowed", 2, 1);
    invalid("-", "expected a digit", 2, 1);
    invalid("-a", "expected a digit", 2, 1);
    invalid("1.", "expected a digit after '.'", 3, 1);
    invalid("1.e5", "expected a digit after '.'", 3, 1);
    invalid("1e", "expected a digit in the exponent", 3, 1);
    invalid("1e+", "expected a digit in the exponent", 4, 1);
    invalid("+1", "expected a value", 1, 1);
    invalid(".5", "expected a value", 1, 1);
    invalid("tru", "invalid literal", 1, 1);
    invalid("[nul]", "invalid literal", 2, 1);
    invalid("True", "expected a value", 1, 1);
    invalid("'a'", "expected a value", 1, 1);
    invalid("\"abc", "unterminated string", 1, 1);
    invalid("[\"a\\\"]", "unterminated string", 2, 1);
    invalid("\"a\\x\"", "invalid escape in string", 3, 1);
    invalid("\"\\u12\"", "invalid \\u escape", 2, 1);
    invalid("\"\\u12g4\"", "invalid \\u escape", 2, 1);
    invalid("\"\\ud800\"", "unpaired surrogate in \\u escape", 2, 1);
    invalid("\"\\ud800\\u0041\"", "unpaired surrogate in \\u escape", 2, 1);
    invalid("\"\\udc00\"", "unpaired surrogate in \\u escape", 2, 1);
    invalid("\"a\tb\"", "control character in string", 3, 1);
    invalid("\"a\nb\"", "control character in string", 3, 1);
    invalid("\"\x1f\"", "control character in string", 2, 1);
    invalid("\"\xff\"", "invalid UTF-8 in string", 2, 1);
    invalid("\"\xc0\xaf\"", "invalid UTF-8 in string", 2, 1);     /* overlong '/' */
    invalid("\"\xed\xa0\x80\"", "invalid UTF-8 in string", 2, 1); /* a surrogate */
    invalid("\"\xe2\x82\"", "invalid UTF-8 in string", 2, 1);     /* truncated */
    invalid("\"\xf4\x90\x80\x80\"", "invalid UTF-8 in string", 2, 1); /* past U+10FFFF */
    invalid("{\n  \"process\": 2,\n  \"loops\" 3\n}", "expected ':' after object key", 29, 3);
    invalid("[1,\n2,\n\n]", "expected a value", 9, 4);
}

static void test_nul_and_depth(void)
{
    struct lg_json_error e;
    char deep[LG_JSON_DEPTH_MAX * 2 + 4];
    size_t k;

    is_int(lg_json_validate("[1]\0", 4, NULL, &e), -1, "a NUL byte after the value is refused");
    is_int(e.pos, 4, "  at its position");
    is_int(lg_json_validate("\"a\0\"", 4, NULL, &e), -1, "a NUL byte in a string is refused");
    is_str(e.msg, "control character in string", "  as a control character");
    is_int(lg_json_validate("{}", 1, NULL, &e), -1, "length is honoured: '{' alone");

    for (k = 0; k < LG_JSON_DEPTH_MAX; k++)
        deep[k] = '[', deep[LG_JSON_DEPTH_MAX + k] = ']';
    is_int(lg_json_validate(deep, 2 * LG_JSON_DEPTH_MAX, NULL, &e), 0,
           "%d nested arrays are accepted", LG_JSON_DEPTH_MAX);
    memmove(deep + 1, deep, 2 * LG_JSON_DEPTH_MAX);
    deep[0] = '[';
    deep[2 * LG_JSON_DEPTH_MAX + 1] = ']';
    is_int(lg_json_validate(deep, 2 * LG_JSON_DEPTH_MAX + 2, NULL, &e), -1,
           "%d nested arrays are refused", LG_JSON_DEPTH_MAX + 1);
    is_str(e.msg, "nesting too deep", "  as too deep");
    is_int(e.pos, LG_JSON_DEPTH_MAX + 1, "  at the first bracket past the limit");
    is_int(lg_json_validate("{}", 2, NULL, NULL), 0, "a NULL error is allowed (valid)");
    is_int(lg_json_validate("{", 1, NULL, NULL), -1, "a NULL error is allowed (invalid)");
}

static void test_walk_object(void)
{
    const char *text = " { \"s\" : \"a\\u00e9\\ud83d\\ude00\\n\\\"\" , \"n\":-2.5e1, \"t\":true,"
                       "\"f\":false,\"z\":null,\"o\":{\"x\":[1,{}]},\"a\":[ 1 , \"b\" ],"
                       "\"k\\u0041y\":0 }";
    struct lg_json_iter it;
    struct lg_json_member m;
    struct lg_json_error e;

    is_int(lg_json_iter_open(&it, text, strlen(text), &e), 0, "open an object");
    is_int(it.kind, LG_JSON_OBJECT, "  it is an object");

    is_int(lg_json_iter_next(&it, &m), 1, "member 1");
    is_str(m.key, "s", "  key s");
    is_int(m.kind, LG_JSON_STRING, "  a string");
    is_str(m.str, "a\xc3\xa9\xf0\x9f\x98\x80\n\"", "  escapes decoded to UTF-8");
    is_int(m.len, 9, "  decoded length");
    is_int(m.pos, 10, "  position of the value");
    is_int(m.rawlen, 25, "  raw span is the whole quoted string");

    is_int(lg_json_iter_next(&it, &m), 1, "member 2");
    is_str(m.key, "n", "  key n");
    is_int(m.kind, LG_JSON_NUMBER, "  a number");
    is_double(m.num, -25.0, 1e-12, "  its value");
    is_str(m.str, "-2.5e1", "  its text");

    is_int(lg_json_iter_next(&it, &m), 1, "member 3");
    is_int(m.kind, LG_JSON_TRUE, "  true");
    is_int(lg_json_iter_next(&it, &m), 1, "member 4");
    is_int(m.kind, LG_JSON_FALSE, "  false");
    is_int(lg_json_iter_next(&it, &m), 1, "member 5");
    is_int(m.kind, LG_JSON_NULL, "  null");
    ok(m.str == NULL, "  no text for null");

    is_int(lg_json_iter_next(&it, &m), 1, "member 6");
    is_str(m.key, "o", "  key o");
    is_int(m.kind, LG_JSON_OBJECT, "  an object");
    is_int(m.rawlen, 12, "  raw span length");
    ok(m.rawlen == 12 && memcmp(m.raw, "{\"x\":[1,{}]}", 12) == 0, "  raw span text");

    is_int(lg_json_iter_next(&it, &m), 1, "member 7");
    is_int(m.kind, LG_JSON_ARRAY, "  an array");
    ok(m.rawlen == 11 && memcmp(m.raw, "[ 1 , \"b\" ]", 11) == 0, "  raw span keeps spaces");

    is_int(lg_json_iter_next(&it, &m), 1, "member 8");
    is_str(m.key, "kAy", "  key with an escape is decoded");
    is_int(m.keylen, 3, "  key length");

    is_int(lg_json_iter_next(&it, &m), 0, "no member 9");
    is_int(lg_json_iter_next(&it, &m), 0, "still none after the end");
    lg_json_iter_close(&it);
    lg_json_iter_close(&it);
    ok(1, "closing twice is harmless");
}

static void test_walk_array(void)
{
    const char *text = "[\"x\", 384, [2], {\"a\":1}]";
    struct lg_json_iter it;
    struct lg_json_member m;
    int n = 0;

    is_int(lg_json_iter_open(&it, text, strlen(text), NULL), 0, "open an array");
    is_int(it.kind, LG_JSON_ARRAY, "  it is an array");
    is_int(lg_json_iter_next(&it, &m), 1, "element 1");
    ok(m.key == NULL, "  no key in an array");
    is_str(m.str, "x", "  string element");
    is_int(lg_json_iter_next(&it, &m), 1, "element 2");
    is_str(m.str, "384", "  number element text");
    is_int(lg_json_iter_next(&it, &m), 1, "element 3");
    is_int(m.kind, LG_JSON_ARRAY, "  nested array");
    is_int(lg_json_iter_next(&it, &m), 1, "element 4");
    is_int(m.kind, LG_JSON_OBJECT, "  nested object");
    is_int(lg_json_iter_next(&it, &m), 0, "no element 5");
    lg_json_iter_close(&it);

    is_int(lg_json_iter_open(&it, "[ ]", 3, NULL), 0, "open an empty array");
    while (lg_json_iter_next(&it, &m) > 0)
        n++;
    is_int(n, 0, "  no element");
    lg_json_iter_close(&it);

    is_int(lg_json_iter_open(&it, " {\n} ", 5, NULL), 0, "open an empty object");
    is_int(lg_json_iter_next(&it, &m), 0, "  no member");
    lg_json_iter_close(&it);
}

static void test_walk_scalar_and_error(void)
{
    struct lg_json_iter it;
    struct lg_json_member m;
    struct lg_json_error e;

    is_int(lg_json_iter_open(&it, "42", 2, NULL), 0, "open a scalar");
    is_int(it.kind, LG_JSON_NUMBER, "  it is a number");
    is_int(lg_json_iter_next(&it, &m), 0, "  its walk is empty");
    lg_json_iter_close(&it);

    is_int(lg_json_iter_open(&it, "{\"a\":1,}", 8, &e), -1, "open refuses invalid text");
    is_str(e.msg, "expected a string key", "  with the error");
    is_int(e.pos, 8, "  and its position");
    is_int(lg_json_iter_next(&it, &m), 0, "  a failed iterator walks nothing");
    lg_json_iter_close(&it);
}

static void test_kind_names(void)
{
    is_str(lg_json_kind_name(LG_JSON_STRING), "a string", "kind name string");
    is_str(lg_json_kind_name(LG_JSON_NUMBER), "a number", "kind name number");
    is_str(lg_json_kind_name(LG_JSON_OBJECT), "an object", "kind name object");
    is_str(lg_json_kind_name(LG_JSON_ARRAY), "an array", "kind name array");
    is_str(lg_json_kind_name(LG_JSON_NULL), "null", "kind name null");
}

int main(void)
{
    test_valid();
    test_invalid();
    test_nul_and_depth();
    test_walk_object();
    test_walk_array();
    test_walk_scalar_and_error();
    test_kind_names();
    return done_testing();
}
