/* shard.c -- the shard of a run and its start time (see shard.h).
 *
 * Numbers are whole decimals, digits only (no sign, blank or exponent), so
 * "-1/2" or " 1/2" is refused rather than read as something else. An
 * engine counts only when its rank variable is set; its size variable must
 * then be set too, or the message says which one is missing. Does not
 * read the clock or the environment itself: start.c hands both in. */
#include "shard.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "units.h"

#define SHARD_HINT "want I/N, whole numbers with 0 <= I < N <= 65535 (e.g. 0/4)"

static int __attribute__((format(printf, 3, 4)))
shard_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The whole number p[0..len), digits only, at most LG_SHARDS_MAX: 0 or -1. */
static int shard_num(const char *p, size_t len, long *v)
{
    char digits[8];
    if (len == 0 || len >= sizeof digits)
        return -1;
    memcpy(digits, p, len);
    digits[len] = '\0';
    if (strspn(digits, "0123456789") != len)
        return -1;
    *v = strtol(digits, NULL, 10);
    return *v > LG_SHARDS_MAX ? -1 : 0;
}

/* --shard I/N */
static int shard_given(struct lg_shard *s, const char *text, char *err, size_t errlen)
{
    const char *slash = strchr(text, '/');
    long i, n;
    if (!slash || shard_num(text, (size_t)(slash - text), &i) < 0 ||
        shard_num(slash + 1, strlen(slash + 1), &n) < 0)
        return shard_err(err, errlen, "logen: --shard '%s': " SHARD_HINT, text);
    if (n < 1)
        return shard_err(err, errlen, "logen: --shard '%s': N is 0, there must be at least one "
                         "shard", text);
    if (i >= n)
        return shard_err(err, errlen, "logen: --shard '%s': I must be below N: shards are "
                         "numbered 0 to %ld", text, n - 1);
    s->index = i;
    s->count = n;
    snprintf(s->from, sizeof s->from, "--shard");
    return 0;
}

/* One engine: its rank and size variables. */
struct engine {
    const char *rank, *size;
};

static const struct engine engines[] = {
    { "SLURM_PROCID", "SLURM_NTASKS" },
    { "JOB_COMPLETION_INDEX", "LOGEN_SHARDS" },
    { "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE" },
    { "PMI_RANK", "PMI_SIZE" },
};

/* Engine e, whose rank variable is set to `rank`. */
static int shard_engine(struct lg_shard *s, const struct engine *e, const char *rank,
                        lg_shard_getenv_fn *get, char *err, size_t errlen)
{
    const char *size = get(e->size);
    long i, n;
    if (shard_num(rank, strlen(rank), &i) < 0)
        return shard_err(err, errlen, "logen: %s='%s' is not a shard index (a whole number "
                         "below %ld)", e->rank, rank, LG_SHARDS_MAX);
    if (!size)
        return shard_err(err, errlen, "logen: %s is set but %s is not: the number of shards is "
                         "unknown (or give --shard I/N)", e->rank, e->size);
    if (shard_num(size, strlen(size), &n) < 0 || n < 1)
        return shard_err(err, errlen, "logen: %s='%s' is not a number of shards (a whole "
                         "number, 1 to %ld)", e->size, size, LG_SHARDS_MAX);
    if (i >= n)
        return shard_err(err, errlen, "logen: %s=%ld is not below %s=%ld (shards are numbered "
                         "0 to %ld)", e->rank, i, e->size, n, n - 1);
    s->index = i;
    s->count = n;
    snprintf(s->from, sizeof s->from, "%s/%s", e->rank, e->size);
    return 0;
}

int lg_shard_resolve(struct lg_shard *s, const char *given, lg_shard_getenv_fn *get, char *err,
                     size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->count = 1;
    if (given)
        return shard_given(s, given, err, errlen);
    for (size_t k = 0; k < sizeof engines / sizeof engines[0]; k++) {
        const char *rank = get(engines[k].rank);
        if (rank)
            return shard_engine(s, &engines[k], rank, get, err, errlen);
    }
    return 0;
}

/* ---- output file names ---- */

char *lg_shard_name(const char *pattern, const struct lg_shard *s)
{
    size_t n = strlen(pattern), k = 0;
    char *out = lg_malloc(n + n / 2 * 20 + 1); /* each two-char %t or %N: at most 20 digits */
    for (const char *p = pattern; *p; p++) {
        if (p[0] != '%' || (p[1] != 't' && p[1] != 'N' && p[1] != '%')) {
            out[k++] = *p;
            continue;
        }
        p++;
        if (*p == '%')
            out[k++] = '%';
        else
            k += (size_t)sprintf(out + k, "%ld", *p == 't' ? s->index : s->count);
    }
    out[k] = '\0';
    return out;
}

/* ---- --start-at ---- */

#define START_HINT "want epoch seconds (1796106606.5) or +S from now (+2, +500ms, +1m)"
#define START_AHEAD_MAX_S (30 * 86400.0) /* as every duration of the command line */

int lg_start_at_parse(const char *text, int64_t now_wall_ns, int64_t *at_ns, char *err,
                      size_t errlen)
{
    int rel = text[0] == '+';
    const char *p = text + rel;
    double v;
    int rc = rel ? lg_units_seconds(p, strlen(p), &v) : lg_units_number(p, strlen(p), &v);
    if (rc < 0 || p[0] == '-' || p[0] == '+' || v < 0)
        return shard_err(err, errlen, "logen: --start-at '%s': " START_HINT, text);
    double ahead = rel ? v : v - (double)now_wall_ns / 1e9;
    if (ahead > START_AHEAD_MAX_S)
        return shard_err(err, errlen, "logen: --start-at '%s' is %.0f s ahead, more than 30 "
                         "days (2592000 s)", text, ahead);
    *at_ns = rel ? now_wall_ns + (int64_t)(v * 1e9 + 0.5) : (int64_t)(v * 1e9 + 0.5);
    return 0;
}

int lg_start_at_check(int64_t at_ns, int64_t now_wall_ns, int64_t length_ns, int64_t *late_ns,
                      char *err, size_t errlen)
{
    const int64_t second = 1000000000LL;
    int64_t late = now_wall_ns - at_ns, limit = length_ns > second ? length_ns : second;
    *late_ns = late > 0 ? late : 0;
    if (late > limit)
        return shard_err(err, errlen, "logen: --start-at is %.3f s in the past, more than the "
                         "run's length (%.3f s): the run would be over", (double)late / 1e9,
                         (double)limit / 1e9);
    return 0;
}
