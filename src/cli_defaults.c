/* cli_defaults.c -- the --defaults file: a JSON object of option defaults
 * (see cli.h), read with libjansson, which reports the line and column of a
 * syntax error.
 *
 * Keys are option names or aliases, case ignored, never abbreviated. Each
 * value goes through the same setter as on the command line
 * (lg_cli_opt_set), as text: a string as it is, a number in the fewest
 * digits that give it back, so "2.5", 2.5 and "2500ms" all work. Steps and
 * thresholds may also be an array; "extra" may be an object, which is re-encoded as JSON
 * text. This file does not check extra's content: lua-cjson does, as for
 * --extra (lrt.c). The file is read by infile.c: a regular
 * file of at most 1 MiB. */
#include "cli_opt.h"
#include "infile.h"
#include "mem.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which JSON types each option kind takes from a defaults file, and how a
 * message names them. */
#define K(type) (1u << (type))
#define K_NUMBER (K(JSON_INTEGER) | K(JSON_REAL))
static const struct {
    unsigned accepts;
    const char *wanted;
} file_kinds[] = {
    [LG_OPT_INT]       = { K_NUMBER | K(JSON_STRING), "a number" },
    [LG_OPT_SECS]      = { K_NUMBER | K(JSON_STRING), "a number" },
    [LG_OPT_STR]       = { K_NUMBER | K(JSON_STRING), "a string" },
    [LG_OPT_LABEL]     = { K_NUMBER | K(JSON_STRING), "a string" },
    [LG_OPT_FLAG]      = { K(JSON_TRUE) | K(JSON_FALSE), "true or false" },
    [LG_OPT_STEPS]     = { K_NUMBER | K(JSON_STRING) | K(JSON_ARRAY), "a string or an array" },
    [LG_OPT_EXTRA]     = { K(JSON_OBJECT) | K(JSON_STRING), "an object or a string" },
    [LG_OPT_OUTFORMAT] = { K(JSON_STRING), "a string" },
    [LG_OPT_ARRIVAL]   = { K(JSON_STRING), "a string" },
    [LG_OPT_THRESHOLD] = { K(JSON_STRING) | K(JSON_ARRAY), "a string or an array of strings" },
    [LG_OPT_DEFAULTS]  = { 0, "nothing" },
    [LG_OPT_EXIT]      = { 0, "nothing" },
    [LG_OPT_IGNORED]   = { ~0u, "anything" },
};

/* "a string", "a number", "an object"... for messages. Static. */
static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:  return "an object";
    case JSON_ARRAY:   return "an array";
    case JSON_STRING:  return "a string";
    case JSON_INTEGER:
    case JSON_REAL:    return "a number";
    case JSON_TRUE:    return "true";
    case JSON_FALSE:   return "false";
    case JSON_NULL:    return "null";
    }
    return "a value";
}

/* A string or number member as the text a setter takes: the string itself
 * (a \u0000 inside would silently cut it short, so it is refused), or the
 * number written back in the fewest digits that round-trip (0.1, not
 * 0.10000000000000001). *text borrows v or buf. */
static int value_text(struct lg_cli *c, const json_t *v, const char *label, char *buf,
                      size_t len, const char **text)
{
    if (json_is_string(v)) {
        *text = json_string_value(v);
        if (strlen(*text) != json_string_length(v))
            return lg_cli_err(c, "%s: a NUL character is not allowed", label);
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else {
        double d = json_real_value(v);
        for (int prec = 15; prec <= 17; prec++)
            if (snprintf(buf, len, "%.*g", prec, d) > 0 && strtod(buf, NULL) == d)
                break;
    }
    *text = buf;
    return 0;
}

/* An object as JSON text (free it), its reals in the fewest digits that
 * decode to the very same values: 0.1, not 0.10000000000000001. */
static char *object_text(const json_t *v)
{
    char *text = NULL;

    for (int prec = 15; prec <= 17; prec++) {
        json_t *back;
        text = json_dumps(v, JSON_REAL_PRECISION(prec));
        back = text ? json_loads(text, JSON_ALLOW_NUL, NULL) : NULL;
        int same = back && json_equal(v, back);
        json_decref(back);
        if (same || prec == 17)
            break;
        free(text);
    }
    return text;
}

/* Steps given as a JSON array of strings or numbers. */
static int steps_from_array(struct lg_cli *c, const json_t *arr, const char *label)
{
    size_t n = json_array_size(arr), k;
    char **list, num[64];
    const char *text;
    int rc = 0;

    if (n == 0)
        return lg_cli_err(c, "%s: no steps", label);
    if (n > LG_STEPS_MAX)
        return lg_cli_err(c, "%s: more than %d steps", label, LG_STEPS_MAX);
    list = lg_calloc(n, sizeof *list);
    for (k = 0; rc == 0 && k < n; k++) {
        const json_t *m = json_array_get(arr, k);
        if (!json_is_string(m) && !json_is_number(m))
            rc = lg_cli_err(c, "%s: a step must be a string or a number, not %s", label,
                            type_name(m));
        else if (value_text(c, m, label, num, sizeof num, &text) < 0)
            rc = -1;
        else if (!*text)
            rc = lg_cli_err(c, "%s: empty step", label);
        else if (lg_cli_text_check(c, text, label) < 0)
            rc = -1;
        else
            list[k] = lg_cli_strndup(text, strlen(text));
    }
    if (rc < 0)
        lg_cli_steps_free(list, (int)n);
    else
        lg_cli_steps_replace(c->cfg, list, (int)n);
    return rc;
}

/* Thresholds given as a JSON array of strings, each one as if given alone. */
static int thresholds_from_array(struct lg_cli *c, const struct lg_opt *o, const json_t *arr,
                                 const char *label)
{
    for (size_t k = 0; k < json_array_size(arr); k++) {
        const json_t *m = json_array_get(arr, k);
        const char *text;
        if (!json_is_string(m))
            return lg_cli_err(c, "%s: a threshold must be a string, not %s", label, type_name(m));
        if (value_text(c, m, label, NULL, 0, &text) < 0 || lg_cli_opt_set(c, o, text, label) < 0)
            return -1;
    }
    return 0;
}

/* Applies one member of the defaults file at path; keylen tells a key
 * holding \u0000 from a shorter one. */
static int defaults_member(struct lg_cli *c, const char *path, const char *key, size_t keylen,
                           const json_t *v)
{
    const struct lg_opt *o = strlen(key) == keylen ? lg_cli_opt_exact(key) : NULL;
    const char *near = o ? NULL : lg_cli_suggest(key, strlen(key)), *text;
    char label[512], num[64];

    if (!o && near)
        return lg_cli_err(c, "%s: unknown option \"%s\" (did you mean \"%s\"?)", path, key, near);
    if (!o)
        return lg_cli_err(c, "%s: unknown option \"%s\"", path, key);
    if (o->kind == LG_OPT_DEFAULTS || o->kind == LG_OPT_EXIT)
        return lg_cli_err(c, "%s: option \"%s\" cannot be set in a defaults file", path, key);
    snprintf(label, sizeof label, "%s: %s", path, key);
    if (!(file_kinds[o->kind].accepts & K(json_typeof(v))))
        return lg_cli_err(c, "%s: expected %s, not %s", label, file_kinds[o->kind].wanted,
                          type_name(v));
    if (o->kind == LG_OPT_IGNORED)
        return 0;
    if (o->kind == LG_OPT_FLAG) {
        *(int *)((char *)c->cfg + o->off) = json_is_true(v);
        return 0;
    }
    if (json_is_array(v) && o->kind == LG_OPT_THRESHOLD)
        return thresholds_from_array(c, o, v, label);
    if (json_is_array(v))
        return steps_from_array(c, v, label);
    if (json_is_object(v)) {
        char *json = object_text(v);
        int rc = json ? lg_cli_opt_set(c, o, json, label)
                      : lg_cli_err(c, "%s: out of memory", label);
        free(json);
        return rc;
    }
    if (value_text(c, v, label, num, sizeof num, &text) < 0)
        return -1;
    return lg_cli_opt_set(c, o, text, label);
}

static int defaults_apply(struct lg_cli *c, const char *path, const char *text, size_t len)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    int rc = 0;

    if (!root)
        return lg_cli_err(c, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    if (!json_is_object(root))
        rc = lg_cli_err(c, "%s: not a JSON object", path);
    c->in_file = 1;
    for (void *it = json_object_iter(root); rc == 0 && it; it = json_object_iter_next(root, it))
        rc = defaults_member(c, path, json_object_iter_key(it), json_object_iter_key_len(it),
                             json_object_iter_value(it));
    c->in_file = 0;
    json_decref(root);
    return rc;
}

/* See cli_opt.h. */
int lg_cli_defaults_read(struct lg_cli *c, const char *explicit_path)
{
    const char *path = explicit_path ? explicit_path : "defaults.json";
    char *text = NULL, why[256];
    size_t len = 0;
    int rc;

    if (lg_infile_read(path, &text, &len, why, sizeof why) < 0) {
        if (!explicit_path && errno == ENOENT)
            return 0;
        return lg_cli_err(c, "%scannot read %s: %s", explicit_path ? "--defaults: " : "", path,
                          why);
    }
    rc = defaults_apply(c, path, text, len);
    free(text);
    if (rc == 0) {
        free(c->cfg->defaults);
        c->cfg->defaults = lg_strdup(path);
    }
    return rc;
}

/* See cli_opt.h. */
int lg_cli_defaults_text(struct lg_cli *c, const char *path, const char *text, size_t len)
{
    return defaults_apply(c, path, text, len);
}
