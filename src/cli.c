/* cli.c -- the option table, argv parsing and the value setters (see cli.h).
 *
 * One table describes every long option: its names, kind, field in struct
 * lg_config, whether Pylogen had it, its default and its help line. Built-in
 * defaults, the defaults file (cli_defaults.c) and the command line all go
 * through the same setters, so a value is checked the same way wherever it
 * comes from. Parsing runs in two passes: argv is first cut into (option,
 * value) pairs, which finds --defaults wherever it stands; the file is
 * applied, then the pairs in order, so the command line wins over the file.
 * Schedule and burst syntax belongs to schedule.c, which checks it here,
 * before any run; --extra is kept as text, for lua-cjson to check (lrt.c,
 * in a child) before any worker starts. Numbers and their bounds are
 * cli_bounds.c; the help text is cli_help.c. */
#include "cli.h"
#include "cli_opt.h"
#include "mem.h"
#include "schedule.h"
#include "threshold.h"

#include <ctype.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define F(field) offsetof(struct lg_config, field)

/* The table order is the order of the names in an ambiguity message. */
const struct lg_opt lg_cli_opts[] = {
    { {"process"}, LG_OPT_INT, LG_MIN_WORKERS1, F(process), 1, LG_GROUP_CLOSED, "N", "1",
      "number of workers (at most 65535, and what the machine allows)" },
    { {"postpone"}, LG_OPT_SECS, LG_MIN_0, F(postpone), 1, LG_GROUP_GENERAL, "S", "0",
      "seconds before the first worker (or the open-model controller) starts" },
    { {"rampup"}, LG_OPT_SECS, LG_MIN_0, F(rampup), 1, LG_GROUP_CLOSED, "S", "0",
      "seconds between the starts of two workers" },
    { {"duration"}, LG_OPT_SECS, LG_MIN_0, F(duration), 1, LG_GROUP_CLOSED, "S", "0",
      "seconds each worker runs; wins over --loops when > 0" },
    { {"loops"}, LG_OPT_INT, LG_MIN_1, F(loops), 1, LG_GROUP_CLOSED, "N", "5",
      "loops per worker when --duration is 0" },
    { {"concurrency"}, LG_OPT_INT, LG_MIN_CONCURRENCY, F(concurrency), 0, LG_GROUP_GENERAL, "C",
      "1", "copies of the CUT's loop each worker runs at once, as coroutines (at most "
      "100000); --loops counts per copy" },
    { {"steps", "lengths"}, LG_OPT_STEPS, LG_MIN_0, 0, 1, LG_GROUP_GENERAL, "LIST",
      "A,256,512,1024,2048,4096,8192",
      "comma list; a loop runs the CUT once per step, in order, and the CUT "
      "reads the current step (often a payload length)" },
    { {"pauseloop"}, LG_OPT_SECS, LG_MIN_0, F(pauseloop), 1, LG_GROUP_GENERAL, "S", "0",
      "seconds of pause after each loop" },
    { {"pausestep", "pauselen"}, LG_OPT_SECS, LG_MIN_0, F(pausestep), 1, LG_GROUP_GENERAL,
      "S", "0",
      "seconds of pause after each step" },
    { {"timeout"}, LG_OPT_SECS, LG_MIN_0, F(timeout), 0, LG_GROUP_GENERAL, "S", "0",
      "seconds one timed request may run before it is cut (rc 17); 0: no limit" },
    { {"grace"}, LG_OPT_SECS, LG_MIN_0, F(grace), 0, LG_GROUP_CLOSED, "S", "5",
      "seconds past --duration before a worker's last request is cut (rc 17)" },
    { {"summary"}, LG_OPT_SECS, LG_MIN_PERIOD, F(summary), 1, LG_GROUP_OUTPUT, "S", "1",
      "seconds over which throughputs are computed (at least 10ms)" },
    { {"outformat"}, LG_OPT_OUTFORMAT, LG_MIN_0, 0, 1, LG_GROUP_OUTPUT, "F", "short",
      "short, long, raw, jtl, csv, json or none (no event lines)" },
    { {"extra"}, LG_OPT_EXTRA, LG_MIN_0, 0, 1, LG_GROUP_GENERAL, "JSON", "{}",
      "JSON object handed to the CUT" },
    { {"defaults"}, LG_OPT_DEFAULTS, LG_MIN_0, 0, 1, LG_GROUP_GENERAL, "FILE", NULL,
      "JSON object of option defaults (a regular file, at most 1 MiB), itself "
      "overridden by the command line (default: ./defaults.json when it exists)" },
    { {"id"}, LG_OPT_LABEL, LG_MIN_0, F(id), 1, LG_GROUP_GENERAL, "ID", "customId",
      "label that prefixes every id of the run" },
    { {"file"}, LG_OPT_STR, LG_MIN_0, F(file), 1, LG_GROUP_GENERAL, "FILE", NULL,
      "scenario file, with ACTION scenario: one command line per line (a regular "
      "file, at most 1 MiB)" },
    { {"output"}, LG_OPT_STR, LG_MIN_0, F(output), 0, LG_GROUP_OUTPUT, "FILE", NULL,
      "write the event lines to FILE instead of stdout" },
    { {"quiet"}, LG_OPT_FLAG, LG_MIN_0, F(quiet), 0, LG_GROUP_OUTPUT, NULL, NULL,
      "no progress line on a terminal and no periodic summary lines; errors and "
      "the end summary stay (also -q)" },
    { {"threshold"}, LG_OPT_THRESHOLD, LG_MIN_0, 0, 0, LG_GROUP_OUTPUT, "EXPR", NULL,
      "pass/fail criterion checked at the end (p99<250ms, errors<1%, rate>900, "
      "R-Encrypt:p95<50ms); repeatable; one not met: exit 99" },
    { {"hdr-log"}, LG_OPT_STR, LG_MIN_0, F(hdr_log), 0, LG_GROUP_OUTPUT, "FILE", NULL,
      "write an HdrHistogram interval log to FILE: each request and transaction "
      "name's latency histogram (ns) for every --summary interval" },
    { {"summary-json"}, LG_OPT_STR, LG_MIN_0, F(summary_json), 0, LG_GROUP_OUTPUT, "FILE", NULL,
      "write the end summary to FILE as JSON (schema logen-summary/1: "
      "src/summary-1.schema.json), also when interrupted; %t in FILE (and in "
      "--output, --hdr-log, --report) is the shard index, %N the shard count" },
    { {"metrics-listen"}, LG_OPT_STR, LG_MIN_0, F(metrics_listen), 0, LG_GROUP_OUTPUT, "HOST:PORT",
      NULL,
      "serve live figures for Prometheus on http://HOST:PORT/metrics during the run "
      "(127.0.0.1:9464, [::1]:9464; port 0: a free one, told on stderr)" },
    { {"metrics-linger"}, LG_OPT_SECS, LG_MIN_0, F(metrics_linger), 0, LG_GROUP_OUTPUT, "S",
      "20s",
      "after the run, serve the final figures until one scrape takes them, at most S "
      "(a 15 s scrape interval and a margin); 0: stop at once" },
    { {"report"}, LG_OPT_STR, LG_MIN_0, F(report), 0, LG_GROUP_OUTPUT, "FILE", NULL,
      "write an HTML report to FILE: one self-contained page of charts and "
      "tables drawn from the end summary, also when interrupted" },
    { {"openedmodel"}, LG_OPT_FLAG, LG_MIN_0, F(openedmodel), 1, LG_GROUP_OPEN, NULL, NULL,
      "open model (events arrive on a schedule) instead of closed" },
    { {"schedule"}, LG_OPT_STR, LG_MIN_0, F(schedule), 1, LG_GROUP_OPEN, "LIST",
      "30@10,30@20,30@30",
      "phases run in turn: D@R is D seconds (or a duration: 500ms, 2m) at R "
      "events/s, D@R1-R2 ramps from R1 to R2 events/s" },
    { {"prefork"}, LG_OPT_INT, LG_MIN_WORKERS0, F(prefork), 1, LG_GROUP_OPEN, "N", "10",
      "workers started, and ready, before the first event (at least 1)" },
    { {"trigger"}, LG_OPT_INT, LG_MIN_1, F(trigger), 1, LG_GROUP_OPEN, "N", "3",
      "start one more worker when more than N events wait" },
    { {"controllerDelay"}, LG_OPT_SECS, LG_MIN_PERIOD, F(controller_delay), 1, LG_GROUP_OPEN,
      "S", "1",
      "controller period, seconds (at least 10ms)" },
    { {"decrease"}, LG_OPT_INT, LG_MIN_0, F(decrease), 1, LG_GROUP_OPEN, "N", "10",
      "retire one worker after N controller periods with no backlog, "
      "when the others can hold what was in flight" },
    { {"burst"}, LG_OPT_STR, LG_MIN_0, F(burst), 1, LG_GROUP_OPEN, "B", "1",
      "fN: bursts of exactly N events; N: random size 1..N; 0: random size "
      "up to |R2-R1|/2" },
    { {"maxproc"}, LG_OPT_INT, LG_MIN_WORKERS0, F(maxproc), 0, LG_GROUP_OPEN, "N", "0",
      "cap on live workers; 0: none" },
    { {"maxwait"}, LG_OPT_SECS, LG_MIN_0, F(maxwait), 0, LG_GROUP_OPEN, "S", "0",
      "seconds an event may wait before it is dropped; 0: forever" },
    { {"arrival"}, LG_OPT_ARRIVAL, LG_MIN_0, 0, 0, LG_GROUP_OPEN, "A", "uniform",
      "uniform (evenly spaced) or poisson (random, same mean rate)" },
    { {"generatorDelay"}, LG_OPT_IGNORED, LG_MIN_0, 0, 1, LG_GROUP_OPEN, "S", NULL,
      "accepted and ignored, as Pylogen did" },
    { {"workerDelay"}, LG_OPT_IGNORED, LG_MIN_0, 0, 1, LG_GROUP_OPEN, "S", NULL,
      "accepted and ignored, as Pylogen did" },
    { {"shard"}, LG_OPT_STR, LG_MIN_0, F(shard), 0, LG_GROUP_GENERAL, "I/N", NULL,
      "run shard I of N copies: open lines take event k when k mod N = I, closed "
      "lines the workers w with w mod N = I (default: from SLURM_PROCID/SLURM_NTASKS, "
      "JOB_COMPLETION_INDEX/LOGEN_SHARDS, OMPI_COMM_WORLD_RANK/SIZE or PMI_RANK/PMI_SIZE, "
      "else 0/1)" },
    { {"start-at"}, LG_OPT_STR, LG_MIN_0, F(start_at), 0, LG_GROUP_GENERAL, "T", NULL,
      "wait until T, epoch seconds (1796106606.5) or +S from now, and start the run "
      "clock there (the shards of a run share one T)" },
    { {"eval"}, LG_OPT_STR, LG_MIN_0, F(eval), 0, LG_GROUP_GENERAL, "CODE", NULL,
      "ad hoc run, no file: CODE is the body of a one-request CUT (it sees "
      "step, extra, ctx, self and logen); also -e CODE" },
    { {"help"}, LG_OPT_EXIT, LG_MIN_0, F(help), 0, LG_GROUP_GENERAL, NULL, NULL,
      "print this help and exit" },
    { {"version"}, LG_OPT_EXIT, LG_MIN_0, F(version), 0, LG_GROUP_GENERAL, NULL, NULL,
      "print the version and exit" },
};

#define NOPTS (sizeof lg_cli_opts / sizeof lg_cli_opts[0])
_Static_assert(NOPTS <= 64, "lg_config.given has a bit per option");
const size_t lg_cli_nopts = NOPTS;

/* One option of the command line, as cut from argv. */
struct pair {
    const struct lg_opt *o;
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

char *lg_cli_strndup(const char *s, size_t len)
{
    char *p = lg_malloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static void string_set(char **slot, const char *text)
{
    char *copy = lg_cli_strndup(text, strlen(text));
    free(*slot);
    *slot = copy;
}

/* Appends to the message; control characters become '?' so that the
 * message stays one line whatever a value held. */
static void __attribute__((format(printf, 2, 3))) err_add(struct lg_cli *c, const char *fmt, ...)
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

int lg_cli_err(struct lg_cli *c, const char *fmt, ...)
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

static void *field(struct lg_config *cfg, const struct lg_opt *o)
{
    return (char *)cfg + o->off;
}

/* --- steps, extra, enumerations */

void lg_cli_steps_free(char **list, int n)
{
    int k;

    for (k = 0; k < n; k++)
        free(list[k]);
    free(list);
}

void lg_cli_steps_replace(struct lg_config *cfg, char **list, int n)
{
    lg_cli_steps_free(cfg->steps, cfg->nsteps);
    cfg->steps = list;
    cfg->nsteps = n;
}

/* Splits a comma list; every step must be non-empty. */
static int set_steps(struct lg_cli *c, const char *text, const char *label)
{
    size_t len = strlen(text), n = 1, k;
    const char *p;
    char **list;

    for (p = text; *p; p++)
        n += *p == ',';
    if (!len || text[0] == ',' || text[len - 1] == ',' || strstr(text, ",,"))
        return lg_cli_err(c, "%s: empty step in '%s'", label, text);
    if (n > LG_STEPS_MAX)
        return lg_cli_err(c, "%s: more than %d steps", label, LG_STEPS_MAX);
    if (lg_cli_text_check(c, text, label) < 0)
        return -1;
    list = lg_malloc(n * sizeof *list);
    for (k = 0, p = text; k < n; k++) {
        size_t w = strcspn(p, ",");
        list[k] = lg_cli_strndup(p, w);
        p += w + 1;
    }
    lg_cli_steps_replace(c->cfg, list, (int)n);
    return 0;
}

/* Keeps the text as given, and where it came from: lua-cjson checks it
 * later (lrt.c), and names that origin when it refuses it. */
static void set_extra(struct lg_cli *c, const char *text, const char *label)
{
    string_set(&c->cfg->extra, text);
    string_set(&c->cfg->extra_from, label);
}

static const char *const outformat_names[] = { "short", "long", "raw", "jtl", "csv", "json",
                                                "none" };
#define NFORMATS (sizeof outformat_names / sizeof outformat_names[0])

/* A known name, else an error naming them (Pylogen took anything else
 * for long). */
static int set_outformat(struct lg_cli *c, const char *text, const char *label)
{
    for (size_t k = 0; k < NFORMATS; k++)
        if (strcmp(text, outformat_names[k]) == 0) {
            c->cfg->outformat = (enum lg_outformat)k;
            return 0;
        }
    return lg_cli_err(c, "%s: unknown format '%s' (short, long, raw, jtl, csv, json or none)",
                      label, text);
}

/* Appends one expression once threshold.c accepts it. The command line's
 * replace those of the defaults file, as any option's value does. */
static int set_threshold(struct lg_cli *c, const struct lg_opt *o, const char *text,
                         const char *label)
{
    struct lg_config *cfg = c->cfg;
    struct lg_threshold t;
    char why[512];

    if (lg_threshold_parse(&t, text, why, sizeof why) < 0)
        return lg_cli_err(c, "%s: '%s': %s", label, text, why);
    lg_threshold_fini(&t);
    if (!c->in_file && !(cfg->given >> (o - lg_cli_opts) & 1))
        lg_cli_thresholds_clear(cfg);
    cfg->thresholds = lg_realloc(cfg->thresholds, (size_t)(cfg->nthresholds + 1) * sizeof(char *));
    cfg->thresholds[cfg->nthresholds++] = lg_cli_strndup(text, strlen(text));
    return 0;
}

void lg_cli_thresholds_clear(struct lg_config *cfg)
{
    lg_cli_steps_free(cfg->thresholds, cfg->nthresholds);
    cfg->thresholds = NULL;
    cfg->nthresholds = 0;
}

static int set_arrival(struct lg_cli *c, const char *text, const char *label)
{
    if (strcmp(text, "uniform") == 0)
        c->cfg->arrival = LG_ARRIVAL_UNIFORM;
    else if (strcmp(text, "poisson") == 0)
        c->cfg->arrival = LG_ARRIVAL_POISSON;
    else
        return lg_cli_err(c, "%s: '%s' is not uniform or poisson", label, text);
    return 0;
}

/* See cli_opt.h. */
int lg_cli_opt_set(struct lg_cli *c, const struct lg_opt *o, const char *text, const char *label)
{
    switch (o->kind) {
    case LG_OPT_INT:
    case LG_OPT_SECS:      return lg_cli_set_number(c, o, text, label);
    case LG_OPT_STEPS:     return set_steps(c, text, label);
    case LG_OPT_EXTRA:     set_extra(c, text, label); return 0;
    case LG_OPT_ARRIVAL:   return set_arrival(c, text, label);
    case LG_OPT_THRESHOLD: return set_threshold(c, o, text, label);
    case LG_OPT_STR:       string_set(field(c->cfg, o), text); return 0;
    case LG_OPT_LABEL:
        if (lg_cli_text_check(c, text, label) < 0)
            return -1;
        string_set(field(c->cfg, o), text);
        return 0;
    case LG_OPT_OUTFORMAT: return set_outformat(c, text, label);
    case LG_OPT_FLAG:
    case LG_OPT_EXIT:      *(int *)field(c->cfg, o) = 1; return 0;
    case LG_OPT_DEFAULTS:
    case LG_OPT_IGNORED:   return 0;
    }
    return 0;
}

/* --- finding an option by name */

/* The name of o that name[0..len) is a case-insensitive prefix of, or NULL;
 * *exact tells whether some name of o is exactly that. */
static const char *opt_match(const struct lg_opt *o, const char *name, size_t len, int *exact)
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

#define SUGGEST_MAX_LEN 64 /* longer is no typo of an option name */

/* Levenshtein distance between a[0..la) and b, ignoring case; SIZE_MAX
 * when either is longer than SUGGEST_MAX_LEN. One row, O(la x lb). */
static size_t edit_distance(const char *a, size_t la, const char *b)
{
    size_t lb = strlen(b), row[SUGGEST_MAX_LEN + 1];

    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (tolower((unsigned char)a[i - 1]) !=
                                  tolower((unsigned char)b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* See cli_opt.h. A typo is at most two edits, and at most one per three
 * characters typed, so short unknown words suggest nothing. */
const char *lg_cli_suggest(const char *name, size_t len)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;

    for (size_t i = 0; i < NOPTS; i++)
        for (int k = 0; k < 3 && lg_cli_opts[i].names[k]; k++) {
            size_t d = edit_distance(name, len, lg_cli_opts[i].names[k]);
            if (d < best_d) {
                best_d = d;
                best = lg_cli_opts[i].names[k];
            }
        }
    return best_d <= 2 && best_d * 3 <= len ? best : NULL;
}

/* Names every candidate of an ambiguous prefix, in table order. */
static const struct lg_opt *ambiguous(struct lg_cli *c, const char *name, size_t len)
{
    const char *sep = "";
    size_t i;
    int k;

    lg_cli_err(c, "option --%.*s is ambiguous: ", (int)len, name);
    for (i = 0; i < NOPTS; i++)
        for (k = 0; k < 3 && lg_cli_opts[i].names[k]; k++)
            if (strncasecmp(lg_cli_opts[i].names[k], name, len) == 0) {
                err_add(c, "%s--%s", sep, lg_cli_opts[i].names[k]);
                sep = ", ";
            }
    return NULL;
}

/* Finds the option named by name[0..len): an exact name or alias first;
 * else the one option every matching prefix resolves to; else the one
 * Pylogen option among them, so that a Pylogen command line keeps its
 * meaning (--out is --outformat, not --output). Sets *as to the full name
 * matched. Returns NULL with the message set when none or several fit. */
static const struct lg_opt *opt_lookup(struct lg_cli *c, const char *name, size_t len,
                                    const char **as)
{
    const struct lg_opt *hit = NULL, *old = NULL;
    const char *hit_as = NULL, *old_as = NULL, *nm;
    int nhit = 0, nold = 0, exact;
    size_t i;

    for (i = 0; len && i < NOPTS; i++) {
        if (!(nm = opt_match(&lg_cli_opts[i], name, len, &exact)))
            continue;
        if (exact) {
            *as = nm;
            return &lg_cli_opts[i];
        }
        nhit++;
        hit = &lg_cli_opts[i];
        hit_as = nm;
        if (lg_cli_opts[i].pylogen) {
            nold++;
            old = &lg_cli_opts[i];
            old_as = nm;
        }
    }
    if (nhit == 1 || nold == 1) {
        *as = nhit == 1 ? hit_as : old_as;
        return nhit == 1 ? hit : old;
    }
    if (nhit == 0) {
        const char *near = lg_cli_suggest(name, len);
        if (near)
            lg_cli_err(c, "unknown option --%.*s (did you mean --%s?)", (int)len, name, near);
        else
            lg_cli_err(c, "unknown option --%.*s (see logen --help)", (int)len, name);
        return NULL;
    }
    return ambiguous(c, name, len);
}

const struct lg_opt *lg_cli_opt_exact(const char *name)
{
    size_t i;
    int k;

    for (i = 0; i < NOPTS; i++)
        for (k = 0; k < 3 && lg_cli_opts[i].names[k]; k++)
            if (strcasecmp(lg_cli_opts[i].names[k], name) == 0)
                return &lg_cli_opts[i];
    return NULL;
}

/* --- cutting argv */

/* A following argument is taken as a value unless it looks like an option;
 * "-1" and "-" are values, so that --rampup -1 is refused for its sign. */
static int is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] && arg[1] != '.' && (arg[1] < '0' || arg[1] > '9');
}

static void cut_add(struct lg_cli *c, struct cut *cut, const struct lg_opt *o, const char *as,
                    const char *val)
{
    if (o->kind == LG_OPT_DEFAULTS) {
        cut->defaults = val;
    } else if (o->kind == LG_OPT_EXIT) {
        lg_cli_opt_set(c, o, NULL, as);
        cut->stop = 1;
    } else {
        cut->pairs[cut->npairs++] = (struct pair){ o, as, val };
    }
}

/* Cuts "--name", "--name=value" or "--name value" at argv[*i]. */
static int cut_long(struct lg_cli *c, struct cut *cut, int argc, char **argv, int *i)
{
    const char *name = argv[*i] + 2, *eq = strchr(name, '='), *as = NULL, *val = NULL;
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct lg_opt *o = opt_lookup(c, name, len, &as);

    if (!o)
        return -1;
    if (o->kind == LG_OPT_FLAG || o->kind == LG_OPT_EXIT) {
        if (eq)
            return lg_cli_err(c, "option --%s takes no value", as);
    } else if (eq) {
        val = eq + 1;
    } else if (*i + 1 < argc && !is_option(argv[*i + 1])) {
        val = argv[++*i];
    } else {
        return lg_cli_err(c, "option --%s needs a value", as);
    }
    cut_add(c, cut, o, as, val);
    return 0;
}

/* Short options: -v, -vv, -vvv..., -h and -q. */
static int cut_short(struct lg_cli *c, struct cut *cut, const char *arg)
{
    size_t nv = strspn(arg + 1, "v");

    if (nv && arg[1 + nv] == '\0') {
        cut->verbose += (int)nv;
        return 0;
    }
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "-q") == 0) {
        const char *name = arg[1] == 'h' ? "help" : "quiet";
        cut_add(c, cut, lg_cli_opt_exact(name), name, NULL);
        return 0;
    }
    return lg_cli_err(c, "unknown option %s (see logen --help)", arg);
}

/* -e CODE: the code is the next argument, whatever it looks like. */
static int cut_eval(struct lg_cli *c, struct cut *cut, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        return lg_cli_err(c, "option -e needs a value (Lua code)");
    cut_add(c, cut, lg_cli_opt_exact("eval"), "eval", argv[++*i]);
    return 0;
}

static int cut_action(struct lg_cli *c, struct cut *cut, const char *arg)
{
    if (cut->action)
        return lg_cli_err(c, "unexpected argument '%s': ACTION is already '%s'", arg, cut->action);
    cut->action = arg;
    return 0;
}

/* Cuts argv into pairs; stops early at --help or --version, as they win
 * over whatever follows. After "--" every argument is positional. */
static int cut_argv(struct lg_cli *c, struct cut *cut, int argc, char **argv)
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

/* --- the entry points */

void lg_cli_defaults(struct lg_config *cfg)
{
    struct lg_cli c = { cfg, NULL, 0, 0 };
    size_t i;

    memset(cfg, 0, sizeof *cfg);
    for (i = 0; i < NOPTS; i++)
        if (lg_cli_opts[i].def &&
            lg_cli_opt_set(&c, &lg_cli_opts[i], lg_cli_opts[i].def, lg_cli_opts[i].names[0]) < 0)
            abort(); /* a default the table itself refuses: a bug in the table */
}

static int pairs_apply(struct lg_cli *c, const struct cut *cut)
{
    char label[64];
    int k;

    for (k = 0; k < cut->npairs; k++) {
        snprintf(label, sizeof label, "--%s", cut->pairs[k].as);
        if (lg_cli_opt_set(c, cut->pairs[k].o, cut->pairs[k].val, label) < 0)
            return -1;
        c->cfg->given |= 1ULL << (cut->pairs[k].o - lg_cli_opts);
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
            listed |= strcasecmp(lg_cli_opts[i].names[0], except[k]) == 0;
        if (!listed)
            return lg_cli_opts[i].names[0];
    }
    return NULL;
}

int lg_cli_given(const struct lg_config *cfg, const char *name)
{
    const struct lg_opt *o = lg_cli_opt_exact(name);
    return o && (cfg->given >> (o - lg_cli_opts) & 1);
}

int lg_cli_parse(struct lg_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    struct lg_cli c = { cfg, err, errlen, 0 };
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
    if (lg_cli_defaults_read(&c, cut.defaults) < 0 || pairs_apply(&c, &cut) < 0 ||
        lg_cli_config_check(&c) < 0)
        rc = -1;
out:
    free(cut.pairs);
    return rc;
}

void lg_cli_free(struct lg_config *cfg)
{
    free(cfg->action);
    lg_cli_steps_free(cfg->steps, cfg->nsteps);
    free(cfg->extra);
    free(cfg->extra_from);
    free(cfg->defaults);
    free(cfg->id);
    free(cfg->file);
    free(cfg->output);
    free(cfg->hdr_log);
    free(cfg->summary_json);
    free(cfg->metrics_listen);
    free(cfg->report);
    free(cfg->schedule);
    free(cfg->burst);
    free(cfg->eval);
    free(cfg->shard);
    free(cfg->start_at);
    lg_cli_thresholds_clear(cfg);
    memset(cfg, 0, sizeof *cfg);
}

const char *lg_cli_outformat_name(enum lg_outformat f)
{
    return (unsigned)f < NFORMATS ? outformat_names[f] : "long";
}
