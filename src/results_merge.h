/* results_merge.h -- the parts of `logen merge` beside results.h's
 * lg_results_merge: the same merge with the inputs' names in its refusals,
 * the check that the inputs can be merged, which results_merge.c runs
 * before it adds anything (results_merge_check.c), and the command
 * (merge_cmd.c). */
#ifndef LG_RESULTS_MERGE_H
#define LG_RESULTS_MERGE_H

#include <stddef.h>

#include "results.h"

/* lg_results_merge, with names[k] (a file name) naming in[k] in a refusal;
 * names NULL: "input K", K counted from 1. */
struct lg_results *lg_results_merge_named(struct lg_results *const *in,
                                          const char *const *names, int n, char *err,
                                          size_t errlen);

/* Whether r is one shard I of a run of N > 1 (not a whole run, nor the
 * merge of all of a run's shards, index -1). */
static inline int lg_results_is_shard(const struct lg_results *r)
{
    return r->nshards > 1 && r->shard >= 0;
}

/* How far apart (s) the starts of one run's shards may be: with --start-at
 * they are equal; started at once without it, a few ms apart. */
#define LG_MERGE_SHARD_START_S 1.0

/* The most intervals a merged series may hold (10 million: about 4 months
 * at 1 s, a day at 10 ms). */
#define LG_MERGE_MAX_INTERVALS 10000000

/* 0 when in[0..n) can be merged: as many lines, the same --summary period,
 * each line of the same id, CUT and options but those that may differ
 * between injectors of one run (results_merge_check.c names them), open
 * lines of the same phases; shards (issue 11) of one run, started
 * together, each once, all of them; a
 * merged series of at most LG_MERGE_MAX_INTERVALS.
 * Else -1 with one line in err naming the input, the line and the option. */
int lg_results_merge_check(struct lg_results *const *in, const char *const *names, int n,
                           char *err, size_t errlen);

/* ---- the command (merge_cmd.c) ---------------------------------------- */

struct lg_thresholds; /* threshold.h */

/* The summaries at paths[0..n) loaded and merged (lg_results_load,
 * lg_results_merge_named), and the thresholds to evaluate on the merge
 * added to th: every input's, then extra[0..nextra) for the whole run. The
 * merged results (free with lg_results_free; th with lg_thresholds_free),
 * *head (heap text, free it; head NULL: not wanted) saying what was merged;
 * NULL with one line in err, "logen: CMD: ...", naming the input that is
 * not a summary, the runs that do not merge, or the threshold that does
 * not parse. For `logen merge` and `logen report A.json B.json...`. */
struct lg_results *lg_merge_load(const char *cmd, const char *const *paths, int n,
                                 const char *const *extra, int nextra, struct lg_thresholds *th,
                                 char **head, char *err, size_t errlen);

/* logen merge SUMMARY.json... [-o MERGED.json] [--threshold EXPR]...: the
 * end summary of the merge on stdout, its JSON with -o. Returns the exit
 * status; 2 with one line in err (not printed) for bad input. */
int lg_merge_main(int argc, char **argv, char *err, size_t errlen);

#endif
