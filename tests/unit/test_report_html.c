/* test_report_html.c -- the HTML report's page, without a browser (that is
 * tests/e2e/report.t): which documents are refused and why; the page with
 * its markers replaced; the embedded data, read back: every '<' escaped
 * (a name holding "</script>" cannot close the tag), the histograms gone,
 * each row's percentile curve in their place (HdrHistogram's ladder, its
 * values the histogram's percentiles, the row's max last), and the
 * per-interval histograms left out. */
#include <jansson.h>
#include <stdlib.h>

#include "hist.h"
#include "report_html.h"
#include "tap.h"

static void refuses(const char *text, const char *want, const char *what)
{
    const char *why = NULL;
    json_t *doc = json_loads(text, JSON_DECODE_ANY, NULL);
    int rc = lg_report_check(doc, &why);
    is_int(rc, -1, "refused: %s", what);
    is_str(why, want, "  ... because: %s", want);
    json_decref(doc);
}

static void test_check(void)
{
    const char *why = NULL;
    json_t *doc = json_loads("{\"schema\": \"logen-summary/1\", \"lines\": [{}]}", 0, NULL);
    is_int(lg_report_check(doc, &why), 0, "a logen-summary/1 with lines is read");
    json_decref(doc);
    refuses("[1, 2]", "not a logen summary (a JSON object is expected)", "an array");
    refuses("{\"lines\": [{}]}", "not a logen summary (no \"schema\" member)", "no schema");
    refuses("{\"schema\": 1}", "not a logen summary (its \"schema\" is not logen-summary/N)",
            "a schema that is not a string");
    refuses("{\"schema\": \"k6-summary/1\"}",
            "not a logen summary (its \"schema\" is not logen-summary/N)", "another format");
    refuses("{\"schema\": \"logen-summary/2\", \"lines\": [{}]}",
            "another schema version than logen-summary/1, the one this logen reads",
            "another version");
    refuses("{\"schema\": \"logen-summary/1\", \"lines\": []}", "a logen summary without lines",
            "no lines");
}

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

/* The page of doc, in a heap string (free it). */
static char *page_of(json_t *doc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *label = "unit";
    is_int(lg_report_html_write(&doc, &label, 1, f), 0, "the page is written");
    fclose(f);
    return buf;
}

static void test_page(void)
{
    json_t *doc = summary_doc();
    char *page = page_of(doc);
    json_decref(doc);
    ok(strstr(page, "@@LOGEN_") == NULL, "every marker replaced");
    ok(strstr(page, "<style>") && strstr(page, "svg.chart"), "the style is inline");
    like(page, "\\u003c/script>\\u003c!--x", "the name's '<' are escaped");
    const char *open = "<script type=\"application/json\" id=\"logen-data\">";
    char *data = strstr(page, open);
    ok(data != NULL, "the data has its script element");
    if (!data)
        return;
    data += strlen(open);
    char *end = strstr(data, "</script>");
    ok(end && !memchr(data, '<', (size_t)(end - data)), "no '<' inside it: nothing closes it early");
    *end = '\0';
    json_t *d = json_loads(data, 0, NULL);
    ok(d != NULL, "the data is JSON");
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

int main(void)
{
    test_check();
    test_page();
    return done_testing();
}
