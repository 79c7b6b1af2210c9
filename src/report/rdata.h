/*
 * rdata.h - what a report reads: the metrics rows, compute's parameters
 * and the chart points, with complementary suppression applied.
 *
 * Internal to the report stage (the public contract is include/report.h).
 * rep_load reads the metrics table into memory (a row per metric, group,
 * stratum and period: small), applies the complementary suppression rules
 * that the registry (include/registry.h) implies, and looks rows up by
 * metric id. Chart points are read per chart and follow their rows'
 * suppression. Nothing here writes HTML.
 *
 * Ownership: rep_load's caller calls rep_release; strings of rows and
 * points belong to them.
 */
#ifndef IMGO_RDATA_H
#define IMGO_RDATA_H

#include <sqlite3.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "registry.h"
#include "report.h"

/* Why a row is hidden. */
enum rep_hide {
    HIDE_NONE,      /* shown (an empty group, n = 0, shows "no data") */
    HIDE_SMALL,     /* it rests on fewer than min_cell residents */
    HIDE_COMPLEMENT /* it would let a reader work out a small one */
};

/* One row of the metrics table; n, k are -1 when empty and value, lo, hi,
 * p, q NAN. id is M_NONE for a metric this imgo does not know. */
struct mrow {
    enum metric_id id;
    char *metric, *group, *stratum, *period;
    long n, k;
    double value, lo, hi, p, q;
    int small;             /* compute's flag: fewer than min_cell residents */
    int suppressed;        /* hidden in this report (why says why) */
    enum rep_hide why;
};

/* A number the report prints (OUT/public.csv): a field of a row. */
struct rep_pub {
    size_t row;            /* index into rep.rows */
    char *field;           /* n, k, value, ci_low, ci_high, p_value, q_value, text:NAME */
    char *shown;           /* as printed; "" when hidden */
};

/* One row of chart_points. */
struct cpoint {
    char *series, *label;
    double x;
    long n, k;
    double value, lo, hi;
    int suppressed;
};

struct plot;

struct rep {
    sqlite3 *db;
    const char *out;
    struct mrow *rows; /* sorted by metric, group, stratum, period */
    size_t n_rows;
    char **info_k, **info_v; /* compute_info */
    size_t n_info, cap_info;
    int min_cell;
    double conf, fdr_q, threshold;
    int has_as_of, as_of;
    int sources_known;               /* compute recorded which files had rows */
    unsigned sources;                /* bit per enum cohort_file_id: it had rows */
    char **warnings;                 /* compute's warnings about the data */
    size_t n_warnings, cap_warnings;
    int n_figures;                   /* figures so far, for their numbers */
    int dry;                         /* a first pass that only collects what is printed */
    int publish;                     /* collect every printed number (rep_publish) */
    struct rep_pub *pub;
    size_t n_pub, cap_pub;
    struct plot *plot;               /* started at the first chart */
    struct buf *h;                   /* the HTML being written */
    const struct report_prov *prov;  /* may be NULL */
    void *kind_state;                /* a report kind's own data */
};

/* Reads metrics, compute_info, compute's record of the files and its
 * warnings from db. Rows start shown; compute's flag is kept in small.
 * IMGO_EUSAGE when the database holds no computed metrics. */
int rep_load(struct rep *r, struct imgo_err *err);
void rep_release(struct rep *r);

/* Records that the report prints field of row m as shown ("" for hidden);
 * a no-op unless r->publish. The same field printed twice is kept once. */
void rep_publish(struct rep *r, const struct mrow *m, const char *field, const char *shown);
void rep_pub_clear(struct rep *r);

/* Chooses what the report hides, from what it prints (r->pub, collected by
 * a first pass with every row shown): the rows of fewer than min_cell
 * residents, and, chosen by the audit (disclose.h), as few and as small
 * other rows as make every hidden count impossible to work out; then every
 * comparison resting on a hidden group, and the points of hidden rows.
 * IMGO_EIO when no choice protects a count (the message names it). */
int rep_hide(struct rep *r, struct imgo_err *err);

/* The same without the audit, for a document that is not published (the
 * committee packet): small rows, their other group, and the comparisons
 * resting on them. */
void rep_hide_simple(struct rep *r);

/* Proves the report as printed (r->pub): builds the audit model from the
 * printed numbers alone, as a reader has them, and checks every hidden
 * count. IMGO_EIO naming the first count a reader could work out. */
int rep_verify(struct rep *r, struct imgo_err *err);

/* Writes r->pub as public.csv (header metric,group,stratum,period,field,
 * shown; sorted like metrics.csv, then by field) atomically to path. */
int rep_write_public(const struct rep *r, const char *path, struct imgo_err *err);

/* 1 when compute found rows of file f, 0 when the file was not provided
 * (or held only its header), -1 when the database does not say. */
int rep_source(const struct rep *r, enum cohort_file_id f);

/* compute_info's value of key, or NULL. */
const char *rep_info(const struct rep *r, const char *key);

/* The row of (metric, group, stratum, period), or NULL ("" for empty). */
const struct mrow *rep_find(const struct rep *r, enum metric_id metric, const char *group, const char *stratum,
                            const char *period);

/* 1 when metric has any row. */
int rep_has(const struct rep *r, enum metric_id metric);

/* Distinct strata of metric starting with prefix (e.g. "exam="), sorted.
 * The strings belong to r's rows; free only the array. */
size_t rep_strata(const struct rep *r, enum metric_id metric, const char *prefix, const char ***out);

/* Distinct periods of metric in stratum: years ascending, then spans,
 * then the empty period. Free only the array. */
size_t rep_periods(const struct rep *r, enum metric_id metric, const char *stratum, const char ***out);

/* chart_points rows of one chart, ordered by series then seq, with the
 * suppression of their metrics rows and complementary suppression between
 * img and non_img points. Returns the count; *out is freed with
 * rep_points_free. On a database error returns 0 with err set. */
size_t rep_points(struct rep *r, enum chart_id chart, struct cpoint **out, struct imgo_err *err);
void rep_points_free(struct cpoint *p, size_t n);

/* NAME_SLUG of one label's chart of a chart drawn once per label
 * (malloc'd), NULL when the label has no point. */
char *rep_chart_name(struct rep *r, enum chart_id chart, const char *label, struct imgo_err *err);

#endif
