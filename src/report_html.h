/* report_html.h -- the HTML report: one self-contained page drawn from
 * summary documents (schema logen-summary/1, src/summary-1.schema.json),
 * written at the end of a run (--report FILE.html), afterwards from
 * summary JSON files (logen report SUMMARY.json... -o FILE.html, several
 * merged into one), or from a comparison of two (logen compare BASE.json
 * NEW.json -o FILE.html: both runs on the same charts, and compare.c's
 * table).
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

/* Writes the report of the summaries docs[0..n) to f, each named by its
 * label: n is 1 (a run, or a merged one), or 2 for a comparison (BASE,
 * then NEW, drawn fainter on the same charts), with `compare` (NULL: none)
 * the comparison's table (compare.c) embedded as it is. docs are summaries
 * lg_results_load accepts; they are modified: their histograms become
 * curves. Returns 0, or -1 when writing failed (errno set). */
int lg_report_html_write(struct json_t *const *docs, const char *const *labels, int n,
                         const struct json_t *compare, FILE *f);

/* The summary document of r (r, th and status as for lg_sumjson_write),
 * for the page: a new reference (json_decref it), or NULL (errno set). */
struct json_t *lg_report_html_doc(const struct lg_results *r, const struct lg_thresholds *th,
                                  int status);

/* --report: the report of the run that just ended, from its summary JSON
 * (r, th and status as for lg_sumjson_write), to f. Returns 0, or -1 when
 * it could not be made or written (errno set). */
int lg_report_html_run(const struct lg_results *r, const struct lg_thresholds *th, int status,
                       FILE *f);

/* ---- files (report_cmd.c) --------------------------------------------- */

/* The summary at path for the page, as it was written, once lg_results_load
 * accepts it: a new reference, or NULL with one line in err,
 * "logen: CMD: PATH: reason". With res not NULL, *res is set to what
 * lg_results_load read (free it with lg_results_free) when a document is
 * returned. */
struct json_t *lg_report_read(const char *cmd, const char *path, struct lg_results **res,
                              char *err, size_t errlen);

/* The file at path, created 0644 or truncated, for the page: NULL with
 * one line in err ("logen: CMD: -o: cannot open ..."). */
FILE *lg_report_html_open(const char *cmd, const char *path, char *err, size_t errlen);

/* Writes the page (lg_report_html_write's arguments) to f, opened on path
 * by lg_report_html_open, and closes it. Returns 0, or 1 after one line on
 * stderr saying why writing failed. */
int lg_report_html_put(const char *cmd, const char *path, FILE *f, struct json_t *const *docs,
                       const char *const *labels, int n, const struct json_t *compare);

/* logen report SUMMARY.json... -o FILE.html (argv[1] is "report"): one
 * summary drawn, or several merged (lg_merge_load) and drawn as one run.
 * Returns the exit status: 0, 1 when writing failed (said on stderr), 2 for
 * bad input with err holding the one line that says so. */
int lg_report_command(int argc, char **argv, char *err, size_t errlen);

#endif
