/*
 * rchart.h - the report's charts: drawing them through the report's one
 * gnuplot process (plot.h) and inlining each in the HTML with its caption.
 *
 * Internal to the report stage. Each builder takes its points or rows from
 * rdata.h, so a hidden row or point is never drawn: it is named in the
 * series' key entry or the caption instead. A chart with nothing to draw
 * becomes a "No data" line.
 */
#ifndef IMGO_RCHART_H
#define IMGO_RCHART_H

#include "plot.h"
#include "rdata.h"

/* Renders c (OUT/charts/NAME.svg, .png) and inlines its SVG in a figure
 * with the caption; a "No data" line when c has nothing to draw. */
int rep_chart(struct rep *r, const struct plot_chart *c, const char *caption, struct imgo_err *err);

/* A chart with one layer per series of a chart's points. */
struct series_opts {
    enum chart_id chart;      /* chart_points chart */
    const char *only_series;  /* NULL: every series */
    const char *only_label;   /* NULL: every label */
    const char *name, *title, *xlabel, *ylabel, *caption;
    int style;                /* PLOT_POINTS_YERR, PLOT_LINESPOINTS or PLOT_BOXES */
    int colour;               /* 0: each series its group's colour; else this one */
    const char *label_column; /* x categories are values of this cohort column: in words */
    const char *series_column;/* series are values of this cohort column: in words */
    int proportion;           /* y from 0 to 1 */
    int x_years;              /* x tics every 1 */
    int x_categories;         /* x tics named by the points' labels */
    double x_shift;           /* added to x (weeks 0..5 shown as 1..6) */
    int has_hline, has_vline;
    double hline, vline;
    const char *hline_title, *vline_title;
};
int rep_series_chart(struct rep *r, const struct series_opts *o, struct imgo_err *err);

/* Funnel plots (evaluators, programs): the two lines of a level's limits
 * (series "limit95" or "limit998"; lo the lower, hi the upper line, dashed
 * by the level) added at layers; returns the number of layers (2). */
size_t rep_funnel_limits(struct plot_layer *layers, const char *series, size_t m, const double *x,
                         const double *lo, const double *hi);

/* An x range around every point of the layers with a margin of frac of
 * its width, at least pad_min, never below 0 (counts on the x axis): no
 * point sits on the frame, and points of one x still get a range (gnuplot
 * refuses an empty one). Nothing when no point has a finite x. */
void rep_xrange_counts(struct plot_chart *c, const struct plot_layer *layers, size_t nl, double pad_min,
                       double frac);

/* The options of a rate by year: points with Wilson bars, y a proportion
 * from 0 to 1, a tic per year. */
void rep_yearly_opts(struct series_opts *o, enum chart_id chart, const char *title, const char *xlabel,
                     const char *ylabel, const char *caption);

/* Kaplan-Meier step curves with their bands and censoring ticks, one per
 * series of chart, and the table of the number at risk under it; a
 * group's counts are published as text of its row of metric in stratum. */
int rep_km_chart(struct rep *r, enum chart_id chart, enum metric_id metric, const char *stratum, const char *title,
                 const char *xlabel, struct imgo_err *err);

/* A forest plot of metric's img_vs_non_img rows with strata prefix...;
 * ratio: a log x axis with the no-difference line at 1; label_column: the
 * strata are values of this cohort column, shown in words (or NULL). */
int rep_forest(struct rep *r, enum metric_id metric, const char *prefix, enum chart_id chart, const char *title,
               const char *xlabel, int ratio, const char *label_column, const char *caption,
               struct imgo_err *err);

/* An axis that holds the data from lo to hi and the reference line ref
 * (no difference: 0, or 1 for a ratio on a log axis) with a margin of 8%
 * of the span on each side, so that the line never sits on the frame. */
void rep_axis_range(double lo, double hi, double ref, int logscale, double *min, double *max);

/* The colour of a group's series (all, img, non_img) in every chart. */
extern const int rep_group_colour[3];

#endif
