/* report_html.h -- the HTML report: one self-contained page drawn from
 * summary documents (schema logen-summary/1, src/summary-1.schema.json),
 * written at the end of a run (--report FILE.html) or afterwards from a
 * summary JSON file (logen report SUMMARY.json -o FILE.html).
 *
 * The page is src/report/report.html with report.css, chart.js and
 * report.js inlined
 * and the summaries embedded as JSON (every `<` escaped, so nothing in it
 * can close its script tag); the four sources are compiled into the
 * binary at build time (src/report/embed.sh, Makefile), so an installed
 * logen needs no data file. The page loads nothing from anywhere: its
 * charts are SVG drawn by chart.js. The histograms are not embedded: each
 * row's is decoded here (lg_hist_decode) into its percentile curve, and the
 * per-interval ones are left out. Built with libjansson. */
#ifndef LG_REPORT_HTML_H
#define LG_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

struct json_t;         /* jansson.h */
struct lg_results;     /* results.h */
struct lg_thresholds;  /* threshold.h */

/* The page's sources (generated from src/report/ by the Makefile). */
extern const char lg_report_page_html[], lg_report_page_css[], lg_report_page_chart[],
    lg_report_page_js[];
extern const size_t lg_report_page_html_len, lg_report_page_css_len, lg_report_page_chart_len,
    lg_report_page_js_len;

/* 0 when doc is a summary this logen reads (schema logen-summary/1, with
 * its lines), else -1 with *why saying what is wrong (static; do not free). */
int lg_report_check(const struct json_t *doc, const char **why);

/* Writes the report of the summaries docs[0..n) to f, each named by its
 * label: n is 1 (a run, or a merged one); drawing a second run beside the
 * first is the page's job, for a comparison. docs have passed
 * lg_report_check; they are modified: their histograms become curves.
 * Returns 0, or -1 when writing failed (errno set). */
int lg_report_html_write(struct json_t *const *docs, const char *const *labels, int n, FILE *f);

/* --report: the report of the run that just ended, from its summary JSON
 * (r, th and status as for lg_sumjson_write), to f. Returns 0, or -1 when
 * it could not be made or written (errno set). */
int lg_report_html_run(const struct lg_results *r, const struct lg_thresholds *th, int status,
                       FILE *f);

/* logen report SUMMARY.json... -o FILE.html (argv[1] is "report"). Returns
 * the exit status: 0, 1 when writing failed (said on stderr), 2 for bad
 * input with err holding the one line that says so. */
int lg_report_command(int argc, char **argv, char *err, size_t errlen);

#endif
