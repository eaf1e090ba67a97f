/* test_cli.c -- options: prefixes, aliases, case, ambiguity, values and
 * their errors, the --defaults file, and Pylogen's sample command lines.
 *
 * Runs in a fresh directory under /tmp so that no stray ./defaults.json is
 * picked up; the files it writes are removed at the end. */
#include "cli.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

#define HINT "(seconds, or with a unit: 250us, 500ms, 1.5s, 2m, 1h)"

static struct lg_config cfg;
static char err[512];
static char cmd[2048];       /* the last command line parsed, for test names */
static char tmpfiles[64][64]; /* files written under /tmp, removed at the end */
static int ntmpfiles;

/* Parses the arguments (program name excluded, NULL-terminated) over the
 * built-in defaults into cfg, releasing the previous cfg first. */
static int parse_v(const char *first, va_list ap)
{
    char *argv[64];
    const char *a;
    int argc = 0;
    size_t n;

    lg_cli_free(&cfg);
    lg_cli_defaults(&cfg);
    argv[argc++] = "logen";
    n = (size_t)snprintf(cmd, sizeof cmd, "logen");
    for (a = first; a && argc < 63; a = va_arg(ap, const char *)) {
        argv[argc++] = (char *)a;
        n += (size_t)snprintf(cmd + n, n < sizeof cmd ? sizeof cmd - n : 0, " %s", a);
    }
    argv[argc] = NULL;
    for (n = 0; cmd[n]; n++) /* one TAP line per test name */
        if ((unsigned char)cmd[n] < 0x20)
            cmd[n] = '?';
    memset(err, 0, sizeof err);
    return lg_cli_parse(&cfg, argc, argv, err, sizeof err);
}

static int parse(const char *first, ...)
{
    va_list ap;
    int rc;

    va_start(ap, first);
    rc = parse_v(first, ap);
    va_end(ap);
    return rc;
}

#define PARSE(...) parse(__VA_ARGS__, (const char *)NULL)

/* The command line parses; on failure the message is shown. */
#define PARSES(...)                                                       \
    do {                                                                  \
        is_int(PARSE(__VA_ARGS__), 0, "parses: %s", cmd);                 \
        if (err[0])                                                       \
            note("%s", err);                                              \
    } while (0)

/* The command line fails with exactly the message want. */
#define FAILS(want, ...)                                                  \
    do {                                                                  \
        is_int(PARSE(__VA_ARGS__), -1, "fails: %s", cmd);                 \
        is_str(err, want, "  says: %s", want);                            \
    } while (0)

/* Writes text to a new file under /tmp (mkstemp); returns its path. */
static const char *write_tmp(const char *text)
{
    char *path = tmpfiles[ntmpfiles++];
    int fd;

    snprintf(path, sizeof tmpfiles[0], "/tmp/lg_test_cli_XXXXXX");
    fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror("write_tmp");
        exit(2);
    }
    close(fd);
    return path;
}

/* Writes text to name in the current (temporary) directory. */
static void write_here(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");

    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(name);
        exit(2);
    }
}

static void is_steps(const char *want, const char *what)
{
    char got[256] = "";
    size_t n = 0;
    int k;

    for (k = 0; k < cfg.nsteps; k++)
        n += (size_t)snprintf(got + n, n < sizeof got ? sizeof got - n : 0, "%s%s",
                              k ? "|" : "", cfg.steps[k]);
    is_str(got, want, "  %s: steps %s", what, want);
}

static void test_builtin_defaults(void)
{
    PARSES((const char *)NULL);
    ok(cfg.action == NULL, "no ACTION");
    is_int(cfg.verbose, 0, "verbose 0");
    is_int(cfg.process, 1, "process 1");
    is_double(cfg.postpone, 0, 0, "postpone 0");
    is_double(cfg.rampup, 0, 0, "rampup 0");
    is_double(cfg.duration, 0, 0, "duration 0");
    is_int(cfg.loops, 5, "loops 5");
    is_steps("A|256|512|1024|2048|4096|8192", "built-in");
    is_double(cfg.pauseloop, 0, 0, "pauseloop 0");
    is_double(cfg.pausestep, 0, 0, "pausestep 0");
    is_double(cfg.summary, 1, 0, "summary 1");
    is_int(cfg.outformat, LG_OUT_SHORT, "outformat short");
    is_str(cfg.extra, "{}", "extra {}");
    ok(cfg.defaults == NULL, "no defaults file read");
    is_str(cfg.id, "customId", "id customId");
    ok(cfg.file == NULL, "no file");
    ok(cfg.output == NULL, "no output: stdout");
    ok(cfg.metrics_listen == NULL, "no metrics served");
    is_double(cfg.metrics_linger, 20, 0, "metrics-linger 20 s");
    is_int(cfg.openedmodel, 0, "closed model");
    is_str(cfg.schedule, "30@10,30@20,30@30", "schedule");
    is_int(cfg.prefork, 10, "prefork 10");
    is_int(cfg.trigger, 3, "trigger 3");
    is_double(cfg.controller_delay, 1, 0, "controllerDelay 1");
    is_int(cfg.decrease, 10, "decrease 10");
    is_str(cfg.burst, "1", "burst 1");
    is_int(cfg.maxproc, 0, "maxproc 0");
    is_int(cfg.concurrency, 1, "concurrency 1");
    is_double(cfg.maxwait, 0, 0, "maxwait 0");
    is_int(cfg.arrival, LG_ARRIVAL_UNIFORM, "arrival uniform");
    is_int(cfg.help, 0, "no help");
    is_int(cfg.version, 0, "no version");
}

static void test_prefixes(void)
{
    PARSES("--proc", "3");
    is_int(cfg.process, 3, "  --proc is --process");
    PARSES("--ram", "2");
    is_double(cfg.rampup, 2, 0, "  --ram is --rampup");
    PARSES("--le", "384");
    is_steps("384", "--le is --lengths");
    PARSES("--len", "0");
    is_steps("0", "--len is --lengths");
    PARSES("--pauselo", "0.5");
    is_double(cfg.pauseloop, 0.5, 0, "  --pauselo is --pauseloop");
    PARSES("--pauses", "0.25");
    is_double(cfg.pausestep, 0.25, 0, "  --pauses is --pausestep");
    PARSES("--sche", "5@1");
    is_str(cfg.schedule, "5@1", "  --sche is --schedule");
    PARSES("--contr", "0.5");
    is_double(cfg.controller_delay, 0.5, 0, "  --contr is --controllerDelay");
    PARSES("--pre", "2");
    is_int(cfg.prefork, 2, "  --pre is --prefork");
    PARSES("--open");
    is_int(cfg.openedmodel, 1, "  --open is --openedmodel");
    PARSES("--loop", "7");
    is_int(cfg.loops, 7, "  --loop is --loops");
    PARSES("--sum", "2");
    is_double(cfg.summary, 2, 0, "  --sum is --summary");
    PARSES("--du", "9");
    is_double(cfg.duration, 9, 0, "  --du is --duration");
    PARSES("--dec", "4");
    is_int(cfg.decrease, 4, "  --dec is --decrease");
    PARSES("--t", "6");
    is_int(cfg.trigger, 6, "  --t is --trigger");
    PARSES("--b", "f5");
    is_str(cfg.burst, "f5", "  --b is --burst");
    PARSES("--i", "run1");
    is_str(cfg.id, "run1", "  --i is --id");
    PARSES("--fi", "s.txt");
    is_str(cfg.file, "s.txt", "  --fi is --file");
    PARSES("--maxp", "40");
    is_int(cfg.maxproc, 40, "  --maxp is --maxproc");
    PARSES("--maxw", "1.5");
    is_double(cfg.maxwait, 1.5, 0, "  --maxw is --maxwait");
    PARSES("--arr", "poisson");
    is_int(cfg.arrival, LG_ARRIVAL_POISSON, "  --arr is --arrival");
    PARSES("--gen", "5");
    PARSES("--workerd", "anything");
    PARSES("--he");
    is_int(cfg.help, 1, "  --he is --help");
    PARSES("--hd", "h.log");
    is_str(cfg.hdr_log, "h.log", "  --hd is --hdr-log");
    PARSES("--metrics-lis", "[::1]:9464", "--metrics-lin", "500ms");
    is_str(cfg.metrics_listen, "[::1]:9464", "  --metrics-lis is --metrics-listen, kept as text");
    is_double(cfg.metrics_linger, 0.5, 0, "  --metrics-lin is --metrics-linger, a duration");
    PARSES("--vers");
    is_int(cfg.version, 1, "  --vers is --version");
}

static void test_aliases_exact_case(void)
{
    PARSES("--lengths", "1,2");
    is_steps("1|2", "--lengths is --steps");
    PARSES("--steps", "x,y,z");
    is_steps("x|y|z", "--steps");
    PARSES("--pauselen", "0.3");
    is_double(cfg.pausestep, 0.3, 0, "  --pauselen is --pausestep");
    PARSES("--pausestep", "0.4");
    is_double(cfg.pausestep, 0.4, 0, "  --pausestep");
    PARSES("--output", "events.txt");
    is_str(cfg.output, "events.txt", "  --output exact");
    is_int(cfg.outformat, LG_OUT_SHORT, "  and outformat untouched");
    PARSES("--outformat", "raw");
    is_int(cfg.outformat, LG_OUT_RAW, "  --outformat exact");
    ok(cfg.output == NULL, "  and output untouched");
    PARSES("--PROC", "2");
    is_int(cfg.process, 2, "  --PROC: case ignored");
    PARSES("--Process", "5");
    is_int(cfg.process, 5, "  --Process: case ignored");
    PARSES("--controllerdelay", "0.5");
    is_double(cfg.controller_delay, 0.5, 0, "  --controllerdelay");
    PARSES("--CONTROLLERDELAY", "2");
    is_double(cfg.controller_delay, 2, 0, "  --CONTROLLERDELAY");
    PARSES("--OpenedModel");
    is_int(cfg.openedmodel, 1, "  --OpenedModel");
    PARSES("--PauseLen", "1");
    is_double(cfg.pausestep, 1, 0, "  --PauseLen");
}

static void test_ambiguity(void)
{
    FAILS("logen: option --pa is ambiguous: --pauseloop, --pausestep, --pauselen", "--pa", "1");
    FAILS("logen: option --pausel is ambiguous: --pauseloop, --pauselen", "--pausel", "1");
    FAILS("logen: option --PA is ambiguous: --pauseloop, --pausestep, --pauselen", "--PA", "1");
    FAILS("logen: option --p is ambiguous: --process, --postpone, --pauseloop, --pausestep, "
          "--pauselen, --prefork", "--p", "1");
    FAILS("logen: option --d is ambiguous: --duration, --defaults, --decrease", "--d", "1");
    FAILS("logen: option --de is ambiguous: --defaults, --decrease", "--de", "1");
    FAILS("logen: option --l is ambiguous: --loops, --lengths", "--l", "1");
    FAILS("logen: option --h is ambiguous: --hdr-log, --help", "--h");
    FAILS("logen: option --s is ambiguous: --steps, --summary, --summary-json, --schedule, --shard, --start-at", "--s", "1");
    FAILS("logen: option --o is ambiguous: --outformat, --output, --openedmodel", "--o", "x");
    FAILS("logen: option --m is ambiguous: --metrics-listen, --metrics-linger, --maxproc, "
          "--maxwait", "--m", "1");
    FAILS("logen: option --metrics-li is ambiguous: --metrics-listen, --metrics-linger",
          "--metrics-li", "1");
    FAILS("logen: option --ma is ambiguous: --maxproc, --maxwait", "--ma=1");
}

static void test_pylogen_prefix_rule(void)
{
    PARSES("--out", "long");
    is_int(cfg.outformat, LG_OUT_LONG, "  --out long is --outformat long");
    FAILS("logen: --outformat: unknown format 'x' (short, long, raw, jtl, csv, json or none)", "--out",
          "x");
    PARSES("--outformat", "csv");
    is_int(cfg.outformat, LG_OUT_CSV, "  --outformat csv");
    PARSES("--outformat", "json");
    is_int(cfg.outformat, LG_OUT_JSON, "  --outformat json");
    PARSES("--outformat", "none");
    is_int(cfg.outformat, LG_OUT_NONE, "  --outformat none");
    ok(cfg.output == NULL, "  --out does not set --output");
    PARSES("--ou", "short");
    is_int(cfg.outformat, LG_OUT_SHORT, "  --ou is --outformat");
    PARSES("--outp", "F");
    is_str(cfg.output, "F", "  --outp is --output");
    is_int(cfg.outformat, LG_OUT_SHORT, "  and leaves outformat");
    PARSES("--outf", "jtl");
    is_int(cfg.outformat, LG_OUT_JTL, "  --outf jtl");
    PARSES("--out", "long");
    is_int(cfg.outformat, LG_OUT_LONG, "  --out long");
    FAILS("logen: --outformat: unknown format 'RAW' (short, long, raw, jtl, csv, json or none)",
          "--out", "RAW");
    PARSES("--out", "short");
    is_int(cfg.outformat, LG_OUT_SHORT, "  --out short");
}

static void test_value_forms(void)
{
    PARSES("--process=4");
    is_int(cfg.process, 4, "  --process=4");
    PARSES("--proc=5", "cuts.Dummy");
    is_int(cfg.process, 5, "  --proc=5");
    is_str(cfg.action, "cuts.Dummy", "  ACTION after options");
    PARSES("--steps=a,b", "--extra={\"a\":1}");
    is_steps("a|b", "--steps=a,b");
    is_str(cfg.extra, "{\"a\":1}", "  --extra={...}");
    PARSES("--id=a=b");
    is_str(cfg.id, "a=b", "  only the first '=' splits");
    PARSES("--id", "-");
    is_str(cfg.id, "-", "  a lone '-' is a value");
    PARSES("--proc", "2", "--proc", "3");
    is_int(cfg.process, 3, "  the last occurrence wins");
    PARSES("--steps", "a,b", "--le", "c");
    is_steps("c", "last list wins");
    PARSES("-v");
    is_int(cfg.verbose, 1, "  -v");
    PARSES("-vv");
    is_int(cfg.verbose, 2, "  -vv");
    PARSES("-vvv");
    is_int(cfg.verbose, 3, "  -vvv");
    PARSES("-v", "cuts.Dummy", "-vv");
    is_int(cfg.verbose, 3, "  -v ... -vv counts 3");
    PARSES("-q");
    is_int(cfg.quiet, 1, "  -q is --quiet");
    PARSES("--quiet", "cuts.Dummy");
    is_int(cfg.quiet, 1, "  --quiet");
    ok(lg_cli_given(&cfg, "quiet"), "  given on the command line");
    PARSES("--", "-weird");
    is_str(cfg.action, "-weird", "  after -- all is positional");
    PARSES("my.lua", "--file", "x");
    is_str(cfg.action, "my.lua", "  a .lua ACTION");
    PARSES("--id", "x", "--output", "o.txt", "--burst", "0", "--schedule", "5@1-10,5@10");
    is_str(cfg.output, "o.txt", "  --output");
    is_str(cfg.burst, "0", "  --burst");
    is_str(cfg.schedule, "5@1-10,5@10", "  --schedule kept as text");
    PARSES("--generatorDelay", "x", "--workerDelay=y");
    is_int(cfg.process, 1, "  ignored options change nothing");
}

static void test_syntax_errors(void)
{
    FAILS("logen: unknown option --foo (see logen --help)", "--foo");
    FAILS("logen: unknown option --foo (see logen --help)", "--foo=1");
    FAILS("logen: unknown option --processes (did you mean --process?)", "--processes", "1");
    FAILS("logen: unknown option --PROCESSES (did you mean --process?)", "--PROCESSES=1");
    FAILS("logen: unknown option -- (see logen --help)", "--=1");
    FAILS("logen: unknown option -x (see logen --help)", "-x");
    FAILS("logen: unknown option -vx (see logen --help)", "-vx");
    FAILS("logen: option --process needs a value", "--process");
    FAILS("logen: option --process needs a value", "--proc");
    FAILS("logen: option --lengths needs a value", "cuts.Dummy", "--le");
    FAILS("logen: option --process needs a value", "--process", "--loops", "3");
    FAILS("logen: option --id needs a value", "--id", "-v");
    FAILS("logen: option --openedmodel takes no value", "--openedmodel=1");
    FAILS("logen: unexpected argument 'b': ACTION is already 'cuts.Dummy'", "cuts.Dummy", "b");
    FAILS("logen: unexpected argument 'b': ACTION is already 'a'", "a", "--proc", "2", "b");
    FAILS("logen: --process: 'a?b' is not a number", "--process", "a\nb");
    FAILS("logen: option --pa is ambiguous: --pauseloop, --pausestep, --pauselen",
          "--pa", "1", "--foo");
}

static void test_numbers(void)
{
    FAILS("logen: --process: 'abc' is not a number", "--process", "abc");
    FAILS("logen: --rampup: -1 must not be negative", "--rampup", "-1");
    FAILS("logen: --rampup: -1 must not be negative", "--rampup=-1");
    FAILS("logen: --prefork: -2 must not be negative", "--pre", "-2");
    FAILS("logen: --process: 0 must be at least 1", "--process", "0");
    FAILS("logen: --trigger: 0 must be at least 1", "--trigger", "0");
    FAILS("logen: --summary: 0 is below the shortest period, 10ms", "--sum", "0");
    FAILS("logen: --controllerDelay: 0 is below the shortest period, 10ms", "--contr", "0");
    FAILS("logen: --controllerDelay: -0.5 must not be negative", "--contr", "-0.5");
    FAILS("logen: --process: '2.5' is not an integer", "--proc", "2.5");
    FAILS("logen: --duration: 'inf' is not a duration " HINT, "--duration", "inf");
    FAILS("logen: --duration: 'nan' is not a duration " HINT, "--duration", "nan");
    FAILS("logen: --duration: '0x10' is not a duration " HINT, "--duration", "0x10");
    FAILS("logen: --duration: ' 5' is not a duration " HINT, "--duration", " 5");
    FAILS("logen: --duration: '' is not a duration " HINT, "--duration=");
    FAILS("logen: --process: '2s' is not a number", "--process", "2s");
    FAILS("logen: --duration: '1e999' is out of range", "--duration", "1e999");
    FAILS("logen: --process: '99999999999999999999' is out of range",
          "--process", "99999999999999999999");
    FAILS("logen: --loops: '1-2' is not a number", "--loops", "1-2");
    PARSES("--loops", "1e3");
    is_int(cfg.loops, 1000, "  an integral real is an integer");
    PARSES("--loops", "2.0");
    is_int(cfg.loops, 2, "  2.0 is 2");
    FAILS("logen: --loops: 0 must be at least 1", "--loops", "0");
    PARSES("--loops", "1", "--decrease", "0", "--prefork", "0", "--maxproc", "3");
    is_int(cfg.loops, 1, "  loops 1");
    is_int(cfg.maxproc, 3, "  maxproc 3");
    PARSES("--postpone", "1.5", "--maxwait", "+0.25", "--duration", "1e1");
    is_double(cfg.postpone, 1.5, 0, "  postpone 1.5");
    is_double(cfg.maxwait, 0.25, 0, "  maxwait +0.25");
    is_double(cfg.duration, 10, 0, "  duration 1e1");
    FAILS("logen: --arrival: 'bogus' is not uniform or poisson", "--arrival", "bogus");
    PARSES("--arrival", "uniform");
    is_int(cfg.arrival, LG_ARRIVAL_UNIFORM, "  arrival uniform");
}

static void test_steps_and_extra(void)
{
    char many[LG_STEPS_MAX * 2 + 8];
    int k;

    FAILS("logen: --steps: empty step in 'a,,b'", "--steps", "a,,b");
    FAILS("logen: --lengths: empty step in ','", "--le", ",");
    FAILS("logen: --steps: empty step in 'a,'", "--steps", "a,");
    FAILS("logen: --steps: empty step in ''", "--steps=");
    for (k = 0; k < LG_STEPS_MAX; k++)
        memcpy(many + 2 * k, "1,", 2);
    many[2 * LG_STEPS_MAX - 1] = '\0';
    PARSES("--steps", many);
    is_int(cfg.nsteps, LG_STEPS_MAX, "  %d steps are accepted", LG_STEPS_MAX);
    many[2 * LG_STEPS_MAX - 1] = ',';
    memcpy(many + 2 * LG_STEPS_MAX, "1", 2);
    FAILS("logen: --steps: more than 1024 steps", "--steps", many);

    /* --extra is kept as text: lua-cjson checks it in the parent (badinput.t) */
    PARSES("--extra", "[1]");
    is_str(cfg.extra_from, "--extra", "  cfg->extra_from names the option");
    PARSES("--extra", " {\"a\": [1, {\"b\": \"\\u00e9\"}]} ");
    is_str(cfg.extra, " {\"a\": [1, {\"b\": \"\\u00e9\"}]} ", "  --extra kept as given");
}

static void test_durations(void)
{
    PARSES("--duration", "1s", "--postpone", "500ms", "--rampup", "250us", "--pauseloop", "2m",
           "--pausestep", "1h", "--summary", "1.5s", "--contr", "100ms", "--maxwait", "1.5");
    is_double(cfg.duration, 1, 0, "  --duration 1s");
    is_double(cfg.postpone, 0.5, 0, "  --postpone 500ms");
    is_double(cfg.rampup, 250e-6, 1e-15, "  --rampup 250us");
    is_double(cfg.pauseloop, 120, 0, "  --pauseloop 2m");
    is_double(cfg.pausestep, 3600, 0, "  --pausestep 1h");
    is_double(cfg.summary, 1.5, 0, "  --summary 1.5s");
    is_double(cfg.controller_delay, 0.1, 1e-15, "  --controllerDelay 100ms");
    is_double(cfg.maxwait, 1.5, 0, "  a plain number stays seconds");
    FAILS("logen: --duration: '5x' is not a duration " HINT, "--duration", "5x");
    FAILS("logen: --pauselen: '1 s' is not a duration " HINT, "--pauselen", "1 s");
    FAILS("logen: --summary: 0ms is below the shortest period, 10ms", "--summary", "0ms");
    FAILS("logen: --rampup: -1s must not be negative", "--rampup", "-1s");
    FAILS("logen: --schedule: phase 1 '5x@3' duration '5x' is not a duration " HINT,
          "--schedule", "5x@3");
    PARSES("--schedule", "500ms@10,2m@1");
    is_str(cfg.schedule, "500ms@10,2m@1", "  a schedule with units is kept as given");
}

/* Issue 8, defect 9: values that broke the clock or the loop. */
static void test_bounds(void)
{
    static const char *const durations[] = { "postpone", "rampup", "duration", "pauseloop",
                                              "pausestep", "summary", "controllerDelay",
                                              "maxwait" };
    char want[256];

    FAILS("logen: --summary: 1e-9 is below the shortest period, 10ms", "--summary", "1e-9");
    FAILS("logen: --summary: 9ms is below the shortest period, 10ms", "--summary", "9ms");
    PARSES("--summary", "10ms", "--contr", "10ms");
    is_double(cfg.summary, 0.01, 0, "  --summary 10ms is the shortest period");
    FAILS("logen: --controllerDelay: 1us is below the shortest period, 10ms", "--contr", "1us");
    FAILS("logen: --postpone: 1e10 is above the longest duration, 30 days (2592000 s)",
          "--postpone", "1e10");
    FAILS("logen: --rampup: 1e12 is above the longest duration, 30 days (2592000 s)",
          "--rampup", "1e12");
    FAILS("logen: --pausestep: 1e12 is above the longest duration, 30 days (2592000 s)",
          "--pausestep", "1e12");
    for (size_t k = 0; k < sizeof durations / sizeof durations[0]; k++) {
        char arg[64];
        snprintf(arg, sizeof arg, "--%s=721h", durations[k]);
        snprintf(want, sizeof want, "logen: --%s: 721h is above the longest duration, "
                 "30 days (2592000 s)", durations[k]);
        FAILS(want, arg);
        snprintf(arg, sizeof arg, "--%s=720h", durations[k]);
        PARSES(arg);
    }
    FAILS("logen: --rampup 3600 s with --process 1000: the last worker would start 3.5964e+06 s "
          "in, past the longest duration, 30 days (2592000 s)", "--process", "1000", "--rampup",
          "1h");
    PARSES("--process", "1000", "--rampup", "1h", "--openedmodel");
    PARSES("--process", "720", "--rampup", "1h");
}

/* Issue 8, defect 2: worker counts within what a record can tell apart. */
static void test_worker_counts(void)
{
    FAILS("logen: --process: 1000000000 is above 65535, the most workers a run can have (a "
          "record tells workers apart in 16 bits)", "--process", "1000000000");
    FAILS("logen: --prefork: 65536 is above 65535, the most workers a run can have (a "
          "record tells workers apart in 16 bits)", "--prefork", "65536");
    FAILS("logen: --maxproc: 1e6 is above 65535, the most workers a run can have (a "
          "record tells workers apart in 16 bits)", "--maxproc", "1e6");
    PARSES("--process", "65535", "--maxproc", "65535");
    is_int(cfg.process, 65535, "  --process 65535 is the most");
    FAILS("logen: --concurrency: 100001 is above 100000, the most coroutines a worker runs",
          "--concurrency", "100001");
    FAILS("logen: --concurrency: 0 must be at least 1", "--concurrency", "0");
    PARSES("--concurrency", "1e5");
    is_int(cfg.concurrency, 100000, "  --concurrency 100000 is the most");
    FAILS("logen: --prefork 0: the open model needs at least 1 worker ready before the first "
          "event", "--openedmodel", "--prefork", "0");
    PARSES("--prefork", "0");
    is_int(cfg.prefork, 0, "  --prefork 0 is harmless in the closed model");
    PARSES("--openedmodel", "--prefork", "1");
}

/* Issue 8, defect 11: text that lands on event lines has no control
 * character, so a newline cannot split a line. */
static void test_control_characters(void)
{
    const char *bad = write_tmp("{\"id\": \"a\\u0007b\"}");
    char want[256];

    FAILS("logen: --id: control character 0x0a at byte 4 is not allowed (the value appears on "
          "event lines)", "--id", "run\nx");
    FAILS("logen: --id: control character 0x7f at byte 1 is not allowed (the value appears on "
          "event lines)", "--id", "\x7f");
    FAILS("logen: --steps: control character 0x09 at byte 3 is not allowed (the value appears "
          "on event lines)", "--steps", "1,\t2");
    snprintf(want, sizeof want, "logen: %s: id: control character 0x07 at byte 2 is not "
             "allowed (the value appears on event lines)", bad);
    FAILS(want, "--defaults", bad);
    PARSES("--id", "caf\xc3\xa9 run #1");
    is_str(cfg.id, "caf\xc3\xa9 run #1", "  UTF-8 and blanks are fine in --id");
}

static void test_did_you_mean(void)
{
    /* typed, then the suggestion (NULL: none, too far from every name) */
    static const char *const typos[][2] = {
        { "proccess", "process" }, { "duratoin", "duration" }, { "lenghts", "lengths" },
        { "sumary", "summary" }, { "frobnicate", NULL }, { "xyz", NULL },
    };
    char want[160], arg[64];

    for (size_t k = 0; k < sizeof typos / sizeof typos[0]; k++) {
        if (typos[k][1])
            snprintf(want, sizeof want, "logen: unknown option --%s (did you mean --%s?)",
                     typos[k][0], typos[k][1]);
        else
            snprintf(want, sizeof want, "logen: unknown option --%s (see logen --help)",
                     typos[k][0]);
        snprintf(arg, sizeof arg, "--%s=1", typos[k][0]);
        FAILS(want, arg);
    }
}

static void test_help_version(void)
{
    PARSES("--help", "--foo");
    is_int(cfg.help, 1, "  --help wins over what follows");
    PARSES("cuts.Dummy", "-h");
    is_int(cfg.help, 1, "  -h");
    is_str(cfg.action, "cuts.Dummy", "  ACTION before --help is kept");
    PARSES("--version");
    is_int(cfg.version, 1, "  --version");
    is_int(cfg.help, 0, "  and not help");
    PARSES("--proc", "x", "--help");
    is_int(cfg.process, 1, "  values are not applied with --help");
    PARSES("--defaults", "nothere.json", "--help");
    ok(cfg.defaults == NULL, "  no defaults file is read with --help");
    FAILS("logen: unknown option --foo (see logen --help)", "--foo", "--help");
    FAILS("logen: option --help takes no value", "--help=1");
}

static void test_open_model_checks(void)
{
    FAILS("logen: --schedule: phase 1 '10@' has no rate", "--sche", "10@");
    FAILS("logen: --schedule: phase 2 '' is empty (want D@R or D@R1-R2)", "--schedule", "10@5,,3@2");
    FAILS("logen: --burst: 'f0' is a fixed size of 0 (want fN, N >= 1)", "--burst", "f0");
    FAILS("logen: --prefork 5 is above --maxproc 3", "--pre", "5", "--maxp", "3");
    PARSES("--pre", "3", "--maxp", "3", "--sche", "5@1,10@0.1", "--burst", "f2");
    is_int(cfg.prefork, 3, "  prefork equal to maxproc is fine");
}

static void test_defaults_good(void)
{
    const char *good = write_tmp(
        "{\"process\": 2, \"steps\": \"384,512\", \"pauseloop\": 0,\n"
        " \"extra\": {\"sleep\": 0.1}, \"openedmodel\": true, \"Summary\": \"2.5\",\n"
        " \"ID\": \"fromfile\", \"controllerdelay\": 0.25, \"burst\": 0,\n"
        " \"outformat\": \"raw\", \"arrival\": \"poisson\", \"maxproc\": 40.0,\n"
        " \"generatorDelay\": [1], \"schedule\": \"10@5\",\n"
        " \"metrics-listen\": \"127.0.0.1:9464\", \"Metrics-Linger\": \"1m\"}");
    const char *alt = write_tmp(
        "{\"lengths\": [\"a\", 384, \"1,5\"], \"extra\": \"{\\\"x\\\":1}\",\n"
        " \"openedmodel\": false, \"pauselen\": \"0.5\"}");
    char eq[128];
    char *argv[] = { "logen", "--defaults", (char *)alt, NULL };

    PARSES("cuts.Dummy", "--defaults", good);
    is_str(cfg.defaults, good, "  cfg->defaults names the file read");
    is_int(cfg.process, 2, "  file: process 2");
    is_steps("384|512", "file");
    is_double(cfg.pauseloop, 0, 0, "  file: pauseloop 0");
    is_str(cfg.extra, "{\"sleep\": 0.1}", "  file: extra object kept as raw text");
    is_int(cfg.openedmodel, 1, "  file: openedmodel true");
    is_double(cfg.summary, 2.5, 0, "  file: a number as a string, key case ignored");
    is_str(cfg.id, "fromfile", "  file: ID");
    is_double(cfg.controller_delay, 0.25, 0, "  file: controllerdelay");
    is_str(cfg.burst, "0", "  file: burst given as a number");
    is_int(cfg.outformat, LG_OUT_RAW, "  file: outformat raw");
    is_int(cfg.arrival, LG_ARRIVAL_POISSON, "  file: arrival poisson");
    is_int(cfg.maxproc, 40, "  file: maxproc 40.0");
    is_str(cfg.schedule, "10@5", "  file: schedule");
    is_str(cfg.metrics_listen, "127.0.0.1:9464", "  file: metrics-listen");
    is_double(cfg.metrics_linger, 60, 0, "  file: metrics-linger 1m");
    is_int(cfg.loops, 5, "  not in the file: built-in loops");

    PARSES("--proc", "4", "--le", "1", "cuts.Dummy", "--defau", good);
    is_int(cfg.process, 4, "  argv before --defau wins over the file");
    is_steps("1", "argv wins");
    is_double(cfg.summary, 2.5, 0, "  the file still applies elsewhere");
    PARSES("cuts.Dummy", "--def", good, "--sum", "3", "--id", "cli");
    is_double(cfg.summary, 3, 0, "  argv after --def wins over the file");
    is_str(cfg.id, "cli", "  argv --id wins");
    PARSES("--defa", good);
    is_int(cfg.process, 2, "  --defa is accepted");
    PARSES("--DEFAULTS", good);
    is_int(cfg.process, 2, "  --DEFAULTS is accepted");
    snprintf(eq, sizeof eq, "--defaults=%s", good);
    PARSES(eq);
    is_int(cfg.process, 2, "  --defaults=FILE is accepted");
    PARSES("--defaults", "nothere.json", "--defaults", good);
    is_str(cfg.defaults, good, "  the last --defaults wins");

    PARSES("--defaults", alt);
    is_steps("a|384|1,5", "steps as a JSON array");
    is_str(cfg.extra, "{\"x\":1}", "  extra as a string holding JSON");
    is_double(cfg.pausestep, 0.5, 0, "  pauselen key sets pausestep");
    snprintf(eq, sizeof eq, "%s: extra", alt);
    is_str(cfg.extra_from, eq, "  cfg->extra_from names the file and key");
    lg_cli_free(&cfg);
    lg_cli_defaults(&cfg);
    cfg.openedmodel = 1;
    cfg.loops = 42;
    is_int(lg_cli_parse(&cfg, 3, argv, err, sizeof err), 0, "parse over preset values");
    is_int(cfg.openedmodel, 0, "  file: openedmodel false overrides a preset true");
    is_int(cfg.loops, 42, "  a preset value not in the file stays");
}

/* Expects the defaults file holding text to be refused with the message
 * "logen: PATH" followed by tail. */
static void defaults_fails(const char *text, const char *tail)
{
    const char *path = write_tmp(text);
    char want[256];

    snprintf(want, sizeof want, "logen: %s%s", path, tail);
    FAILS(want, "cuts.Dummy", "--defaults", path);
}

static void test_defaults_errors(void)
{
    const char *units = write_tmp("{\"duration\": \"2m\", \"pauseloop\": \"10ms\", \"rampup\": 0.25}");

    PARSES("--defaults", units);
    is_double(cfg.duration, 120, 0, "  file: duration \"2m\"");
    is_double(cfg.pauseloop, 0.01, 1e-15, "  file: pauseloop \"10ms\"");
    is_double(cfg.rampup, 0.25, 0, "  file: a number stays seconds");
    defaults_fails("{\"duration\": \"5x\"}", ": duration: '5x' is not a duration " HINT);
    defaults_fails("{\"loops\": 0}", ": loops: 0 must be at least 1");
    FAILS("logen: --defaults: cannot read nothere.json: No such file or directory",
          "--defaults", "nothere.json");
    FAILS("logen: --defaults: cannot read /tmp: Is a directory", "--def", "/tmp");
    FAILS("logen: --defaults: cannot read /dev/zero: not a regular file (a character device)",
          "--def", "/dev/zero");
    defaults_fails("{\n  \"process\": 2,\n  \"loops\" 3\n}",
                   ":3:11: ':' expected near '3'");
    defaults_fails("", ":1:0: unexpected token near end of file");
    defaults_fails("{\"process\": 2} x", ":1:16: end of file expected near 'x'");
    defaults_fails("{\"procces\": 2}", ": unknown option \"procces\" (did you mean \"process\"?)");
    defaults_fails("{\"proc\": 2}", ": unknown option \"proc\"");
    defaults_fails("{\"v\": 2}", ": unknown option \"v\"");
    defaults_fails("[1]", ": not a JSON object");
    defaults_fails("{\"defaults\": \"x.json\"}",
                   ": option \"defaults\" cannot be set in a defaults file");
    defaults_fails("{\"help\": true}", ": option \"help\" cannot be set in a defaults file");
    defaults_fails("{\"process\": [1]}", ": process: expected a number, not an array");
    defaults_fails("{\"process\": null}", ": process: expected a number, not null");
    defaults_fails("{\"process\": \"abc\"}", ": process: 'abc' is not a number");
    defaults_fails("{\"Process\": 0}", ": Process: 0 must be at least 1");
    defaults_fails("{\"rampup\": -1}", ": rampup: -1 must not be negative");
    defaults_fails("{\"openedmodel\": 1}", ": openedmodel: expected true or false, not a number");
    defaults_fails("{\"id\": {}}", ": id: expected a string, not an object");
    defaults_fails("{\"outformat\": 1}", ": outformat: expected a string, not a number");
    defaults_fails("{\"extra\": [1]}", ": extra: expected an object or a string, not an array");
    defaults_fails("{\"steps\": []}", ": steps: no steps");
    defaults_fails("{\"steps\": [\"a\", \"\"]}", ": steps: empty step");
    defaults_fails("{\"steps\": [null]}", ": steps: a step must be a string or a number, not null");
    defaults_fails("{\"steps\": \"a,,b\"}", ": steps: empty step in 'a,,b'");
    defaults_fails("{\"id\": \"a\\u0000b\"}", ": id: a NUL character is not allowed");
    defaults_fails("{\"arrival\": \"fast\"}", ": arrival: 'fast' is not uniform or poisson");
}

static void test_implicit_defaults(void)
{
    const char *other = write_tmp("{\"process\": 7}");

    PARSES("cuts.Dummy");
    ok(cfg.defaults == NULL, "no ./defaults.json: none read");
    write_here("defaults.json", "{\"loops\": 9}");
    PARSES("cuts.Dummy");
    is_str(cfg.defaults, "defaults.json", "  ./defaults.json is read when present");
    is_int(cfg.loops, 9, "  and applied");
    PARSES("cuts.Dummy", "--loops", "2");
    is_int(cfg.loops, 2, "  the command line wins over it");
    PARSES("cuts.Dummy", "--defaults", other);
    is_str(cfg.defaults, other, "  an explicit --defaults replaces it");
    is_int(cfg.loops, 5, "  ./defaults.json is then not read");
    is_int(cfg.process, 7, "  the explicit file is");
    write_here("defaults.json", "{");
    FAILS("logen: defaults.json:1:1: string or '}' expected near end of file", "cuts.Dummy");
    unlink("defaults.json");
    PARSES("cuts.Dummy");
    ok(cfg.defaults == NULL, "  gone again: none read");
}

static void test_pylogen_samples(void)
{
    write_here("myprofile.json", "{\"process\": 3, \"loops\": 8, \"pauseloop\": 2}");

    PARSES("cuts.Dummy", "--le", "384", "--pauselen", "0", "--pauselo", "0.001",
           "--duration", "10", "--ram", "0", "--proc", "2");
    is_str(cfg.action, "cuts.Dummy", "  action");
    is_steps("384", "sample 1");
    is_double(cfg.pausestep, 0, 0, "  pauselen 0");
    is_double(cfg.pauseloop, 0.001, 0, "  pauselo 0.001");
    is_double(cfg.duration, 10, 0, "  duration 10");
    is_double(cfg.rampup, 0, 0, "  ram 0");
    is_int(cfg.process, 2, "  proc 2");

    PARSES("cuts.KmsEncrytSymmetric", "--defaults", "myprofile.json", "--le", "384,512,1024",
           "--pauselen", "0", "--pauseloop", "0", "--duration", "10", "--proc", "1",
           "--extra", "{\"file\":\"KmsDefault.json\",\"key\":\"symmetric1\"}");
    is_str(cfg.defaults, "myprofile.json", "  defaults file read");
    is_int(cfg.loops, 8, "  loops from the file");
    is_int(cfg.process, 1, "  --proc 1 wins over the file's 3");
    is_double(cfg.pauseloop, 0, 0, "  --pauseloop 0 wins over the file's 2");
    is_steps("384|512|1024", "sample 2");
    is_str(cfg.extra, "{\"file\":\"KmsDefault.json\",\"key\":\"symmetric1\"}", "  extra");

    PARSES("cuts.Dummy", "-vvv", "--open", "--pre", "2", "--sche", "5@1,10@0.1,5@1,30@0.1",
           "--len", "0", "--out", "long", "--contr", "0.5", "--extra", "{\"sleep\":1}");
    is_int(cfg.verbose, 3, "  -vvv");
    is_int(cfg.openedmodel, 1, "  open model");
    is_int(cfg.prefork, 2, "  prefork 2");
    is_str(cfg.schedule, "5@1,10@0.1,5@1,30@0.1", "  schedule");
    is_steps("0", "sample 3");
    is_int(cfg.outformat, LG_OUT_LONG, "  --out long");
    ok(cfg.output == NULL, "  no --output");
    is_double(cfg.controller_delay, 0.5, 0, "  controllerDelay 0.5");
    is_str(cfg.extra, "{\"sleep\":1}", "  extra");

    PARSES("cuts.Sbgc01", "-vvv", "--open", "--pre", "2", "--sche", "5@1", "--len", "0",
           "--out", "long", "--contr", "0.5", "--extra", "{\"sleep\":1}");
    is_str(cfg.action, "cuts.Sbgc01", "  action");
    is_str(cfg.schedule, "5@1", "  schedule");

    PARSES("scenario", "--file", "Scenario.txt");
    is_str(cfg.action, "scenario", "  scenario");
    is_str(cfg.file, "Scenario.txt", "  its file");

    PARSES("cuts.Dummy", "-v", "--process", "2", "--postpone", "1", "--rampup", "1",
           "--duration", "5", "--loops", "3", "--lengths", "1,2", "--extra", "{}",
           "--pauseloop", "1", "--pauselen", "1", "--summary", "1", "--outformat", "short",
           "--id", "X");
    is_int(cfg.verbose, 1, "  -v");
    is_double(cfg.postpone, 1, 0, "  postpone 1");
    is_int(cfg.loops, 3, "  loops 3");
    is_double(cfg.pausestep, 1, 0, "  pauselen 1");
    is_str(cfg.id, "X", "  id X");

    PARSES("cuts.KmsSignature", "--extra", "{\"key\":\"symmetric1\"}");
    PARSES("cuts.Dummy", "--extra", "{\"file\":\"MyKmsDefault.json\",\"key\":\"symmetric1\"}");
    unlink("myprofile.json");
}

/* logen help TOPIC: one command's usage line or one option's help. */
static void help_is(const char *topic, int want_rc, const char *needle)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    int rc = lg_cli_help_topic(out, topic);

    fclose(out);
    is_int(rc, want_rc, "help %s: returns %d", topic, want_rc);
    if (needle)
        like(text, needle, "  help %s says %s", topic, needle);
    else
        is_str(text, "", "  help %s prints nothing", topic);
    free(text);
}

static void test_help_topics(void)
{
    help_is("scenario", 0, "usage: logen scenario --file F");
    help_is("new", 0, "usage: logen new NAME");
    help_is("duration", 0, "--duration S");
    help_is("--pauselen", 0, "--pausestep, --pauselen S");
    help_is("CONTROLLERDELAY", 0, "controller period");
    help_is("dur", -1, NULL); /* a topic is not abbreviated */
    help_is("bogus", -1, NULL);
}

static void test_usage(void)
{
    static const char *const want[] = {
        "usage: logen ACTION", "abbreviated", "general:", "closed model:", "open model",
        "output:", "-v, -vv, -vvv", "-h, --help", "--version", "--process N", "--postpone S",
        "--rampup S", "--duration S", "--loops N", "--steps, --lengths LIST",
        "A,256,512,1024,2048,4096,8192", "--pauseloop S", "--pausestep, --pauselen S",
        "--summary S", "--outformat F", "--extra JSON", "--defaults FILE", "--id ID",
        "--file FILE", "--output FILE", "--openedmodel", "--schedule LIST",
        "30@10,30@20,30@30", "--prefork N", "--trigger N", "--controllerDelay S",
        "--decrease N", "--burst B", "--maxproc N", "--maxwait S", "--arrival A",
        "--generatorDelay", "--workerDelay", "(default: customId)",
        "(default: A,256,512,1024,2048,4096,8192)", "(default: 30@10,30@20,30@30)",
        "(default: error)", "(default: short)", "logen help [TOPIC]", "500ms",
    };
    char *text = NULL, *line;
    size_t len = 0, k, longest = 0;
    FILE *out = open_memstream(&text, &len);

    lg_cli_usage(out);
    fclose(out);
    for (k = 0; k < sizeof want / sizeof want[0]; k++)
        like(text, want[k], "usage mentions %s", want[k]);
    for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        if (strlen(line) > longest)
            longest = strlen(line);
    ok(longest <= 79, "usage lines fit in 79 columns (longest %zu)", longest);
    free(text);
}

static void test_outformat_names(void)
{
    is_str(lg_cli_outformat_name(LG_OUT_SHORT), "short", "outformat name short");
    is_str(lg_cli_outformat_name(LG_OUT_LONG), "long", "outformat name long");
    is_str(lg_cli_outformat_name(LG_OUT_RAW), "raw", "outformat name raw");
    is_str(lg_cli_outformat_name(LG_OUT_JTL), "jtl", "outformat name jtl");
    is_str(lg_cli_outformat_name(LG_OUT_NONE), "none", "outformat name none");
}

int main(void)
{
    char dir[] = "/tmp/lg_test_cli_dir_XXXXXX";
    int k;

    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("temporary directory");
        return 2;
    }
    test_builtin_defaults();
    test_prefixes();
    test_aliases_exact_case();
    test_ambiguity();
    test_pylogen_prefix_rule();
    test_value_forms();
    test_syntax_errors();
    test_numbers();
    test_durations();
    test_bounds();
    test_worker_counts();
    test_control_characters();
    test_did_you_mean();
    test_steps_and_extra();
    test_help_version();
    test_open_model_checks();
    test_defaults_good();
    test_defaults_errors();
    test_implicit_defaults();
    test_pylogen_samples();
    test_usage();
    test_help_topics();
    test_outformat_names();
    lg_cli_free(&cfg);
    for (k = 0; k < ntmpfiles; k++)
        unlink(tmpfiles[k]);
    if (chdir("/") != 0 || rmdir(dir) != 0)
        perror(dir);
    return done_testing();
}
