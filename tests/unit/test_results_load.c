/* test_results_load.c -- lg_results_load: small hand-made documents, one
 * per refusal (not JSON, not a logen summary, another schema version, a
 * field missing or of the wrong type named by its JSON path, a histogram
 * that does not decode or does not hold its count), each one line naming
 * the file; and a round trip: results made by hand (a closed line with
 * rows, an open line with phases, a series, a worker not normal, a
 * threshold) written by lg_sumjson_write, loaded, and written again give
 * the same document, byte for byte. ASan's leak check covers the
 * refusals' half-read results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "hist.h"
#include "results.h"
#include "results_fixture.h"
#include "summary.h"
#include "summary_json.h"
#include "tap.h"
#include "threshold.h"

static char dir[] = "/tmp/test_results_load.XXXXXX";

/* A file named name in dir holding text; returns its path (static). */
static const char *file_with(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loading text refuses with a message containing want. */
static void refused(const char *text, const char *want, const char *what)
{
    char err[512] = "";
    const char *path = file_with("doc.json", text);
    struct lg_results *r = lg_results_load(path, err, sizeof err);
    ok(r == NULL, "refused: %s", what);
    like(err, want, "... saying: %s", want);
    ok(strncmp(err, path, strlen(path)) == 0 && !strchr(err, '\n'), "... in one line naming the file");
    lg_results_free(r);
}

#define META "\"meta\": {\"version\": \"1\", \"argv\": [\"logen\"], \"start_epoch_s\": 1.5, " \
             "\"host\": \"h\", \"interval_s\": 1, \"merged\": 1, \"shard\": {\"index\": 0, \"count\": 1}}"
#define ROW(name, hist) "{\"name\": \"" name "\", \"kind\": \"request\", \"errors\": 0, " \
             "\"count\": 0, \"min\": 0, \"max\": 0, \"sum_ns\": 0" hist "}"
#define LINE(rows) "{\"id\": \"x\", \"cut\": \"Dummy\", \"options\": {}, \"begin_s\": 0, " \
             "\"end_s\": 1, \"workers\": {\"started\": 1, \"ended\": 1, \"retired\": 0}, " \
             "\"rows\": [" rows "]}"

static void test_refusals(void)
{
    char empty[256], doc[2048];
    struct lg_hist h;
    lg_hist_init(&h);
    char *enc = lg_hist_encode(&h, NULL);
    snprintf(empty, sizeof empty, ", \"histogram\": \"%s\"", enc);
    free(enc);
    refused("{\"schema\": \"logen-summary/1\",\n \"meta\": ]", "doc.json: not JSON: line 2, column",
            "not JSON, with its line and column");
    refused("{\"a\": 1}", "doc.json: not a logen summary (no \"schema\")", "no schema");
    refused("[1, 2]", "not a logen summary (not a JSON object)", "not an object");
    refused("{\"schema\": \"k6/1\"}", "not a logen summary (its \"schema\" is not logen-summary/N)",
            "another schema");
    refused("{\"schema\": \"logen-summary/2\"}",
            "doc.json: schema logen-summary/2; this logen reads logen-summary/1", "another version");
    refused("{\"schema\": \"logen-summary/1\"}", "doc.json: meta: missing", "no meta");
    refused("{\"schema\": \"logen-summary/1\", \"meta\": {\"version\": 3}}",
            "doc.json: meta.version: a string expected, found an integer", "a field of the wrong type");
    refused("{\"schema\": \"logen-summary/1\", " META ", \"lines\": []}", "doc.json: lines: no line",
            "no line");
    snprintf(doc, sizeof doc, "{\"schema\": \"logen-summary/1\", " META ", \"lines\": [" LINE(
             ROW("a", "%s") ", " ROW("b", "%s") ", " ROW("c", "") ) "]}", empty, empty);
    refused(doc, "doc.json: lines[0].rows[2].histogram: missing", "a histogram missing, by its path");
    snprintf(doc, sizeof doc, "{\"schema\": \"logen-summary/1\", " META ", \"lines\": [" LINE(
             ROW("a", ", \"histogram\": \"HISTFAAAAAAAAAA=\"")) "]}");
    refused(doc, "doc.json: lines[0].rows[0].histogram: does not decode: ", "a histogram that does not decode");
    lg_hist_record(&h, 5);
    enc = lg_hist_encode(&h, NULL);
    snprintf(doc, sizeof doc, "{\"schema\": \"logen-summary/1\", " META ", \"lines\": [" LINE(
             ROW("a", ", \"histogram\": \"%s\"")) "]}", enc);
    free(enc);
    lg_hist_fini(&h);
    refused(doc, "doc.json: lines[0].rows[0].histogram: holds 1 values, its count says 0",
            "a histogram that does not hold its count");
    snprintf(doc, sizeof doc, "{\"schema\": \"logen-summary/1\", " META ", \"lines\": [" LINE(
             "{\"name\": \"a\", \"kind\": \"req\"}") "]}");
    refused(doc, "doc.json: lines[0].rows[0].kind: \"request\" or \"transaction\" expected, found \"req\"",
            "a kind that is neither");
    refused("{\"schema\": \"logen-summary/1\", " META ", \"lines\": [{\"id\": \"x\", \"cut\": \"D\", "
            "\"options\": {}, \"begin_s\": 1e300}]}",
            "doc.json: lines[0].begin_s: 1e+300 s is out of range (at most 1e+09)", "a time out of range");
    refused("{\"schema\": \"logen-summary/1\", \"meta\": {\"version\": \"1\", \"argv\": [], "
            "\"host\": \"h\", \"start_epoch_s\": 1, \"interval_s\": 0}}",
            "doc.json: meta.interval_s: 0 s: at least 0.001 expected", "no period");
    refused("{\"schema\": \"logen-summary/1\", " META ", \"lines\": [7]}",
            "doc.json: lines[0]: an object expected", "a line that is not an object");
#define META_WITH(shard, clock) "\"meta\": {\"version\": \"1\", \"argv\": [\"logen\"], " \
             "\"start_epoch_s\": 1.5, \"host\": \"h\", \"interval_s\": 1, \"merged\": 1, " \
             "\"shard\": " shard clock "}"
    refused("{\"schema\": \"logen-summary/1\", " META_WITH("{\"index\": null, \"count\": 1}", "")
            ", \"lines\": []}", "doc.json: meta.shard: shard -1 of 1: 0 <= index < count (or index "
            "null and count at least 2) expected", "index null (all shards merged) of 1");
    refused("{\"schema\": \"logen-summary/1\", " META_WITH("{\"index\": 0, \"count\": 1}",
            ", \"clock\": {\"synced\": 1}") ", \"lines\": []}",
            "doc.json: meta.clock.synced: true, false or null expected", "a clock's synced not a boolean");
}

/* The thresholds of r (r->thr), for the writer. */
static void thresholds_of(struct lg_thresholds *th, const struct lg_results *r)
{
    char why[256];
    struct lg_threshold_line lines[8];
    for (int l = 0; l < r->nlines && l < 8; l++)
        lines[l] = (struct lg_threshold_line){ r->lines[l].id, r->lines[l].open != NULL };
    for (int i = 0; i < r->nthr; i++)
        if (lg_thresholds_add(th, r->thr[i].expression, r->thr[i].own_line, lines, r->nlines, why,
                              sizeof why) < 0)
            note("threshold %s: %s", r->thr[i].expression, why);
}

/* r written to name; returns the text written (heap). */
static char *written(const struct lg_results *r, const char *name, int status)
{
    struct lg_thresholds th = { 0 };
    char path[256], *text = NULL;
    size_t len = 0;
    thresholds_of(&th, r);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ok(lg_sumjson_write(r, th.n ? &th : NULL, status, f) == 0, "%s written", name);
    fclose(f);
    lg_thresholds_free(&th);
    f = fopen(path, "r");
    if (getdelim(&text, &len, '\0', f) < 0)
        text = NULL;
    fclose(f);
    return text;
}

/* r written, loaded, written again: the same text. */
static void round_trip(struct lg_results *r, const char *what, int status)
{
    char err[512] = "", path[256];
    char *a = written(r, "a.json", status);
    snprintf(path, sizeof path, "%s/a.json", dir);
    struct lg_results *back = lg_results_load(path, err, sizeof err);
    if (!ok(back != NULL, "%s: loaded back", what))
        note("%s", err);
    char *b = back ? written(back, "b.json", status) : NULL;
    ok(a && b && strcmp(a, b) == 0, "%s: written again, the same document (%zu bytes)", what,
       a ? strlen(a) : 0);
    if (back) {
        is_int(back->lines[0].nrows, r->lines[0].nrows, "%s: as many rows", what);
        ok(back->lines[0].nrows == 0 || lg_hist_equal(&back->lines[0].rows[0].h, &r->lines[0].rows[0].h),
           "%s: a row's histogram comes back equal, exact min, max and sum included", what);
    }
    free(a);
    free(b);
    lg_results_free(back);
}

/* The document dir/a.json with one member of one element of an array
 * set to v, refused saying want. */
static void refused_set(const char *array, const char *key, json_t *v, const char *want)
{
    char path[256];
    snprintf(path, sizeof path, "%s/a.json", dir);
    json_t *doc = json_load_file(path, 0, NULL);
    json_t *a = json_object_get(doc, array);
    if (!a)
        a = json_object_get(json_object_get(doc, "workers"), array);
    json_object_set_new(json_array_get(a, 0), key, v);
    char *text = json_dumps(doc, 0);
    refused(text, want, want);
    free(text);
    json_decref(doc);
}

static void test_round_trip(void)
{
    static const double a1[] = { 1, 2.5, 3, 250.125 }, at[] = { 7 };
    struct lg_results *r = run_new(1796112730.880563, "{\"cut\":\"Dummy\",\"id\":\"x\",\"steps\":[\"1\"]}");
    row_add(r, "R_1", LG_KIND_REQ, a1, 4, 1);
    row_add(r, "T", LG_KIND_TRA, at, 1, 0);
    r->begin_ns = r->lines[0].begin_ns = 3494413;
    r->end_ns = r->lines[0].end_ns = 2 * S + 325449223;
    series_set(r, 3, 2 * S + 325449223, (const int[]){ 2, 0, 3 });
    r->t.requests = 4;
    r->t.started = r->t.ended = 2;
    r->local_ops = 123.456789012345;
    r->blocked_ns = 1234567;
    r->blocked_max_ns = 1000000;
    r->blocked_max_worker = 1;
    r->nbad = 1;
    r->bad = lg_calloc(1, sizeof *r->bad);
    r->bad[0] = (struct lg_results_worker){ .worker = 1, .pid = 42, .faults = LG_FAULT_SIGNAL,
                                            .signal = 9, .received = 3 };
    r->nthr = 1;
    r->thr = lg_calloc(1, sizeof *r->thr);
    r->thr[0] = (struct lg_results_threshold){ lg_strdup("p99<1s"), -1 };
    r->failure = lg_strdup("gave up");
    round_trip(r, "a closed run", 1);
    lg_results_free(r);
    refused_set("not_normal", "line", json_integer(5),
                "workers.not_normal[0].line: 5: no such line (the summary has 1)");
    refused_set("thresholds", "line", json_integer(2),
                "thresholds[0].line: 2: no such line (the summary has 1)");
    refused_set("lines", "id", json_null(), "lines[0].id: a string expected, found null");
    r = open_run(1796112730.5, 20, 7, 1);
    series_set(r, 2, S + S / 2, (const int[]){ 4, 1 });
    r->iv[0].lines[0].queue_depth = 3;
    r->iv[0].lines[0].generated = 5;
    r->signal = 15;
    round_trip(r, "an open run, interrupted", 143);
    lg_results_free(r);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    test_refusals();
    test_round_trip();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        note("could not remove %s", dir);
    return done_testing();
}
