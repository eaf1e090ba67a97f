/* results_merge_check.c -- whether several runs' results can be merged
 * (results_merge.h): what must be equal between injectors of one run, and
 * what may differ.
 *
 * Must be equal, else the merge is refused with one line naming the
 * input, the line and the option: the number of lines; the --summary
 * period (the series are added interval by interval); each line's id and
 * CUT; and each line's options (options_json) but those in may_differ[],
 * which say how much of the load one injector carried or where it ran:
 * process, loops, prefork, trigger, decrease, maxproc, controller_delay
 * and burst (its share of workers and events), schedule (its rates: each
 * injector asks its part; its phases must be as many and last as long,
 * phases_check), cut_path (where the CUT was installed on its host),
 * thresholds (the merge evaluates every one any input gave) and shard.
 * An open line never merges with a closed one (option open).
 *
 * Shards (--shard I/N, issue 11): the inputs that are shards must be
 * shards of as many, started together, each once, all of them
 * (shards_check: the one place that knows what makes shards one run).
 * And the merged series must stay under LG_MERGE_MAX_INTERVALS
 * (extent_check), and no run may come twice (twice_check: the same host,
 * start, command line and shard). Reads only; allocates nothing that
 * outlives a call. */
#include "results_merge.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static const char *const may_differ[] = {
    "process", "loops", "prefork", "trigger", "decrease", "maxproc", "controller_delay",
    "burst", "schedule", "cut_path", "thresholds", "shard",
};

/* Input k as a reader knows it: its file, or "input K". */
static const char *input_name(const char *const *names, int k, char *buf, size_t len)
{
    if (names && names[k])
        return names[k];
    snprintf(buf, len, "input %d", k + 1);
    return buf;
}

/* "A.json" and "B.json" (or "input 1", "input 2") for a refusal. */
struct pair {
    char a[32], b[32];
    const char *an, *bn;
};

static void pair_init(struct pair *p, const char *const *names, int ka, int kb)
{
    p->an = input_name(names, ka, p->a, sizeof p->a);
    p->bn = input_name(names, kb, p->b, sizeof p->b);
}

static int may_differ_key(const char *key)
{
    for (size_t i = 0; i < sizeof may_differ / sizeof may_differ[0]; i++)
        if (strcmp(may_differ[i], key) == 0)
            return 1;
    return 0;
}

/* A value as compact JSON, cut to fit buf; "(none)" when absent. */
static const char *value_text(const json_t *v, char *buf, size_t len)
{
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;
    snprintf(buf, len, "%s", s ? s : "(none)");
    if (s && strlen(s) >= len && len > 4)
        memcpy(buf + len - 4, "...", 4);
    free(s);
    return buf;
}

/* The first option of key `key` in a or b that differs; 1 and err filled
 * when they do. */
static int option_differs(const json_t *a, const json_t *b, const char *key,
                          const struct pair *p, int line, char *err, size_t errlen)
{
    char va[96], vb[96];
    const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    if (may_differ_key(key) || (x && y && json_equal(x, y)))
        return 0;
    snprintf(err, errlen, "%s: line %d: option %s is %s, %s's is %s: they must be equal to merge",
             p->bn, line + 1, key, value_text(y, vb, sizeof vb), p->an,
             value_text(x, va, sizeof va));
    return 1;
}

static json_t *options_parse(const char *text)
{
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    return o;
}

/* Line l's options in a and b: equal but for may_differ[]. */
static int options_check(const struct lg_results_line *a, const struct lg_results_line *b,
                         const struct pair *p, int l, char *err, size_t errlen)
{
    json_t *oa = options_parse(a->options_json), *ob = options_parse(b->options_json);
    const char *key;
    json_t *v;
    int bad = 0;
    json_object_foreach(oa, key, v) {
        if ((bad = option_differs(oa, ob, key, p, l, err, errlen)))
            break;
    }
    if (!bad) {
        json_object_foreach(ob, key, v) {
            if ((bad = option_differs(oa, ob, key, p, l, err, errlen)))
                break;
        }
    }
    json_decref(oa);
    json_decref(ob);
    return bad ? -1 : 0;
}

/* Open line l: as many phases in its schedule, each as long. */
static int phases_check(const struct lg_results_open *a, const struct lg_results_open *b,
                        const struct pair *p, int l, char *err, size_t errlen)
{
    if (!a || !b) {
        if (a == b)
            return 0;
        snprintf(err, errlen, "%s: line %d is %s, %s's is %s: they must be equal to merge", p->bn,
                 l + 1, b ? "open" : "closed", p->an, a ? "open" : "closed");
        return -1;
    }
    if (a->phases != b->phases) {
        snprintf(err, errlen, "%s: line %d: option schedule has %d phases, %s's has %d", p->bn,
                 l + 1, b->phases, p->an, a->phases);
        return -1;
    }
    for (int i = 0; i < a->phases && i < a->nphases && i < b->nphases; i++) {
        if (fabs(a->phase[i].duration_s - b->phase[i].duration_s) <= 1e-9)
            continue;
        snprintf(err, errlen, "%s: line %d: option schedule: phase %d lasts %g s, %s's %g s",
                 p->bn, l + 1, i + 1, b->phase[i].duration_s, p->an, a->phase[i].duration_s);
        return -1;
    }
    return 0;
}

static int line_check(const struct lg_results_line *a, const struct lg_results_line *b,
                      const struct pair *p, int l, char *err, size_t errlen)
{
    const char *ia = a->id ? a->id : "", *ib = b->id ? b->id : "";
    const char *ca = a->cut ? a->cut : "", *cb = b->cut ? b->cut : "";
    if (strcmp(ia, ib) != 0) {
        snprintf(err, errlen, "%s: line %d: id '%s', %s's is '%s': they must be equal to merge",
                 p->bn, l + 1, ib, p->an, ia);
        return -1;
    }
    if (strcmp(ca, cb) != 0) {
        snprintf(err, errlen, "%s: line %d: CUT %s, %s's is %s: they must be equal to merge",
                 p->bn, l + 1, cb, p->an, ca);
        return -1;
    }
    if (options_check(a, b, p, l, err, errlen) < 0)
        return -1;
    return phases_check(a->open, b->open, p, l, err, errlen);
}

/* The merged series: from the earliest start to the latest interval's
 * end, at most LG_MERGE_MAX_INTERVALS of the common period (runs days
 * apart are no injectors of one test). */
static int extent_check(struct lg_results *const *in, const char *const *names, int n, char *err,
                        size_t errlen)
{
    double first = in[0]->start_epoch_s, last = first;
    int kf = 0, kl = 0;
    for (int k = 0; k < n; k++) {
        double end = in[k]->start_epoch_s +
                     (in[k]->niv ? (double)in[k]->iv[in[k]->niv - 1].end_ns / 1e9 : 0);
        if (in[k]->start_epoch_s < first)
            first = in[k]->start_epoch_s, kf = k;
        if (end > last)
            last = end, kl = k;
    }
    double slots = (last - first) / ((double)in[0]->interval_ns / 1e9);
    if (slots <= LG_MERGE_MAX_INTERVALS)
        return 0;
    struct pair p;
    pair_init(&p, names, kf, kl);
    snprintf(err, errlen,
             "%s ends %.0f s after %s starts: their series would hold %.0f intervals of %g s "
             "(at most %d): merge runs of one test",
             p.bn, last - first, p.an, slots, (double)in[0]->interval_ns / 1e9,
             LG_MERGE_MAX_INTERVALS);
    return -1;
}

/* Whether a and b are one run: the same host, start, command line and
 * shard (injectors on one host with a common start time write different
 * files, so their command lines differ; the tasks of one srun share theirs
 * but not their shard). */
static int same_run(const struct lg_results *a, const struct lg_results *b)
{
    if (a->start_epoch_s != b->start_epoch_s || a->argc != b->argc || a->shard != b->shard ||
        strcmp(a->host ? a->host : "", b->host ? b->host : "") != 0)
        return 0;
    for (int i = 0; i < a->argc; i++)
        if (strcmp(a->argv[i] ? a->argv[i] : "", b->argv[i] ? b->argv[i] : "") != 0)
            return 0;
    return 1;
}

/* No run twice (its file given twice, or a copy of it). */
static int twice_check(struct lg_results *const *in, const char *const *names, int n, char *err,
                       size_t errlen)
{
    for (int k = 0; k < n; k++)
        for (int j = 0; j < k; j++) {
            struct pair p;
            if (!same_run(in[j], in[k]))
                continue;
            pair_init(&p, names, j, k);
            snprintf(err, errlen, "%s is the run of %s (same host, start and command line): it would count twice",
                     p.bn, p.an);
            return -1;
        }
    return 0;
}

/* "I/N", or "all N" for a merge of all a run's shards. */
static const char *shard_text(const struct lg_results *r, char *buf, size_t len)
{
    if (r->shard < 0)
        snprintf(buf, len, "all %d", r->nshards);
    else
        snprintf(buf, len, "%d/%d", r->shard, r->nshards);
    return buf;
}

/* Input k against the first shard, input f: shards of as many, started
 * together (within LG_MERGE_SHARD_START_S: with --start-at they are equal). */
static int shard_pair_check(struct lg_results *const *in, const char *const *names, int f, int k,
                            char *err, size_t errlen)
{
    struct pair p;
    char sa[32], sb[32];
    double late = in[k]->start_epoch_s - in[f]->start_epoch_s;
    pair_init(&p, names, f, k);
    if (!lg_results_is_shard(in[k]) || in[k]->nshards != in[f]->nshards) {
        snprintf(err, errlen, "%s: shard %s, %s's is %s: not shards of one run", p.bn,
                 shard_text(in[k], sb, sizeof sb), p.an, shard_text(in[f], sa, sizeof sa));
        return -1;
    }
    if (fabs(late) <= LG_MERGE_SHARD_START_S)
        return 0;
    snprintf(err, errlen, "%s: shard %s started %.3f s %s %s's (shard %s): shards of one run "
             "start together, within %g s (give them one --start-at)", p.bn,
             shard_text(in[k], sb, sizeof sb), fabs(late), late > 0 ? "after" : "before", p.an,
             shard_text(in[f], sa, sizeof sa), LG_MERGE_SHARD_START_S);
    return -1;
}

/* Shards 0..N-1 not in seen[], as "1, 3" (the first few) into buf. */
static void shards_missing(const int *seen, int nshards, char *buf, size_t len)
{
    size_t at = 0;
    int listed = 0;
    buf[0] = '\0';
    for (int i = 0; i < nshards && at < len; i++) {
        if (seen[i] >= 0)
            continue;
        if (++listed > 8) {
            snprintf(buf + at, len - at, ", ...");
            return;
        }
        at += (size_t)snprintf(buf + at, len - at, "%s%d", listed > 1 ? ", " : "", i);
    }
}

/* Inputs that are shards of a run (nshards > 1, index I): all of them, of
 * as many shards, started together, each once, none missing. Unsharded
 * inputs (0 of 1) and merges of all a run's shards merge with each other:
 * injectors started by hand; never with shards. Shards are named I/N as
 * --shard takes them (0 <= I < N). */
static int shards_check(struct lg_results *const *in, const char *const *names, int n, char *err,
                        size_t errlen)
{
    int f = 0, rc = 0;
    while (f < n && !lg_results_is_shard(in[f]))
        f++;
    if (f == n)
        return 0;
    for (int k = 0; k < n; k++)
        if (k != f && shard_pair_check(in, names, f, k, err, errlen) < 0)
            return -1;
    int *seen = lg_malloc((size_t)in[f]->nshards * sizeof *seen);
    for (int i = 0; i < in[f]->nshards; i++)
        seen[i] = -1;
    for (int k = 0; k < n && rc == 0; k++) {
        struct pair p;
        int j = seen[in[k]->shard];
        seen[in[k]->shard] = k;
        if (j < 0)
            continue;
        pair_init(&p, names, j, k);
        snprintf(err, errlen, "%s: shard %d/%d, as %s: each shard may be merged once", p.bn,
                 in[k]->shard, in[k]->nshards, p.an);
        rc = -1;
    }
    if (rc == 0 && n < in[f]->nshards) {
        char list[96];
        shards_missing(seen, in[f]->nshards, list, sizeof list);
        snprintf(err, errlen, "shard%s %s of %d missing: %d of the run's %d shards given, "
                 "merge all of them", in[f]->nshards - n > 1 ? "s" : "", list, in[f]->nshards, n,
                 in[f]->nshards);
        rc = -1;
    }
    free(seen);
    return rc;
}

int lg_results_merge_check(struct lg_results *const *in, const char *const *names, int n,
                           char *err, size_t errlen)
{
    for (int k = 1; k < n; k++) {
        const struct lg_results *a = in[0], *b = in[k];
        struct pair p;
        pair_init(&p, names, 0, k);
        if (a->nlines != b->nlines) {
            snprintf(err, errlen, "%s: %d lines, %s has %d: they must be equal to merge", p.bn,
                     b->nlines, p.an, a->nlines);
            return -1;
        }
        if (a->interval_ns != b->interval_ns) {
            snprintf(err, errlen,
                     "%s: --summary period %g s, %s's is %g s: they must be equal to merge",
                     p.bn, (double)b->interval_ns / 1e9, p.an, (double)a->interval_ns / 1e9);
            return -1;
        }
        for (int l = 0; l < a->nlines; l++)
            if (line_check(&a->lines[l], &b->lines[l], &p, l, err, errlen) < 0)
                return -1;
    }
    if (extent_check(in, names, n, err, errlen) < 0 || shards_check(in, names, n, err, errlen) < 0)
        return -1;
    return twice_check(in, names, n, err, errlen);
}
