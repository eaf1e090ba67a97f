/* cli_opt.h -- private to the three files of the command line: cli.c (the
 * option table, argv, the setters), cli_defaults.c (the --defaults file)
 * and cli_help.c (--help). The table describes every long option once;
 * the defaults file and argv both go through lg_cli_opt_set, so a value is
 * checked the same way wherever it comes from. Other subsystems use cli.h
 * only. */
#ifndef LG_CLI_OPT_H
#define LG_CLI_OPT_H

#include <stddef.h>

#include "cli.h"

enum lg_opt_kind {
    LG_OPT_INT,       /* long field, integral value */
    LG_OPT_SECS,      /* double field, seconds: a number or a duration (units.h) */
    LG_OPT_STR,       /* char * field, any text */
    LG_OPT_LABEL,     /* char * field, text without control characters (event lines) */
    LG_OPT_FLAG,      /* int field, set by the bare option */
    LG_OPT_STEPS,     /* cfg->steps, a comma list */
    LG_OPT_EXTRA,     /* cfg->extra, JSON text checked later by lua-cjson */
    LG_OPT_OUTFORMAT, /* cfg->outformat */
    LG_OPT_ARRIVAL,   /* cfg->arrival */
    LG_OPT_THRESHOLD, /* cfg->thresholds: repeatable, each checked by threshold.c */
    LG_OPT_DEFAULTS,  /* names the defaults file, read before any other value */
    LG_OPT_EXIT,      /* --help, --version: set the flag, parsing stops there */
    LG_OPT_IGNORED    /* Pylogen parsed it and never used it */
};

/* The range of a number: >= 0, >= 1, > 0; a period, at least
 * LG_CLI_PERIOD_MIN; a count of workers, 0 or 1 to LG_CLI_WORKERS_MAX. Any
 * duration is also at most LG_CLI_SECONDS_MAX (cli_bounds.c); coroutines per
 * worker, 1 to LG_CLI_CONCURRENCY_MAX. */
enum lg_opt_min { LG_MIN_0, LG_MIN_1, LG_MIN_POS, LG_MIN_PERIOD, LG_MIN_WORKERS0,
                  LG_MIN_WORKERS1, LG_MIN_CONCURRENCY };
enum lg_opt_group { LG_GROUP_GENERAL, LG_GROUP_CLOSED, LG_GROUP_OPEN, LG_GROUP_OUTPUT,
                    LG_GROUP_COUNT };

struct lg_opt {
    const char *names[3];  /* long name, then older aliases; NULL-terminated */
    enum lg_opt_kind kind;
    enum lg_opt_min min;
    size_t off;            /* field in struct lg_config, for the generic kinds */
    int pylogen;           /* Pylogen had it: wins prefixes shared with newer options */
    enum lg_opt_group group; /* section in --help */
    const char *arg;       /* value placeholder in --help; NULL for flags */
    const char *def;       /* built-in default, as typed; NULL: none (zero) */
    const char *help;
};

/* --- the table (cli.c) */

extern const struct lg_opt lg_cli_opts[];
extern const size_t lg_cli_nopts;

/* The option whose name or alias is exactly name, ignoring case (keys of a
 * defaults file are not abbreviated), or NULL. */
const struct lg_opt *lg_cli_opt_exact(const char *name);

/* The option name or alias closest to name[0..len) when it looks like a
 * typo of it ("proccess": "process"), else NULL. Static; do not free. */
const char *lg_cli_suggest(const char *name, size_t len);

/* --- one parse: the config being filled and where a message goes */

struct lg_cli {
    struct lg_config *cfg;
    char *err;     /* NULL: no message wanted */
    size_t errlen;
    int in_file;   /* the values come from the defaults file */
};

/* Sets the message to "logen: " and fmt, one line; returns -1. */
int lg_cli_err(struct lg_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Applies one textual value (NULL for a flag); label names the culprit in
 * messages ("--process", "myprofile.json: process"). Returns 0 or -1. */
int lg_cli_opt_set(struct lg_cli *c, const struct lg_opt *o, const char *text,
                   const char *label);

/* --- values and their bounds (cli_bounds.c) */

/* Sets the LG_OPT_INT or LG_OPT_SECS field of o from text, checked against
 * the option's range. Returns 0 or -1 with the message set. */
int lg_cli_set_number(struct lg_cli *c, const struct lg_opt *o, const char *text,
                      const char *label);

/* Refuses text holding a control character (a newline would split an
 * event line). Returns 0 or -1 with the message set. */
int lg_cli_text_check(struct lg_cli *c, const char *text, const char *label);

/* Checks what no single option can: the open-model syntax (schedule.c
 * owns it) and options that bound each other. Returns 0 or -1. */
int lg_cli_config_check(struct lg_cli *c);

/* A heap copy of s[0..len), NUL-terminated (free it). */
char *lg_cli_strndup(const char *s, size_t len);

/* Replaces cfg's steps with list[0..n), which it takes. */
void lg_cli_steps_replace(struct lg_config *cfg, char **list, int n);
void lg_cli_steps_free(char **list, int n);
/* Drops cfg's thresholds. */
void lg_cli_thresholds_clear(struct lg_config *cfg);

/* --- the defaults file (cli_defaults.c) */

/* Reads the file named by --defaults (explicit_path), else ./defaults.json
 * when it exists (Pylogen did so), applies it to c->cfg and records its
 * path in cfg->defaults. Returns 0 or -1 with the message set. */
int lg_cli_defaults_read(struct lg_cli *c, const char *explicit_path);

/* Applies the defaults file text[0..len) as if read from path (which only
 * names it in messages): the seam the fuzz target (tests/fuzz/) drives
 * without a file. Returns 0 or -1 with the message set. */
int lg_cli_defaults_text(struct lg_cli *c, const char *path, const char *text, size_t len);

#endif
