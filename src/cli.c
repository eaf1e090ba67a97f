/* cli.c -- options, their abbreviations and the --defaults file (see cli.h).
 *
 * One table describes every long option: its names, kind, field in struct
 * lg_config, whether Pylogen had it, its default and its help line. Built-in
 * defaults, the defaults file and the command line all go through the same
 * setters, so a value is checked the same way wherever it comes from.
 * Parsing runs in two passes: argv is first cut into (option, value) pairs,
 * which finds --defaults wherever it stands; the file is applied, then the
 * pairs in order, so the command line wins over the file. Schedule and burst
 * syntax belongs to schedule.c, which checks it here, before any run. */
#include "cli.h"
#include "schedule.h"
#include "json.h"
#include "mem.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum opt_kind {
    OPT_INT,       /* long field, integral value */
    OPT_NUM,       /* double field */
    OPT_STR,       /* char * field, any text */
    OPT_FLAG,      /* int field, set by the bare option */
    OPT_STEPS,     /* cfg->steps, a comma list */
    OPT_EXTRA,     /* cfg->extra, a JSON object */
    OPT_OUTFORMAT, /* cfg->outformat */
    OPT_ARRIVAL,   /* cfg->arrival */
    OPT_DEFAULTS,  /* names the defaults file, read before any other value */
    OPT_EXIT,      /* --help, --version: set the flag, parsing stops there */
    OPT_IGNORED    /* Pylogen parsed it and never used it */
};

enum opt_min { MIN_0, MIN_1, MIN_POS }; /* numbers: >= 0, >= 1, > 0 */
enum opt_group { G_GENERAL, G_CLOSED, G_OPEN, G_OUTPUT, G_COUNT };

struct opt {
    const char *names[3];  /* long name, then older aliases; NULL-terminated */
    enum opt_kind kind;
    enum opt_min min;
    size_t off;            /* field in struct lg_config, for the generic kinds */
    int pylogen;           /* Pylogen had it: wins prefixes shared with newer options */
    enum opt_group group;  /* section in --help */
    const char *arg;       /* value placeholder in --help; NULL for flags */
    const char *def;       /* built-in default, as typed; NULL: none (zero) */
    const char *help;
};

#define F(field) offsetof(struct lg_config, field)

/* The table order is the order of the names in an ambiguity message. */
static const struct opt opts[] = {
    { {"process"}, OPT_INT, MIN_1, F(process), 1, G_CLOSED, "N", "1",
      "number of workers" },
    { {"postpone"}, OPT_NUM, MIN_0, F(postpone), 1, G_GENERAL, "S", "0",
      "seconds before the first worker (or the open-model controller) starts" },
    { {"rampup"}, OPT_NUM, MIN_0, F(rampup), 1, G_CLOSED, "S", "0",
      "seconds between the starts of two workers" },
    { {"duration"}, OPT_NUM, MIN_0, F(duration), 1, G_CLOSED, "S", "0",
      "seconds each worker runs; wins over --loops when > 0" },
    { {"loops"}, OPT_INT, MIN_0, F(loops), 1, G_CLOSED, "N", "5",
      "loops per worker when --duration is 0" },
    { {"steps", "lengths"}, OPT_STEPS, MIN_0, 0, 1, G_GENERAL, "LIST",
      "A,256,512,1024,2048,4096,8192",
      "comma list; a loop runs the CUT once per step, in order, and the CUT "
      "reads the current step (often a payload length)" },
    { {"pauseloop"}, OPT_NUM, MIN_0, F(pauseloop), 1, G_GENERAL, "S", "0",
      "seconds of pause after each loop" },
    { {"pausestep", "pauselen"}, OPT_NUM, MIN_0, F(pausestep), 1, G_GENERAL, "S", "0",
      "seconds of pause after each step" },
    { {"summary"}, OPT_NUM, MIN_POS, F(summary), 1, G_OUTPUT, "S", "1",
      "seconds over which throughputs are computed" },
    { {"outformat"}, OPT_OUTFORMAT, MIN_0, 0, 1, G_OUTPUT, "F", "short",
      "short, long, raw or jtl; anything else means long" },
    { {"extra"}, OPT_EXTRA, MIN_0, 0, 1, G_GENERAL, "JSON", "{}",
      "JSON object handed to the CUT" },
    { {"defaults"}, OPT_DEFAULTS, MIN_0, 0, 1, G_GENERAL, "FILE", NULL,
      "JSON object of option defaults, itself overridden by the command line "
      "(default: ./defaults.json when it exists)" },
    { {"id"}, OPT_STR, MIN_0, F(id), 1, G_GENERAL, "ID", "customId",
      "label that prefixes every id of the run" },
    { {"file"}, OPT_STR, MIN_0, F(file), 1, G_GENERAL, "FILE", NULL,
      "scenario file, with ACTION scenario: one command line per line" },
    { {"output"}, OPT_STR, MIN_0, F(output), 0, G_OUTPUT, "FILE", NULL,
      "write the event lines to FILE instead of stdout" },
    { {"openedmodel"}, OPT_FLAG, MIN_0, F(openedmodel), 1, G_OPEN, NULL, NULL,
      "open model (events arrive on a schedule) instead of closed" },
    { {"schedule"}, OPT_STR, MIN_0, F(schedule), 1, G_OPEN, "LIST", "30@10,30@20,30@30",
      "phases run in turn: D@R is D seconds at R events/s, D@R1-R2 ramps "
      "from R1 to R2 events/s" },
    { {"prefork"}, OPT_INT, MIN_0, F(prefork), 1, G_OPEN, "N", "10",
      "workers started, and ready, before the first event" },
    { {"trigger"}, OPT_INT, MIN_1, F(trigger), 1, G_OPEN, "N", "3",
      "start one more worker when more than N events wait" },
    { {"controllerDelay"}, OPT_NUM, MIN_POS, F(controller_delay), 1, G_OPEN, "S", "1",
      "controller period, seconds" },
    { {"decrease"}, OPT_INT, MIN_0, F(decrease), 1, G_OPEN, "N", "10",
      "retire one worker after N controller periods with no backlog" },
    { {"burst"}, OPT_STR, MIN_0, F(burst), 1, G_OPEN, "B", "1",
      "fN: bursts of exactly N events; N: random size 1..N; 0: random size "
      "up to |R2-R1|/2" },
    { {"maxproc"}, OPT_INT, MIN_0, F(maxproc), 0, G_OPEN, "N", "0",
      "cap on live workers; 0: none" },
    { {"maxwait"}, OPT_NUM, MIN_0, F(maxwait), 0, G_OPEN, "S", "0",
      "seconds an event may wait before it is dropped; 0: forever" },
    { {"arrival"}, OPT_ARRIVAL, MIN_0, 0, 0, G_OPEN, "A", "uniform",
      "uniform (evenly spaced) or poisson (random, same mean rate)" },
    { {"generatorDelay"}, OPT_IGNORED, MIN_0, 0, 1, G_OPEN, "S", NULL,
      "accepted and ignored, as Pylogen did" },
    { {"workerDelay"}, OPT_IGNORED, MIN_0, 0, 1, G_OPEN, "S", NULL,
      "accepted and ignored, as Pylogen did" },
    { {"eval"}, OPT_STR, MIN_0, F(eval), 0, G_GENERAL, "CODE", NULL,
      "ad hoc run, no file: CODE is the body of a one-request CUT (it sees "
      "step, extra, ctx, self and logen); also -e CODE" },
    { {"help"}, OPT_EXIT, MIN_0, F(help), 0, G_GENERAL, NULL, NULL,
      "print this help and exit" },
    { {"version"}, OPT_EXIT, MIN_0, F(version), 0, G_GENERAL, NULL, NULL,
      "print the version and exit" },
};

#define NOPTS (sizeof opts / sizeof opts[0])
_Static_assert(NOPTS <= 64, "lg_config.given has a bit per option");

/* One parse: the config being filled and where a message goes. */
struct cli {
    struct lg_config *cfg;
    char *err;
    size_t errlen;
};

/* One option of the command line, as cut from argv. */
struct pair {
    const struct opt *o;
    const char *as;   /* the full name it matched, for messages */
    const char *val;  /* borrowed from argv; NULL for flags */
};

struct cut {
    struct pair *pairs; /* argc entries at most */
    int npairs;
    int verbose;        /* count of -v */
    const char *action;
    const char *defaults; /* the last --defaults value, or NULL */
    int stop;           /* --help or --version seen */
};

/* --- memory and messages */

static char *cli_strndup(const char *s, size_t len)
{
    char *p = lg_malloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static void string_set(char **slot, const char *text)
{
    char *copy = cli_strndup(text, strlen(text));
    free(*slot);
    *slot = copy;
}

/* Appends to the message; control characters become '?' so that the
 * message stays one line whatever a value held. */
static void __attribute__((format(printf, 2, 3))) err_add(struct cli *c, const char *fmt, ...)
{
    size_t used, k;
    va_list ap;

    if (!c->err || !c->errlen || (used = strnlen(c->err, c->errlen)) + 1 >= c->errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(c->err + used, c->errlen - used, fmt, ap);
    va_end(ap);
    for (k = used; c->err[k]; k++)
        if ((unsigned char)c->err[k] < 0x20 || c->err[k] == 0x7F)
            c->err[k] = '?';
}

/* Sets the message to "logen: " and fmt; returns -1. */
static int __attribute__((format(printf, 2, 3))) cli_err(struct cli *c, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (!c->err || !c->errlen)
        return -1;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    c->err[0] = '\0';
    err_add(c, "logen: %s", line);
    return -1;
}

static void *field(struct lg_config *cfg, const struct opt *o)
{
    return (char *)cfg + o->off;
}

/* --- numbers */

/* Parses a whole decimal number. Returns 0, -1 (not a number), -2 (out of
 * range). Only digits, sign, point and exponent are accepted, so strtod's
 * "inf", "nan", hex and leading blanks are refused. */
static int double_parse(const char *s, double *v)
{
    char *end;

    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
        return -1;
    errno = 0;
    *v = strtod(s, &end);
    if (*end)
        return -1;
    return isinf(*v) ? -2 : 0;
}

/* As double_parse, plus -3 (not an integer). An integral value written as
 * a real (2.0, 1e3: JSON writers produce them) is accepted. */
static int long_parse(const char *s, long *v)
{
    char *end;
    double d;
    int rc;

    if (*s && strspn(s, "0123456789+-") == strlen(s)) {
        errno = 0;
        *v = strtol(s, &end, 10);
        if (!*end)
            return errno == ERANGE ? -2 : 0;
    }
    if ((rc = double_parse(s, &d)) < 0)
        return rc;
    if (d != floor(d))
        return -3;
    if (d < (double)LONG_MIN || d >= -(double)LONG_MIN)
        return -2;
    *v = (long)d;
    return 0;
}

/* Reports a parse failure, or checks v against the option's minimum. */
static int number_check(struct cli *c, const struct opt *o, int rc, double v,
                        const char *text, const char *label)
{
    if (rc == -1)
        return cli_err(c, "%s: '%s' is not a number", label, text);
    if (rc == -2)
        return cli_err(c, "%s: '%s' is out of range", label, text);
    if (rc == -3)
        return cli_err(c, "%s: '%s' is not an integer", label, text);
    if (v < 0)
        return cli_err(c, "%s: %s must not be negative", label, text);
    if (o->min == MIN_1 && v < 1)
        return cli_err(c, "%s: %s must be at least 1", label, text);
    if (o->min == MIN_POS && v <= 0)
        return cli_err(c, "%s: %s must be greater than 0", label, text);
    return 0;
}

static int set_long(struct cli *c, const struct opt *o, const char *text, const char *label)
{
    long v = 0;
    int rc = long_parse(text, &v);

    if (number_check(c, o, rc, (double)v, text, label) < 0)
        return -1;
    *(long *)field(c->cfg, o) = v;
    return 0;
}

static int set_double(struct cli *c, const struct opt *o, const char *text, const char *label)
{
    double v = 0;
    int rc = double_parse(text, &v);

    if (number_check(c, o, rc, v, text, label) < 0)
        return -1;
    *(double *)field(c->cfg, o) = v;
    return 0;
}

/* --- steps, extra, enumerations */

static void steps_free(char **list, int n)
{
    int k;

    for (k = 0; k < n; k++)
        free(list[k]);
    free(list);
}

static void steps_replace(struct lg_config *cfg, char **list, int n)
{
    steps_free(cfg->steps, cfg->nsteps);
    cfg->steps = list;
    cfg->nsteps = n;
}

/* Splits a comma list; every step must be non-empty. */
static int set_steps(struct cli *c, const char *text, const char *label)
{
    size_t len = strlen(text), n = 1, k;
    const char *p;
    char **list;

    for (p = text; *p; p++)
        n += *p == ',';
    if (!len || text[0] == ',' || text[len - 1] == ',' || strstr(text, ",,"))
        return cli_err(c, "%s: empty step in '%s'", label, text);
    if (n > LG_STEPS_MAX)
        return cli_err(c, "%s: more than %d steps", label, LG_STEPS_MAX);
    list = lg_malloc(n * sizeof *list);
    for (k = 0, p = text; k < n; k++) {
        size_t w = strcspn(p, ",");
        list[k] = cli_strndup(p, w);
        p += w + 1;
    }
    steps_replace(c->cfg, list, (int)n);
    return 0;
}

/* Keeps the text as given once it is known to be one JSON object. */
static int set_extra(struct cli *c, const char *text, const char *label)
{
    struct lg_json_error je;
    enum lg_json_kind kind;

    if (lg_json_validate(text, strlen(text), &kind, &je) < 0)
        return cli_err(c, "%s: %s at character %zu", label, je.msg, je.pos);
    if (kind != LG_JSON_OBJECT)
        return cli_err(c, "%s: not a JSON object", label);
    string_set(&c->cfg->extra, text);
    return 0;
}

/* Pylogen's rule: anything that is not a known name means long. */
static enum lg_outformat outformat_parse(const char *text)
{
    static const char *const names[] = { "short", "long", "raw", "jtl" };
    size_t k;

    for (k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strcmp(text, names[k]) == 0)
            return (enum lg_outformat)k;
    return LG_OUT_LONG;
}

static int set_arrival(struct cli *c, const char *text, const char *label)
{
    if (strcmp(text, "uniform") == 0)
        c->cfg->arrival = LG_ARRIVAL_UNIFORM;
    else if (strcmp(text, "poisson") == 0)
        c->cfg->arrival = LG_ARRIVAL_POISSON;
    else
        return cli_err(c, "%s: '%s' is not uniform or poisson", label, text);
    return 0;
}

/* Applies one textual value (NULL for a flag); label names the culprit in
 * messages ("--process", "myprofile.json: process"). */
static int opt_set(struct cli *c, const struct opt *o, const char *text, const char *label)
{
    switch (o->kind) {
    case OPT_INT:       return set_long(c, o, text, label);
    case OPT_NUM:       return set_double(c, o, text, label);
    case OPT_STEPS:     return set_steps(c, text, label);
    case OPT_EXTRA:     return set_extra(c, text, label);
    case OPT_ARRIVAL:   return set_arrival(c, text, label);
    case OPT_STR:       string_set(field(c->cfg, o), text); return 0;
    case OPT_OUTFORMAT: c->cfg->outformat = outformat_parse(text); return 0;
    case OPT_FLAG:
    case OPT_EXIT:      *(int *)field(c->cfg, o) = 1; return 0;
    case OPT_DEFAULTS:
    case OPT_IGNORED:   return 0;
    }
    return 0;
}

/* --- finding an option by name */

/* The name of o that name[0..len) is a case-insensitive prefix of, or NULL;
 * *exact tells whether some name of o is exactly that. */
static const char *opt_match(const struct opt *o, const char *name, size_t len, int *exact)
{
    const char *first = NULL;
    int k;

    *exact = 0;
    for (k = 0; k < 3 && o->names[k]; k++) {
        if (strncasecmp(o->names[k], name, len) != 0)
            continue;
        if (o->names[k][len] == '\0') {
            *exact = 1;
            return o->names[k];
        }
        if (!first)
            first = o->names[k];
    }
    return first;
}

/* Names every candidate of an ambiguous prefix, in table order. */
static const struct opt *ambiguous(struct cli *c, const char *name, size_t len)
{
    const char *sep = "";
    size_t i;
    int k;

    cli_err(c, "option --%.*s is ambiguous: ", (int)len, name);
    for (i = 0; i < NOPTS; i++)
        for (k = 0; k < 3 && opts[i].names[k]; k++)
            if (strncasecmp(opts[i].names[k], name, len) == 0) {
                err_add(c, "%s--%s", sep, opts[i].names[k]);
                sep = ", ";
            }
    return NULL;
}

/* Finds the option named by name[0..len): an exact name or alias first;
 * else the one option every matching prefix resolves to; else the one
 * Pylogen option among them, so that a Pylogen command line keeps its
 * meaning (--out is --outformat, not --output). Sets *as to the full name
 * matched. Returns NULL with the message set when none or several fit. */
static const struct opt *opt_lookup(struct cli *c, const char *name, size_t len,
                                    const char **as)
{
    const struct opt *hit = NULL, *old = NULL;
    const char *hit_as = NULL, *old_as = NULL, *nm;
    int nhit = 0, nold = 0, exact;
    size_t i;

    for (i = 0; len && i < NOPTS; i++) {
        if (!(nm = opt_match(&opts[i], name, len, &exact)))
            continue;
        if (exact) {
            *as = nm;
            return &opts[i];
        }
        nhit++;
        hit = &opts[i];
        hit_as = nm;
        if (opts[i].pylogen) {
            nold++;
            old = &opts[i];
            old_as = nm;
        }
    }
    if (nhit == 1 || nold == 1) {
        *as = nhit == 1 ? hit_as : old_as;
        return nhit == 1 ? hit : old;
    }
    if (nhit == 0) {
        cli_err(c, "unknown option --%.*s (see logen --help)", (int)len, name);
        return NULL;
    }
    return ambiguous(c, name, len);
}

/* The option whose name or alias is exactly name, ignoring case: keys of a
 * defaults file are not abbreviated. */
static const struct opt *opt_exact(const char *name)
{
    size_t i;
    int k;

    for (i = 0; i < NOPTS; i++)
        for (k = 0; k < 3 && opts[i].names[k]; k++)
            if (strcasecmp(opts[i].names[k], name) == 0)
                return &opts[i];
    return NULL;
}

/* --- cutting argv */

/* A following argument is taken as a value unless it looks like an option;
 * "-1" and "-" are values, so that --rampup -1 is refused for its sign. */
static int is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] && arg[1] != '.' && (arg[1] < '0' || arg[1] > '9');
}

static void cut_add(struct cli *c, struct cut *cut, const struct opt *o, const char *as,
                    const char *val)
{
    if (o->kind == OPT_DEFAULTS) {
        cut->defaults = val;
    } else if (o->kind == OPT_EXIT) {
        opt_set(c, o, NULL, as);
        cut->stop = 1;
    } else {
        cut->pairs[cut->npairs++] = (struct pair){ o, as, val };
    }
}

/* Cuts "--name", "--name=value" or "--name value" at argv[*i]. */
static int cut_long(struct cli *c, struct cut *cut, int argc, char **argv, int *i)
{
    const char *name = argv[*i] + 2, *eq = strchr(name, '='), *as = NULL, *val = NULL;
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct opt *o = opt_lookup(c, name, len, &as);

    if (!o)
        return -1;
    if (o->kind == OPT_FLAG || o->kind == OPT_EXIT) {
        if (eq)
            return cli_err(c, "option --%s takes no value", as);
    } else if (eq) {
        val = eq + 1;
    } else if (*i + 1 < argc && !is_option(argv[*i + 1])) {
        val = argv[++*i];
    } else {
        return cli_err(c, "option --%s needs a value", as);
    }
    cut_add(c, cut, o, as, val);
    return 0;
}

/* Short options: -v, -vv, -vvv... and -h. */
static int cut_short(struct cli *c, struct cut *cut, const char *arg)
{
    size_t nv = strspn(arg + 1, "v");

    if (nv && arg[1 + nv] == '\0') {
        cut->verbose += (int)nv;
        return 0;
    }
    if (strcmp(arg, "-h") == 0) {
        cut_add(c, cut, opt_exact("help"), "help", NULL);
        return 0;
    }
    return cli_err(c, "unknown option %s (see logen --help)", arg);
}

/* -e CODE: the code is the next argument, whatever it looks like. */
static int cut_eval(struct cli *c, struct cut *cut, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        return cli_err(c, "option -e needs a value (Lua code)");
    cut_add(c, cut, opt_exact("eval"), "eval", argv[++*i]);
    return 0;
}

static int cut_action(struct cli *c, struct cut *cut, const char *arg)
{
    if (cut->action)
        return cli_err(c, "unexpected argument '%s': ACTION is already '%s'", arg, cut->action);
    cut->action = arg;
    return 0;
}

/* Cuts argv into pairs; stops early at --help or --version, as they win
 * over whatever follows. After "--" every argument is positional. */
static int cut_argv(struct cli *c, struct cut *cut, int argc, char **argv)
{
    int i, dashdash = 0, rc;

    for (i = 1; i < argc && !cut->stop; i++) {
        const char *a = argv[i];
        if (!dashdash && strcmp(a, "--") == 0) {
            dashdash = 1;
            continue;
        }
        if (!dashdash && strcmp(a, "-e") == 0)
            rc = cut_eval(c, cut, argc, argv, &i);
        else if (!dashdash && a[0] == '-' && a[1] == '-')
            rc = cut_long(c, cut, argc, argv, &i);
        else if (!dashdash && a[0] == '-' && a[1])
            rc = cut_short(c, cut, a);
        else
            rc = cut_action(c, cut, a);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* --- the defaults file */

/* Which JSON kinds each option kind takes from a defaults file, and how a
 * message names them. */
#define K(kind) (1u << (kind))
static const struct {
    unsigned accepts;
    const char *wanted;
} file_kinds[] = {
    [OPT_INT]       = { K(LG_JSON_NUMBER) | K(LG_JSON_STRING), "a number" },
    [OPT_NUM]       = { K(LG_JSON_NUMBER) | K(LG_JSON_STRING), "a number" },
    [OPT_STR]       = { K(LG_JSON_NUMBER) | K(LG_JSON_STRING), "a string" },
    [OPT_FLAG]      = { K(LG_JSON_TRUE) | K(LG_JSON_FALSE), "true or false" },
    [OPT_STEPS]     = { K(LG_JSON_NUMBER) | K(LG_JSON_STRING) | K(LG_JSON_ARRAY),
                        "a string or an array" },
    [OPT_EXTRA]     = { K(LG_JSON_OBJECT) | K(LG_JSON_STRING), "an object or a string" },
    [OPT_OUTFORMAT] = { K(LG_JSON_STRING), "a string" },
    [OPT_ARRIVAL]   = { K(LG_JSON_STRING), "a string" },
    [OPT_DEFAULTS]  = { 0, "nothing" },
    [OPT_EXIT]      = { 0, "nothing" },
    [OPT_IGNORED]   = { ~0u, "anything" },
};

/* A decoded string with a \u0000 inside would be silently cut short. */
static int member_text(struct cli *c, const struct lg_json_member *m, const char *label)
{
    if (strlen(m->str) != m->len)
        return cli_err(c, "%s: a NUL character is not allowed", label);
    return 0;
}

/* Steps given as a JSON array of strings or numbers. */
static int steps_from_array(struct cli *c, const struct lg_json_member *arr, const char *label)
{
    struct lg_json_iter it;
    struct lg_json_member m;
    char **list = lg_malloc(LG_STEPS_MAX * sizeof *list);
    int n = 0, rc = 0;

    lg_json_iter_open(&it, arr->raw, arr->rawlen, NULL);
    while (rc == 0 && lg_json_iter_next(&it, &m) > 0) {
        if (m.kind != LG_JSON_STRING && m.kind != LG_JSON_NUMBER)
            rc = cli_err(c, "%s: a step must be a string or a number, not %s", label,
                         lg_json_kind_name(m.kind));
        else if (member_text(c, &m, label) < 0)
            rc = -1;
        else if (m.len == 0)
            rc = cli_err(c, "%s: empty step", label);
        else if (n == LG_STEPS_MAX)
            rc = cli_err(c, "%s: more than %d steps", label, LG_STEPS_MAX);
        else
            list[n++] = cli_strndup(m.str, m.len);
    }
    lg_json_iter_close(&it);
    if (rc == 0 && n == 0)
        rc = cli_err(c, "%s: no steps", label);
    if (rc < 0)
        steps_free(list, n);
    else
        steps_replace(c->cfg, list, n);
    return rc;
}

/* Applies one member of the defaults file at path. */
static int defaults_member(struct cli *c, const char *path, const struct lg_json_member *m)
{
    const struct opt *o = strlen(m->key) == m->keylen ? opt_exact(m->key) : NULL;
    char label[512];
    char *text;
    int rc;

    if (!o)
        return cli_err(c, "%s: unknown option \"%s\"", path, m->key);
    if (o->kind == OPT_DEFAULTS || o->kind == OPT_EXIT)
        return cli_err(c, "%s: option \"%s\" cannot be set in a defaults file", path, m->key);
    snprintf(label, sizeof label, "%s: %s", path, m->key);
    if (!(file_kinds[o->kind].accepts & K(m->kind)))
        return cli_err(c, "%s: expected %s, not %s", label, file_kinds[o->kind].wanted,
                       lg_json_kind_name(m->kind));
    if (o->kind == OPT_IGNORED)
        return 0;
    if (o->kind == OPT_FLAG) {
        *(int *)field(c->cfg, o) = m->kind == LG_JSON_TRUE;
        return 0;
    }
    if (m->kind == LG_JSON_ARRAY)
        return steps_from_array(c, m, label);
    if (m->kind == LG_JSON_OBJECT) {
        text = cli_strndup(m->raw, m->rawlen);
        rc = opt_set(c, o, text, label);
        free(text);
        return rc;
    }
    return member_text(c, m, label) < 0 ? -1 : opt_set(c, o, m->str, label);
}

static int defaults_apply(struct cli *c, const char *path, const char *text, size_t len)
{
    struct lg_json_iter it;
    struct lg_json_error je;
    struct lg_json_member m;
    int rc = 0;

    if (lg_json_iter_open(&it, text, len, &je) < 0)
        return cli_err(c, "%s:%d: %s at character %zu", path, je.line, je.msg, je.pos);
    if (it.kind != LG_JSON_OBJECT)
        rc = cli_err(c, "%s: not a JSON object", path);
    while (rc == 0 && lg_json_iter_next(&it, &m) > 0)
        rc = defaults_member(c, path, &m);
    lg_json_iter_close(&it);
    return rc;
}

#define DEFAULTS_MAX_BYTES (1 << 20) /* a profile is a few lines; refuse a stray big file */

/* Reads the whole file at path into a heap buffer (free it). Returns 0, or
 * -1 with errno set (EFBIG past DEFAULTS_MAX_BYTES). */
static int file_slurp(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, n = 0;
    char *buf;
    int saved = 0;

    if (!f)
        return -1;
    buf = lg_malloc(cap);
    errno = 0;
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break; /* end of file, or an error ferror() tells */
        if (cap >= DEFAULTS_MAX_BYTES) {
            saved = EFBIG;
            break;
        }
        buf = lg_realloc(buf, cap *= 2);
    }
    if (!saved && ferror(f))
        saved = errno ? errno : EIO;
    fclose(f);
    if (saved) {
        free(buf);
        errno = saved;
        return -1;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* Reads the file named by --defaults, else ./defaults.json when it exists
 * (Pylogen did so), and records which was read in cfg->defaults. */
static int defaults_read(struct cli *c, const char *explicit_path)
{
    const char *path = explicit_path ? explicit_path : "defaults.json";
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (file_slurp(path, &text, &len) < 0) {
        if (!explicit_path && errno == ENOENT)
            return 0;
        return cli_err(c, "%scannot open %s: %s", explicit_path ? "--defaults: " : "", path,
                       strerror(errno));
    }
    rc = defaults_apply(c, path, text, len);
    free(text);
    if (rc == 0)
        string_set(&c->cfg->defaults, path);
    return rc;
}

/* --- the entry points */

void lg_cli_defaults(struct lg_config *cfg)
{
    struct cli c = { cfg, NULL, 0 };
    size_t i;

    memset(cfg, 0, sizeof *cfg);
    for (i = 0; i < NOPTS; i++)
        if (opts[i].def && opt_set(&c, &opts[i], opts[i].def, opts[i].names[0]) < 0)
            abort(); /* a default the table itself refuses: a bug in the table */
}

static int pairs_apply(struct cli *c, const struct cut *cut)
{
    char label[64];
    int k;

    for (k = 0; k < cut->npairs; k++) {
        snprintf(label, sizeof label, "--%s", cut->pairs[k].as);
        if (opt_set(c, cut->pairs[k].o, cut->pairs[k].val, label) < 0)
            return -1;
        c->cfg->given |= 1ULL << (cut->pairs[k].o - opts);
    }
    return 0;
}

const char *lg_cli_given_except(const struct lg_config *cfg, const char *const *except, int n)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if (!(cfg->given >> i & 1))
            continue;
        int listed = 0;
        for (int k = 0; k < n; k++)
            listed |= strcasecmp(opts[i].names[0], except[k]) == 0;
        if (!listed)
            return opts[i].names[0];
    }
    return NULL;
}

int lg_cli_given(const struct lg_config *cfg, const char *name)
{
    const struct opt *o = opt_exact(name);
    return o && (cfg->given >> (o - opts) & 1);
}

/* Checks what no single option can: the open-model syntax (schedule.c
 * owns it) and options that bound each other. */
static int config_check(struct cli *c)
{
    const struct lg_config *cfg = c->cfg;
    struct lg_schedule sched;
    struct lg_burst burst;
    char msg[512];

    if (lg_schedule_parse(cfg->schedule, &sched, msg, sizeof msg) < 0)
        return cli_err(c, "%s", msg);
    lg_schedule_free(&sched);
    if (lg_schedule_burst_parse(cfg->burst, &burst, msg, sizeof msg) < 0)
        return cli_err(c, "%s", msg);
    if (cfg->maxproc > 0 && cfg->prefork > cfg->maxproc)
        return cli_err(c, "--prefork %ld is above --maxproc %ld", cfg->prefork, cfg->maxproc);
    return 0;
}

int lg_cli_parse(struct lg_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    struct cli c = { cfg, err, errlen };
    struct cut cut = { 0 };
    int rc = -1;

    if (err && errlen)
        err[0] = '\0';
    cut.pairs = lg_malloc((argc > 0 ? (size_t)argc : 1) * sizeof *cut.pairs);
    if (cut_argv(&c, &cut, argc, argv) < 0)
        goto out;
    if (cut.action)
        string_set(&cfg->action, cut.action);
    cfg->verbose += cut.verbose;
    rc = 0;
    if (cut.stop)
        goto out; /* --help, --version: no value is checked, no file read */
    if (defaults_read(&c, cut.defaults) < 0 || pairs_apply(&c, &cut) < 0 || config_check(&c) < 0)
        rc = -1;
out:
    free(cut.pairs);
    return rc;
}

void lg_cli_free(struct lg_config *cfg)
{
    free(cfg->action);
    steps_free(cfg->steps, cfg->nsteps);
    free(cfg->extra);
    free(cfg->defaults);
    free(cfg->id);
    free(cfg->file);
    free(cfg->output);
    free(cfg->schedule);
    free(cfg->burst);
    free(cfg->eval);
    memset(cfg, 0, sizeof *cfg);
}

const char *lg_cli_outformat_name(enum lg_outformat f)
{
    static const char *const names[] = { "short", "long", "raw", "jtl" };
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "long";
}

/* --- help */

#define USAGE_COL 26   /* where the meanings start */
#define USAGE_WIDTH 79

/* Prints one word at column *at, first moving to a new line when it would
 * pass USAGE_WIDTH. */
static void usage_word(FILE *out, int *at, const char *word, int len)
{
    if (*at > USAGE_COL && *at + 1 + len > USAGE_WIDTH) {
        fprintf(out, "\n%*s", USAGE_COL, "");
        *at = USAGE_COL;
    } else if (*at > USAGE_COL) {
        fputc(' ', out);
        (*at)++;
    }
    *at += fprintf(out, "%.*s", len, word);
}

/* Prints left, then text word-wrapped from USAGE_COL, then "(default: def)"
 * unless def is NULL, kept whole on one line. */
static void usage_line(FILE *out, const char *left, const char *text, const char *def)
{
    char tail[128];
    int at = fprintf(out, "%s", left);

    if (at >= USAGE_COL - 1) {
        fputc('\n', out);
        at = 0;
    }
    fprintf(out, "%*s", USAGE_COL - at, "");
    at = USAGE_COL;
    while (*text) {
        int w = (int)strcspn(text, " ");
        usage_word(out, &at, text, w);
        text += w;
        text += strspn(text, " ");
    }
    if (def) {
        snprintf(tail, sizeof tail, "(default: %s)", def);
        usage_word(out, &at, tail, (int)strlen(tail));
    }
    fputc('\n', out);
}

static void usage_opt(FILE *out, const struct opt *o)
{
    char left[80];
    int n, k;

    /* --help is the one long option with a short form */
    n = snprintf(left, sizeof left, "  %s--%s", o->kind == OPT_EXIT && o->off == F(help)
                 ? "-h, " : "", o->names[0]);
    for (k = 1; k < 3 && o->names[k]; k++)
        n += snprintf(left + n, sizeof left - (size_t)n, ", --%s", o->names[k]);
    if (o->arg)
        snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
    usage_line(out, left, o->help, o->def);
}

void lg_cli_usage(FILE *out)
{
    static const char *const titles[G_COUNT] = {
        "general", "closed model", "open model (--openedmodel)", "output"
    };
    size_t i;
    int g;

    fputs("usage: logen ACTION [options]\n"
          "       logen -e 'LUA CODE' [options]     an ad hoc one-request CUT\n"
          "       logen scenario --file F [-v] [--outformat F] [--output F] [--summary S]\n"
          "       logen new NAME                    write cuts/NAME.lua from a template\n"
          "       logen list                        the CUTs on the search path\n\n"
          "ACTION is a CUT (cuts.Dummy), the path of a .lua CUT, or the word\n"
          "scenario (with --file). Options may come before or after ACTION, as\n"
          "--name VALUE or --name=VALUE. Names ignore case and may be abbreviated\n"
          "to any unambiguous prefix (--proc, --le, --pauselo); a prefix that was\n"
          "unambiguous in Pylogen keeps its Pylogen meaning (--out is --outformat).\n"
          "The command line wins over the --defaults file, which wins over the\n"
          "defaults shown.\n", out);
    for (g = 0; g < G_COUNT; g++) {
        fprintf(out, "\n%s:\n", titles[g]);
        if (g == G_GENERAL)
            usage_line(out, "  -v, -vv, -vvv",
                       "verbosity: each -v adds a level (error, warning, info, debug, "
                       "trace)", "error");
        for (i = 0; i < NOPTS; i++)
            if (opts[i].group == (enum opt_group)g)
                usage_opt(out, &opts[i]);
    }
}
