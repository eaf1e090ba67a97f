/* report_html.c -- the HTML report's page (see report_html.h): checks the
 * summary documents, turns their histograms into percentile curves, and
 * writes the page with its style, script and data inline.
 *
 * A curve is HdrHistogram's percentile distribution: points at
 * p = 100 (1 - 2^-(k/5)), five per halving of what is left, up to the
 * point where 1/(1-p) passes the count, then the maximum at 1 - 1/count;
 * a log scale on 1/(1-p) spreads them evenly. It is read from the decoded
 * histogram (exact counts, so the same percentiles as the summary's).
 * Does not draw anything (report.js does) nor read files (report_cmd.c). */
#include "report_html.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "summary_json.h"

#define CURVE_TICKS_PER_HALF 5
#define CURVE_MAX_HALVINGS 40

/* ==== curves ============================================================= */

/* The percentile curve of h, [[p, ms], ...]; max_ms is the row's exact max. */
static json_t *curve(const struct lg_hist *h, double max_ms)
{
    json_t *a = json_array();
    uint64_t n = lg_hist_count(h);
    for (int k = 0; n > 0 && k <= CURVE_MAX_HALVINGS * CURVE_TICKS_PER_HALF; k++) {
        double left = pow(2.0, -(double)k / CURVE_TICKS_PER_HALF); /* 1 - p */
        if (1.0 / left >= (double)n)
            break;
        double p = 100.0 * (1.0 - left);
        json_array_append_new(a, json_pack("[f, f]", p, (double)lg_hist_percentile(h, p) / 1e6));
    }
    if (n > 0)
        json_array_append_new(a, json_pack("[f, f]", 100.0 * (1.0 - 1.0 / (double)n), max_ms));
    return a;
}

/* The histogram of row o (a string member "histogram") becomes "curve". */
static void row_curve(json_t *o)
{
    const char *text = json_string_value(json_object_get(o, "histogram"));
    const json_t *max = json_object_get(o, "max");
    struct lg_hist h;
    if (text && lg_hist_decode(&h, text, strlen(text), NULL) == 0) {
        double max_ms = json_is_number(max) ? json_number_value(max)
                                            : (double)lg_hist_max(&h) / 1e6;
        json_object_set_new(o, "curve", curve(&h, max_ms));
        lg_hist_fini(&h);
    }
    json_object_del(o, "histogram");
}

/* Every histogram under v, at any depth, becomes a curve. */
static void curves(json_t *v)
{
    const char *key;
    json_t *m;
    size_t i;
    if (json_is_array(v)) {
        json_array_foreach(v, i, m)
            curves(m);
    } else if (json_is_object(v)) {
        if (json_object_get(v, "histogram"))
            row_curve(v);
        json_object_foreach(v, key, m)
            curves(m);
    }
}

/* The per-interval histograms are left out: too large, and not drawn. */
static void strip_intervals(json_t *doc)
{
    json_t *iv, *ln;
    size_t i, l;
    json_array_foreach(json_object_get(doc, "intervals"), i, iv)
        json_array_foreach(json_object_get(iv, "lines"), l, ln)
            json_object_del(ln, "histogram");
}

/* ==== the page =========================================================== */

/* s as the content of a <script> element: every '<' as \u003c, which
 * JSON reads back as '<' (it occurs only inside strings). */
static int put_script_json(const char *s, FILE *f)
{
    for (const char *p = s; *p; p++) {
        const char *lt = strchr(p, '<');
        size_t n = lt ? (size_t)(lt - p) : strlen(p);
        if (n && fwrite(p, 1, n, f) != n)
            return -1;
        if (!lt)
            break;
        if (fputs("\\u003c", f) == EOF)
            return -1;
        p = lt;
    }
    return 0;
}

/* The page's data: {"report": "logen-report/1", "runs": [{label, summary}],
 * "compare": extra} ("compare" only when extra is not NULL). */
static int put_data(json_t *const *docs, const char *const *labels, int n, const json_t *extra,
                    FILE *f)
{
    json_t *runs = json_array();
    for (int i = 0; i < n; i++) {
        strip_intervals(docs[i]);
        curves(docs[i]);
        json_array_append_new(runs, json_pack("{s:s, s:O}", "label", labels[i], "summary", docs[i]));
    }
    json_t *o = json_pack("{s:s, s:o}", "report", "logen-report/1", "runs", runs);
    if (extra)
        json_object_set(o, "compare", (json_t *)extra);
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    int rc = put_script_json(text, f);
    free(text);
    return rc;
}

/* The sources that replace the template's @@LOGEN_<NAME>@@ markers. */
static const struct {
    const char *name;
    const char *text;
    const size_t *len;
} page_parts[] = {
    { "CSS@@", lg_report_page_css, &lg_report_page_css_len },
    { "CHART@@", lg_report_page_chart, &lg_report_page_chart_len },
    { "JS@@", lg_report_page_js, &lg_report_page_js_len },
};

/* The template with its markers replaced: the sources, and the data at
 * @@LOGEN_DATA@@. */
int lg_report_html_write(json_t *const *docs, const char *const *labels, int n,
                         const json_t *compare, FILE *f)
{
    static const char mark[] = "@@LOGEN_";
    const char *p = lg_report_page_html, *end = p + lg_report_page_html_len;
    while (p < end) {
        const char *m = strstr(p, mark);
        size_t len = m ? (size_t)(m - p) : (size_t)(end - p);
        if (fwrite(p, 1, len, f) != len)
            return -1;
        if (!m)
            break;
        m += sizeof mark - 1;
        int rc = strncmp(m, "DATA@@", 6) == 0 ? put_data(docs, labels, n, compare, f) : 0;
        for (size_t i = 0; i < sizeof page_parts / sizeof page_parts[0]; i++)
            if (strncmp(m, page_parts[i].name, strlen(page_parts[i].name)) == 0 &&
                fwrite(page_parts[i].text, 1, *page_parts[i].len, f) != *page_parts[i].len)
                rc = -1;
        const char *close = strstr(m, "@@");
        if (rc < 0 || !close)
            return -1;
        p = close + 2;
    }
    return fflush(f) == EOF || ferror(f) ? -1 : 0;
}

/* The one place the summary JSON writer is called for a report. */
json_t *lg_report_html_doc(const struct lg_results *r, const struct lg_thresholds *th, int status)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return NULL;
    int rc = lg_sumjson_write(r, th, status, mem);
    if (fclose(mem) != 0)
        rc = -1;
    json_t *doc = rc == 0 ? json_loadb(buf, len, 0, NULL) : NULL;
    free(buf);
    if (!doc && rc == 0)
        errno = EINVAL;
    return doc;
}

int lg_report_html_run(const struct lg_results *r, const struct lg_thresholds *th, int status,
                       FILE *f)
{
    const char *label = "this run";
    json_t *doc = lg_report_html_doc(r, th, status);
    if (!doc)
        return -1;
    int rc = lg_report_html_write(&doc, &label, 1, NULL, f);
    json_decref(doc);
    return rc;
}
