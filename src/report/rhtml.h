/*
 * rhtml.h - how a report writes what it shows: numbers, estimates with
 * their intervals, suppressed and missing cells, table rows, sections and
 * the document head.
 *
 * Internal to the report stage. Every number a report prints goes through
 * these functions, so each is formatted one way (percentages to one
 * decimal, never "-0", "n/a" for what cannot be estimated) and a hidden row
 * never shows a figure. Text from data is entity-escaped (html.h).
 */
#ifndef IMGO_RHTML_H
#define IMGO_RHTML_H

#include "buf.h"
#include "rdata.h"

/* "All residents", "IMG", "Non-IMG", "IMG vs non-IMG"; other text as is. */
const char *rep_group_label(const char *group);

/* A number rounded to decimals, never "-0". */
void rep_num(struct buf *b, double v, int decimals);

/* A value as the registry's enum metric_show says ("n/a" when not finite). */
void rep_value(struct buf *b, double v, enum metric_show fmt);

/* A p-value: "< 0.001" or "= 0.123" ("n/a" when not finite). */
void rep_p(struct buf *b, double p);

/* The label of a hidden figure: "fewer than 5" (HTML), and the words of a
 * chart's key or caption for points not drawn. */
void rep_supp(const struct rep *r, struct buf *b);
void rep_supp_text(const struct rep *r, char *out, size_t n);

/* The label of a hidden row by why it is hidden ("fewer than 5", or
 * "hidden: protects a small group" explained in Methods), and its fields
 * published as hidden (the small count as its label says). m may be NULL
 * (the small label). */
void rep_hidden(struct rep *r, struct buf *b, const struct mrow *m);

/* Every function below that prints a number of a row publishes it
 * (rep_publish) as printed: nothing else may print a row's number. Each
 * prints "no data" for a NULL row and the row's label when it is hidden. */

/* An estimate with its interval: "no data" for NULL or an empty group,
 * the label of a hidden row. show_n: 0 nothing, 1 "n = N", 2 "K of N"
 * below it. */
void rep_est(struct rep *r, struct buf *b, const struct mrow *m, enum metric_show fmt, int show_n);

/* A count of row m (v: its n, its k, or a count stated in text, field
 * text:NAME), or the row's label when it is hidden. */
void rep_count(struct rep *r, struct buf *b, const struct mrow *m, const char *field, long v);

/* The value of a row alone, as fmt prints it ("n/a" when it has none). */
void rep_row_value(struct rep *r, struct buf *b, const struct mrow *m, enum metric_show fmt);

/* "p = 0.033" (and "q ..." after a line break when with_q). */
void rep_pvalue(struct rep *r, struct buf *b, const struct mrow *m, int with_q);

/* A table cell with the row's p (and q when with_q); "no data" for an
 * empty group. */
void rep_p_cell(struct rep *r, struct buf *b, const struct mrow *m, int with_q);

/* A "No data: WHAT" paragraph. */
void rep_no_data(struct buf *b, const char *what);

/* 1 when every cohort file metric counts was provided; otherwise writes
 * "No data: FILE was not provided." naming them and returns 0, so that a
 * section never shows a figure built from a file nobody gave. */
int rep_require(struct rep *r, enum metric_id metric);

/* The same test: 1 and "FILE was not provided" appended to out when a file
 * metric counts was not provided, else 0. */
int rep_missing(const struct rep *r, enum metric_id metric, struct buf *out);

/* A table of all / IMG / non-IMG columns: the head (first column's title,
 * extra header cells as HTML or NULL), a row, and a row left open for
 * extra cells (close it with "</tr>\n"). */
void rep_group_head(struct buf *b, const char *first, const char *extra);
void rep_group_row(struct rep *r, struct buf *b, const char *label, enum metric_id metric,
                   const char *stratum, const char *period, enum metric_show fmt, int show_n);
void rep_group_cells(struct rep *r, struct buf *b, const char *label, enum metric_id metric,
                     const char *stratum, const char *period, enum metric_show fmt, int show_n);

/* The header cells of an IMG minus non-IMG difference and its p, named by
 * their methods, and a row's two cells of them (metric's img_vs_non_img
 * row at stratum and period). */
extern const char REP_DIFF_HEAD[];  /* Newcombe interval, Fisher exact p */
extern const char REP_WELCH_HEAD[]; /* Welch interval and t */
void rep_diff_cells(struct rep *r, enum metric_id metric, const char *stratum, const char *period);

/* "<section id=ID>" and its numbered heading. */
void rep_section(struct buf *b, const char *id, int number, const char *title);

/* An enumerated value of a column in words, with its code in small type
 * ("H-1B <span class=code>h1b</span>"); the value alone when it has no
 * label. rep_label_text: the words only (for charts). */
void rep_label(struct buf *b, const char *column, const char *value);
const char *rep_label_text(const char *column, const char *value);

/* A subcompetency code in words: its ACGME competency and number, the code
 * in small type ("Interpersonal and communication skills 1 <span
 * class=code>ICS1</span>"); the code alone when its prefix is not one of
 * the six competencies. */
void rep_subcompetency(struct buf *b, const char *code);

/* The document head: title, inline CSS, the running header of printed
 * pages (running: text from data, escaped for CSS here), and for a
 * confidential document the mark in every printed page's top margin and
 * at the top of the screen. */
void rep_head(struct buf *h, const char *title, const char *running, int confidential);

#endif
