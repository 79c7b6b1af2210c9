/*
 * report_int.h - what the report modules share (report.c loads and
 * formats, report_annual.c and report_quarterly.c write the sections).
 * Internal to the report; the public contract is include/report.h.
 */
#ifndef IMGO_REPORT_INT_H
#define IMGO_REPORT_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "plot.h"
#include "report.h"

/* One row of the metrics table (metrics.md); n, k are -1 when empty and
 * value, lo, hi, p, q NAN. */
struct mrow {
    char *metric, *group, *stratum, *period;
    long n, k;
    double value, lo, hi, p, q;
    int suppressed;
};

/* One row of chart_points. */
struct cpoint {
    char *series, *label;
    double x;
    long n, k;
    double value, lo, hi;
    int suppressed;
};

struct rep {
    sqlite3 *db;
    const char *out;
    struct mrow *rows;
    size_t n_rows;
    char **info_k, **info_v;
    size_t n_info;
    int min_cell;
    double conf, fdr_q, threshold;
    int has_as_of, as_of;
    struct plot *plot; /* started at the first chart */
    struct buf *h;     /* the HTML being written */
    const struct report_prov *prov; /* may be NULL */
};

enum rep_fmt { FMT_PCT, FMT_PP, FMT_NUM, FMT_RATIO, FMT_INT, FMT_CHI };

const char *rep_group_label(const char *g);
const char *rep_info(const struct rep *r, const char *key);
const struct mrow *rep_find(const struct rep *r, const char *metric, const char *group,
                            const char *stratum, const char *period);
int rep_has(const struct rep *r, const char *metric);
size_t rep_strata(const struct rep *r, const char *metric, const char *prefix, const char ***out);
size_t rep_periods(const struct rep *r, const char *metric, const char *stratum, const char ***out);
void rep_num(struct buf *b, double v, int decimals);
void rep_value(struct buf *b, double v, int fmt);
void rep_p(struct buf *b, double p);
void rep_supp(const struct rep *r, struct buf *b);
void rep_supp_text(const struct rep *r, char *out, size_t n);
/* show_n: 0 nothing, 1 "n = N", 2 "K of N". */
void rep_est(const struct rep *r, struct buf *b, const struct mrow *m, int fmt, int show_n);
void rep_p_cell(const struct rep *r, struct buf *b, const struct mrow *m, int with_q);
void rep_no_data(struct buf *b, const char *what);
void rep_section(struct buf *b, const char *id, const char *title);
void rep_group_head(struct buf *b, const char *first, const char *extra);
void rep_group_row(const struct rep *r, struct buf *b, const char *label, const char *metric,
                   const char *stratum, const char *period, int fmt, int show_n);
void rep_head(struct buf *h, const char *title, int confidential);
void rep_info_int(struct rep *r);
int rep_chart(struct rep *r, const struct plot_chart *c, const char *caption, struct imgo_err *err);
size_t rep_points(struct rep *r, const char *chart, struct cpoint **out, struct imgo_err *err);
void rep_points_free(struct cpoint *p, size_t n);
/* NAME_SLUG of one label's chart (malloc'd), NULL when the label has no point. */
char *rep_chart_name(struct rep *r, const char *chart, const char *label, struct imgo_err *err);

int rep_annual(struct rep *r, struct imgo_err *err);
int rep_quarterly(struct rep *r, struct imgo_err *err);

#endif
