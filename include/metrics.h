/*
 * metrics.h - the metric rows and chart points of a compute run, and every
 * rule for writing them (metrics.md "metrics.csv", docs/TABLES.md).
 *
 * The metric families add rows to a metric_set and points to a chart_set
 * in any order; the writers sort (metrics) or keep insertion order
 * (charts), format numbers one way (%.10g, -0 as 0, NAN and infinities as
 * an empty field / NULL) and quote text as RFC 4180 says, so two runs on the
 * same data give byte-identical files and tables.
 *
 * Ownership: whoever calls *_init calls *_release; the sets copy every
 * string they are given. Files are written atomically: a temporary file in
 * the same directory is renamed over the target only when complete.
 */
#ifndef IMGO_METRICS_H
#define IMGO_METRICS_H

#include <limits.h>
#include <stddef.h>

#include <sqlite3.h>

#include "buf.h"
#include "err.h"
#include "registry.h"
#include "stats.h"

/* An integer field that is empty (k of mentorship.mentor_load_max). */
#define METRIC_EMPTY LONG_MIN

struct metric_row {
    enum metric_id id;
    const char *metric;                      /* its registry name */
    char *group, *stratum, *period;          /* stratum, period "" when empty */
    long n, k;                               /* METRIC_EMPTY: empty field */
    double value, ci_low, ci_high, p, q;     /* NAN: empty field */
    int suppressed;
};

struct metric_set {
    struct metric_row *rows;
    size_t len, alloc;
    int min_cell; /* suppressed = n < min_cell */
};

void metric_set_init(struct metric_set *s, int min_cell);
void metric_set_release(struct metric_set *s);

/* Adds a row of metric id with e's value, interval and p (q NAN); stratum
 * and period may be NULL for empty. Returns the row, valid until the next
 * add. */
struct metric_row *metric_add(struct metric_set *s, enum metric_id id, const char *group,
                              const char *stratum, const char *period, long n, long k,
                              struct stats_est e);

/* Moves every row of src to the end of dst; src is left empty. */
void metric_set_take(struct metric_set *dst, struct metric_set *src);

/* Sets the q of the rows of metric id whose stratum starts with its
 * registry BH prefix: Benjamini-Hochberg over their p (rows with an empty p
 * are not in the family). Call once all of the family's rows are added. */
void metric_set_bh(struct metric_set *s, enum metric_id id);

/* Keeps the rows for which keep(row, arg) is non-zero, in their order, and
 * frees the others. */
void metric_set_filter(struct metric_set *s, int (*keep)(const struct metric_row *, void *), void *arg);

/* Sorts by metric, group, stratum, period in byte order (strcmp). */
void metric_set_sort(struct metric_set *s);

/* The whole metrics.csv text (header and sorted rows) appended to out.
 * The set must be sorted. */
void metric_set_csv(const struct metric_set *s, struct buf *out);

/* Replaces the rows of table metrics by the set's, inside the caller's
 * transaction. */
int metric_set_store(const struct metric_set *s, sqlite3 *db, struct imgo_err *err);

/* ---- chart points (docs/TABLES.md) ------------------------------------ */

struct chart_point {
    enum chart_id chart;
    enum metric_id metric;            /* the metric the point shows part of, or
                                         M_NONE: the chart's metrics as a whole */
    char *series, *label;
    double x, value, ci_low, ci_high; /* NAN: empty */
    long n, k;                        /* METRIC_EMPTY: empty */
    int suppressed;
};

struct chart_set {
    struct chart_point *pts;
    size_t len, alloc;
};

void chart_set_init(struct chart_set *c);
void chart_set_release(struct chart_set *c);

/* Adds a point (metric M_NONE); returns it, valid until the next add. */
struct chart_point *chart_add(struct chart_set *c, enum chart_id chart, const char *series, const char *label,
                              double x, long n, long k, double value, double ci_low, double ci_high,
                              int suppressed);

/* Keeps the points for which keep(point, arg) is non-zero, in their order. */
void chart_set_filter(struct chart_set *c, int (*keep)(const struct chart_point *, void *), void *arg);

/* Moves every point of src to the end of dst; src is left empty. */
void chart_set_take(struct chart_set *dst, struct chart_set *src);

/* The CSV of one chart's points (header and rows in insertion order). */
void chart_set_csv(const struct chart_set *c, enum chart_id chart, struct buf *out);

/* The CSV of the points of chart that have this label (as chart_set_csv). */
void chart_set_csv_label(const struct chart_set *c, enum chart_id chart, const char *label, struct buf *out);

/* The distinct labels of chart's points in byte order; the strings belong
 * to c, the caller frees the array. */
size_t chart_set_labels(const struct chart_set *c, enum chart_id chart, const char ***out);

/* File-name parts for the labels of a chart drawn once per label (one
 * chart per exam): out[i] names labels[i], lower-case [a-z0-9-] only (no
 * path separator, no dot), at most CHART_SLUG_MAX bytes, "x" when nothing
 * is left, and unique: a repeat gets "-2", "-3"... labels must be distinct
 * and in byte order (chart_set_labels) so that compute and report, which
 * both call this, agree. Returns n strings; free each and the array. */
#define CHART_SLUG_MAX 40
char **chart_label_slugs(const char *const *labels, size_t n);

/* Replaces the rows of table chart_points by the set's (seq from 1 per
 * chart, in insertion order), inside the caller's transaction. */
int chart_set_store(const struct chart_set *c, sqlite3 *db, struct imgo_err *err);

/* ---- formatting and files ---------------------------------------------- */

/* A number as metrics.md writes it: %.10g, -0 as 0, "" when not finite. */
void metric_format_number(double v, char *out, size_t size);

/* Appends s to out as one CSV field, quoted when it holds , " CR or LF. */
void metric_csv_field(struct buf *out, const char *s);

#endif
