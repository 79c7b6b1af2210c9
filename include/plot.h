/*
 * plot.h - charts through one gnuplot process for a whole report.
 *
 * plot_open starts gnuplot once (fork/exec, fed through a pipe); each
 * plot_render writes OUT/charts/NAME.svg and NAME.png and waits until
 * gnuplot has finished them, so a chart that fails is reported as that
 * chart's error (anything gnuplot writes on stderr is an error, and so is
 * a file that does not end as an SVG or PNG ends: gnuplot does not report a
 * full disk); plot_close
 * ends the process and checks its exit status.
 *
 * Safety: numbers reach gnuplot only inside datablocks whose lines are
 * numbers written by this module and whose terminator is checked against
 * every line; every text (titles, axis labels, category labels, series
 * titles) is passed as a gnuplot single-quoted string with control
 * characters removed and ' doubled, so backquotes, system(), @macros and
 * datablock terminators in data are plain text; enhanced-text markup is
 * off. Output bytes are deterministic: no dates, fixed sizes and fonts.
 *
 * Ownership: the caller owns every chart structure and its arrays; plot_open's
 * caller calls plot_close (also after an error, to reap the process).
 */
#ifndef IMGO_PLOT_H
#define IMGO_PLOT_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Okabe-Ito colours, safe for the common colour-vision deficiencies, with
 * the light ones (orange, sky blue, yellow, purple) darkened so that every
 * colour has a contrast of at least 3:1 against the white background. */
enum plot_colour {
    PLOT_BLACK, PLOT_ORANGE, PLOT_SKYBLUE, PLOT_GREEN, PLOT_YELLOW, PLOT_BLUE,
    PLOT_VERMILLION, PLOT_PURPLE, PLOT_N_COLOURS
};

enum plot_style {
    PLOT_STEPS,      /* a step function (Kaplan-Meier): x, y */
    PLOT_BAND,       /* a shaded band between lo and hi (steps): x, lo, hi */
    PLOT_POINTS_YERR,/* points with vertical intervals: x, y, lo, hi */
    PLOT_POINTS_XERR,/* points with horizontal intervals (forest): x=estimate, y, lo, hi */
    PLOT_POINTS,     /* points: x, y */
    PLOT_LINES,      /* a line through x, y (funnel limits) */
    PLOT_LINESPOINTS,/* a line with points through x, y (adherence) */
    PLOT_BOXES,      /* bars of height y at x, chart.box_width wide (counts) */
    PLOT_CENSOR      /* censoring ticks on a curve: x, y */
};

/* One layer of a chart. NAN values are left out (a gap). */
struct plot_layer {
    int style;            /* enum plot_style */
    const char *title;    /* key entry; NULL or "" for none */
    int colour;           /* enum plot_colour */
    int dash;             /* 0 solid, 1.. gnuplot dash types */
    size_t n;
    const double *x, *y, *lo, *hi; /* lo/hi only where the style uses them */
};

struct plot_chart {
    const char *name;     /* file base name: [a-z0-9_-]+, at most 64 bytes */
    const char *title;    /* also the SVG's <title> */
    const char *desc;     /* the SVG's <desc>: what it shows and where its
                           * numbers are; NULL for none */
    const char *xlabel, *ylabel;  /* with units */
    int has_xrange, has_yrange;
    double xmin, xmax, ymin, ymax;
    int xlog;             /* logarithmic x axis (odds ratios) */
    int x_integer_tics;   /* x tics every 1 (years) */
    double box_width;     /* PLOT_BOXES: bar width in x units (0: 0.8) */
    /* Category tics: xlabels[i] at x = i + 1 (groups, visas). */
    const char *const *xlabels;
    size_t n_xlabels;
    /* Category tics: ylabels[i] at y = i + 1 (forest plots). */
    const char *const *ylabels;
    size_t n_ylabels;
    /* Reference lines. */
    int has_hline, has_vline;
    double hline, vline;
    const char *hline_title;
    struct plot_layer *layers;
    size_t n_layers;
};

struct plot;

/* Starts gnuplot for charts written to DIR/charts (created if missing).
 * Errors: gnuplot not in PATH, cannot start, cannot create the directory
 * (IMGO_EIO). */
int plot_open(struct plot **out, const char *dir, struct imgo_err *err);

/* 1 when some layer of c has a point to draw (a finite value). */
int plot_has_data(const struct plot_chart *c);

/* Renders one chart to DIR/charts/NAME.svg and NAME.png and waits for them.
 * On failure (gnuplot error or exit, or nothing to draw: check with
 * plot_has_data first) returns IMGO_EIO naming the chart. */
int plot_render(struct plot *p, const struct plot_chart *c, struct imgo_err *err);

/* Ends gnuplot, checks its exit status and frees p. Returns the first error
 * of the session if plot_render had failed. p may be NULL. */
int plot_close(struct plot *p, struct imgo_err *err);

/* The colour as "#RRGGBB". */
const char *plot_colour_hex(int colour);

/* Appends s as a gnuplot single-quoted string literal: control characters
 * dropped, ' doubled. Exposed for tests. */
void plot_quote(struct buf *b, const char *s);

/* Appends the gnuplot script of chart c (without terminal/output lines):
 * datablocks and plot commands. Exposed for tests. token is the datablock
 * terminator seed (plot chooses one that no data line equals). */
void plot_script(struct buf *b, const struct plot_chart *c, unsigned serial);

#endif
