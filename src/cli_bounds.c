/* cli_bounds.c -- the values of the command line and their bounds (see
 * cli_opt.h): integers and durations as typed, the range of each option,
 * text that lands on event lines, and the checks that span options (the
 * open-model syntax, --prefork against --maxproc, the start of the last
 * worker of a ramp-up).
 *
 * Every duration is at most LG_CLI_SECONDS_MAX (30 days), so that the
 * nanosecond times built from one, and sums of a few, stay far inside an
 * int64 (292 years); a period (--summary, --controllerDelay) is at least
 * LG_CLI_PERIOD_MIN (10 ms), as a shorter one only spins and floods the
 * output. Worker counts are at most LG_CLI_WORKERS_MAX, what a record's
 * 16-bit worker index can tell apart. What the machine allows (processes,
 * memory) is not this file's: launch.c asks proclimits.c, once the lines are
 * known. */
#include "cli_opt.h"
#include "schedule.h"
#include "units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NOT_INTEGER (-10) /* beside the LG_UNITS_* codes */

/* As lg_units_number, plus NOT_INTEGER. An integral value written as a
 * real (2.0, 1e3: JSON writers produce them) is accepted. */
static int long_parse(const char *s, long *v)
{
    char *end;
    double d;
    int rc;

    if (*s && strspn(s, "0123456789+-") == strlen(s)) {
        errno = 0;
        *v = strtol(s, &end, 10);
        if (!*end)
            return errno == ERANGE ? LG_UNITS_RANGE : 0;
    }
    if ((rc = lg_units_number(s, strlen(s), &d)) < 0)
        return rc;
    if (d != floor(d))
        return NOT_INTEGER;
    if (d < (double)LONG_MIN || d >= -(double)LONG_MIN)
        return LG_UNITS_RANGE;
    *v = (long)d;
    return 0;
}

static int is_workers(const struct lg_opt *o)
{
    return o->min == LG_MIN_WORKERS0 || o->min == LG_MIN_WORKERS1;
}

/* Reports a parse failure, or checks v against the option's range. */
static int number_check(struct lg_cli *c, const struct lg_opt *o, int rc, double v,
                        const char *text, const char *label)
{
    if (o->kind == LG_OPT_SECS && (rc == LG_UNITS_NAN || rc == LG_UNITS_UNIT))
        return lg_cli_err(c, "%s: '%s' is not a duration (%s)", label, text,
                          LG_UNITS_SECONDS_HINT);
    if (rc == LG_UNITS_NAN)
        return lg_cli_err(c, "%s: '%s' is not a number", label, text);
    if (rc == LG_UNITS_RANGE)
        return lg_cli_err(c, "%s: '%s' is out of range", label, text);
    if (rc == NOT_INTEGER)
        return lg_cli_err(c, "%s: '%s' is not an integer", label, text);
    if (v < 0)
        return lg_cli_err(c, "%s: %s must not be negative", label, text);
    if ((o->min == LG_MIN_1 || o->min == LG_MIN_WORKERS1 || o->min == LG_MIN_CONCURRENCY) && v < 1)
        return lg_cli_err(c, "%s: %s must be at least 1", label, text);
    if (o->min == LG_MIN_POS && v <= 0)
        return lg_cli_err(c, "%s: %s must be greater than 0", label, text);
    if (o->min == LG_MIN_PERIOD && v < LG_CLI_PERIOD_MIN)
        return lg_cli_err(c, "%s: %s is below the shortest period, %s", label, text,
                          LG_CLI_PERIOD_MIN_TEXT);
    if (o->kind == LG_OPT_SECS && v > LG_CLI_SECONDS_MAX)
        return lg_cli_err(c, "%s: %s is above the longest duration, %s", label, text,
                          LG_CLI_SECONDS_MAX_TEXT);
    if (is_workers(o) && v > LG_CLI_WORKERS_MAX)
        return lg_cli_err(c, "%s: %s is above %d, the most workers a run can have (a record "
                          "tells workers apart in 16 bits)", label, text, LG_CLI_WORKERS_MAX);
    if (o->min == LG_MIN_CONCURRENCY && v > LG_CLI_CONCURRENCY_MAX)
        return lg_cli_err(c, "%s: %s is above %d, the most coroutines a worker runs", label,
                          text, LG_CLI_CONCURRENCY_MAX);
    return 0;
}

/* See cli_opt.h. */
int lg_cli_set_number(struct lg_cli *c, const struct lg_opt *o, const char *text,
                      const char *label)
{
    double v = 0;
    long n = 0;
    int rc;

    if (o->kind == LG_OPT_SECS) {
        rc = lg_units_seconds(text, strlen(text), &v);
    } else {
        rc = long_parse(text, &n);
        v = (double)n;
    }
    if (number_check(c, o, rc, v, text, label) < 0)
        return -1;
    if (o->kind == LG_OPT_SECS)
        *(double *)((char *)c->cfg + o->off) = v;
    else
        *(long *)((char *)c->cfg + o->off) = n;
    return 0;
}

/* See cli_opt.h. */
int lg_cli_text_check(struct lg_cli *c, const char *text, const char *label)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return lg_cli_err(c, "%s: control character 0x%02x at byte %d is not allowed (the "
                              "value appears on event lines)", label, *p,
                              (int)(p - (const unsigned char *)text) + 1);
    return 0;
}

/* The closed model: the last worker starts at postpone + (process-1) x
 * rampup, which must stay within the longest duration too. */
static int rampup_check(struct lg_cli *c)
{
    const struct lg_config *cfg = c->cfg;
    double last = cfg->postpone + (double)(cfg->process - 1) * cfg->rampup;

    if (cfg->openedmodel || last <= LG_CLI_SECONDS_MAX)
        return 0;
    return lg_cli_err(c, "--rampup %g s with --process %ld: the last worker would start %g s "
                      "in, past the longest duration, %s", cfg->rampup, cfg->process, last,
                      LG_CLI_SECONDS_MAX_TEXT);
}

/* See cli_opt.h. */
int lg_cli_config_check(struct lg_cli *c)
{
    const struct lg_config *cfg = c->cfg;
    struct lg_schedule sched;
    struct lg_burst burst;
    char msg[512];

    if (lg_schedule_parse(cfg->schedule, &sched, msg, sizeof msg) < 0)
        return lg_cli_err(c, "%s", msg);
    lg_schedule_free(&sched);
    if (lg_schedule_burst_parse(cfg->burst, &burst, msg, sizeof msg) < 0)
        return lg_cli_err(c, "%s", msg);
    if (cfg->maxproc > 0 && cfg->prefork > cfg->maxproc)
        return lg_cli_err(c, "--prefork %ld is above --maxproc %ld", cfg->prefork, cfg->maxproc);
    if (cfg->openedmodel && cfg->prefork < 1)
        return lg_cli_err(c, "--prefork 0: the open model needs at least 1 worker ready "
                          "before the first event");
    return rampup_check(c);
}
