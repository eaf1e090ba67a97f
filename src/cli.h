/* cli.h -- command-line options, their defaults and the --defaults file.
 *
 * Three files: cli.c (the option table, argv, the values), cli_defaults.c
 * (the --defaults file, through libjansson) and cli_help.c (the help text).
 * Pure: parses argv into a struct lg_config and checks every value, filling
 * a caller buffer with one line naming the culprit on error. It knows nothing
 * of fork, Lua or sockets. Long options may be abbreviated to any unambiguous
 * prefix; a prefix that was unambiguous among Pylogen's own options keeps its
 * Pylogen meaning even where a newer logen option shares it (`--out` is
 * still --outformat although --output exists). */
#ifndef LG_CLI_H
#define LG_CLI_H

#include <stddef.h>
#include <stdio.h>

enum lg_outformat { LG_OUT_SHORT, LG_OUT_LONG, LG_OUT_RAW, LG_OUT_JTL, LG_OUT_CSV, LG_OUT_JSON,
                    LG_OUT_NONE };
enum lg_arrival { LG_ARRIVAL_UNIFORM, LG_ARRIVAL_POISSON };

#define LG_STEPS_MAX 1024

/* Bounds every option is held to (cli_bounds.c). */
#define LG_CLI_SECONDS_MAX (30 * 86400.0) /* longest duration of any option: 30 days */
#define LG_CLI_SECONDS_MAX_TEXT "30 days (2592000 s)"
#define LG_CLI_PERIOD_MIN 0.01            /* --summary, --controllerDelay: at least 10 ms */
#define LG_CLI_PERIOD_MIN_TEXT "10ms"
#define LG_CLI_WORKERS_MAX 65535          /* a record's worker index is 16 bits (record.h) */
#define LG_CLI_CONCURRENCY_MAX 100000     /* --concurrency: coroutines per worker */

/* One run (or one scenario line). Every string is owned by the config and
 * released by lg_cli_free. Durations are in seconds (500ms is 0.5). */
struct lg_config {
    char *action;          /* CUT name (cuts.Dummy), path to a .lua, or "scenario"; NULL if none */
    int verbose;           /* count of -v */
    long process;          /* closed model: workers */
    double postpone;       /* s before the first worker (or the controller) starts */
    double rampup;         /* s between two worker starts */
    double duration;       /* s each worker runs; wins over loops when > 0 */
    long loops;            /* loops per worker when duration is 0 */
    long concurrency;      /* copies of the CUT's loop per worker (coroutines) */
    char **steps;          /* the --steps list, split on commas */
    int nsteps;
    double pauseloop;      /* s after each loop */
    double pausestep;      /* s after each step */
    double summary;        /* s between two periodic summaries */
    double timeout;        /* s one timed request may run, 0 = no limit */
    double grace;          /* s past --duration before a worker's hard end */
    enum lg_outformat outformat;
    char *extra;           /* --extra as JSON text; lg_lrt_check_cuts checks it */
    char *extra_from;      /* where extra was set, for messages: "--extra", "FILE: extra" */
    char *defaults;        /* the defaults file read, NULL if none */
    char *id;              /* prefixes every id of the run */
    char *file;            /* scenario file */
    char *output;          /* event lines go there instead of stdout; NULL: stdout */
    int quiet;             /* -q: no progress line, no periodic summary lines */
    char *hdr_log;         /* --hdr-log: HdrHistogram interval log file; NULL: none */
    char *summary_json;    /* --summary-json: the end summary as JSON; NULL: none */
    char *metrics_listen;  /* --metrics-listen: HOST:PORT serving /metrics; NULL: none */
    double metrics_linger; /* s to wait after the run for a scrape of the final figures */
    char *report;          /* --report: the HTML report; NULL: none */
    int openedmodel;       /* open model instead of closed */
    char *schedule;        /* open model phases, as given */
    long prefork;          /* open model: workers ready before the first event */
    long trigger;          /* open model: backlog that starts one more worker */
    double controller_delay; /* open model: controller period, s */
    long decrease;         /* open model: idle periods before retiring a worker */
    char *burst;           /* open model burst mode, as given */
    long maxproc;          /* open model: cap on live workers, 0 = none */
    double maxwait;        /* open model: s a job may wait before it is dropped, 0 = forever */
    enum lg_arrival arrival;
    char **thresholds;     /* --threshold expressions, as given (threshold.h) */
    int nthresholds;
    char *eval;            /* -e CODE: an ad hoc CUT, CODE is its request's body */
    char *shard;           /* --shard I/N as given (shard.h); NULL: from the environment */
    char *start_at;        /* --start-at T as given (shard.h); NULL: start at once */
    unsigned long long given; /* bit i: option i of the table was on the command line */
    int help;              /* --help was given */
    int version;           /* --version was given */
};

/* Fills cfg with the built-in defaults. */
void lg_cli_defaults(struct lg_config *cfg);

/* Parses argv[1..argc-1] over cfg's current values: first the --defaults
 * file (the one named by --defaults, else ./defaults.json when it exists),
 * then the options. Returns 0, or -1 with a one-line message naming the
 * culprit in err (no trailing newline). cfg is valid either way and must be
 * released with lg_cli_free. */
int lg_cli_parse(struct lg_config *cfg, int argc, char **argv, char *err, size_t errlen);

/* Releases what cfg owns and zeroes it. */
void lg_cli_free(struct lg_config *cfg);

/* 1 when option `name` (its long name, e.g. "outformat") was given on the
 * command line parsed into cfg (not from a defaults file), else 0. */
int lg_cli_given(const struct lg_config *cfg, const char *name);

/* The long name of the first option given on the command line that is not
 * one of except[0..n), or NULL. Static; do not free. */
const char *lg_cli_given_except(const struct lg_config *cfg, const char *const *except, int n);

/* --- help (cli_help.c) */

/* Writes the --help text: every option with its default and meaning. */
void lg_cli_usage(FILE *out);

/* `logen help TOPIC`: writes the usage line of command TOPIC (scenario,
 * new, list, -e, run, help) or the help of option TOPIC (its full name or
 * alias, with or without "--"). Returns 0, or -1 when TOPIC is neither. */
int lg_cli_help_topic(FILE *out, const char *topic);

/* Name of an output format ("short", ...). Static; do not free. */
const char *lg_cli_outformat_name(enum lg_outformat f);

#endif
