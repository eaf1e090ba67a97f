/* shard.h -- one run cut into N shards, and one start time for all of them.
 *
 * A shard is I/N (0 <= I < N): copy I of N copies of the same command,
 * started on N machines by a cluster engine (Slurm, a Kubernetes Indexed
 * Job, an MPI launcher) or by hand. It comes from --shard I/N, else from
 * the engine's environment (lg_shard_resolve). Its share is exact: open
 * lines take event k of the schedule when k mod N = I, closed lines run
 * the workers whose index w has w mod N = I, each at w's place in the
 * rampup; so the N shards together are the one-machine run.
 *
 * --start-at T (epoch seconds, or +S from now) is the wall-clock time every
 * shard starts its run clock at (lg_start_at_parse).
 *
 * Output file names may hold %t and %N (lg_shard_name): srun expands them
 * in its own -o, never in a program's arguments, so logen does.
 *
 * Pure: the environment is read through a caller's function, and no clock
 * is read here, so every rule is unit-tested (tests/unit/test_shard.c). */
#ifndef LG_SHARD_H
#define LG_SHARD_H

#include <stddef.h>
#include <stdint.h>

#define LG_SHARDS_MAX 65535L /* N at most */

struct lg_shard {
    long index;        /* I */
    long count;        /* N; 1 when the run is not sharded */
    char from[64];     /* where it came from: "--shard", "SLURM_PROCID/SLURM_NTASKS",
                        * ...; "" when not sharded */
};

/* Reads an environment variable: getenv, or a test's table. */
typedef const char *lg_shard_getenv_fn(const char *name);

/* The run's shard: --shard `given` (NULL: not given) wins; else the first
 * engine whose variables are set: Slurm (SLURM_PROCID, SLURM_NTASKS), a
 * Kubernetes Indexed Job (JOB_COMPLETION_INDEX, N from LOGEN_SHARDS), Open
 * MPI (OMPI_COMM_WORLD_RANK/SIZE), PMI (PMI_RANK/PMI_SIZE); else 0/1.
 * Returns 0, or -1 with one line naming the option or variable in err. */
int lg_shard_resolve(struct lg_shard *s, const char *given, lg_shard_getenv_fn *get, char *err,
                     size_t errlen);

/* How many of the workers 0..total-1 are this shard's (w mod N = I). */
static inline long lg_shard_workers(const struct lg_shard *s, long total)
{
    return total > s->index ? (total - s->index + s->count - 1) / s->count : 0;
}

/* The run-wide index of this shard's i-th worker. */
static inline long lg_shard_worker_index(const struct lg_shard *s, long i)
{
    return s->index + i * s->count;
}

/* The file name `pattern` for shard s: %t becomes the shard's index, %N
 * the number of shards (0 and 1 when not sharded), %% a percent sign; any
 * other % sequence is left as it is (a name with a literal %d or a
 * trailing % means what it meant before). Returns a heap string: free it
 * with free(). Aborts on OOM. */
char *lg_shard_name(const char *pattern, const struct lg_shard *s);

/* Parses --start-at `text`: epoch seconds with decimals (1796106606.5), or
 * +S seconds from `now_wall_ns` (+2, +1.5, +500ms, +2m). Sets *at_ns to
 * the wall-clock time, ns since the Unix epoch. Returns 0, or -1 with one
 * line in err. Whether T is too far in the past is the caller's to judge
 * (it needs the run's length: lg_start_at_check). */
int lg_start_at_parse(const char *text, int64_t now_wall_ns, int64_t *at_ns, char *err,
                      size_t errlen);

/* Judges start time at_ns against now: 0 when it is ahead, or behind by at
 * most max(length_ns, 1 s) (the run starts at once, *late_ns says by how
 * much); -1 with one line in err when it is further behind. */
int lg_start_at_check(int64_t at_ns, int64_t now_wall_ns, int64_t length_ns, int64_t *late_ns,
                      char *err, size_t errlen);

#endif
