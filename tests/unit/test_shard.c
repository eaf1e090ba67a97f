/* test_shard.c -- shards and the agreed start (shard.h): --shard and each
 * engine's variables, what is refused and how the message names it, the
 * workers a shard runs, --start-at's forms and its past limit, %t and %N
 * in output file names; and the
 * schedule's shard iterator (schedule.h): N shards give the schedule's
 * events exactly, each once. */
#include "tap.h"
#include "schedule.h"
#include "shard.h"

#include <stdlib.h>
#include <string.h>

/* ---- a fake environment: NAME=VALUE strings, NULL-terminated ---- */

static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
    size_t n = strlen(name);
    for (const char *const *e = fake_env; e && *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

static void resolves(const char *given, const char *const *env, long index, long count,
                     const char *from)
{
    struct lg_shard s;
    char err[256] = "";
    fake_env = env;
    is_int(lg_shard_resolve(&s, given, fake_getenv, err, sizeof err), 0, "%s%s%s resolves",
           given ? "--shard " : "", given ? given : "", env && env[0] ? env[0] : "");
    is_int(s.index, index, "  index %ld", index);
    is_int(s.count, count, "  count %ld", count);
    is_str(s.from, from, "  from '%s'", from);
}

static void refuses(const char *given, const char *const *env, const char *needle)
{
    struct lg_shard s;
    char err[256] = "";
    fake_env = env;
    is_int(lg_shard_resolve(&s, given, fake_getenv, err, sizeof err), -1, "%s%s%s is refused",
           given ? "--shard " : "", given ? given : "", env && env[0] ? env[0] : "");
    like(err, needle, "  the message names %s", needle);
    ok(!strchr(err, '\n'), "  on one line");
}

static void test_given(void)
{
    resolves(NULL, NULL, 0, 1, "");
    resolves("0/1", NULL, 0, 1, "--shard");
    resolves("1/2", NULL, 1, 2, "--shard");
    resolves("2/3", NULL, 2, 3, "--shard");
    resolves("65534/65535", NULL, 65534, 65535, "--shard");
    const char *const slurm[] = { "SLURM_PROCID=0", "SLURM_NTASKS=2", NULL };
    resolves("1/3", slurm, 1, 3, "--shard"); /* the option wins */
    refuses("2/2", NULL, "--shard '2/2': I must be below N");
    refuses("1/0", NULL, "--shard '1/0': N is 0");
    refuses("a/b", NULL, "--shard 'a/b'");
    refuses("-1/2", NULL, "--shard '-1/2'");
    refuses("1/2x", NULL, "--shard '1/2x'");
    refuses(" 1/2", NULL, "--shard ' 1/2'");
    refuses("1", NULL, "--shard '1'");
    refuses("", NULL, "--shard ''");
    refuses("0/65536", NULL, "--shard '0/65536'");
    refuses("0/99999999999999999999", NULL, "--shard");
}

static void test_environment(void)
{
    const char *const slurm[] = { "SLURM_PROCID=1", "SLURM_NTASKS=2", NULL };
    const char *const k8s[] = { "JOB_COMPLETION_INDEX=2", "LOGEN_SHARDS=3", NULL };
    const char *const ompi[] = { "OMPI_COMM_WORLD_RANK=3", "OMPI_COMM_WORLD_SIZE=4", NULL };
    const char *const pmi[] = { "PMI_RANK=0", "PMI_SIZE=5", NULL };
    const char *const both[] = { "PMI_RANK=0", "PMI_SIZE=5", "SLURM_PROCID=1", "SLURM_NTASKS=2",
                                 NULL };
    const char *const nosize[] = { "JOB_COMPLETION_INDEX=0", NULL };
    const char *const past[] = { "SLURM_PROCID=2", "SLURM_NTASKS=2", NULL };
    const char *const badrank[] = { "OMPI_COMM_WORLD_RANK=x", "OMPI_COMM_WORLD_SIZE=2", NULL };
    const char *const zero[] = { "PMI_RANK=0", "PMI_SIZE=0", NULL };
    const char *const sizeonly[] = { "SLURM_NTASKS=4", NULL };

    resolves(NULL, slurm, 1, 2, "SLURM_PROCID/SLURM_NTASKS");
    resolves(NULL, k8s, 2, 3, "JOB_COMPLETION_INDEX/LOGEN_SHARDS");
    resolves(NULL, ompi, 3, 4, "OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE");
    resolves(NULL, pmi, 0, 5, "PMI_RANK/PMI_SIZE");
    resolves(NULL, both, 1, 2, "SLURM_PROCID/SLURM_NTASKS"); /* Slurm first */
    resolves(NULL, sizeonly, 0, 1, "");                      /* no rank: not sharded */
    refuses(NULL, nosize, "JOB_COMPLETION_INDEX is set but LOGEN_SHARDS is not");
    refuses(NULL, past, "SLURM_PROCID=2 is not below SLURM_NTASKS=2");
    refuses(NULL, badrank, "OMPI_COMM_WORLD_RANK='x'");
    refuses(NULL, zero, "PMI_SIZE='0'");
}

static void test_workers(void)
{
    struct lg_shard s0 = { .index = 0, .count = 2 }, s1 = { .index = 1, .count = 2 };
    struct lg_shard s2 = { .index = 2, .count = 3 }, all = { .index = 0, .count = 1 };
    is_int(lg_shard_workers(&s0, 5), 3, "5 workers over 2 shards: 3 on shard 0");
    is_int(lg_shard_workers(&s1, 5), 2, "  and 2 on shard 1");
    is_int(lg_shard_worker_index(&s1, 0), 1, "  shard 1 runs worker 1");
    is_int(lg_shard_worker_index(&s1, 1), 3, "  then worker 3");
    is_int(lg_shard_workers(&s2, 2), 0, "2 workers over 3 shards: none on shard 2");
    is_int(lg_shard_workers(&s2, 3), 1, "3 workers over 3 shards: one on shard 2");
    is_int(lg_shard_workers(&all, 7), 7, "one shard runs every worker");
    is_int(lg_shard_worker_index(&all, 6), 6, "  under its own index");
    long wrong = 0; /* totals the 7 shards do not cover exactly, worker by worker */
    for (long total = 0; total < 40; total++) {
        long sum = 0, last = -1;
        for (long i = 0; i < 7; i++) {
            struct lg_shard s = { .index = i, .count = 7 };
            long n = lg_shard_workers(&s, total);
            sum += n;
            if (n > 0 && lg_shard_worker_index(&s, n - 1) > last)
                last = lg_shard_worker_index(&s, n - 1);
        }
        wrong += sum != total || last != total - 1;
    }
    is_int(wrong, 0, "7 shards of 0..39 workers run exactly workers 0..total-1");
}

static void test_start_at(void)
{
    const int64_t now = 1796106606500000000LL, s = 1000000000LL;
    int64_t at = 0, late = -1;
    char err[256];
    is_int(lg_start_at_parse("+2", now, &at, err, sizeof err), 0, "+2 parses");
    is_int(at, now + 2 * s, "  2 s from now");
    is_int(lg_start_at_parse("+500ms", now, &at, err, sizeof err), 0, "+500ms parses");
    is_int(at, now + s / 2, "  0.5 s from now");
    is_int(lg_start_at_parse("1796106610.25", now, &at, err, sizeof err), 0, "an epoch parses");
    ok(at > 1796106610249999000LL && at < 1796106610250001000LL, "  to its instant (within 1 us)");
    const char *bad[] = { "", "+", "-5", "+-1", "++1", "abc", "+2x", "1e999", "+40d", "nan" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        is_int(lg_start_at_parse(bad[i], now, &at, err, sizeof err), -1, "'%s' is refused", bad[i]);
        like(err, "--start-at", "  naming --start-at");
    }
    is_int(lg_start_at_parse("+2592001", now, &at, err, sizeof err), -1, "past 30 days ahead: refused");
    is_int(lg_start_at_check(now + s, now, 0, &late, err, sizeof err), 0, "ahead: fine");
    is_int(late, 0, "  not late");
    is_int(lg_start_at_check(now - s / 4, now, 10 * s, &late, err, sizeof err), 0,
           "0.25 s past a 10 s run: start at once");
    is_int(late, s / 4, "  0.25 s late");
    is_int(lg_start_at_check(now - s / 2, now, 0, &late, err, sizeof err), 0,
           "0.5 s past a run of unknown length: within the 1 s allowed");
    is_int(lg_start_at_check(now - 11 * s, now, 10 * s, &late, err, sizeof err), -1,
           "11 s past a 10 s run: refused");
    like(err, "--start-at is 11.000 s in the past", "  saying how far");
}

/* The events of schedule `text` over `n` shards: each event exactly once,
 * at its own time, with each shard's count ceil((total - I) / n). */
static void sharded_union(const char *text, enum lg_arrival arrival, const char *burst, int n)
{
    struct lg_schedule s;
    struct lg_burst b;
    struct lg_schedule_iter g;
    struct lg_schedule_event ev;
    char err[256];
    if (lg_schedule_parse(text, &s, err, sizeof err) < 0 ||
        lg_schedule_burst_parse(burst, &b, err, sizeof err) < 0) {
        ok(0, "%s parses: %s", text, err);
        return;
    }
    lg_ns_t *want = calloc(s.events, sizeof *want), *got = calloc(s.events, sizeof *got);
    int *seen = calloc(s.events, sizeof *seen);
    lg_schedule_iter_init(&g, &s, &b, arrival, 42);
    while (lg_schedule_iter_next(&g, &ev))
        want[ev.seq] = ev.offset_ns;
    int bad = 0;
    for (int i = 0; i < n; i++) {
        uint64_t mine = 0;
        lg_schedule_iter_init(&g, &s, &b, arrival, 42);
        while (lg_schedule_iter_next_shard(&g, &ev, (uint64_t)i, (uint64_t)n)) {
            bad += ev.seq % (uint64_t)n != (uint64_t)i || seen[ev.seq]++;
            got[ev.seq] = ev.offset_ns;
            mine++;
        }
        bad += mine != (s.events - (uint64_t)i + (uint64_t)n - 1) / (uint64_t)n;
    }
    for (uint64_t k = 0; k < s.events; k++)
        bad += !seen[k] || got[k] != want[k];
    is_int(bad, 0, "%s (%s, burst %s) over %d shards: every event once, at its time, "
           "1/%d each", text, arrival == LG_ARRIVAL_POISSON ? "poisson" : "uniform", burst, n, n);
    free(want);
    free(got);
    free(seen);
    lg_schedule_free(&s);
}

static void named(const char *pattern, long index, long count, const char *want)
{
    struct lg_shard s = { .index = index, .count = count };
    char *got = lg_shard_name(pattern, &s);
    is_str(got, want, "'%s' for shard %ld/%ld is '%s'", pattern, index, count, want);
    free(got);
}

static void test_names(void)
{
    named("out/shard-%t.json", 2, 3, "out/shard-2.json");
    named("out/shard-%t-of-%N.json", 11, 12, "out/shard-11-of-12.json");
    named("%t%t%N%N", 65534, 65535, "65534655346553565535");
    named("s-%t.json", 0, 1, "s-0.json");
    named("100%%-%t", 1, 2, "100%-1");
    named("%%t", 1, 2, "%t");
    named("keep-%d-%s-%T-%n.json", 1, 2, "keep-%d-%s-%T-%n.json");
    named("trailing%", 1, 2, "trailing%");
    named("plain.json", 1, 2, "plain.json");
    named("", 1, 2, "");
}

int main(void)
{
    test_names();
    test_given();
    test_environment();
    test_workers();
    test_start_at();
    sharded_union("1@100,1@100-300", LG_ARRIVAL_UNIFORM, "1", 2);
    sharded_union("1@100,1@100-300", LG_ARRIVAL_UNIFORM, "1", 3);
    sharded_union("2@50-500,0.01@10,1@7", LG_ARRIVAL_POISSON, "0", 3);
    sharded_union("1@333", LG_ARRIVAL_UNIFORM, "f4", 5);
    sharded_union("1@10", LG_ARRIVAL_UNIFORM, "1", 1);
    return done_testing();
}
