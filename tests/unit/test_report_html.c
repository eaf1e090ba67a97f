/* test_report_html.c -- the HTML report's page, without a browser (that is
 * tests/e2e/report.t; which files are refused is results_load.c's, the
 * reader of logen report, merge and compare): the page with its markers
 * replaced; the embedded data, read back: every '<' escaped
 * (a name holding "</script>" cannot close the tag), the histograms gone,
 * each row's percentile curve in their place (HdrHistogram's ladder, its
 * values the histogram's percentiles, the row's max last), and the
 * per-interval histograms left out; a comparison's page: both runs, each
 * with its label, and the comparison's table as it was given. */
#include <jansson.h>
#include <stdlib.h>

#include "hist.h"
#include "report_html.h"
#include "tap.h"

/* A summary of one line, one row named to close a script tag, whose
 * histogram holds 1..1000 ms; one interval with a histogram of its own. */
static json_t *summary_doc(void)
{
    struct lg_hist h;
    lg_hist_init(&h);
    for (int i = 1; i <= 1000; i++)
        lg_hist_record(&h, (int64_t)i * 1000000);
    char *enc = lg_hist_encode(&h, NULL);
    json_t *row = json_pack("{s:s, s:s, s:I, s:f, s:s}", "name", "</script><!--x", "kind", "request",
                            "count", (json_int_t)1000, "max", 1000.0, "histogram", enc);
    json_t *doc = json_pack("{s:s, s:[{s:i, s:[o]}], s:[{s:[{s:i, s:s}]}]}", "schema",
                            "logen-summary/1", "lines", "line", 1, "rows", row, "intervals", "lines",
                            "requests", 1000, "histogram", enc);
    free(enc);
    lg_hist_fini(&h);
    return doc;
}

/* The page of docs[0..n) (labels "unit", "new") with compare, in a heap
 * string (free it). */
static char *page_of(json_t *const *docs, int n, const json_t *compare)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *labels[] = { "unit", "new" };
    is_int(lg_report_html_write(docs, labels, n, compare, f), 0, "the page of %d run%s is written",
           n, n == 1 ? "" : "s");
    fclose(f);
    return buf;
}

/* The data embedded in page (modified: its script element cut short), or
 * NULL. */
static json_t *data_of(char *page)
{
    const char *open = "<script type=\"application/json\" id=\"logen-data\">";
    char *data = strstr(page, open);
    ok(data != NULL, "the data has its script element");
    if (!data)
        return NULL;
    data += strlen(open);
    char *end = strstr(data, "</script>");
    ok(end && !memchr(data, '<', (size_t)(end - data)), "no '<' inside it: nothing closes it early");
    if (!end)
        return NULL;
    *end = '\0';
    json_t *d = json_loads(data, 0, NULL);
    ok(d != NULL, "the data is JSON");
    return d;
}

static void test_page(void)
{
    json_t *doc = summary_doc();
    char *page = page_of(&doc, 1, NULL);
    json_decref(doc);
    ok(strstr(page, "@@LOGEN_") == NULL, "every marker replaced");
    ok(strstr(page, "<style>") && strstr(page, "svg.chart"), "the style is inline");
    like(page, "\\u003c/script>\\u003c!--x", "the name's '<' are escaped");
    json_t *d = data_of(page);
    if (!d) {
        free(page);
        return;
    }
    ok(!json_object_get(d, "compare"), "one run: no comparison");
    json_t *sum = json_object_get(json_array_get(json_object_get(d, "runs"), 0), "summary");
    json_t *row = json_array_get(json_object_get(json_array_get(json_object_get(sum, "lines"), 0), "rows"), 0);
    is_str(json_string_value(json_object_get(row, "name")), "</script><!--x", "the name reads back whole");
    ok(!json_object_get(row, "histogram"), "the row's histogram is not embedded");
    json_t *iv = json_array_get(json_object_get(json_array_get(json_object_get(sum, "intervals"), 0), "lines"), 0);
    ok(iv && !json_object_get(iv, "histogram"), "nor the interval's");
    json_t *c = json_object_get(row, "curve");
    /* 1000 values: five points a halving while 1/(1-p) < 1000 (k < 49.8), then the max */
    is_int(json_array_size(c), 51, "the curve: HdrHistogram's ladder up to the count, then the max");
    is_double(json_real_value(json_array_get(json_array_get(c, 0), 1)), 1.0, 0.001, "p0 is 1 ms");
    is_double(json_real_value(json_array_get(json_array_get(c, 5), 0)), 50.0, 1e-9, "point 5 is p50");
    is_double(json_real_value(json_array_get(json_array_get(c, 5), 1)), 500.0, 0.5, "p50 is 500 ms");
    is_double(json_real_value(json_array_get(json_array_get(c, 50), 0)), 99.9, 1e-9,
              "the last point is at 1 - 1/count");
    is_double(json_real_value(json_array_get(json_array_get(c, 50), 1)), 1000.0, 1e-9, "... the max");
    json_decref(d);
    free(page);
}

/* logen compare -o: BASE and NEW, each with its label, and the table. */
static void test_compare(void)
{
    json_t *docs[2] = { summary_doc(), summary_doc() };
    json_t *table = json_pack("{s:s, s:i, s:[{s:i, s:[]}]}", "base", "a</b", "worse", 1, "lines",
                              "line", 1, "rows");
    char *page = page_of(docs, 2, table);
    json_t *d = data_of(page);
    json_t *runs = json_object_get(d, "runs");
    is_int((int)json_array_size(runs), 2, "two runs embedded");
    is_str(json_string_value(json_object_get(json_array_get(runs, 0), "label")), "unit",
           "... BASE's label first");
    is_str(json_string_value(json_object_get(json_array_get(runs, 1), "label")), "new",
           "... then NEW's");
    ok(json_equal(json_object_get(d, "compare"), table), "the comparison's table, as given");
    json_decref(d);
    json_decref(table);
    json_decref(docs[0]);
    json_decref(docs[1]);
    free(page);
}

int main(void)
{
    test_page();
    test_compare();
    return done_testing();
}
